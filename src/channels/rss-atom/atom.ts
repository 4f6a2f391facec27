// Atom 1.0 (RFC 4287) entries, with the threading extension (RFC 4685: thr:count, thr:in-reply-to).
import type { Author } from '../../core/model.ts'
import { parseFeedDate } from './feed-date.ts'
import {
  baseOf, countOf, externalIdLengthMax, feedAuthor, langOf, webSchemes, type FeedContext, type FeedItem,
} from './feed-item.ts'
import { htmlToText, safeUrl } from './html-text.ts'
import { childNamed, childrenNamed, childText, serialize, textContent, type XmlElement } from './xml-tree.ts'

/** Atom elements as written with the default namespace or an `atom:` prefix. */
function atom(name: string): string[] {
  return [name, `atom:${name}`]
}

export function atomEntries(root: XmlElement): { items: XmlElement[]; feed: FeedContext } {
  const self = linkHref(root, 'self', null)
  const base = baseOf(root, self ?? linkHref(root, 'alternate', null))
  const feed: FeedContext = {
    base,
    link: linkHref(root, 'alternate', base),
    id: childText(root, atom('id')),
    title: textConstruct(childNamed(root, atom('title')), base) || null,
    date: parseFeedDate(childText(root, atom('updated'))),
    langs: langOf(root.attrs.get('xml:lang')),
    author: null,
  }
  feed.author = atomAuthor(root, feed)
  return { items: childrenNamed(root, atom('entry')), feed }
}

/** Null when the entry has neither id nor link. */
export function atomEntry(entry: XmlElement, feed: FeedContext): FeedItem | null {
  const base = baseOf(entry, feed.base)
  const url = linkHref(entry, 'alternate', base)
  const externalId = childText(entry, atom('id')) ?? url
  if (externalId === null || externalId.length > externalIdLengthMax) return null
  const entryLangs = langOf(entry.attrs.get('xml:lang'))
  const source = childNamed(entry, atom('source'))
  return {
    externalId,
    title: textConstruct(childNamed(entry, atom('title')), base),
    body: textConstruct(childNamed(entry, atom('content')), base) || textConstruct(childNamed(entry, atom('summary')), base),
    author: atomAuthor(entry, feed) ?? (source === null ? null : atomAuthor(source, feed)) ?? feed.author ?? feedAuthor(null, null, feed),
    createdAt: parseFeedDate(childText(entry, atom('published'))) ?? parseFeedDate(childText(entry, atom('updated'))) ?? feed.date ?? new Date(0),
    url,
    replies: replyCount(entry),
    parentExternalId: inReplyTo(entry),
    langs: entryLangs.length > 0 ? entryLangs : feed.langs,
    raw: serialize([entry]),
  }
}

/** Atom text constructs: type text (default), html (escaped markup) or xhtml (inline markup). */
function textConstruct(el: XmlElement | null, base: string | null): string {
  if (el === null || el.attrs.has('src')) return ''
  const type = (el.attrs.get('type') ?? 'text').toLowerCase()
  const ownBase = baseOf(el, base)
  if (type === 'xhtml' || type === 'application/xhtml+xml') return htmlToText(serialize(el.children), ownBase)
  if (type === 'html' || type === 'text/html') return htmlToText(textContent(el), ownBase)
  if (type === 'text' || type.startsWith('text/')) return textContent(el).trim()
  return ''
}

/** href of the first link with that rel ("alternate" also matches a link without rel), resolved. */
function linkHref(el: XmlElement, rel: string, base: string | null): string | null {
  const links = childrenNamed(el, atom('link')).filter((link) => (link.attrs.get('rel') ?? 'alternate') === rel)
  const preferred = links.find((link) => (link.attrs.get('type') ?? 'text/html') === 'text/html') ?? links[0]
  const href = preferred?.attrs.get('href')
  return href === undefined ? null : safeUrl(href, baseOf(preferred ?? el, base), webSchemes)
}

function atomAuthor(el: XmlElement, feed: FeedContext): Author | null {
  const author = childNamed(el, atom('author'))
  if (author === null) return null
  const name = childText(author, atom('name'))
  const email = childText(author, atom('email'))
  return name === null && email === null ? null : feedAuthor(name, email, feed)
}

function replyCount(entry: XmlElement): number | null {
  const replies = childrenNamed(entry, atom('link')).filter((link) => link.attrs.get('rel') === 'replies')
  for (const link of replies) {
    const count = countOf(link.attrs.get('thr:count'))
    if (count !== null) return count
  }
  return null
}

function inReplyTo(entry: XmlElement): string | null {
  const ref = childNamed(entry, ['thr:in-reply-to'])?.attrs.get('ref')?.trim() ?? ''
  return ref === '' || ref.length > externalIdLengthMax ? null : ref
}

// RSS 2.0 (<rss><channel><item>) and RSS 1.0 / RDF (<rdf:RDF><channel/><item>) items.
import type { Author } from '../../core/model.ts'
import { parseFeedDate } from './feed-date.ts'
import { baseOf, countOf, externalIdLengthMax, feedAuthor, langOf, webSchemes, type FeedContext, type FeedItem } from './feed-item.ts'
import { htmlToText, safeUrl } from './html-text.ts'
import { childNamed, childrenNamed, childText, serialize, type XmlElement } from './xml-tree.ts'

const atomLinks = ['atom:link', 'atom10:link']

export function rssItems(root: XmlElement): { items: XmlElement[]; feed: FeedContext } {
  const channel = childNamed(root, ['channel'])
  const items = [...childrenNamed(root, ['item']), ...(channel === null ? [] : childrenNamed(channel, ['item']))]
  return { items, feed: rssContext(root, channel) }
}

function rssContext(root: XmlElement, channel: XmlElement | null): FeedContext {
  const self = channel === null ? null : selfLink(channel)
  const rawLink = channel === null ? null : childText(channel, ['link'])
  const link = rawLink === null ? null : safeUrl(rawLink, self, webSchemes)
  const rootBase = baseOf(root, self ?? link)
  return {
    base: channel === null ? rootBase : baseOf(channel, rootBase),
    link,
    id: null,
    title: channel === null ? null : childText(channel, ['title']),
    date: channel === null ? null : parseFeedDate(childText(channel, ['pubDate', 'lastBuildDate', 'dc:date'])),
    langs: channel === null ? [] : langOf(childText(channel, ['language', 'dc:language'])),
    author: null,
  }
}

function selfLink(channel: XmlElement): string | null {
  const self = childrenNamed(channel, atomLinks).find((el) => el.attrs.get('rel') === 'self')
  const href = self?.attrs.get('href')
  return href === undefined ? null : safeUrl(href, null, webSchemes)
}

/** Null when the item has neither guid nor link: nothing stable to dedupe it on. */
export function rssItem(item: XmlElement, feed: FeedContext): FeedItem | null {
  const base = baseOf(item, feed.base)
  const guidEl = childNamed(item, ['guid'])
  const guid = childText(item, ['guid'])
  const link = childText(item, ['feedburner:origLink', 'link'])
    ?? (guid !== null && guidEl?.attrs.get('isPermaLink') !== 'false' ? guid : null)
  const url = link === null ? null : safeUrl(link, base, webSchemes)
  const externalId = guid ?? url ?? (item.attrs.get('rdf:about') || null)
  if (externalId === null || externalId.length > externalIdLengthMax) return null
  const itemLangs = langOf(childText(item, ['dc:language']))
  return {
    externalId,
    title: htmlToText(childText(item, ['title']) ?? '', base),
    body: htmlToText(childText(item, ['content:encoded']) ?? childText(item, ['description']) ?? '', base),
    author: rssAuthor(item, feed),
    createdAt: parseFeedDate(childText(item, ['pubDate'])) ?? parseFeedDate(childText(item, ['dc:date'])) ?? feed.date ?? new Date(0),
    url,
    replies: countOf(childText(item, ['slash:comments'])),
    parentExternalId: null,
    langs: itemLangs.length > 0 ? itemLangs : feed.langs,
    raw: serialize([item]),
  }
}

/** dc:creator is a name; RSS <author> is "email (Name)" or, in practice, often just a name. */
function rssAuthor(item: XmlElement, feed: FeedContext): Author {
  const creator = childText(item, ['dc:creator'])
  if (creator !== null) return feedAuthor(creator, null, feed)
  const author = childText(item, ['author'])
  if (author === null) return feedAuthor(null, null, feed)
  const match = /^([^\s()]+@[^\s()]+)\s*(?:\((.*)\))?$/.exec(author)
  if (match === null) return feedAuthor(author, null, feed)
  return feedAuthor(match[2]?.trim() || null, match[1] ?? null, feed)
}

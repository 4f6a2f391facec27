// Per-post comment feeds announced in a feed document: RSS `wfw:commentRss` with `slash:comments`,
// Atom `link rel="replies"` with `thr:count` (RFC 4685). The source polls them when a count changes.
import { atomEntries } from './atom.ts'
import { baseOf, countOf, webSchemes } from './feed-item.ts'
import { safeUrl } from './html-text.ts'
import { rssItems } from './rss.ts'
import { childrenNamed, childText, elements, parseXml, type XmlElement } from './xml-tree.ts'

export interface CommentLink {
  /** Absolute http(s) URL of the comment feed. */
  url: string
  /** Comments the feed announces; null when it does not say. */
  count: number | null
}

/** Comment feeds of a feed document, newest items first as the feed lists them; [] for anything else. */
export function commentLinks(xml: string, documentUrl: string): CommentLink[] {
  const parsed = parseXml(xml.replace(/^\uFEFF/, '').trimStart())
  if (!parsed.ok) return []
  const root = elements(parsed.nodes).find((el) => !el.name.startsWith('?') && !el.name.startsWith('!'))
  if (root === undefined) return []
  const links: CommentLink[] = []
  if (root.name === 'rss' || root.name === 'rdf:RDF') {
    const { items, feed } = rssItems(root)
    for (const item of items) {
      const href = childText(item, ['wfw:commentRss', 'wfw:commentRSS'])
      const url = href === null ? null : safeUrl(href, baseOf(item, feed.base) ?? documentUrl, webSchemes)
      if (url !== null) links.push({ url, count: countOf(childText(item, ['slash:comments'])) })
    }
  } else if (root.name === 'feed' || root.name === 'atom:feed') {
    const { items, feed } = atomEntries(root)
    for (const entry of items) {
      const link = repliesLink(entry)
      const href = link?.attrs.get('href')
      const url = href === undefined || link === null ? null : safeUrl(href, baseOf(link, baseOf(entry, feed.base)) ?? documentUrl, webSchemes)
      if (url !== null && link !== null) links.push({ url, count: countOf(link.attrs.get('thr:count')) })
    }
  }
  return dedupe(links)
}

/** The replies link that is a feed (RFC 4685 allows an HTML page as well). */
function repliesLink(entry: XmlElement): XmlElement | null {
  const replies = childrenNamed(entry, ['link', 'atom:link']).filter((link) => link.attrs.get('rel') === 'replies')
  return replies.find((link) => /atom|rss|xml/.test(link.attrs.get('type') ?? 'application/atom+xml')) ?? null
}

function dedupe(links: CommentLink[]): CommentLink[] {
  const seen = new Set<string>()
  return links.filter((link) => !seen.has(link.url) && seen.add(link.url) !== undefined)
}

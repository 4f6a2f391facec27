// One RSS/Atom document → ParseResult: one message per item/entry (a poll sees the same items
// again; the pipeline dedupes on externalId, so every item is op 'create').
// An item's date falls back to the feed's date, then to new Date(0) ("unknown") — never to the
// time of parsing, which would make every poll look new. Items with neither guid/id nor link are skipped.
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import { at, park } from '../wire.ts'
import { atomEntries, atomEntry } from './atom.ts'
import type { FeedContext, FeedItem } from './feed-item.ts'
import { feedMessage } from './feed-item.ts'
import { rssItem, rssItems } from './rss.ts'
import { elements, parseXml, type XmlElement } from './xml-tree.ts'

export const feedCharsMax = 10_000_000
/** Feeds carry tens of items; beyond this the rest is counted as skipped. */
export const feedItemsMax = 1_000

interface FeedReader {
  list(root: XmlElement): { items: XmlElement[]; feed: FeedContext }
  read(item: XmlElement, feed: FeedContext): FeedItem | null
}

const rss: FeedReader = { list: rssItems, read: rssItem }
const atom: FeedReader = { list: atomEntries, read: atomEntry }

function readerFor(root: XmlElement): FeedReader | null {
  if (root.name === 'rss' || root.name === 'rdf:RDF') return rss
  if (root.name === 'feed' || root.name === 'atom:feed') return atom
  return null
}

export function parseFeed(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  if (raw.body.length > feedCharsMax) return park('TOO_LARGE', `${where}${raw.body.length} chars`)
  // Feeds in the wild start with a BOM or blank lines before <?xml, which XML forbids.
  const text = raw.body.replace(/^\uFEFF/, '').trimStart()
  if (!text.startsWith('<')) return park('MALFORMED_XML', `${where}document does not start with '<'`)
  const parsed = parseXml(text)
  if (!parsed.ok) return park('MALFORMED_XML', where + parsed.detail)
  const root = elements(parsed.nodes).find((el) => !el.name.startsWith('?') && !el.name.startsWith('!'))
  const reader = root === undefined ? null : readerFor(root)
  // A document that is not well-formed is still read when it is recognisably a feed (stray '&' …).
  if (!parsed.wellFormed && reader === null) return park('MALFORMED_XML', where + parsed.problem)
  if (root === undefined || reader === null) return park('INVALID_SHAPE', `${where}root <${root?.name ?? ''}> is not rss, rdf:RDF or feed`)
  return readItems(reader, root)
}

function readItems(reader: FeedReader, root: XmlElement): ParseResult {
  const { items, feed } = reader.list(root)
  const messages: NormalizedMessage[] = []
  let skipped = Math.max(0, items.length - feedItemsMax)
  for (const item of items.slice(0, feedItemsMax)) {
    const read = reader.read(item, feed)
    if (read === null) skipped += 1
    else messages.push(feedMessage(read))
  }
  return { ok: true, messages, skipped }
}

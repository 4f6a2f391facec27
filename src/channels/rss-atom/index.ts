import type { Channel } from '../types.ts'
import { parseFeed } from './parse.ts'
import { feedSource } from './source.ts'

// Read-only: feeds have no reply API. An agent answers by opening the item's url in a browser.
export const rssAtom: Channel = {
  name: 'rss-atom',
  label: 'RSS / Atom',
  framing: 'document',
  parse: parseFeed,
  openListening: true,
  replyLengthMax: null,
  source: feedSource,
  accountFields: { settings: ['feeds', 'userAgent'], secrets: [] },
}

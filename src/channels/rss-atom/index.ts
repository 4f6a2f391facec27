import type { Channel } from '../types.ts'
import { parseFeed } from './parse.ts'

export const rssAtom: Channel = {
  name: 'rss-atom',
  label: 'RSS / Atom',
  framing: 'document',
  parse: parseFeed,
  openListening: true,
  replyLengthMax: null,
}

import type { Channel } from '../types.ts'
import { parseJetstreamEvent } from './parse.ts'

export const bluesky: Channel = {
  name: 'bluesky',
  label: 'Bluesky',
  framing: 'jsonl',
  parse: parseJetstreamEvent,
  openListening: true,
  replyLengthMax: 300,
}

import type { Channel } from '../types.ts'
import { parseXPayload } from './parse.ts'

export const xTwitter: Channel = {
  name: 'x-twitter',
  label: 'X',
  framing: 'jsonl',
  parse: parseXPayload,
  openListening: false,
  replyLengthMax: 280,
}

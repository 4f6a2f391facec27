import type { Channel } from '../types.ts'
import { parseWebchatUnit } from './parse.ts'
import { webchatReplyLengthMax, webchatSender } from './send.ts'

export const webchat: Channel = {
  name: 'webchat',
  label: 'Web chat',
  // One unit per visitor message, written by the gateway (unit.ts).
  framing: 'document',
  parse: parseWebchatUnit,
  openListening: false,
  replyLengthMax: webchatReplyLengthMax,
  send: webchatSender,
  // Hosted by Earshot itself: nothing to configure beyond the account (its id goes in the embed snippet).
  accountFields: { settings: [], secrets: [] },
}

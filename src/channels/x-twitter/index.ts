import type { Channel } from '../types.ts'
import { parseXPayload } from './parse.ts'
import { testXConnection, xSender } from './send.ts'
import { mentionsSource } from './source.ts'
import { filteredStream } from './stream.ts'
import { verifyXWebhook } from './verify.ts'

export const xTwitter: Channel = {
  name: 'x-twitter',
  label: 'X',
  framing: 'jsonl',
  parse: parseXPayload,
  openListening: false,
  replyLengthMax: 280,
  verify: verifyXWebhook,
  // Mentions polling; the filtered stream (`filteredStream` in source.ts) is for accounts with `stream: on`.
  source: mentionsSource,
  sourcesFor: (account) => (account.settings.stream === 'on' ? [mentionsSource, filteredStream] : [mentionsSource]),
  send: xSender,
  brandAuthorIds: (settings) => (settings.userId === undefined ? [] : [settings.userId]),
  accountFields: {
    settings: ['apiBaseUrl', 'userId', 'handle', 'stream'],
    secrets: ['accessToken', 'consumerSecret', 'bearerToken'],
  },
  testConnection: testXConnection,
}

import { verifyMetaWebhook } from '../meta/verify.ts'
import type { Channel } from '../types.ts'
import { parseInstagramPayload } from './parse.ts'
import { instagramSender, testInstagramConnection } from './send.ts'

export const instagram: Channel = {
  name: 'instagram',
  label: 'Instagram',
  framing: 'document',
  parse: parseInstagramPayload,
  openListening: false,
  replyLengthMax: 2200,
  verify: verifyMetaWebhook,
  send: instagramSender,
  accountFields: {
    settings: ['apiBaseUrl', 'igUserId', 'graphVersion'],
    secrets: ['pageAccessToken', 'appSecret', 'verifyToken'],
  },
  testConnection: testInstagramConnection,
}

import { verifyMetaWebhook } from '../meta/verify.ts'
import type { Channel } from '../types.ts'
import { parseFacebookPayload } from './parse.ts'
import { facebookSender, testFacebookConnection } from './send.ts'

export const facebook: Channel = {
  name: 'facebook',
  label: 'Facebook',
  framing: 'document',
  parse: parseFacebookPayload,
  openListening: false,
  // Page comments; Messenger texts allow 2000 characters (Graph rejects longer ones).
  replyLengthMax: 8000,
  verify: verifyMetaWebhook,
  send: facebookSender,
  accountFields: {
    settings: ['apiBaseUrl', 'pageId', 'graphVersion'],
    secrets: ['pageAccessToken', 'appSecret', 'verifyToken'],
  },
  testConnection: testFacebookConnection,
}

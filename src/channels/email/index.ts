import type { Channel } from '../types.ts'
import { emailSecrets, emailSettings } from './account.ts'
import { parseEmail } from './parse.ts'
import { emailSender } from './send.ts'
import { imapSource } from './source.ts'
import { testEmailConnection } from './test-connection.ts'

export const email: Channel = {
  name: 'email',
  label: 'Email',
  framing: 'document',
  parse: parseEmail,
  openListening: false,
  // Mail has no hard limit; this bounds what an agent can send in one reply.
  replyLengthMax: 100_000,
  source: imapSource,
  send: emailSender,
  brandAuthorIds: (settings) => [settings.fromAddress, settings.smtpUser, settings.user].filter((a): a is string => a !== undefined && a.includes('@')).map((a) => a.trim().toLowerCase()),
  accountFields: { settings: emailSettings, secrets: emailSecrets },
  testConnection: (ctx) => testEmailConnection(ctx),
}

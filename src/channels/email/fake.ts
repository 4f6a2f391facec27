// Test support: a local mail provider, an IMAP server (fake-imap.ts) and an SMTP submission
// server (fake-smtp.ts) sharing one account, plus the AccountRuntime that points the email
// channel at them.
//
//   const fake = await startEmailFake({ inbox: [eml1, eml2], sentMailbox: 'Sent' })
//   const account = fake.account()                  // settings/secrets for source, send, testConnection
//   fake.imap.addMessage('INBOX', eml3)             // arrives; an idling source is woken by EXISTS
//   fake.smtp.received[0].raw                       // what the channel sent (parse it with mailparser)
//   fake.smtp.hangAfterNextData()                   // next send is delivered but never acknowledged
//   fake.smtp.rejectNextData(550, 'no such user')   // next send is refused
//   await fake.close()
//
// With `sentMailbox`, every message the SMTP fake receives is also filed into that IMAP mailbox
// (as Gmail and Microsoft 365 do), so `findSent` can find a reply whose SMTP answer was lost.
import type { AccountRuntime } from '../types.ts'
import { startImapFake, type ImapFake } from './fake-imap.ts'
import { startSmtpFake, type SmtpFake } from './fake-smtp.ts'

export type { ImapFake } from './fake-imap.ts'
export type { ReceivedMail, SmtpFake } from './fake-smtp.ts'

export interface EmailFakeOptions {
  /** Raw RFC 5322 messages already in INBOX (UIDs 1, 2, …). */
  inbox?: readonly (string | Buffer)[]
  /** A mailbox receiving a copy of every message submitted over SMTP. */
  sentMailbox?: string
  /** Defaults: support@shop.example / s3cret. */
  user?: string
  password?: string
}

export interface EmailFake {
  imap: ImapFake
  smtp: SmtpFake
  user: string
  password: string
  /** An email account on this fake; `settings`/`secrets` override or add fields. */
  account(overrides?: { settings?: Record<string, string>; secrets?: Record<string, string> }): AccountRuntime
  close(): Promise<void>
}

export async function startEmailFake(options: EmailFakeOptions = {}): Promise<EmailFake> {
  const user = options.user ?? 'support@shop.example'
  const password = options.password ?? 's3cret'
  const mailboxes: Record<string, readonly (string | Buffer)[]> = { INBOX: options.inbox ?? [] }
  if (options.sentMailbox !== undefined) mailboxes[options.sentMailbox] = []
  const imap = await startImapFake({ user, password, mailboxes })
  const smtp = await startSmtpFake({
    user, password, ...(options.sentMailbox === undefined ? {} : { fileInto: { imap, mailbox: options.sentMailbox } }),
  })
  return {
    imap,
    smtp,
    user,
    password,
    account(overrides = {}) {
      return {
        id: 'acct-email-1',
        workspaceId: 'ws-1',
        channel: 'email',
        name: 'Support mailbox',
        settings: {
          host: imap.host, port: String(imap.port), secure: 'false', user,
          smtpHost: smtp.host, smtpPort: String(smtp.port), smtpSecure: 'false', fromAddress: user, fromName: 'Shop Support',
          ...(options.sentMailbox === undefined ? {} : { sentMailbox: options.sentMailbox }),
          ...overrides.settings,
        },
        secrets: { password, ...overrides.secrets },
      }
    },
    async close() {
      await Promise.all([imap.close(), smtp.close()])
    },
  }
}

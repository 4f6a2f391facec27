// A local SMTP submission server for tests, on `smtp-server`: AUTH PLAIN/LOGIN without TLS,
// records every message received, and injects failures (wrong credentials → 535, a rejected
// DATA with any code, or a DATA that is stored and then never answered: the client times out
// not knowing whether the mail went out). Can file received mail into a mailbox of the IMAP fake,
// as Gmail and Microsoft 365 file submitted mail into Sent.
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import type { ImapFake } from './fake-imap.ts'

export interface ReceivedMail {
  /** MAIL FROM. */
  from: string
  /** RCPT TO, in order. */
  to: string[]
  /** The message exactly as received (CRLF). */
  raw: string
}

export interface SmtpFakeOptions {
  user: string
  password: string
  /** Files each received message into this IMAP fake mailbox (e.g. `{ imap, mailbox: 'Sent' }`). */
  fileInto?: { imap: ImapFake; mailbox: string }
}

export interface SmtpFake {
  host: string
  port: number
  received: ReceivedMail[]
  /** The next DATA is received and recorded, then never answered. */
  hangAfterNextData(): void
  /** The next DATA is refused with this reply code and text (e.g. 550, 452). */
  rejectNextData(code: number, message: string): void
  close(): Promise<void>
}

export async function startSmtpFake(options: SmtpFakeOptions): Promise<SmtpFake> {
  const received: ReceivedMail[] = []
  let hangNext = false
  let rejectNext: { code: number; message: string } | null = null

  const server = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) return callback(null, { user: auth.username })
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (rejectNext !== null) {
          const { code, message } = rejectNext
          rejectNext = null
          return callback(Object.assign(new Error(message), { responseCode: code }))
        }
        const raw = Buffer.concat(chunks).toString('utf8')
        const mailFrom = session.envelope.mailFrom
        received.push({ from: mailFrom === false ? '' : mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), raw })
        options.fileInto?.imap.addMessage(options.fileInto.mailbox, raw)
        if (hangNext) {
          hangNext = false
          return
        }
        callback()
      })
    },
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.server.address() as AddressInfo
  return {
    host: '127.0.0.1',
    port,
    received,
    hangAfterNextData() {
      hangNext = true
    },
    rejectNextData(code, message) {
      rejectNext = { code, message }
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

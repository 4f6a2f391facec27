// "Do the credentials work": an IMAP login that opens the mailbox, and an SMTP login (verify).
import nodemailer from 'nodemailer'
import type { SendContext } from '../types.ts'
import { defaultTimeouts, imapClient, imapSettings, smtpSettings, type MailTimeouts } from './account.ts'

export async function testEmailConnection(
  ctx: SendContext, timeouts: MailTimeouts = defaultTimeouts,
): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  const imap = imapSettings(ctx.account)
  const smtp = smtpSettings(ctx.account)
  if (imap.host === '' || smtp.host === '') return { ok: false, detail: 'host and smtpHost (or host) are required' }
  let exists: number
  const client = imapClient(imap, timeouts)
  client.on('error', () => {})
  try {
    await client.connect()
    const lock = await client.getMailboxLock(imap.mailbox, { readOnly: true })
    exists = client.mailbox === false ? 0 : client.mailbox.exists
    lock.release()
  } catch (err) {
    return { ok: false, detail: `IMAP ${imap.host}:${imap.port}: ${err instanceof Error ? err.message : String(err)}` }
  } finally {
    await client.logout().catch(() => client.close())
  }
  const transport = nodemailer.createTransport({
    host: smtp.host, port: smtp.port, secure: smtp.secure, auth: { user: smtp.user, pass: smtp.password },
    connectionTimeout: timeouts.connectMs, greetingTimeout: timeouts.connectMs, socketTimeout: timeouts.socketMs,
  })
  try {
    await transport.verify()
  } catch (err) {
    return { ok: false, detail: `SMTP ${smtp.host}:${smtp.port}: ${err instanceof Error ? err.message : String(err)}` }
  } finally {
    transport.close()
  }
  return { ok: true, detail: `${imap.user}: ${imap.mailbox} has ${exists} messages; SMTP login as ${smtp.user} works` }
}

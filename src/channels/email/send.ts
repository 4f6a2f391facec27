// Replies by SMTP (nodemailer), one attempt per call. The reply's Message-ID is derived from the
// outbox idempotency key, so a retry sends the same id (receivers and our own parse dedupe on it),
// and threads with In-Reply-To/References. findSent looks for that Message-ID in the account's
// sent mailbox over IMAP when `sentMailbox` is set; SMTP itself cannot say whether a timed-out
// submission went out, so without it a retry after a timeout may deliver a second copy.
import { createHash } from 'node:crypto'
import nodemailer from 'nodemailer'
import { failureFromError } from '../http.ts'
import type { OutboundRequest, SendContext, Sender, SendResult } from '../types.ts'
import { arrayAt, isRecord, stringAt, type JsonRecord } from '../wire.ts'
import { defaultTimeouts, imapClient, imapSettings, smtpSettings, type MailTimeouts } from './account.ts'

/** References beyond this many ids keep the root and the newest (RFC 5322 §3.6.4 allows trimming). */
const referencesMax = 20

interface ReplyHeaders {
  to: string[]
  subject: string
  inReplyTo: string | null
  references: string[]
}

/** Message-ID of our reply: `<earshot.KEY@domain>`; keys with other chars than [A-Za-z0-9._-] are hashed. */
export function replyMessageId(idempotencyKey: string, fromAddress: string): string {
  const key = /^[A-Za-z0-9._-]{1,100}$/.test(idempotencyKey) ? idempotencyKey : createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)
  const domain = /@([A-Za-z0-9.-]+)$/.exec(fromAddress)?.[1] ?? 'earshot.invalid'
  return `earshot.${key}@${domain}`
}

export function replySubject(subject: string): string {
  const trimmed = subject.trim()
  if (trimmed === '') return 'Re: your message'
  return /^re\s*(\[\d+\])?\s*:/i.test(trimmed) ? trimmed : `Re: ${trimmed}`
}

/** Threading headers from the customer's message as parse.ts kept it (EmailRaw), checked field by field. */
export function replyHeaders(raw: unknown): ReplyHeaders | null {
  if (!isRecord(raw)) return null
  const addressesOf = (key: string) =>
    arrayAt(raw, key).filter(isRecord).map((a) => stringAt(a, 'address')).filter((a): a is string => a !== null && a.includes('@'))
  const from = isRecord(raw.from) ? stringAt(raw.from, 'address') : null
  const replyTo = addressesOf('replyTo')
  const to = replyTo.length > 0 ? replyTo : from === null ? [] : [from]
  if (to.length === 0) return null
  const messageId = raw.hasMessageId === false ? null : stringAt(raw, 'messageId')
  const references = arrayAt(raw, 'references').filter((r): r is string => typeof r === 'string' && r !== '')
  const chain = messageId === null ? references : [...references, messageId]
  return {
    to,
    subject: replySubject(stringAt(raw, 'subject') ?? ''),
    inReplyTo: messageId,
    references: chain.length > referencesMax ? [chain[0] as string, ...chain.slice(-(referencesMax - 1))] : chain,
  }
}

export function createEmailSender(timeouts: MailTimeouts = defaultTimeouts): Sender {
  return {
    actions: ['reply'],
    send: (req, ctx) => sendReply(req, ctx, timeouts),
    findSent: (req, ctx) => findSentReply(req, ctx, timeouts),
  }
}

export const emailSender = createEmailSender()

async function sendReply(req: OutboundRequest, ctx: SendContext, timeouts: MailTimeouts): Promise<SendResult> {
  if (req.action !== 'reply') return { ok: false, retryable: false, code: 'NOT_SUPPORTED', reason: `email cannot ${req.action}` }
  const smtp = smtpSettings(ctx.account)
  if (smtp.host === '' || smtp.fromAddress === '') return { ok: false, retryable: false, code: 'REJECTED', reason: 'account has no smtpHost/host or fromAddress' }
  const headers = replyHeaders(req.target.raw)
  if (headers === null) return { ok: false, retryable: false, code: 'REJECTED', reason: 'the message has no From or Reply-To address to answer' }
  if (ctx.signal.aborted) return failureFromError(new Error('aborted before sending'))
  const messageId = replyMessageId(req.idempotencyKey, smtp.fromAddress)
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: { user: smtp.user, pass: smtp.password },
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.connectMs,
    socketTimeout: timeouts.socketMs,
  })
  const abort = () => transport.close()
  ctx.signal.addEventListener('abort', abort, { once: true })
  try {
    await transport.sendMail({
      from: smtp.fromName === null ? smtp.fromAddress : { name: smtp.fromName, address: smtp.fromAddress },
      to: headers.to,
      subject: headers.subject,
      text: req.text,
      messageId: `<${messageId}>`,
      date: ctx.now(),
      ...(headers.inReplyTo === null ? {} : { inReplyTo: `<${headers.inReplyTo}>` }),
      ...(headers.references.length === 0 ? {} : { references: headers.references.map((id) => `<${id}>`) }),
    })
    return { ok: true, externalId: messageId, url: null, raw: { messageId, to: headers.to, subject: headers.subject } }
  } catch (err) {
    return failureFromSmtp(err)
  } finally {
    ctx.signal.removeEventListener('abort', abort)
    transport.close()
  }
}

/** nodemailer errors carry the SMTP reply code (`responseCode`) and a code such as EAUTH or ETIMEDOUT. */
export function failureFromSmtp(err: unknown): SendResult & { ok: false } {
  const fields: JsonRecord = isRecord(err) ? err : {}
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : null
  const code = stringAt(fields, 'code')
  const reason = err instanceof Error ? err.message : String(err)
  if (code === 'EAUTH' || responseCode === 535 || responseCode === 534 || responseCode === 530) {
    return { ok: false, retryable: false, code: 'AUTH_REVOKED', reason }
  }
  if (responseCode !== null && responseCode >= 500) return { ok: false, retryable: false, code: 'REJECTED', reason }
  return failureFromError(err)
}

async function findSentReply(req: OutboundRequest, ctx: SendContext, timeouts: MailTimeouts): Promise<{ externalId: string; url: string | null } | null> {
  const sentMailbox = ctx.account.settings.sentMailbox?.trim() ?? ''
  if (sentMailbox === '') return null
  const messageId = replyMessageId(req.idempotencyKey, smtpSettings(ctx.account).fromAddress)
  const client = imapClient({ ...imapSettings(ctx.account), mailbox: sentMailbox }, timeouts)
  client.on('error', () => {})
  try {
    await client.connect()
    const lock = await client.getMailboxLock(sentMailbox, { readOnly: true })
    try {
      const uids = await client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true })
      return Array.isArray(uids) && uids.length > 0 ? { externalId: messageId, url: null } : null
    } finally {
      lock.release()
    }
  } finally {
    await client.logout().catch(() => client.close())
  }
}

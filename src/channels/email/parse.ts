// One RFC 5322 message (raw MIME text, CRLF or LF, an mbox "From " line tolerated) → one private
// message. Synchronous and pure: the MIME decoding lives in headers.ts/mime.ts, so
// `earshot ingest --channel email file.eml` and the IMAP source feed the same parser.
// Threading: parent = In-Reply-To, else the last References id; thread = the first References id
// (the root), else In-Reply-To, else the message's own id. Auto-replies and bounces are skipped.
import { createHash } from 'node:crypto'
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { dateFromRfc822 } from '../rss-atom/feed-date.ts'
import type { RawEvent } from '../types.ts'
import { at, capText, park } from '../wire.ts'
import {
  headerText, headerValue, headerValues, parseAddresses, parseMessageId, parseMsgIds, splitEntity, type Address, type Header,
} from './headers.ts'
import { bodyText, contentTypeOf } from './mime.ts'

/** Mail above this size (attachments included) is parked rather than decoded. */
export const mailCharsMax = 30_000_000

/** What send.ts needs to thread a reply, kept as NormalizedMessage.raw. */
export interface EmailRaw {
  messageId: string
  /** Whether messageId came from the header (false: a hash of the text, nothing to reply to). */
  hasMessageId: boolean
  inReplyTo: string | null
  /** Valid References ids, oldest first. */
  references: string[]
  subject: string
  from: Address | null
  replyTo: Address[]
  to: Address[]
  cc: Address[]
  /** ISO 8601, or null when the message has no readable date. */
  date: string | null
  attachments: number
}

export function parseEmail(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  if (raw.body.length > mailCharsMax) return park('TOO_LARGE', `${where}${raw.body.length} chars`)
  const entity = splitEntity(raw.body.replace(/^\uFEFF/, '').replace(/^[\r\n]+/, ''))
  const { headers } = entity
  if (headers.length === 0) return park('INVALID_SHAPE', `${where}no header fields`)
  const from = parseAddresses(headerValue(headers, 'from'))[0] ?? null
  if (from === null) return park('INVALID_SHAPE', `${where}no From address`)
  if (isAutomated(headers, from)) return { ok: true, messages: [], skipped: 1 }

  const ownId = parseMessageId(headerValue(headers, 'message-id'))
  const messageId = ownId ?? `no-message-id-${createHash('sha256').update(raw.body).digest('hex').slice(0, 40)}`
  const references = headerValues(headers, 'references').flatMap(parseMsgIds).filter((id) => id !== messageId)
  const inReplyTo = parseMsgIds(headerValue(headers, 'in-reply-to')).find((id) => id !== messageId) ?? null
  const parent = inReplyTo ?? references.at(-1) ?? null
  const subject = headerText(headerValue(headers, 'subject') ?? '')
  const date = mailDate(headers)
  const body = bodyText(entity)

  const emailRaw: EmailRaw = {
    messageId, hasMessageId: ownId !== null, inReplyTo, references, subject, from,
    replyTo: parseAddresses(headerValue(headers, 'reply-to')),
    to: parseAddresses(headerValue(headers, 'to')),
    cc: parseAddresses(headerValue(headers, 'cc')),
    date: date?.toISOString() ?? null,
    attachments: body.attachments,
  }
  const message: NormalizedMessage = {
    channel: 'email',
    op: 'create',
    externalId: messageId,
    author: { externalUserId: from.address, handle: from.address, displayName: from.name, followers: null, verified: false },
    direction: 'in',
    visibility: 'private',
    // The subject says what a new thread is about; in replies it only repeats "Re: …".
    text: capText(parent === null && subject !== '' ? `${subject}\n\n${body.text}`.trim() : body.text),
    langs: [],
    createdAt: date ?? new Date(0),
    parentExternalId: parent,
    threadExternalId: references[0] ?? inReplyTo ?? messageId,
    url: null,
    engagement: null,
    raw: emailRaw,
  }
  return { ok: true, messages: [message], skipped: 0 }
}

/** Auto-replies, vacation notices and delivery reports (RFC 3834, RFC 3464) are not customers. */
export function isAutomated(headers: readonly Header[], from: Address): boolean {
  const autoSubmitted = headerValue(headers, 'auto-submitted')?.trim().toLowerCase()
  if (autoSubmitted !== undefined && autoSubmitted !== '' && autoSubmitted !== 'no') return true
  const precedence = headerValue(headers, 'precedence')?.trim().toLowerCase() ?? ''
  if (['bulk', 'junk', 'auto_reply'].includes(precedence)) return true
  if (headerValue(headers, 'x-autoreply') !== null || headerValue(headers, 'x-autorespond') !== null) return true
  if (contentTypeOf(headers).mime === 'multipart/report') return true
  return /^mailer-daemon(@|$)/i.test(from.address)
}

/** The Date header; else the newest Received stamp (the last hop's clock); null when neither reads. */
function mailDate(headers: readonly Header[]): Date | null {
  const date = readDate(headerValue(headers, 'date'))
  if (date !== null) return date
  const received = headerValues(headers, 'received')[0]
  return received === undefined ? null : readDate(received.slice(received.lastIndexOf(';') + 1))
}

function readDate(value: string | null): Date | null {
  if (value === null) return null
  // "(PDT)" comments and doubled spaces are common; the RFC 822 reader wants neither.
  return dateFromRfc822(value.replace(/\([^()]*\)/g, '').replace(/\s+/g, ' ').trim())
}

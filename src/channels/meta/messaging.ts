// Messenger and Instagram DM events (`entry[].messaging[]`, the same shape on both platforms)
// → NormalizedMessage. Messages, edits (`message_edit`), unsends (`message.is_deleted`) and
// postbacks become messages; delivery/read receipts, referrals, reactions, opt-ins and the like
// are skipped. The brand's own sends come back as echoes (`is_echo`, sender = the Page/IG account).
import type { Author, ChannelName, NormalizedMessage } from '../../core/model.ts'
import { arrayAt, capText, idAt, isRecord, numberAt, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { dateFromEpoch } from './envelope.ts'
import { idOf, metaRaw } from './raw.ts'

export interface MessagingScope {
  channel: ChannelName
  /** Page id / IG business account id of the entry. */
  ownerId: string
  /** `entry.time`, used when an event lacks its own timestamp. */
  entryTime: number | null
}

/** Attachments listed per message at most; the rest are dropped (a message carries up to 10). */
const attachmentsMax = 20

/** The thread key of one customer's DMs with one Page/IG account. */
export function dmThreadKey(channel: ChannelName, ownerId: string, customerId: string): string {
  return `${channel === 'instagram' ? 'instagram' : 'messenger'}:${ownerId}:${customerId}`
}

/** One messaging event → a message, or null when it is deliberately skipped (receipts, reactions …). */
export function parseMessagingEvent(event: unknown, scope: MessagingScope): NormalizedMessage | null {
  if (!isRecord(event)) return null
  const senderId = idOf(event, 'sender')
  const recipientId = idOf(event, 'recipient')
  if (senderId === null) return null
  const fromBrand = senderId === scope.ownerId
  const customerId = fromBrand ? recipientId : senderId
  const createdAt = dateFromEpoch(numberAt(event, 'timestamp')) ?? dateFromEpoch(scope.entryTime)
  if (customerId === null || createdAt === null) return null
  const dm = { scope, event, senderId, customerId, createdAt }

  const message = recordAt(event, 'message')
  if (message !== null) return messageOf(dm, message, fromBrand || message['is_echo'] === true)
  const edit = recordAt(event, 'message_edit')
  if (edit !== null) return editOf(dm, edit, fromBrand)
  const postback = recordAt(event, 'postback')
  if (postback !== null) return postbackOf(dm, postback)
  return null
}

interface DmEvent {
  scope: MessagingScope
  event: JsonRecord
  senderId: string
  customerId: string
  createdAt: Date
}

function messageOf(dm: DmEvent, message: JsonRecord, echo: boolean): NormalizedMessage | null {
  const mid = idAt(message, 'mid')
  if (mid === null) return null
  if (message['is_deleted'] === true) return dmMessage(dm, { op: 'delete', mid, text: '', echo, parent: null })
  const replyTo = recordAt(message, 'reply_to')
  const parent = replyTo === null ? null : idAt(replyTo, 'mid')
  return dmMessage(dm, { op: 'create', mid, text: messageText(message), echo, parent })
}

function editOf(dm: DmEvent, edit: JsonRecord, echo: boolean): NormalizedMessage | null {
  const mid = idAt(edit, 'mid')
  return mid === null ? null : dmMessage(dm, { op: 'update', mid, text: stringAt(edit, 'text') ?? '', echo, parent: null })
}

function postbackOf(dm: DmEvent, postback: JsonRecord): NormalizedMessage {
  // Older postbacks carry no mid; sender + timestamp is unique per tap and stable across redeliveries.
  const mid = idAt(postback, 'mid') ?? `postback:${dm.senderId}:${dm.createdAt.getTime()}`
  const text = stringAt(postback, 'title') ?? stringAt(postback, 'payload') ?? ''
  return dmMessage(dm, { op: 'create', mid, text, echo: false, parent: null })
}

/** Text plus one line per attachment (`[image] <url>`), so agents see what was sent. */
function messageText(message: JsonRecord): string {
  const lines: string[] = []
  const text = stringAt(message, 'text')
  if (text !== null && text !== '') lines.push(text)
  for (const attachment of arrayAt(message, 'attachments').slice(0, attachmentsMax)) {
    if (!isRecord(attachment)) continue
    const type = stringAt(attachment, 'type') ?? 'attachment'
    const payload = recordAt(attachment, 'payload')
    const url = payload === null ? null : stringAt(payload, 'url')
    const title = stringAt(attachment, 'title') ?? (payload === null ? null : stringAt(payload, 'title'))
    lines.push([`[${type.slice(0, 40)}]`, title, url].filter((part): part is string => part !== null && part !== '').join(' '))
  }
  return capText(lines.join('\n'))
}

function dmMessage(dm: DmEvent, m: { op: NormalizedMessage['op']; mid: string; text: string; echo: boolean; parent: string | null }): NormalizedMessage {
  const { scope } = dm
  const author: Author | null = m.op === 'delete'
    ? null
    : { externalUserId: m.echo ? scope.ownerId : dm.customerId, handle: null, displayName: null, followers: null, verified: false }
  return {
    channel: scope.channel,
    op: m.op,
    externalId: m.mid,
    author,
    direction: m.echo ? 'out' : 'in',
    visibility: 'private',
    text: m.op === 'delete' ? '' : capText(m.text),
    langs: [],
    createdAt: dm.createdAt,
    parentExternalId: m.parent,
    threadExternalId: dmThreadKey(scope.channel, scope.ownerId, dm.customerId),
    url: null,
    engagement: null,
    raw: metaRaw({ kind: 'dm', ownerId: scope.ownerId, customerId: dm.customerId, mid: m.mid, timestampMs: dm.createdAt.getTime() }, dm.event),
  }
}


// One Mastodon unit → ParseResult. A unit is any of:
//   - a Status entity, or a Notification entity (type `mention` → its status; other types skipped);
//   - an array of those (a page of a timeline or of GET /api/v1/notifications);
//   - a streaming event in the WebSocket form `{"stream":[…],"event":…,"payload":"<JSON string>"}`
//     (what the sources emit, see source.ts), or an array of them;
//   - server-sent events text (`event: update\ndata: {…}`), one block or a whole saved stream.
// Stream events: `update` (new status), `status.update` (edit → op update), `notification`,
// `delete` (payload/data is the bare status id → op delete); `filters_changed`, `announcement*`,
// `conversation` … are skipped. `payload`/`data` is a JSON *string* decoded a second time.
//
// Threading: `in_reply_to_id` is the parent; the conversation root is not in the entity, so
// threadExternalId stays null and the pipeline threads by the parent (or starts a thread).
// Direction: statuses are 'in' unless the unit says whose account is ours: the sources add
// `for_acct` (Earshot's own key, like X's `for_user_id`) to WebSocket-form events.
import type { Author, NormalizedMessage, ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import { mediaLinks, type MediaKind, type MediaLink } from '../../core/media.ts'
import {
  arrayAt, at, capText, countAt, dateFromIso, decodeJson, engagementOf, idAt, isRecord, park, recordAt, stringAt,
  type JsonRecord,
} from '../wire.ts'
import { statusText } from './content.ts'
import { isStatusId, sameAcct } from './ids.ts'
import { parseSseText } from './sse.ts'

/** A page of 80 notifications with their statuses is well under this. */
export const mastodonBodyCharsMax = 5_000_000
/** More elements than a page ever holds (limit ≤ 80 notifications, ≤ 40 statuses). */
const arrayItemsMax = 1_000
const mentionsMax = 50

/** What send.ts needs later, kept as NormalizedMessage.raw (the inbound log keeps the whole unit). */
export interface MastodonStatusRaw {
  id: string
  uri: string | null
  url: string | null
  /** public | unlisted | private (followers only) | direct | limited … as the instance sent it. */
  visibility: string
  in_reply_to_id: string | null
  in_reply_to_account_id: string | null
  account: { id: string; acct: string; url: string | null }
  mentions: { id: string; acct: string }[]
  edited_at: string | null
  /** Set when the status arrived inside a mention notification. */
  notification_id: string | null
}

interface Parsed {
  messages: NormalizedMessage[]
  skipped: number
}

type ItemResult = { kind: 'messages'; parsed: Parsed } | { kind: 'invalid'; reason: 'INVALID_SHAPE' | 'MALFORMED_JSON'; detail: string }

const nothing: Parsed = { messages: [], skipped: 0 }
const skippedOne: Parsed = { messages: [], skipped: 1 }

export function parseMastodonPayload(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  // A byte-order mark in front of a saved file is not part of the JSON or SSE text.
  const body = raw.body.startsWith('\uFEFF') ? raw.body.slice(1) : raw.body
  if (body.length > mastodonBodyCharsMax) return park('TOO_LARGE', `${where}${body.length} chars`)
  const trimmed = body.trim()
  if (trimmed === '') return { ok: true, ...nothing }
  if (looksLikeSse(trimmed)) return fromItems(parseSseText(body).map((e) => streamEvent(e.event, e.data, null)), where)
  const decoded = decodeJson(body)
  if (!decoded.ok) return park('MALFORMED_JSON', where + decoded.detail)
  const value = decoded.value
  if (Array.isArray(value)) {
    if (value.length > arrayItemsMax) return park('TOO_LARGE', `${where}${value.length} elements`)
    return fromItems(value.map((item) => entityOrEvent(item)), where)
  }
  if (isRecord(value) && value['error'] !== undefined && value['id'] === undefined) {
    return park('PLATFORM_ERROR', `${where}${String(stringAt(value, 'error') ?? 'error').slice(0, 300)}`)
  }
  const single = entityOrEvent(value)
  if (single.kind === 'invalid') return park(single.reason, where + single.detail)
  return { ok: true, ...single.parsed }
}

/** SSE text starts with a comment (`:thump`) or a field line; JSON never does. */
function looksLikeSse(trimmed: string): boolean {
  return trimmed.startsWith(':') || /^(?:event|data|id|retry)(?::|\r?\n|$)/.test(trimmed)
}

/**
 * Several items (a page, a saved stream): good ones are kept, bad ones are counted as skipped.
 * Only when nothing at all was usable is the unit parked, so it shows up as a dead letter.
 */
function fromItems(items: ItemResult[], where: string): ParseResult {
  const messages: NormalizedMessage[] = []
  let skipped = 0
  let invalidCount = 0
  let firstInvalid: (ItemResult & { kind: 'invalid' }) | null = null
  for (const item of items) {
    if (item.kind === 'invalid') {
      firstInvalid ??= item
      invalidCount++
      skipped++
    } else {
      messages.push(...item.parsed.messages)
      skipped += item.parsed.skipped
    }
  }
  if (firstInvalid !== null && invalidCount === items.length) return park(firstInvalid.reason, where + firstInvalid.detail)
  return { ok: true, messages, skipped }
}

function entityOrEvent(value: unknown): ItemResult {
  if (!isRecord(value)) return invalid('not a Status, Notification or streaming event object')
  const event = stringAt(value, 'event')
  if (event !== null && value['id'] === undefined) {
    const forAcct = stringAt(value, 'for_acct')
    return streamEvent(event, value['payload'], forAcct === null || forAcct.trim() === '' ? null : forAcct)
  }
  return entity(value, null)
}

function entity(value: JsonRecord, forAcct: string | null): ItemResult {
  const type = stringAt(value, 'type')
  if (type !== null && 'account' in value && !('content' in value)) return notification(value, type, forAcct)
  return status(value, null, forAcct, null)
}

function streamEvent(event: string, payload: unknown, forAcct: string | null): ItemResult {
  switch (event) {
    case 'update':
    case 'status.update':
    case 'notification': {
      if (typeof payload !== 'string') return invalid(`${event} event without a JSON string payload`)
      const decoded = decodeJson(payload)
      if (!decoded.ok) return { kind: 'invalid', reason: 'MALFORMED_JSON', detail: `${event} payload: ${decoded.detail}` }
      const entityValue = decoded.value
      if (!isRecord(entityValue)) return invalid(`${event} payload is not an object`)
      if (event === 'notification') {
        return notification(entityValue, stringAt(entityValue, 'type') ?? '', forAcct)
      }
      return status(entityValue, event === 'status.update' ? 'update' : null, forAcct, null)
    }
    case 'delete': {
      const id = typeof payload === 'string' ? payload.trim() : null
      if (!isStatusId(id)) return invalid('delete event without a status id')
      return one(deletedStatus(id))
    }
    default:
      // filters_changed, announcement(.reaction/.delete), conversation, encrypted_message,
      // notifications_merged, and whatever later versions add.
      return { kind: 'messages', parsed: skippedOne }
  }
}

function notification(value: JsonRecord, type: string, forAcct: string | null): ItemResult {
  if (type !== 'mention') return { kind: 'messages', parsed: skippedOne }
  const statusValue = recordAt(value, 'status')
  if (statusValue === null) return invalid('mention notification without status')
  return status(statusValue, null, forAcct, idAt(value, 'id'))
}

function status(value: JsonRecord, op: 'update' | null, forAcct: string | null, notificationId: string | null): ItemResult {
  const id = idAt(value, 'id')
  if (!isStatusId(id)) return invalid('status without a valid id')
  // A boost is someone sharing a status; the status itself is what a customer wrote.
  if (isRecord(value['reblog'])) return { kind: 'messages', parsed: skippedOne }
  const account = recordAt(value, 'account')
  const accountId = account === null ? null : idAt(account, 'id')
  const acct = account === null ? null : stringAt(account, 'acct')
  if (account === null || accountId === null || acct === null || acct === '') return invalid(`status ${id} without account id/acct`)
  const createdAt = dateFromIso(stringAt(value, 'created_at'))
  if (createdAt === null) return invalid(`status ${id} without created_at`)
  const content = stringAt(value, 'content') ?? ''
  const editedAt = stringAt(value, 'edited_at')
  const visibility = stringAt(value, 'visibility') ?? 'public'
  const parentId = stringAt(value, 'in_reply_to_id')
  const url = httpUrl(stringAt(value, 'url')) ?? httpUrl(stringAt(value, 'uri'))
  const language = stringAt(value, 'language')
  const raw: MastodonStatusRaw = {
    id,
    uri: stringAt(value, 'uri'),
    url: stringAt(value, 'url'),
    visibility,
    in_reply_to_id: isStatusId(parentId) ? parentId : null,
    in_reply_to_account_id: idAt(value, 'in_reply_to_account_id'),
    account: { id: accountId, acct, url: stringAt(account, 'url') },
    mentions: mentionsOf(value),
    edited_at: editedAt,
    notification_id: notificationId,
  }
  const message: NormalizedMessage = {
    channel: 'mastodon',
    op: op ?? (editedAt !== null && editedAt !== '' ? 'update' : 'create'),
    externalId: id,
    author: authorOf(account, accountId, acct),
    direction: forAcct !== null && sameAcct(acct, forAcct) ? 'out' : 'in',
    visibility: visibility === 'direct' ? 'private' : 'public',
    text: capText(statusText(content, stringAt(value, 'spoiler_text') ?? '')),
    langs: language !== null && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/.test(language) ? [language] : [],
    createdAt,
    parentExternalId: raw.in_reply_to_id,
    threadExternalId: null,
    url,
    engagement: engagementOf(countAt(value, 'favourites_count'), countAt(value, 'reblogs_count'), countAt(value, 'replies_count'), countAt(value, 'quotes_count')),
    media: mastodonMedia(value),
    raw,
  }
  return one(message)
}

function deletedStatus(id: string): NormalizedMessage {
  return {
    channel: 'mastodon',
    op: 'delete',
    externalId: id,
    author: null,
    direction: 'in',
    visibility: 'public',
    text: '',
    langs: [],
    // A delete event carries nothing but the id; the epoch keeps parse pure (the pipeline only marks the message deleted).
    createdAt: new Date(0),
    parentExternalId: null,
    threadExternalId: null,
    url: null,
    engagement: null,
    raw: { id, deleted: true },
  }
}

function authorOf(account: JsonRecord, accountId: string, acct: string): Author {
  const displayName = stringAt(account, 'display_name')
  return {
    externalUserId: accountId,
    handle: acct,
    displayName: displayName === null || displayName === '' ? null : displayName,
    followers: countAt(account, 'followers_count'),
    verified: false,
  }
}

function mentionsOf(value: JsonRecord): { id: string; acct: string }[] {
  const mentions: { id: string; acct: string }[] = []
  for (const m of arrayAt(value, 'mentions').slice(0, mentionsMax)) {
    if (!isRecord(m)) continue
    const id = idAt(m, 'id')
    const acct = idAt(m, 'acct')
    if (id !== null && acct !== null) mentions.push({ id, acct })
  }
  return mentions
}

function httpUrl(value: string | null): string | null {
  return value !== null && /^https?:\/\/[^\s]+$/.test(value) && value.length <= 4_000 ? value : null
}

function one(message: NormalizedMessage): ItemResult {
  return { kind: 'messages', parsed: { messages: [message], skipped: 0 } }
}

function invalid(detail: string): ItemResult {
  return { kind: 'invalid', reason: 'INVALID_SHAPE', detail }
}

const mastodonMediaKinds: Record<string, MediaKind> = { image: 'image', gifv: 'video', video: 'video', audio: 'audio' }

/** `media_attachments` (url, else remote_url; description as alt) and a link preview `card`. */
function mastodonMedia(status: JsonRecord): MediaLink[] {
  const attachments = arrayAt(status, 'media_attachments').filter(isRecord).map((a) => ({
    kind: mastodonMediaKinds[stringAt(a, 'type') ?? ''] ?? 'file',
    url: stringAt(a, 'url') ?? stringAt(a, 'remote_url'),
    alt: stringAt(a, 'description'),
  }))
  const card = recordAt(status, 'card')
  const link = card === null ? [] : [{ kind: 'link' as const, url: stringAt(card, 'url'), alt: stringAt(card, 'title') }]
  return mediaLinks([...attachments, ...link])
}

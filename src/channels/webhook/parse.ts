// A generic webhook body (schema.ts) → ParseResult. Strict: the first field that breaks the
// schema parks the whole body as INVALID_SHAPE with its path (`events/3/author/id: …`), so a
// sender sees exactly what to fix; a batch is all-or-nothing, which keeps replays idempotent.
import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { Author, Engagement, NormalizedMessage, ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import { at, capText, dateFromIso, decodeJson, engagementOf, isRecord, park, type JsonRecord } from '../wire.ts'
import { eventSchemaByType, eventsPerBatchMax, type WebhookEvent } from './schema.ts'

/** 1,000 events of a few KB each fit; anything bigger is not one delivery. */
export const webhookBodyCharsMax = 10_000_000

type Checked<T> = { ok: true; value: T } | { ok: false; detail: string }

export function parseWebhookBody(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  if (raw.body.length > webhookBodyCharsMax) return park('TOO_LARGE', `${where}${raw.body.length} chars`)
  if (raw.body.trim() === '') return { ok: true, messages: [], skipped: 0 }
  const decoded = decodeJson(raw.body)
  if (!decoded.ok) return park('MALFORMED_JSON', where + decoded.detail)
  const body = decoded.value
  if (!isRecord(body)) return park('INVALID_SHAPE', `${where}body is not an object`)
  if (!('events' in body)) return eventsToMessages([body], '', where)
  const extra = Object.keys(body).find((key) => key !== 'events')
  if (extra !== undefined) return park('INVALID_SHAPE', `${where}${extra}: unexpected property next to events`)
  const events = body.events
  if (!Array.isArray(events)) return park('INVALID_SHAPE', `${where}events: expected an array`)
  if (events.length > eventsPerBatchMax) return park('TOO_LARGE', `${where}events: ${events.length} events, at most ${eventsPerBatchMax} per delivery`)
  return eventsToMessages(events, 'events/', where)
}

function eventsToMessages(events: readonly unknown[], prefix: string, where: string): ParseResult {
  const messages: NormalizedMessage[] = []
  for (const [index, value] of events.entries()) {
    const path = prefix === '' ? '' : `${prefix}${index}/`
    const checked = checkEvent(value)
    if (!checked.ok) return park('INVALID_SHAPE', `${where}${path}${checked.detail}`)
    const message = messageOf(checked.value)
    if (!message.ok) return park('INVALID_SHAPE', `${where}${path}${message.detail}`)
    messages.push(message.value)
  }
  return { ok: true, messages, skipped: 0 }
}

function checkEvent(value: unknown): Checked<WebhookEvent> {
  if (!isRecord(value)) return { ok: false, detail: 'event is not an object' }
  const type = value.type
  if (type !== 'message' && type !== 'update' && type !== 'delete') {
    return { ok: false, detail: 'type: expected "message", "update" or "delete"' }
  }
  return checkAgainst(eventSchemaByType[type], value)
}

function checkAgainst<T>(schema: TSchema, value: JsonRecord): Checked<T> {
  try {
    const first = Value.Errors(schema, value).First()
    if (first === undefined) return { ok: true, value: value as T }
    const field = first.path.replace(/^\//, '') || '(event)'
    return { ok: false, detail: `${field}: ${first.message}` }
  } catch (error) {
    return { ok: false, detail: `not checkable: ${error instanceof Error ? error.message : String(error)}` }
  }
}

function messageOf(event: WebhookEvent): Checked<NormalizedMessage> {
  const createdAt = isCalendarDateTime(event.created_at) ? dateFromIso(event.created_at) : null
  if (createdAt === null) return { ok: false, detail: 'created_at: not a real date-time' }
  const deleted = event.type === 'delete'
  return {
    ok: true,
    value: {
      channel: 'webhook',
      op: deleted ? 'delete' : event.type === 'update' ? 'update' : 'create',
      externalId: event.id,
      author: event.author === undefined ? null : authorOf(event.author),
      direction: event.direction ?? 'in',
      visibility: event.visibility ?? 'public',
      text: deleted ? '' : capText(event.text ?? ''),
      langs: event.lang === undefined ? [] : [event.lang],
      createdAt,
      parentExternalId: event.parent_id ?? null,
      threadExternalId: event.thread_id ?? null,
      url: event.url ?? null,
      engagement: event.engagement === undefined ? null : engagementFrom(event.engagement),
      raw: event,
    },
  }
}

/** The schema's pattern admits 2025-02-30 and 25:61, and Date.parse rolls them over; the calendar does not. */
function isCalendarDateTime(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})/.exec(text)
  if (m === null) return false
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60
}

function authorOf(author: NonNullable<WebhookEvent['author']>): Author {
  return {
    externalUserId: author.id,
    handle: author.handle ?? null,
    displayName: author.name ?? null,
    followers: author.followers ?? null,
    verified: author.verified ?? false,
  }
}

function engagementFrom(e: NonNullable<WebhookEvent['engagement']>): Engagement | null {
  return engagementOf(e.likes ?? null, e.reposts ?? null, e.replies ?? null, e.quotes ?? null)
}

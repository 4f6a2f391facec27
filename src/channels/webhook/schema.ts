// The documented inbound format of the generic webhook, as TypeBox (which is JSON Schema:
// `JSON.stringify(webhookBodySchema)` is the published schema). One event, or `{"events": [...]}`.
// Objects are closed (additionalProperties: false) so a misspelt field is reported, not ignored;
// free-form data goes in `metadata`, which is kept with the message.
import { Type, type Static } from '@sinclair/typebox'
import { textLengthMax } from '../wire.ts'

export const eventsPerBatchMax = 1_000
const idLengthMax = 512

/** RFC 3339 date-time: full date, time with seconds, optional fraction, Z or ±hh:mm. */
export const rfc3339Pattern = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$'

const ExternalId = Type.String({ minLength: 1, maxLength: idLengthMax, pattern: '\\S' })
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })

export const WebhookAuthor = Type.Object({
  id: ExternalId,
  name: Type.Optional(Type.String({ maxLength: 200 })),
  handle: Type.Optional(Type.String({ maxLength: 200 })),
  followers: Type.Optional(Count),
  verified: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })

export const WebhookEngagement = Type.Object({
  likes: Type.Optional(Count),
  reposts: Type.Optional(Count),
  replies: Type.Optional(Count),
  quotes: Type.Optional(Count),
}, { additionalProperties: false })

const optionalFields = {
  thread_id: Type.Optional(ExternalId),
  parent_id: Type.Optional(ExternalId),
  url: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://\\S+$' })),
  visibility: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')])),
  /** 'out' marks the brand's own message (sent elsewhere, mirrored here); default 'in'. */
  direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
  lang: Type.Optional(Type.String({ minLength: 1, maxLength: 35, pattern: '^[A-Za-z0-9-]+$' })),
  engagement: Type.Optional(WebhookEngagement),
  metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
}

function contentEvent<T extends 'message' | 'update'>(type: T) {
  return Type.Object({
    id: ExternalId,
    type: Type.Literal(type),
    author: WebhookAuthor,
    text: Type.String({ maxLength: textLengthMax }),
    created_at: Type.String({ pattern: rfc3339Pattern }),
    ...optionalFields,
  }, { additionalProperties: false })
}

/** A new message. */
export const WebhookMessageEvent = contentEvent('message')
/** The new text of a message sent before (same `id`). */
export const WebhookUpdateEvent = contentEvent('update')
/** A message removed at the source: only `id`, `type` and `created_at` (when it was deleted) are required. */
export const WebhookDeleteEvent = Type.Object({
  id: ExternalId,
  type: Type.Literal('delete'),
  created_at: Type.String({ pattern: rfc3339Pattern }),
  author: Type.Optional(WebhookAuthor),
  text: Type.Optional(Type.String({ maxLength: 0 })),
  ...optionalFields,
}, { additionalProperties: false })

export const WebhookEvent = Type.Union([WebhookMessageEvent, WebhookUpdateEvent, WebhookDeleteEvent])
export const WebhookBatch = Type.Object({
  events: Type.Array(WebhookEvent, { maxItems: eventsPerBatchMax }),
}, { additionalProperties: false })

/** The whole inbound body: one event or a batch. */
export const webhookBodySchema = Type.Union([WebhookEvent, WebhookBatch], {
  $id: 'https://earshot.dev/schemas/webhook-event.json',
  title: 'Earshot generic webhook delivery',
})

export type WebhookEvent = Static<typeof WebhookEvent>
export type WebhookEventType = WebhookEvent['type']

export const eventSchemaByType = {
  message: WebhookMessageEvent,
  update: WebhookUpdateEvent,
  delete: WebhookDeleteEvent,
} as const

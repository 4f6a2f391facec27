// Outgoing event webhooks of a workspace: where SLA warnings and breaches, resolutions and CSAT scores
// are POSTed (signed, retried, deduplicable by event id), and each webhook's delivery log. The signing
// secret is sealed with the channel-account secret box and never returned. Every change is audited.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { EarshotError, raise } from '../../core/errors.ts'
import { eventTypes } from '../../events/event.ts'
import { checkWebhookUrl } from '../../events/url.ts'
import type { DeliveryRow, EventWebhookRow } from '../../store/queries/event-webhooks.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { requireSupervisor, resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'

const EventType = Type.Union(eventTypes.map((t) => Type.Literal(t)))
const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'http or https URL the events are POSTed to' })
const Secret = Type.String({ minLength: 16, maxLength: 256, description: 'HMAC-SHA256 key for X-Earshot-Signature; stored encrypted, never returned' })
const Events = Type.Array(EventType, { minItems: 1, maxItems: eventTypes.length, uniqueItems: true })

const WebhookView = Type.Object({
  id: Type.String(), url: Type.String(), events: Type.Array(Type.String()), enabled: Type.Boolean(), description: Type.String(),
  hasSecret: Type.Boolean(), createdAt: Type.String(), updatedAt: Type.String(),
})
const WebhookBody = Type.Object({
  url: Url, events: Events, secret: Secret,
  enabled: Type.Optional(Type.Boolean()),
  description: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false })
const WebhookPatch = Type.Partial(WebhookBody, { additionalProperties: false })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const DeliveryView = Type.Object({
  id: Type.String(), eventId: Type.String(), eventType: Type.String(),
  status: Type.Union(['pending', 'sending', 'delivered', 'failed'].map((s) => Type.Literal(s))),
  attempts: Type.Integer(), nextAttemptAt: Type.String(), lastStatus: Nullable(Type.Integer()), lastError: Nullable(Type.String()),
  log: Type.Array(Type.Object({ at: Type.String(), status: Nullable(Type.Integer()), error: Nullable(Type.String()), ms: Type.Number() }), { description: 'the latest attempts, oldest first' }),
  payload: Type.Record(Type.String(), Type.Unknown(), { description: 'the body POSTed: {id, type, workspaceId, at, data}' }),
  createdAt: Type.String(), deliveredAt: Nullable(Type.String()),
})

const view = (w: EventWebhookRow) => ({ id: w.id, url: w.url, events: w.events, enabled: w.enabled, description: w.description, hasSecret: true, createdAt: w.createdAt, updatedAt: w.updatedAt })
const deliveryView = (d: DeliveryRow) => ({
  id: d.id, eventId: d.eventId, eventType: d.eventType, status: d.status, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, lastStatus: d.lastStatus,
  lastError: d.lastError, log: d.log, payload: d.payload, createdAt: d.createdAt, deliveredAt: d.deliveredAt,
})

export const eventWebhookRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, secretBox, webhooksAllowPrivate }) => {
  const checkedUrl = (url: string): string => {
    const check = checkWebhookUrl(url, { allowPrivateNetwork: webhooksAllowPrivate ?? true })
    if (!check.ok) throw new EarshotError('INVALID_WEBHOOK_URL', check.reason)
    return check.url.toString()
  }

  app.get('/event-webhooks', {
    schema: { summary: 'Outgoing event webhooks (secrets are never returned)', tags: ['event webhooks'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(WebhookView) }), 403: ErrorBody } },
  }, async (req) => {
    requireSupervisor(req)
    return { items: (await store.eventWebhooks.list((await resolveWorkspace(store, req, req.query.workspace)).id)).map(view) }
  })

  app.get('/event-webhooks/:id', {
    schema: { summary: 'One outgoing event webhook', tags: ['event webhooks'], params: IdParams, querystring: WorkspaceQuery, response: { 200: WebhookView, 403: ErrorBody, 404: ErrorBody } },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    return view((await store.eventWebhooks.get(ws.id, req.params.id)) ?? raise('EVENT_WEBHOOK_NOT_FOUND', req.params.id))
  })

  app.post('/event-webhooks', {
    schema: {
      summary: 'Subscribe a URL to workspace events',
      description: `Events: ${eventTypes.join(', ')}. Each is POSTed as JSON {id, type, workspaceId, at, data} with Idempotency-Key and X-Earshot-Event-Id (the event id: dedupe on it, deliveries are at least once), X-Earshot-Event, X-Earshot-Delivery, and X-Earshot-Timestamp + X-Earshot-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<body>"). Any answer but 2xx is retried with backoff; redirects are not followed. Only http(s) URLs without credentials: 400 INVALID_WEBHOOK_URL.`,
      tags: ['event webhooks'], querystring: WorkspaceQuery, body: WebhookBody,
      response: { 201: WebhookView, 400: ErrorBody, 403: ErrorBody },
    },
  }, async (req, reply) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const url = checkedUrl(req.body.url)
    const id = await store.transaction(async (tx) => {
      const created = await tx.eventWebhooks.create(ws.id, { url, events: req.body.events, secretEnc: secretBox.seal({ secret: req.body.secret }), enabled: req.body.enabled ?? true, description: req.body.description ?? '' })
      await tx.audit.record({ workspaceId: ws.id, actor: `token:${req.token!.name}`, action: 'event_webhook.create', targetType: 'event_webhook', targetId: created, detail: { url, events: req.body.events, enabled: req.body.enabled ?? true } })
      return created
    })
    return reply.status(201).send(view((await store.eventWebhooks.get(ws.id, id))!))
  })

  app.patch('/event-webhooks/:id', {
    schema: { summary: 'Change an event webhook (a new secret replaces the old one)', tags: ['event webhooks'], params: IdParams, querystring: WorkspaceQuery, body: WebhookPatch, response: { 200: WebhookView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const before = (await store.eventWebhooks.get(ws.id, req.params.id)) ?? raise('EVENT_WEBHOOK_NOT_FOUND', req.params.id)
    const url = req.body.url === undefined ? undefined : checkedUrl(req.body.url)
    await store.transaction(async (tx) => {
      await tx.eventWebhooks.update(ws.id, before.id, {
        ...(url === undefined ? {} : { url }),
        ...(req.body.events === undefined ? {} : { events: req.body.events }),
        ...(req.body.secret === undefined ? {} : { secretEnc: secretBox.seal({ secret: req.body.secret }) }),
        ...(req.body.enabled === undefined ? {} : { enabled: req.body.enabled }),
        ...(req.body.description === undefined ? {} : { description: req.body.description }),
      })
      const { secret, ...changes } = req.body
      await tx.audit.record({ workspaceId: ws.id, actor: `token:${req.token!.name}`, action: 'event_webhook.update', targetType: 'event_webhook', targetId: before.id, detail: { changes: { ...changes, ...(url === undefined ? {} : { url }) }, secretChanged: secret !== undefined } })
    })
    return view((await store.eventWebhooks.get(ws.id, before.id))!)
  })

  app.delete('/event-webhooks/:id', {
    schema: { summary: 'Delete an event webhook and its pending deliveries', tags: ['event webhooks'], params: IdParams, querystring: WorkspaceQuery, response: { 200: Type.Object({ deleted: Type.Boolean() }), 403: ErrorBody, 404: ErrorBody } },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const before = (await store.eventWebhooks.get(ws.id, req.params.id)) ?? raise('EVENT_WEBHOOK_NOT_FOUND', req.params.id)
    await store.transaction(async (tx) => {
      await tx.eventWebhooks.remove(ws.id, before.id)
      await tx.audit.record({ workspaceId: ws.id, actor: `token:${req.token!.name}`, action: 'event_webhook.delete', targetType: 'event_webhook', targetId: before.id, detail: { url: before.url, events: before.events } })
    })
    return { deleted: true }
  })

  app.get('/event-webhooks/:id/deliveries', {
    schema: {
      summary: 'Delivery log of an event webhook, newest first: status, attempts, the latest answers',
      tags: ['event webhooks'], params: IdParams,
      querystring: Type.Composite([WorkspaceQuery, Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        status: Type.Optional(Type.Union(['pending', 'sending', 'delivered', 'failed'].map((s) => Type.Literal(s)))),
      })]),
      response: { 200: Type.Object({ items: Type.Array(DeliveryView) }), 403: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const hook = (await store.eventWebhooks.get(ws.id, req.params.id)) ?? raise('EVENT_WEBHOOK_NOT_FOUND', req.params.id)
    const status = req.query.status as DeliveryRow['status'] | undefined
    return { items: (await store.eventWebhooks.deliveries(ws.id, hook.id, req.query.limit ?? 100, status)).map(deliveryView) }
  })
}

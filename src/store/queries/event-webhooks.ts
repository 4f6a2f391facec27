// Outgoing event webhooks and their durable delivery queue (migration 0012). Deliveries are enqueued in
// the transaction that produced the event (one row per subscribed webhook) and claimed with a lease by
// events/worker.ts, like the outbox.
import { isUuid } from '../../core/ids.ts'
import type { Sql } from '../db.ts'
import { storableText } from './inbound.ts'

export interface EventWebhookRow {
  id: string
  workspaceId: string
  url: string
  events: string[]
  enabled: boolean
  description: string
  createdAt: string
  updatedAt: string
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed'

export interface DeliveryAttempt {
  at: string
  /** HTTP status, null when no answer (refused, timeout). */
  status: number | null
  error: string | null
  ms: number
}

export interface DeliveryRow {
  id: string
  workspaceId: string
  webhookId: string
  eventId: string
  eventType: string
  payload: Record<string, unknown>
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: string
  lastStatus: number | null
  lastError: string | null
  log: DeliveryAttempt[]
  createdAt: string
  deliveredAt: string | null
}

/** Attempts kept in a delivery's log (the oldest drop out). */
export const deliveryLogMax = 10

const webhookColumns = 'id, workspace_id, url, events, enabled, description, created_at, updated_at'
interface WebhookDbRow { id: string; workspace_id: string; url: string; events: string[]; enabled: boolean; description: string; created_at: Date; updated_at: Date }
const toWebhook = (r: WebhookDbRow): EventWebhookRow => ({
  id: r.id, workspaceId: r.workspace_id, url: r.url, events: r.events, enabled: r.enabled, description: r.description,
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
})

const deliveryColumns = 'id, workspace_id, webhook_id, event_id, event_type, payload, status, attempts, next_attempt_at, last_status, last_error, log, created_at, delivered_at'
interface DeliveryDbRow {
  id: string; workspace_id: string; webhook_id: string; event_id: string; event_type: string; payload: Record<string, unknown>; status: DeliveryStatus
  attempts: number; next_attempt_at: Date; last_status: number | null; last_error: string | null; log: DeliveryAttempt[]; created_at: Date; delivered_at: Date | null
}
const toDelivery = (r: DeliveryDbRow): DeliveryRow => ({
  id: r.id, workspaceId: r.workspace_id, webhookId: r.webhook_id, eventId: r.event_id, eventType: r.event_type, payload: r.payload, status: r.status,
  attempts: r.attempts, nextAttemptAt: new Date(r.next_attempt_at).toISOString(), lastStatus: r.last_status, lastError: r.last_error, log: r.log,
  createdAt: new Date(r.created_at).toISOString(), deliveredAt: r.delivered_at === null ? null : new Date(r.delivered_at).toISOString(),
})

/** Appends one attempt to the log, keeping the latest deliveryLogMax. */
const appendLog = `case when jsonb_array_length(log) >= ${deliveryLogMax} then (log - 0) || $2::jsonb else log || $2::jsonb end`

export function eventWebhookQueries(sql: Sql) {
  return {
    async list(workspaceId: string): Promise<EventWebhookRow[]> {
      const { rows } = await sql.query<WebhookDbRow>(`select ${webhookColumns} from event_webhook where workspace_id = $1 order by created_at, id`, [workspaceId])
      return rows.map(toWebhook)
    },
    async get(workspaceId: string, id: string): Promise<EventWebhookRow | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<WebhookDbRow>(`select ${webhookColumns} from event_webhook where workspace_id = $1 and id = $2`, [workspaceId, id])
      return rows[0] === undefined ? null : toWebhook(rows[0])
    },
    async create(workspaceId: string, w: { url: string; events: string[]; secretEnc: Buffer; enabled: boolean; description: string }): Promise<string> {
      const { rows } = await sql.query<{ id: string }>(
        'insert into event_webhook (workspace_id, url, events, secret_enc, enabled, description) values ($1, $2, $3, $4, $5, $6) returning id',
        [workspaceId, w.url, w.events, w.secretEnc, w.enabled, storableText(w.description)])
      return rows[0]!.id
    },
    async update(workspaceId: string, id: string, p: { url?: string; events?: string[]; secretEnc?: Buffer; enabled?: boolean; description?: string }): Promise<boolean> {
      const { rowCount } = await sql.query(
        `update event_webhook set url = coalesce($3, url), events = coalesce($4::text[], events), secret_enc = coalesce($5, secret_enc),
           enabled = coalesce($6, enabled), description = coalesce($7, description), updated_at = now()
         where workspace_id = $1 and id = $2`,
        [workspaceId, id, p.url ?? null, p.events ?? null, p.secretEnc ?? null, p.enabled ?? null, p.description === undefined ? null : storableText(p.description)])
      return rowCount === 1
    },
    async remove(workspaceId: string, id: string): Promise<boolean> {
      if (!isUuid(id)) return false
      const { rowCount } = await sql.query('delete from event_webhook where workspace_id = $1 and id = $2', [workspaceId, id])
      return rowCount === 1
    },
    /** Where and with what to deliver; null when the webhook is gone. */
    async target(id: string): Promise<{ url: string; secretEnc: Buffer; enabled: boolean } | null> {
      const { rows } = await sql.query<{ url: string; secret_enc: Uint8Array; enabled: boolean }>('select url, secret_enc, enabled from event_webhook where id = $1', [id])
      const r = rows[0]
      return r === undefined ? null : { url: r.url, secretEnc: Buffer.from(r.secret_enc), enabled: r.enabled }
    },
    /** One delivery per enabled webhook of the workspace that subscribes to the event's type; idempotent per event id. */
    async enqueue(e: { id: string; type: string; workspaceId: string; at: string; data: Record<string, unknown> }): Promise<number> {
      const { rowCount } = await sql.query(
        `insert into event_delivery (workspace_id, webhook_id, event_id, event_type, payload)
         select w.workspace_id, w.id, $2, $3, $4::jsonb from event_webhook w
         where w.workspace_id = $1 and w.enabled and $3 = any(w.events)
         on conflict (webhook_id, event_id) do nothing`,
        [e.workspaceId, e.id, e.type, JSON.stringify(e)])
      return rowCount ?? 0
    },
    /** Claims due deliveries and leases them for leaseMs (a crashed worker's rows come back after it). */
    async claimDue(limit: number, leaseMs: number): Promise<DeliveryRow[]> {
      const { rows } = await sql.query<DeliveryDbRow>(
        `update event_delivery set status = 'sending', attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
         where id in (select id from event_delivery where status in ('pending', 'sending') and next_attempt_at <= now()
                      order by next_attempt_at, id for update skip locked limit $1)
         returning ${deliveryColumns}`,
        [limit, leaseMs])
      return rows.map(toDelivery)
    },
    async markDelivered(id: string, attempt: DeliveryAttempt): Promise<void> {
      await sql.query(
        `update event_delivery set status = 'delivered', delivered_at = now(), last_status = $3, last_error = null, log = ${appendLog}, updated_at = now() where id = $1`,
        [id, JSON.stringify([attempt]), attempt.status])
    },
    async markRetry(id: string, attempt: DeliveryAttempt, delayMs: number): Promise<void> {
      await sql.query(
        `update event_delivery set status = 'pending', next_attempt_at = now() + make_interval(secs => $3::double precision / 1000),
           last_status = $4, last_error = $5, log = ${appendLog}, updated_at = now() where id = $1`,
        [id, JSON.stringify([attempt]), delayMs, attempt.status, attempt.error === null ? null : storableText(attempt.error)])
    },
    async markFailed(id: string, attempt: DeliveryAttempt): Promise<void> {
      await sql.query(
        `update event_delivery set status = 'failed', last_status = $3, last_error = $4, log = ${appendLog}, updated_at = now() where id = $1`,
        [id, JSON.stringify([attempt]), attempt.status, attempt.error === null ? null : storableText(attempt.error)])
    },
    /** The delivery log of one webhook, newest first. */
    async deliveries(workspaceId: string, webhookId: string, limit: number, status?: DeliveryStatus): Promise<DeliveryRow[]> {
      const { rows } = await sql.query<DeliveryDbRow>(
        `select ${deliveryColumns} from event_delivery where workspace_id = $1 and webhook_id = $2 and ($4::text is null or status = $4)
         order by created_at desc, id desc limit $3`,
        [workspaceId, webhookId, limit, status ?? null])
      return rows.map(toDelivery)
    },
  }
}

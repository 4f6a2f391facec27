import { isUuid } from '../../core/ids.ts'
import type { Sql } from '../db.ts'
import { storableText } from './inbound.ts'
import { storableJson } from './messages.ts'

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'held' | 'cancelled'

export interface OutboxRow {
  id: string
  workspaceId: string
  conversationId: string
  channel: string
  accountId: string | null
  action: string
  text: string
  visibility: 'public' | 'private'
  targetMessageId: string | null
  idempotencyKey: string
  status: OutboxStatus
  attempts: number
  nextAttemptAt: string
  lastError: string | null
  failureCode: string | null
  externalId: string | null
  messageId: string | null
  requestedBy: string | null
  createdAt: string
  sentAt: string | null
  approvalReasons: string[]
  reviewedBy: string | null
  reviewedAt: string | null
  reviewNote: string | null
}

interface Row {
  id: string
  workspace_id: string
  conversation_id: string
  channel: string
  channel_account_id: string | null
  action: string
  text: string
  visibility: 'public' | 'private'
  target_message_id: string | null
  idempotency_key: string
  status: OutboxStatus
  attempts: number
  next_attempt_at: Date
  last_error: string | null
  failure_code: string | null
  external_id: string | null
  message_id: string | null
  requested_by: string | null
  created_at: Date
  sent_at: Date | null
  approval_reasons: string[]
  reviewed_by: string | null
  reviewed_at: Date | null
  review_note: string | null
}

const columns = `id, workspace_id, conversation_id, channel, channel_account_id, action, text, visibility, target_message_id, idempotency_key,
  status, attempts, next_attempt_at, last_error, failure_code, external_id, message_id, requested_by, created_at, sent_at,
  approval_reasons, reviewed_by, reviewed_at, review_note`

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString())

const toOutbox = (r: Row): OutboxRow => ({
  id: r.id, workspaceId: r.workspace_id, conversationId: r.conversation_id, channel: r.channel, accountId: r.channel_account_id,
  action: r.action, text: r.text, visibility: r.visibility, targetMessageId: r.target_message_id, idempotencyKey: r.idempotency_key,
  status: r.status, attempts: r.attempts, nextAttemptAt: new Date(r.next_attempt_at).toISOString(), lastError: r.last_error,
  failureCode: r.failure_code, externalId: r.external_id, messageId: r.message_id, requestedBy: r.requested_by,
  createdAt: new Date(r.created_at).toISOString(), sentAt: iso(r.sent_at),
  approvalReasons: r.approval_reasons, reviewedBy: r.reviewed_by, reviewedAt: iso(r.reviewed_at), reviewNote: r.review_note,
})

/** What send.ts needs of the customer's message being answered. */
export interface OutboxTargetRow {
  externalId: string
  parentExternalId: string | null
  threadExternalId: string | null
  visibility: 'public' | 'private'
  authorExternalId: string | null
  authorHandle: string | null
  raw: unknown
  createdAt: Date
}

export function outboxQueries(sql: Sql) {
  return {
    /** Inserts; with a key already used in the workspace, returns the existing row instead (a retried request). */
    async enqueue(o: {
      workspaceId: string; conversationId: string; channel: string; accountId: string | null; action: string; text: string
      visibility: 'public' | 'private'; targetMessageId: string | null; idempotencyKey: string; requestedBy: string
      requestedByAgentId: string | null
      /** Non-empty: the reply waits for a supervisor (status 'held') for these reasons. */
      approvalReasons: string[]
    }): Promise<{ row: OutboxRow; created: boolean }> {
      const { rows } = await sql.query<Row>(
        `insert into outbox (workspace_id, conversation_id, channel, channel_account_id, action, text, visibility, target_message_id,
           idempotency_key, requested_by, status, payload, requested_by_agent_id, approval_reasons)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '{}'::jsonb, $12, $13::jsonb)
         on conflict (workspace_id, idempotency_key) do nothing returning ${columns}`,
        [o.workspaceId, o.conversationId, o.channel, o.accountId, o.action, storableText(o.text), o.visibility, o.targetMessageId,
          o.idempotencyKey, o.requestedBy, o.approvalReasons.length > 0 ? 'held' : 'pending', o.requestedByAgentId, JSON.stringify(o.approvalReasons)],
      )
      if (rows[0]) return { row: toOutbox(rows[0]), created: true }
      const existing = await sql.query<Row>(`select ${columns} from outbox where workspace_id = $1 and idempotency_key = $2`, [o.workspaceId, o.idempotencyKey])
      return { row: toOutbox(existing.rows[0]!), created: false }
    },
    async get(workspaceId: string, id: string): Promise<OutboxRow | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<Row>(`select ${columns} from outbox where workspace_id = $1 and id = $2`, [workspaceId, id])
      return rows[0] ? toOutbox(rows[0]) : null
    },
    async forConversation(workspaceId: string, conversationId: string): Promise<OutboxRow[]> {
      const { rows } = await sql.query<Row>(
        `select ${columns} from outbox where workspace_id = $1 and conversation_id = $2 order by created_at, id`, [workspaceId, conversationId])
      return rows.map(toOutbox)
    },
    /**
     * Claims due rows and leases them for `leaseMs`. A row left 'sending' past its lease belongs to a worker
     * that died mid-send: it is claimed again, and its outcome is unknown (attempts > 1 → look before resending).
     */
    async claimDue(limit: number, leaseMs: number): Promise<OutboxRow[]> {
      const { rows } = await sql.query<Row>(
        `update outbox set status = 'sending', attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
         where id in (select id from outbox where status in ('pending', 'sending') and next_attempt_at <= now()
                      order by next_attempt_at, id for update skip locked limit $1)
         returning ${columns}`,
        [limit, leaseMs],
      )
      return rows.map(toOutbox)
    },
    async markSent(id: string, externalId: string, messageId: string): Promise<void> {
      await sql.query(
        `update outbox set status = 'sent', external_id = $2, message_id = $3, sent_at = now(), last_error = null, updated_at = now() where id = $1`,
        [id, externalId, messageId],
      )
    },
    async markRetry(id: string, delayMs: number, error: string): Promise<void> {
      await sql.query(
        `update outbox set status = 'pending', next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), last_error = $3, updated_at = now() where id = $1`,
        [id, delayMs, storableText(error)],
      )
    },
    /**
     * Gives up on a row. A CSAT survey it was carrying stops reading `sent` (it becomes `skipped` with the
     * reason, in the same statement), so a later bare digit from the customer is an ordinary message.
     */
    async markFailed(id: string, code: string, error: string): Promise<void> {
      await sql.query(
        `with failed as (update outbox set status = 'failed', failure_code = $2, last_error = $3, updated_at = now() where id = $1 returning id)
         update csat_survey set status = 'skipped', skip_reason = left('the survey could not be sent: ' || $3, 500)
         where outbox_id in (select id from failed) and status = 'sent'`,
        [id, code, storableText(error)],
      )
    },
    /**
     * A held reply approved (→ pending, optionally with the supervisor's edit) or rejected (→ cancelled).
     * Null when it is not held (any more): two supervisors deciding at once get one winner.
     */
    async review(workspaceId: string, id: string, r: { to: 'pending' | 'cancelled'; text: string | null; reviewer: string; note: string | null }): Promise<OutboxRow | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<Row>(
        `update outbox set status = $3, text = coalesce($4, text), next_attempt_at = now(), updated_at = now(),
           reviewed_by = $5, reviewed_at = now(), review_note = $6
         where workspace_id = $1 and id = $2 and status = 'held' returning ${columns}`,
        [workspaceId, id, r.to, r.text === null ? null : storableText(r.text), r.reviewer, r.note],
      )
      return rows[0] ? toOutbox(rows[0]) : null
    },
    /** Replies waiting for a supervisor, oldest first, with what the supervisor reads of their conversation. */
    async held(workspaceId: string, limit: number): Promise<(OutboxRow & { conversationPreview: string; conversationPriority: number })[]> {
      const { rows } = await sql.query<Row & { conversation_preview: string; conversation_priority: number }>(
        `select ${columns}, c.preview as conversation_preview, c.priority as conversation_priority
         from outbox join (select id as conversation, preview, priority from conversation) c on c.conversation = outbox.conversation_id
         where workspace_id = $1 and status = 'held' order by created_at, id limit $2`, [workspaceId, limit])
      return rows.map((r) => ({ ...toOutbox(r), conversationPreview: r.conversation_preview, conversationPriority: r.conversation_priority }))
    },
    /** The customer's message a reply answers: the given one, else the conversation's latest inbound message. */
    async target(conversationId: string, messageId: string | null): Promise<(OutboxTargetRow & { id: string }) | null> {
      const { rows } = await sql.query<{
        id: string; external_id: string; parent_external_id: string | null; thread_external_id: string | null; visibility: 'public' | 'private'
        external_user_id: string | null; handle: string | null; raw: unknown; created_at: Date
      }>(
        `select m.id, m.external_id, m.parent_external_id, m.thread_external_id, m.visibility, i.external_user_id, i.handle, m.raw, m.created_at
         from message m left join identity i on i.id = m.identity_id
         where m.conversation_id = $1 and ($2::uuid is null and m.direction = 'in' or m.id = $2::uuid)
           -- a conversation merged from several channels answers on its own channel only
           and m.channel = (select c.channel from conversation c where c.id = $1)
         order by m.created_at desc, m.seq desc limit 1`,
        [conversationId, messageId !== null && isUuid(messageId) ? messageId : null],
      )
      const r = rows[0]
      if (r === undefined) return null
      return {
        id: r.id, externalId: r.external_id, parentExternalId: r.parent_external_id, threadExternalId: r.thread_external_id,
        visibility: r.visibility, authorExternalId: r.external_user_id, authorHandle: r.handle, raw: r.raw, createdAt: new Date(r.created_at),
      }
    },
    /** Stores a sent reply as the conversation's outbound message (idempotent on the platform id). */
    async insertOutboundMessage(m: {
      workspaceId: string; conversationId: string; channel: string; externalId: string; visibility: 'public' | 'private'; text: string
      parentExternalId: string | null; threadExternalId: string | null; url: string | null; raw: unknown
    }): Promise<string> {
      const { rows } = await sql.query<{ id: string }>(
        `insert into message (workspace_id, conversation_id, channel, external_id, direction, visibility, text, parent_external_id, thread_external_id, url, raw, created_at)
         values ($1, $2, $3, $4, 'out', $5, $6, $7, $8, $9, $10::jsonb, now())
         on conflict (workspace_id, channel, external_id) do update set text = excluded.text
         returning id`,
        [m.workspaceId, m.conversationId, m.channel, m.externalId, m.visibility, storableText(m.text), m.parentExternalId, m.threadExternalId, m.url, storableJson(m.raw)],
      )
      return rows[0]!.id
    },
  }
}

import { isUuid } from '../../core/ids.ts'
import type { ConversationStatus, PriorityReason } from '../../core/model.ts'
import type { Intent, RiskFlag, Sentiment } from '../../core/triage-facts.ts'
import type { Sql } from '../db.ts'

export interface ConversationView {
  id: string
  workspaceId: string
  channel: string
  threadKey: string
  status: ConversationStatus
  priority: number
  priorityReasons: PriorityReason[]
  queue: { id: string; name: string } | null
  assignee: { id: string; name: string } | null
  contact: { id: string; displayName: string | null; handle: string | null; followers: number | null } | null
  preview: string
  messageCount: number
  lastMessageAt: string
  createdAt: string
  updatedAt: string
  version: number
  lang: string | null
  sentiment: Sentiment | null
  sentimentScore: number | null
  intent: Intent | null
  riskFlags: RiskFlag[]
  /** The channel account replies go out through (null: the workspace's first account of the channel). */
  channelAccountId: string | null
  /** The SLA clock that runs out first, when the conversation's queue has a policy. */
  slaDue: { state: 'ok' | 'warning' | 'breached'; metric: string | null; dueAt: string | null } | null
  /** Normalised tags (src/workflow/tags.ts), sorted. */
  tags: string[]
  /** Set when this conversation was merged into another one: where its messages went. */
  mergedInto: string | null
}

interface ConversationRow {
  id: string
  workspace_id: string
  channel: string
  thread_key: string
  status: ConversationStatus
  priority: number
  priority_reasons: PriorityReason[]
  queue_id: string | null
  queue_name: string | null
  assignee_id: string | null
  assignee_name: string | null
  contact_id: string | null
  contact_name: string | null
  contact_handle: string | null
  contact_followers: number | null
  preview: string
  message_count: number
  last_message_at: Date
  created_at: Date
  updated_at: Date
  version: number
  lang: string | null
  sentiment: Sentiment | null
  sentiment_score: number | null
  intent: Intent | null
  risk_flags: RiskFlag[]
  channel_account_id: string | null
  sla_state: 'none' | 'ok' | 'warning' | 'breached'
  sla_metric: string | null
  sla_due_at: Date | null
  tags: string[]
  merged_into: string | null
  cursor_ts: string
}

const viewSelect = `
  select c.id, c.workspace_id, c.channel, c.thread_key, c.status, c.priority, c.priority_reasons, c.queue_id, q.name as queue_name,
    c.assignee_id, a.name as assignee_name, c.contact_id, ct.display_name as contact_name,
    (select i.handle from identity i where i.contact_id = c.contact_id and i.channel = c.channel limit 1) as contact_handle,
    (select max(i.followers) from identity i where i.contact_id = c.contact_id) as contact_followers,
    c.preview, c.message_count, c.last_message_at, c.created_at, c.updated_at, c.version, c.lang, c.sentiment, c.sentiment_score, c.intent, c.risk_flags, c.channel_account_id, c.sla_state, c.sla_metric, c.sla_due_at, c.tags, c.merged_into, c.last_message_at::text as cursor_ts
  from conversation c
  left join queue q on q.id = c.queue_id
  left join agent a on a.id = c.assignee_id
  left join contact ct on ct.id = c.contact_id`

function toView(r: ConversationRow): ConversationView {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    channel: r.channel,
    threadKey: r.thread_key,
    status: r.status,
    priority: r.priority,
    priorityReasons: r.priority_reasons,
    queue: r.queue_id === null ? null : { id: r.queue_id, name: r.queue_name ?? '' },
    assignee: r.assignee_id === null ? null : { id: r.assignee_id, name: r.assignee_name ?? '' },
    contact: r.contact_id === null ? null : { id: r.contact_id, displayName: r.contact_name, handle: r.contact_handle, followers: r.contact_followers },
    preview: r.preview,
    messageCount: r.message_count,
    lastMessageAt: new Date(r.last_message_at).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    version: r.version,
    lang: r.lang,
    sentiment: r.sentiment,
    sentimentScore: r.sentiment_score,
    intent: r.intent,
    riskFlags: r.risk_flags,
    channelAccountId: r.channel_account_id,
    // a resolved conversation has no clock running
    slaDue: r.sla_state === 'none' || r.status === 'resolved' ? null
      : { state: r.sla_state, metric: r.sla_metric, dueAt: r.sla_due_at === null ? null : new Date(r.sla_due_at).toISOString() },
    tags: r.tags,
    mergedInto: r.merged_into,
  }
}

export type ConversationSort = 'priority' | 'age' | 'recent'

export interface ConversationFilter {
  status?: ConversationStatus[]
  queueId?: string
  /** An agent id, or 'none' for unassigned. */
  assignee?: string
  channel?: string
  /** Conversations carrying this (normalised) tag. */
  tag?: string
  /** Conversations with a note that mentions this agent; `unseen` keeps those with a mention not yet seen. */
  mentions?: { agentId: string; unseen: boolean }
}

export interface ConversationPage {
  items: ConversationView[]
  nextCursor: string | null
}

interface Cursor {
  k: number | string
  id: string
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}

/** Returns null for a cursor we did not make; the route turns that into a 400. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
    if (typeof value !== 'object' || value === null) return null
    const { k, id } = value as Record<string, unknown>
    if ((typeof k !== 'number' && typeof k !== 'string') || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return null
    if (typeof k === 'string' && Number.isNaN(Date.parse(k))) return null
    return { k, id }
  } catch {
    return null
  }
}

const sortSql: Record<ConversationSort, { order: string; after: string; key: (r: ConversationRow) => number | string }> = {
  priority: { order: 'c.priority desc, c.id asc', after: '(c.priority < $K or (c.priority = $K and c.id > $I))', key: (r) => r.priority },
  age: { order: 'c.last_message_at asc, c.id asc', after: '(c.last_message_at, c.id) > ($K::timestamptz, $I)', key: (r) => r.cursor_ts },
  recent: { order: 'c.last_message_at desc, c.id desc', after: '(c.last_message_at, c.id) < ($K::timestamptz, $I)', key: (r) => r.cursor_ts },
}

export interface ConversationContextRow {
  id: string
  workspaceId: string
  priority: number
  reasons: PriorityReason[]
  overridden: boolean
  /**
   * the oldest customer message not answered since, but not before Earshot had the conversation (a backfilled
   * post from last month has waited for us since it arrived, as the SLA clocks count); null when nothing waits
   * or the status is not new/open
   */
  waitingSince: Date | null
  responseDueAt: Date | null
  contactConversationsThisWeek: number
}

/** The SLA watch recomputes waiting and repeat-contact points for at most this many new/open conversations per pass. */
export const contextRefreshMax = 2000

export function conversationQueries(sql: Sql) {
  return {
    /** What the conversation-level priority contributions need (core/priority.ts conversationReasons). */
    async contextFacts(ids: string[]): Promise<ConversationContextRow[]> {
      if (ids.length === 0) return []
      const { rows } = await sql.query<{ id: string; workspace_id: string; priority: number; priority_reasons: PriorityReason[]; overridden: boolean;
        waiting_since: Date | null; response_due_at: Date | null; contact_recent: number }>(
        `select c.id, c.workspace_id, c.priority, c.priority_reasons, c.priority_override is not null as overridden,
           case when c.status in ('new', 'open') then greatest(c.created_at, (
             select min(m.created_at) from message m
             where m.conversation_id = c.id and m.direction = 'in' and m.deleted_at is null
               and m.created_at > coalesce((select max(o.created_at) from message o where o.conversation_id = c.id and o.direction = 'out'), c.last_agent_reply_at, '-infinity'::timestamptz)
           )) end as waiting_since,
           case when c.first_responded_at is null then c.sla_first_response_due_at else c.sla_next_response_due_at end as response_due_at,
           (select count(*)::int from conversation k
              cross join lateral (select coalesce(min(km.created_at), k.created_at) as at from message km where km.conversation_id = k.id) ks
             where k.workspace_id = c.workspace_id and k.contact_id = c.contact_id
               and ks.at > cs.at - interval '7 days' and (ks.at, k.id) <= (cs.at, c.id)) as contact_recent
         from conversation c
         cross join lateral (select coalesce(min(cm.created_at), c.created_at) as at from message cm where cm.conversation_id = c.id) cs
         where c.id = any($1::uuid[])`,
        [ids],
      )
      return rows.map((r) => ({
        id: r.id, workspaceId: r.workspace_id, priority: r.priority, reasons: r.priority_reasons ?? [], overridden: r.overridden,
        waitingSince: r.waiting_since === null ? null : new Date(r.waiting_since), responseDueAt: r.response_due_at === null ? null : new Date(r.response_due_at),
        contactConversationsThisWeek: r.contact_recent,
      }))
    },
    /** New and open conversations, longest without a message first (the SLA watch's context pass). */
    async openIds(limit = contextRefreshMax): Promise<string[]> {
      const { rows } = await sql.query<{ id: string }>(
        `select id from conversation where status in ('new', 'open') order by last_message_at nulls first limit ${Math.max(1, Math.floor(limit))}`)
      return rows.map((r) => r.id)
    },
    /** Stores a recomputed priority unless an agent overrode it. */
    async setPriority(id: string, score: number, reasons: PriorityReason[]): Promise<void> {
      await sql.query('update conversation set priority = $2, priority_reasons = $3::jsonb where id = $1 and priority_override is null', [id, score, JSON.stringify(reasons)])
    },
    /**
     * Finds or opens the conversation for a thread key; `created` tells whether it is new. A thread whose
     * conversation was merged answers with the conversation it was merged into (merges keep one hop).
     */
    async upsertForThread(c: { workspaceId: string; channel: string; threadKey: string; contactId: string | null; queueId: string | null; at: Date; accountId?: string | null }): Promise<{ id: string; created: boolean }> {
      const { rows } = await sql.query<{ id: string; merged_into: string | null; created: boolean }>(
        `insert into conversation (workspace_id, channel, thread_key, contact_id, queue_id, last_message_at, channel_account_id)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (workspace_id, channel, thread_key) do update set updated_at = now(),
           channel_account_id = coalesce(conversation.channel_account_id, excluded.channel_account_id)
         returning id, merged_into, (xmax = 0) as created`,
        [c.workspaceId, c.channel, c.threadKey, c.contactId, c.queueId, c.at, c.accountId ?? null],
      )
      const row = rows[0]!
      return row.merged_into === null ? { id: row.id, created: row.created } : { id: row.merged_into, created: false }
    },
    /** An agent's priority (0..100) replaces the computed one until cleared with null. */
    async overridePriority(workspaceId: string, id: string, priority: number | null): Promise<boolean> {
      const { rowCount } = await sql.query('update conversation set priority_override = $3 where workspace_id = $1 and id = $2', [workspaceId, id, priority])
      if (rowCount === 1) await this.refresh(id, false)
      return rowCount === 1
    },
    /**
     * The conversation a reply to a message of conversation `id` joins: itself, or the one it was merged
     * into. FOR SHARE: a merge in flight (it locks FOR UPDATE) finishes first, so no message lands in a
     * conversation that is being merged away.
     */
    async joinable(id: string): Promise<string | null> {
      const { rows } = await sql.query<{ id: string }>('select coalesce(merged_into, id) as id from conversation where id = $1 for share', [id])
      return rows[0]?.id ?? null
    },
    async existsForThread(workspaceId: string, channel: string, threadKey: string): Promise<boolean> {
      const { rows } = await sql.query('select 1 from conversation where workspace_id = $1 and channel = $2 and thread_key = $3', [workspaceId, channel, threadKey])
      return rows.length > 0
    },
    /** Recomputes what the inbox shows from the conversation's messages; reopens it on a new customer message. */
    async refresh(id: string, reopen: boolean): Promise<void> {
      await this.refreshMany([id], reopen ? [id] : [])
    },
    /**
     * One statement for every conversation a batch touched: priority and reasons (or the agent's override),
     * triage summary, counts, preview; conversations in `reopenIds` reopen if pending, snoozed or resolved.
     */
    async refreshMany(ids: string[], reopenIds: string[]): Promise<void> {
      if (ids.length === 0) return
      await sql.query(
        `with ids as (select unnest($1::uuid[]) as id),
         live as (
           select m.conversation_id, m.priority, m.priority_reasons, m.sentiment, m.sentiment_score, m.intent, m.lang, m.risk_flags,
             m.direction, m.created_at, left(m.text, 280) as text
           from message m where m.conversation_id = any($1::uuid[]) and m.deleted_at is null),
         top as (
           select distinct on (conversation_id) conversation_id, priority, priority_reasons, sentiment, sentiment_score, intent
           from live order by conversation_id, priority desc, created_at desc),
         agg as (select conversation_id, count(*)::int as n, max(created_at) as last_at from live group by conversation_id),
         preview as (
           select distinct on (conversation_id) conversation_id, text from live where direction = 'in' order by conversation_id, created_at desc),
         first_lang as (
           select distinct on (conversation_id) conversation_id, lang from live
           where direction = 'in' and lang is not null order by conversation_id, created_at),
         flags as (select conversation_id, array_agg(distinct f order by f) as flags from live, unnest(risk_flags) f group by conversation_id),
         computed as (
           select ids.id, top.priority, top.priority_reasons, top.sentiment, top.sentiment_score, top.intent, first_lang.lang,
             flags.flags, agg.n, agg.last_at, preview.text
           from ids
           left join top on top.conversation_id = ids.id
           left join agg on agg.conversation_id = ids.id
           left join preview on preview.conversation_id = ids.id
           left join first_lang on first_lang.conversation_id = ids.id
           left join flags on flags.conversation_id = ids.id)
         update conversation c set
           priority = coalesce(c.priority_override, x.priority, 0),
           priority_reasons = case when c.priority_override is null then coalesce(x.priority_reasons, '[]'::jsonb)
             else jsonb_build_array(jsonb_build_object('code', 'override', 'label', 'set by an agent', 'points', c.priority_override)) end,
           sentiment = x.sentiment,
           sentiment_score = x.sentiment_score,
           intent = x.intent,
           lang = coalesce(x.lang, c.lang),
           risk_flags = coalesce(x.flags, '{}'),
           message_count = coalesce(x.n, 0),
           preview = coalesce(x.text, ''),
           last_message_at = coalesce(x.last_at, c.last_message_at),
           status = case when c.id = any($2::uuid[]) and c.status in ('pending', 'snoozed', 'resolved') then 'open' else c.status end,
           updated_at = now(),
           version = c.version + 1
         from computed x
         where c.id = x.id`,
        [ids, reopenIds],
      )
    },
    async get(workspaceId: string, id: string): Promise<ConversationView | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<ConversationRow>(`${viewSelect} where c.workspace_id = $1 and c.id = $2`, [workspaceId, id])
      return rows[0] ? toView(rows[0]) : null
    },
    async list(workspaceId: string, filter: ConversationFilter, sort: ConversationSort, limit: number, cursor: Cursor | null): Promise<ConversationPage> {
      const params: unknown[] = [workspaceId]
      const where = ['c.workspace_id = $1', 'c.merged_into is null']
      const add = (value: unknown) => {
        params.push(value)
        return `$${params.length}`
      }
      if (filter.status !== undefined && filter.status.length > 0) where.push(`c.status = any(${add(filter.status)}::text[])`)
      if (filter.queueId !== undefined) where.push(`c.queue_id::text = ${add(filter.queueId)}`)
      if (filter.assignee === 'none') where.push('c.assignee_id is null')
      else if (filter.assignee !== undefined) where.push(`c.assignee_id::text = ${add(filter.assignee)}`)
      if (filter.channel !== undefined) where.push(`c.channel = ${add(filter.channel)}`)
      if (filter.tag !== undefined) where.push(`c.tags @> array[${add(filter.tag)}::text]`)
      if (filter.mentions !== undefined) {
        where.push(`exists (select 1 from mention mn where mn.conversation_id = c.id and mn.agent_id::text = ${add(filter.mentions.agentId)}${filter.mentions.unseen ? ' and mn.seen_at is null' : ''})`)
      }
      const s = sortSql[sort]
      if (cursor !== null) {
        const k = add(cursor.k)
        const i = add(cursor.id)
        where.push(s.after.replaceAll('$K', k).replaceAll('$I', `${i}::uuid`))
      }
      const { rows } = await sql.query<ConversationRow>(
        `${viewSelect} where ${where.join(' and ')} order by ${s.order} limit ${add(limit + 1)}`,
        params,
      )
      const items = rows.slice(0, limit)
      const last = rows.length > limit ? items[items.length - 1] : undefined
      return { items: items.map(toView), nextCursor: last === undefined ? null : encodeCursor({ k: s.key(last), id: last.id }) }
    },
    /** Optimistic update: only applies when `expectedVersion` (if given) still matches. Returns false on conflict or absence. */
    async setStatus(workspaceId: string, id: string, status: ConversationStatus, expectedVersion: number | null): Promise<boolean> {
      const { rowCount } = await sql.query(
        `update conversation set status = $3, updated_at = now(), version = version + 1
         where workspace_id = $1 and id = $2 and ($4::int is null or version = $4)`,
        [workspaceId, id, status, expectedVersion],
      )
      return rowCount === 1
    },
    async assign(workspaceId: string, id: string, agentId: string | null, expectedVersion: number | null): Promise<boolean> {
      const { rowCount } = await sql.query(
        `update conversation set assignee_id = $3, status = case when status = 'new' then 'open' else status end,
           updated_at = now(), version = version + 1
         where workspace_id = $1 and id = $2 and ($4::int is null or version = $4)`,
        [workspaceId, id, agentId, expectedVersion],
      )
      return rowCount === 1
    },
    async count(workspaceId: string): Promise<number> {
      const { rows } = await sql.query<{ n: number }>('select count(*)::int as n from conversation where workspace_id = $1', [workspaceId])
      return rows[0]?.n ?? 0
    },
  }
}

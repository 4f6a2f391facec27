// Routing rows ↔ the routing core's shapes (src/routing/model.ts): agents with their load, queues in
// rule order, conversations waiting to be routed, SLA policies, and the writes a routing decision makes.
import { isUuid } from '../../core/ids.ts'
import type { ChannelName, ConversationStatus, Visibility } from '../../core/model.ts'
import type { Intent, RiskFlag, Sentiment } from '../../core/triage-facts.ts'
import type { Agent, ChannelKind, LoadItem, Overflow, Presence, Queue, RequiredSkill, RoutableConversation, Skill } from '../../routing/model.ts'
import type { BusinessCalendar } from '../../routing/calendar.ts'
import type { Condition } from '../../routing/conditions.ts'
import type { SlaPolicy } from '../../routing/sla.ts'
import type { Sql } from '../db.ts'

/** Conversations read per routing pass: the rest waits for the next pass. */
export const routingBatchMax = 500
/** Open conversations the SLA watch reads per tick and workspace-wide. */
export const slaBatchMax = 5_000

export interface AgentRow extends Agent {
  email: string | null
}

export interface QueueRow extends Queue {
  position: number
}

export interface SlaPolicyRow {
  id: string
  name: string
  /** The stored JSON with the row's id and name; check with validateSlaPolicy before use. */
  policy: Record<string, unknown>
  createdAt: string
  updatedAt: string
}

const agentColumns = `a.id, a.name, a.email, a.skills, a.languages, a.capacity, a.presence, a.working_hours, a.queue_ids::text[] as queue_ids,
  a.idle_since, a.last_assigned_at,
  coalesce((select json_agg(json_build_object('conversationId', c.id, 'channel', c.channel,
      'private', exists (select 1 from message m where m.conversation_id = c.id and m.visibility = 'private')))
    from conversation c where c.assignee_id = a.id and c.status in ('new', 'open')), '[]') as load`

interface AgentDbRow {
  id: string
  name: string
  email: string | null
  skills: Skill[]
  languages: string[]
  capacity: Record<ChannelKind, number>
  presence: Presence
  working_hours: BusinessCalendar | null
  queue_ids: string[] | null
  idle_since: Date | null
  last_assigned_at: Date | null
  load: { conversationId: string; channel: string; private: boolean }[]
}

/** Units per kind: public 1, DM 1, email 0.5 (routing/capacity.ts defaults). */
function loadItem(l: { conversationId: string; channel: string; private: boolean }): LoadItem {
  const kind: ChannelKind = l.channel === 'email' ? 'email' : l.private ? 'private' : 'public'
  return { conversationId: l.conversationId, kind, units: kind === 'email' ? 0.5 : 1 }
}

function toAgent(r: AgentDbRow): AgentRow {
  return {
    id: r.id, name: r.name, email: r.email, skills: r.skills, languages: r.languages, capacity: r.capacity, presence: r.presence,
    workingHours: r.working_hours, load: r.load.map(loadItem), lastAssignedAt: r.last_assigned_at === null ? null : new Date(r.last_assigned_at),
    idleSince: r.idle_since === null ? null : new Date(r.idle_since), queueIds: r.queue_ids,
  }
}

interface QueueDbRow {
  id: string
  name: string
  is_default: boolean
  conditions: Condition | null
  languages: string[]
  required_skills: RequiredSkill[]
  priority: number
  position: number
  overflow: Overflow | null
  sla_policy_id: string | null
}

const queueColumns = 'id, name, is_default, conditions, languages, required_skills, priority, position, overflow, sla_policy_id'

function toQueue(r: QueueDbRow): QueueRow {
  return {
    id: r.id, name: r.name, isDefault: r.is_default, conditions: r.conditions, languages: r.languages, requiredSkills: r.required_skills,
    priority: r.priority, position: r.position, overflow: r.overflow, slaPolicyId: r.sla_policy_id,
  }
}

export interface WaitingConversation extends RoutableConversation {
  status: ConversationStatus
  routed: boolean
  assigneeId: string | null
}

interface WaitingDbRow {
  id: string
  workspace_id: string
  channel: ChannelName
  private: boolean
  lang: string | null
  intent: Intent | null
  sentiment: Sentiment | null
  risk_flags: RiskFlag[]
  tags: string[]
  vip: boolean | null
  priority: number
  contact_id: string | null
  last_agent_id: string | null
  last_agent_at: Date | null
  created_at: Date
  queue_id: string | null
  queued_at: Date | null
  status: ConversationStatus
  routed_at: Date | null
  assignee_id: string | null
}

const waitingColumns = `c.id, c.workspace_id, c.channel, c.lang, c.intent, c.sentiment, c.risk_flags, c.tags, ct.vip, c.priority, c.contact_id,
  c.created_at, c.queue_id, c.queued_at, c.status, c.routed_at, c.assignee_id,
  exists (select 1 from message m where m.conversation_id = c.id and m.visibility = 'private') as private,
  last.assignee_id as last_agent_id, last.updated_at as last_agent_at`
const waitingFrom = `from conversation c
  left join contact ct on ct.id = c.contact_id
  left join lateral (select c2.assignee_id, c2.updated_at from conversation c2
    where c.contact_id is not null and c2.contact_id = c.contact_id and c2.id <> c.id and c2.assignee_id is not null
    order by c2.updated_at desc limit 1) last on true`

function toWaiting(r: WaitingDbRow): WaitingConversation {
  const visibility: Visibility = r.private ? 'private' : 'public'
  return {
    id: r.id, workspaceId: r.workspace_id, channel: r.channel, visibility, language: r.lang, intent: r.intent ?? 'other', sentiment: r.sentiment ?? 'neutral',
    riskFlags: r.risk_flags, tags: r.tags, vip: r.vip === true, priority: r.priority, contactId: r.contact_id,
    lastAgentId: r.last_agent_id, lastAgentAt: r.last_agent_at === null ? null : new Date(r.last_agent_at), arrivedAt: new Date(r.created_at),
    queueId: r.queue_id, queuedAt: r.queued_at === null ? null : new Date(r.queued_at), status: r.status, routed: r.routed_at !== null, assigneeId: r.assignee_id,
  }
}

export interface AgentPatch {
  skills?: Skill[]
  languages?: string[]
  capacity?: Record<ChannelKind, number>
  presence?: Presence
  workingHours?: BusinessCalendar | null
  queueIds?: string[] | null
}

export interface QueueInput {
  name?: string
  isDefault?: boolean
  conditions?: Condition | null
  languages?: string[]
  requiredSkills?: RequiredSkill[]
  priority?: number
  position?: number
  overflow?: Overflow | null
  slaPolicyId?: string | null
}

export interface SlaRow {
  id: string
  workspaceId: string
  status: ConversationStatus
  priority: number
  createdAt: Date
  firstRespondedAt: Date | null
  lastCustomerAt: Date | null
  lastAgentReplyAt: Date | null
  resolvedAt: Date | null
  slaState: 'none' | 'ok' | 'warning' | 'breached'
  slaMetric: string | null
  slaDueAt: Date | null
  /** Pending/snoozed stretches (migration 0012's trigger keeps them); `to` null while still waiting. */
  pauses: { from: Date; to: Date | null }[]
  policy: SlaPolicy
}

/** Reads conversation.sla_pauses (trusted: only the trigger writes it), dropping anything malformed. */
export function pausesOf(json: unknown): { from: Date; to: Date | null }[] {
  if (!Array.isArray(json)) return []
  const out: { from: Date; to: Date | null }[] = []
  for (const p of json) {
    if (typeof p !== 'object' || p === null || typeof (p as { from?: unknown }).from !== 'string') continue
    const from = new Date((p as { from: string }).from)
    const rawTo = (p as { to?: unknown }).to
    const to = typeof rawTo === 'string' ? new Date(rawTo) : null
    if (Number.isNaN(from.getTime()) || (to !== null && Number.isNaN(to.getTime()))) continue
    out.push({ from, to })
  }
  return out
}

const date = (v: Date | null): Date | null => (v === null ? null : new Date(v))

export function routingQueries(sql: Sql) {
  return {
    /** Serialises routing decisions of one workspace until the transaction ends (capacity is never over-committed). */
    async lockWorkspace(workspaceId: string): Promise<void> {
      await sql.query("select pg_advisory_xact_lock(hashtext('earshot.routing.' || $1::text))", [workspaceId])
    },
    async agents(workspaceId: string): Promise<AgentRow[]> {
      const { rows } = await sql.query<AgentDbRow>(`select ${agentColumns} from agent a where a.workspace_id = $1 order by a.name`, [workspaceId])
      return rows.map(toAgent)
    },
    async agent(workspaceId: string, id: string): Promise<AgentRow | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<AgentDbRow>(`select ${agentColumns} from agent a where a.workspace_id = $1 and a.id = $2`, [workspaceId, id])
      return rows[0] === undefined ? null : toAgent(rows[0])
    },
    async updateAgent(workspaceId: string, id: string, p: AgentPatch, now: Date): Promise<boolean> {
      const { rowCount } = await sql.query(
        `update agent set
           skills = coalesce($3::jsonb, skills), languages = coalesce($4::text[], languages), capacity = coalesce($5::jsonb, capacity),
           presence = coalesce($6, presence),
           working_hours = case when $7::boolean then $8::jsonb else working_hours end,
           queue_ids = case when $9::boolean then $10::uuid[] else queue_ids end,
           idle_since = case when $6 = 'online' and presence <> 'online' then $11 else idle_since end,
           updated_at = now()
         where workspace_id = $1 and id = $2`,
        [workspaceId, id, p.skills === undefined ? null : JSON.stringify(p.skills), p.languages ?? null, p.capacity === undefined ? null : JSON.stringify(p.capacity),
          p.presence ?? null, p.workingHours !== undefined, p.workingHours === undefined || p.workingHours === null ? null : JSON.stringify(p.workingHours),
          p.queueIds !== undefined, p.queueIds ?? null, now],
      )
      return rowCount === 1
    },
    async queues(workspaceId: string): Promise<QueueRow[]> {
      const { rows } = await sql.query<QueueDbRow>(`select ${queueColumns} from queue where workspace_id = $1 order by position, created_at, name`, [workspaceId])
      return rows.map(toQueue)
    },
    async queue(workspaceId: string, id: string): Promise<QueueRow | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<QueueDbRow>(`select ${queueColumns} from queue where workspace_id = $1 and id = $2`, [workspaceId, id])
      return rows[0] === undefined ? null : toQueue(rows[0])
    },
    async createQueue(workspaceId: string, q: QueueInput & { name: string }): Promise<string> {
      if (q.isDefault === true) await sql.query('update queue set is_default = false where workspace_id = $1', [workspaceId])
      const { rows } = await sql.query<{ id: string }>(
        `insert into queue (workspace_id, name, is_default, conditions, languages, required_skills, priority, position, overflow, sla_policy_id)
         values ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7, coalesce($8, (select coalesce(max(position), 0) + 1 from queue where workspace_id = $1)), $9::jsonb, $10)
         returning id`,
        [workspaceId, q.name, q.isDefault ?? false, q.conditions == null ? null : JSON.stringify(q.conditions), q.languages ?? [],
          JSON.stringify(q.requiredSkills ?? []), q.priority ?? 0, q.position ?? null, q.overflow == null ? null : JSON.stringify(q.overflow), q.slaPolicyId ?? null],
      )
      return rows[0]!.id
    },
    async updateQueue(workspaceId: string, id: string, q: QueueInput): Promise<boolean> {
      if (q.isDefault === true) await sql.query('update queue set is_default = false where workspace_id = $1 and id <> $2', [workspaceId, id])
      const has = (k: keyof QueueInput) => q[k] !== undefined
      const { rowCount } = await sql.query(
        `update queue set name = coalesce($3, name), is_default = coalesce($4, is_default),
           conditions = case when $5::boolean then $6::jsonb else conditions end,
           languages = coalesce($7::text[], languages), required_skills = coalesce($8::jsonb, required_skills),
           priority = coalesce($9, priority), position = coalesce($10, position),
           overflow = case when $11::boolean then $12::jsonb else overflow end,
           sla_policy_id = case when $13::boolean then $14::uuid else sla_policy_id end,
           updated_at = now()
         where workspace_id = $1 and id = $2`,
        [workspaceId, id, q.name ?? null, q.isDefault ?? null, has('conditions'), q.conditions == null ? null : JSON.stringify(q.conditions),
          q.languages ?? null, q.requiredSkills === undefined ? null : JSON.stringify(q.requiredSkills), q.priority ?? null, q.position ?? null,
          has('overflow'), q.overflow == null ? null : JSON.stringify(q.overflow), has('slaPolicyId'), q.slaPolicyId ?? null],
      )
      return rowCount === 1
    },
    async openInQueue(workspaceId: string, queueId: string): Promise<string[]> {
      const { rows } = await sql.query<{ id: string }>("select id from conversation where workspace_id = $1 and queue_id = $2 and status <> 'resolved'", [workspaceId, queueId])
      return rows.map((r) => r.id)
    },
    /** Moves the open conversations of a queue to another, unassigned, to be routed there. */
    async moveOpen(workspaceId: string, fromQueueId: string, toQueueId: string, now: Date): Promise<string[]> {
      const { rows } = await sql.query<{ id: string }>(
        `update conversation set queue_id = $3, queued_at = $4, assignee_id = null, updated_at = now(), version = version + 1
         where workspace_id = $1 and queue_id = $2 and status <> 'resolved' returning id`,
        [workspaceId, fromQueueId, toQueueId, now],
      )
      return rows.map((r) => r.id)
    },
    async deleteQueue(workspaceId: string, id: string): Promise<boolean> {
      await sql.query('update agent set queue_ids = array_remove(queue_ids, $2::uuid) where workspace_id = $1 and $2::uuid = any(queue_ids)', [workspaceId, id])
      const { rowCount } = await sql.query('delete from queue where workspace_id = $1 and id = $2', [workspaceId, id])
      return rowCount === 1
    },
    /**
     * What a routing pass looks at: conversations whose queue is not chosen yet and, when `unassigned`,
     * also those waiting unassigned in a queue (new or open). Highest priority first, then longest wait.
     */
    async waiting(workspaceId: string, opts: { unassigned: boolean; ids?: string[] }): Promise<WaitingConversation[]> {
      const { rows } = await sql.query<WaitingDbRow>(
        `select ${waitingColumns} ${waitingFrom}
         where c.workspace_id = $1 and ($3::uuid[] is null or c.id = any($3::uuid[]))
           and (c.routed_at is null or ($2::boolean and c.assignee_id is null and c.status in ('new', 'open') and c.queue_id is not null))
         order by c.priority desc, coalesce(c.queued_at, c.created_at), c.id limit ${routingBatchMax}`,
        [workspaceId, opts.unassigned, opts.ids ?? null],
      )
      return rows.map(toWaiting)
    },
    /** These conversations as the routing core and automations see them (any status), in the order of `ids`. */
    async byIds(workspaceId: string, ids: string[]): Promise<WaitingConversation[]> {
      if (ids.length === 0) return []
      const { rows } = await sql.query<WaitingDbRow>(`select ${waitingColumns} ${waitingFrom} where c.workspace_id = $1 and c.id = any($2::uuid[])`, [workspaceId, ids])
      const byId = new Map(rows.map((r) => [r.id, toWaiting(r)]))
      return ids.flatMap((id) => byId.get(id) ?? [])
    },
    /** The most recently active conversations, for dry runs of rules on recent traffic. */
    async recent(workspaceId: string, limit: number): Promise<WaitingConversation[]> {
      const { rows } = await sql.query<WaitingDbRow>(`select ${waitingColumns} ${waitingFrom} where c.workspace_id = $1 order by c.last_message_at desc, c.id limit $2`, [workspaceId, limit])
      return rows.map(toWaiting)
    },
    async held(workspaceId: string, agentId: string): Promise<{ id: string; status: ConversationStatus; queueId: string | null }[]> {
      const { rows } = await sql.query<{ id: string; status: ConversationStatus; queue_id: string | null }>(
        "select id, status, queue_id from conversation where workspace_id = $1 and assignee_id = $2 and status <> 'resolved'", [workspaceId, agentId])
      return rows.map((r) => ({ id: r.id, status: r.status, queueId: r.queue_id }))
    },
    /** The router chose a queue: records it (and when it entered it). */
    async setQueue(id: string, queueId: string | null, now: Date, moved: boolean): Promise<void> {
      await sql.query(
        `update conversation set queue_id = $2, routed_at = $3, queued_at = case when $4::boolean or queued_at is null then $3 else queued_at end,
           version = case when $4::boolean then version + 1 else version end
         where id = $1`,
        [id, queueId, now, moved],
      )
    },
    /** Assigns when still unassigned (and, with expectedVersion, unchanged); false means someone else won. */
    async assignIfFree(id: string, agentId: string, now: Date, expectedVersion: number | null = null): Promise<boolean> {
      const { rowCount } = await sql.query(
        `update conversation set assignee_id = $2, status = case when status = 'new' then 'open' else status end, updated_at = now(), version = version + 1
         where id = $1 and assignee_id is null and status in ('new', 'open') and ($3::int is null or version = $3)`,
        [id, agentId, expectedVersion],
      )
      if (rowCount === 1) await sql.query('update agent set last_assigned_at = $2, idle_since = null where id = $1', [agentId, now])
      return rowCount === 1
    },
    /** How a conversation weighs on capacity: email, private (any DM message) or public. */
    async kindOf(conversationId: string): Promise<ChannelKind> {
      const { rows } = await sql.query<{ channel: string; private: boolean }>(
        `select c.channel, exists (select 1 from message m where m.conversation_id = c.id and m.visibility = 'private') as private from conversation c where c.id = $1`, [conversationId])
      const r = rows[0]
      return r === undefined ? 'public' : r.channel === 'email' ? 'email' : r.private ? 'private' : 'public'
    },
    /** Gives a conversation back to its queue, unassigned and waiting from now. */
    async release(id: string, now: Date): Promise<void> {
      await sql.query('update conversation set assignee_id = null, queued_at = $2, updated_at = now(), version = version + 1 where id = $1', [id, now])
    },
    /** The agent's work went down: they are idle from now if they hold nothing. */
    async markIdleIfFree(agentIds: string[], now: Date): Promise<void> {
      if (agentIds.length === 0) return
      await sql.query(
        `update agent a set idle_since = $2 where a.id = any($1::uuid[]) and a.idle_since is null
           and not exists (select 1 from conversation c where c.assignee_id = a.id and c.status in ('new', 'open'))`,
        [agentIds, now],
      )
    },
    async recordAssignment(a: { workspaceId: string; conversationId: string; queueId: string | null; agentId: string | null; reasons: string[]; actor: string }): Promise<void> {
      await sql.query(
        'insert into assignment (workspace_id, conversation_id, queue_id, agent_id, reason, reasons, actor) values ($1, $2, $3, $4, $5, $6::jsonb, $7)',
        [a.workspaceId, a.conversationId, a.queueId, a.agentId, a.reasons.join('; ').slice(0, 2000), JSON.stringify(a.reasons), a.actor],
      )
    },
    async lastAssignment(conversationId: string): Promise<{ queueId: string | null; agentId: string | null; reasons: string[]; actor: string; at: string } | null> {
      const { rows } = await sql.query<{ queue_id: string | null; agent_id: string | null; reason: string; reasons: string[]; actor: string; created_at: Date }>(
        'select queue_id, agent_id, reason, reasons, actor, created_at from assignment where conversation_id = $1 order by created_at desc, id desc limit 1', [conversationId])
      const r = rows[0]
      if (r === undefined) return null
      return { queueId: r.queue_id, agentId: r.agent_id, reasons: r.reasons.length > 0 ? r.reasons : [r.reason], actor: r.actor, at: new Date(r.created_at).toISOString() }
    },
    async statusState(workspaceId: string, id: string): Promise<{ status: ConversationStatus; snoozedUntil: Date | null; resolvedAt: Date | null; version: number; assigneeId: string | null } | null> {
      if (!isUuid(id)) return null
      const { rows } = await sql.query<{ status: ConversationStatus; snoozed_until: Date | null; resolved_at: Date | null; version: number; assignee_id: string | null }>(
        'select status, snoozed_until, resolved_at, version, assignee_id from conversation where workspace_id = $1 and id = $2', [workspaceId, id])
      const r = rows[0]
      return r === undefined ? null : { status: r.status, snoozedUntil: date(r.snoozed_until), resolvedAt: date(r.resolved_at), version: r.version, assigneeId: r.assignee_id }
    },
    async setStatusState(workspaceId: string, id: string, s: { status: ConversationStatus; snoozedUntil: Date | null; resolvedAt: Date | null }, expectedVersion: number | null): Promise<boolean> {
      const { rowCount } = await sql.query(
        `update conversation set status = $3, snoozed_until = $4, resolved_at = $5, updated_at = now(), version = version + 1
         where workspace_id = $1 and id = $2 and ($6::int is null or version = $6)`,
        [workspaceId, id, s.status, s.snoozedUntil, s.resolvedAt, expectedVersion],
      )
      return rowCount === 1
    },
    /** Snoozed conversations whose time has come go back to open. */
    async wakeSnoozed(now: Date): Promise<{ id: string; workspaceId: string }[]> {
      const { rows } = await sql.query<{ id: string; workspace_id: string }>(
        `update conversation set status = 'open', snoozed_until = null, updated_at = now(), version = version + 1
         where status = 'snoozed' and snoozed_until is not null and snoozed_until <= $1 returning id, workspace_id`, [now])
      return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id }))
    },
    /** The outbox sent a reply: the first-response clock stops (once), the next-response clock resets. */
    async recordReply(conversationId: string, at: Date): Promise<void> {
      await sql.query('update conversation set first_responded_at = coalesce(first_responded_at, $2), last_agent_reply_at = $2 where id = $1', [conversationId, at])
    },
    async slaWatched(): Promise<SlaRow[]> {
      const { rows } = await sql.query<{ id: string; workspace_id: string; status: ConversationStatus; priority: number; created_at: Date; first_responded_at: Date | null;
        last_customer_at: Date | null; last_agent_reply_at: Date | null; resolved_at: Date | null; sla_state: SlaRow['slaState']; sla_metric: string | null; sla_due_at: Date | null;
        policy: SlaPolicy; policy_id: string; policy_name: string; sla_pauses: unknown }>(
        `select c.id, c.workspace_id, c.status, c.priority, c.created_at, c.first_responded_at, c.last_agent_reply_at, c.resolved_at,
           c.sla_state, c.sla_metric, c.sla_due_at, c.sla_pauses, p.policy, p.id as policy_id, p.name as policy_name,
           (select max(m.created_at) from message m where m.conversation_id = c.id and m.direction = 'in') as last_customer_at
         from conversation c join queue q on q.id = c.queue_id join sla_policy p on p.id = q.sla_policy_id
         where c.status <> 'resolved' order by c.created_at limit ${slaBatchMax}`)
      return rows.map((r) => ({
        id: r.id, workspaceId: r.workspace_id, status: r.status, priority: r.priority, createdAt: new Date(r.created_at), firstRespondedAt: date(r.first_responded_at),
        lastCustomerAt: date(r.last_customer_at), lastAgentReplyAt: date(r.last_agent_reply_at), resolvedAt: date(r.resolved_at), slaState: r.sla_state,
        slaMetric: r.sla_metric, slaDueAt: date(r.sla_due_at), pauses: pausesOf(r.sla_pauses), policy: { ...r.policy, id: r.policy_id, name: r.policy_name },
      }))
    },
    async setSla(id: string, s: { state: 'ok' | 'warning' | 'breached'; metric: string | null; dueAt: Date | null; due: { first_response: Date | null; next_response: Date | null; resolution: Date | null } }): Promise<void> {
      await sql.query(
        `update conversation set sla_state = $2, sla_metric = $3, sla_due_at = $4, sla_first_response_due_at = $5, sla_next_response_due_at = $6, sla_resolution_due_at = $7
         where id = $1`,
        [id, s.state, s.metric, s.dueAt, s.due.first_response, s.due.next_response, s.due.resolution],
      )
    },
    async slaOf(conversationId: string): Promise<{ state: string; metric: string | null; dueAt: string | null; firstResponseDueAt: string | null; nextResponseDueAt: string | null; resolutionDueAt: string | null; firstRespondedAt: string | null; snoozedUntil: string | null; pausedSince: string | null } | null> {
      const { rows } = await sql.query<Record<string, Date | string | null>>(
        `select sla_state, sla_metric, sla_due_at, sla_first_response_due_at, sla_next_response_due_at, sla_resolution_due_at, first_responded_at, snoozed_until,
           case when (sla_pauses -> -1) ? 'from' and not ((sla_pauses -> -1) ? 'to') then sla_pauses -> -1 ->> 'from' end as paused_since
         from conversation where id = $1`, [conversationId])
      const r = rows[0]
      if (r === undefined) return null
      const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString())
      return {
        state: String(r.sla_state), metric: (r.sla_metric as string | null) ?? null, dueAt: iso(r.sla_due_at!), firstResponseDueAt: iso(r.sla_first_response_due_at!),
        nextResponseDueAt: iso(r.sla_next_response_due_at!), resolutionDueAt: iso(r.sla_resolution_due_at!), firstRespondedAt: iso(r.first_responded_at!), snoozedUntil: iso(r.snoozed_until!),
        pausedSince: iso(r.paused_since!),
      }
    },
    async slaPolicies(workspaceId: string): Promise<SlaPolicyRow[]> {
      const { rows } = await sql.query<{ id: string; name: string; policy: Record<string, unknown>; created_at: Date; updated_at: Date }>(
        'select id, name, policy, created_at, updated_at from sla_policy where workspace_id = $1 order by name', [workspaceId])
      return rows.map((r) => ({ id: r.id, name: r.name, policy: { ...r.policy, id: r.id, name: r.name }, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() }))
    },
    async slaPolicy(workspaceId: string, id: string): Promise<SlaPolicyRow | null> {
      if (!isUuid(id)) return null
      return (await this.slaPolicies(workspaceId)).find((p) => p.id === id) ?? null
    },
    async createSlaPolicy(workspaceId: string, name: string, policy: unknown): Promise<string> {
      const { rows } = await sql.query<{ id: string }>('insert into sla_policy (workspace_id, name, policy) values ($1, $2, $3::jsonb) returning id', [workspaceId, name, JSON.stringify(policy)])
      return rows[0]!.id
    },
    async updateSlaPolicy(workspaceId: string, id: string, name: string, policy: unknown): Promise<boolean> {
      const { rowCount } = await sql.query('update sla_policy set name = $3, policy = $4::jsonb, updated_at = now() where workspace_id = $1 and id = $2', [workspaceId, id, name, JSON.stringify(policy)])
      return rowCount === 1
    },
  }
}

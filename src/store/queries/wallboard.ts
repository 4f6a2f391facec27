// The supervisor's wallboard: queue sizes and waits, agent load, status totals, 24 h of hourly
// volume (inbound by sentiment, outbound), reply outcomes and a spike check — five read-only
// statements over conversation, message, queue, agent and outbox — and today's satisfaction scores.
//
// Indexes that would help (not created here; no migration in this change):
//   message  (workspace_id, created_at)            — the hourly series scans 24 h of one workspace
//   conversation (workspace_id, status)             — the open set (new/open/pending)
//   conversation (assignee_id) where status in (…)  — agent load
//   outbox   (workspace_id, status)                 — reply counts
// The wait per conversation uses the existing message_conversation (conversation_id, created_at).
import type { Sql } from '../db.ts'

export const openStatuses = ['new', 'open', 'pending'] as const
export const hourBucketCount = 24
const hourMs = 3_600_000

export interface QueueLoad {
  /** null: open conversations that are in no queue. */
  id: string | null
  name: string
  open: number
  unassigned: number
  /** Open conversations whose latest customer message has no outbound answer after it. */
  waiting: number
  /** The oldest customer message not yet answered, over the queue's open conversations. */
  oldestWaitingSince: Date | null
  /** Open conversations past their SLA warning threshold, and past their due time. */
  slaAtRisk: number
  slaBreached: number
}

export interface AgentLoad { id: string; name: string; open: number }

export interface HourBucket {
  start: Date
  end: Date
  inbound: number
  negative: number
  neutral: number
  positive: number
  outbound: number
}

export interface ReplyCounts { sent: number; failed: number; pending: number; held: number }

export interface Spike {
  flagged: boolean
  lastHourInbound: number
  /** Mean and population standard deviation of the 23 hours before the last one. */
  baselineMean: number
  baselineStddev: number
  threshold: number
}

export interface WallboardFacts {
  queues: QueueLoad[]
  agents: AgentLoad[]
  byStatus: Record<string, number>
  hourly: HourBucket[]
  replies: ReplyCounts
  /** Satisfaction scores since UTC midnight, by score. */
  csatToday: Record<1 | 2 | 3 | 4 | 5, number>
}

/** The start of the UTC day of `now`: "today" for the wallboard's CSAT tile. */
export const utcDayStart = (now: Date): Date => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))

const queueSql = `
  with open_conv as (
    select c.id, c.queue_id, c.assignee_id, c.sla_state,
      (select min(m.created_at) from message m
        where m.conversation_id = c.id and m.direction = 'in' and m.deleted_at is null
          and m.created_at > coalesce(
            (select max(o.created_at) from message o where o.conversation_id = c.id and o.direction = 'out'),
            '-infinity'::timestamptz)
      ) as waiting_since
    from conversation c
    where c.workspace_id = $1 and c.status in ('new', 'open', 'pending')
  )
  select q.id, q.name,
    count(oc.id)::int as open,
    (count(oc.id) filter (where oc.assignee_id is null))::int as unassigned,
    (count(oc.id) filter (where oc.waiting_since is not null))::int as waiting,
    min(oc.waiting_since) as oldest_waiting_since,
    (count(oc.id) filter (where oc.sla_state = 'warning'))::int as sla_at_risk,
    (count(oc.id) filter (where oc.sla_state = 'breached'))::int as sla_breached
  from open_conv oc
  full join (select id, name from queue where workspace_id = $1) q on q.id = oc.queue_id
  group by q.id, q.name
  order by q.name nulls last`

const agentSql = `
  select a.id, a.name, count(c.id)::int as open
  from agent a
  left join conversation c on c.assignee_id = a.id and c.workspace_id = $1 and c.status in ('new', 'open', 'pending')
  where a.workspace_id = $1
  group by a.id, a.name
  order by open desc, a.name`

const statusSql = `select status, count(*)::int as n from conversation where workspace_id = $1 group by status`

// Rolling hours ending at $2: bucket 23 is (now − 1 h, now], bucket 0 is (now − 24 h, now − 23 h].
// Platform clocks a little ahead of ours count in the last hour.
const hourlySql = `
  with m as (
    select 23 - least(23, floor(greatest(0, extract(epoch from ($2::timestamptz - created_at))) / 3600)::int) as i, direction, sentiment
    from message
    where workspace_id = $1 and created_at > $2::timestamptz - interval '24 hours'
  ), agg as (
    select i,
      (count(*) filter (where direction = 'in'))::int as inbound,
      (count(*) filter (where direction = 'in' and sentiment = 'negative'))::int as negative,
      (count(*) filter (where direction = 'in' and sentiment = 'neutral'))::int as neutral,
      (count(*) filter (where direction = 'in' and sentiment = 'positive'))::int as positive,
      (count(*) filter (where direction = 'out'))::int as outbound
    from m group by i
  )
  select g.i, coalesce(agg.inbound, 0) as inbound, coalesce(agg.negative, 0) as negative, coalesce(agg.neutral, 0) as neutral,
    coalesce(agg.positive, 0) as positive, coalesce(agg.outbound, 0) as outbound
  from generate_series(0, 23) as g(i) left join agg on agg.i = g.i
  order by g.i`

// pending/held: the backlog now; sent/failed: outcomes within the last 24 h.
const replySql = `
  select
    (count(*) filter (where status in ('pending', 'sending')))::int as pending,
    (count(*) filter (where status = 'held'))::int as held,
    (count(*) filter (where status = 'sent' and coalesce(sent_at, updated_at) > $2::timestamptz - interval '24 hours'))::int as sent,
    (count(*) filter (where status = 'failed' and updated_at > $2::timestamptz - interval '24 hours'))::int as failed
  from outbox where workspace_id = $1`

const csatSql = 'select score, count(*)::int as n from csat_response where workspace_id = $1 and created_at >= $2 group by score'

interface QueueRow { id: string | null; name: string | null; open: number; unassigned: number; waiting: number; oldest_waiting_since: Date | string | null; sla_at_risk: number; sla_breached: number }
interface HourRow { i: number; inbound: number; negative: number; neutral: number; positive: number; outbound: number }

const toDate = (v: Date | string | null): Date | null => (v === null ? null : new Date(v))

/** A spike needs at least this many messages in the hour, and at least twice the usual volume. */
export const spikeMessagesMin = 10
/** Hours of the baseline that must have had traffic: without a history there is nothing to compare with. */
export const spikeBaselineHoursMin = 6

/**
 * Last hour against the 23 before it: flagged when above mean + 3σ (population σ), at least
 * spikeMessagesMin messages and twice the mean, over a baseline with traffic in spikeBaselineHoursMin hours.
 */
export function detectSpike(inboundPerHour: readonly number[]): Spike {
  if (inboundPerHour.length < 2) throw new Error(`detectSpike needs at least 2 hours, got ${inboundPerHour.length}`)
  const baseline = inboundPerHour.slice(0, -1)
  const last = inboundPerHour[inboundPerHour.length - 1] ?? 0
  const mean = baseline.reduce((a, b) => a + b, 0) / baseline.length
  const stddev = Math.sqrt(baseline.reduce((a, b) => a + (b - mean) ** 2, 0) / baseline.length)
  const threshold = mean + 3 * stddev
  const enoughHistory = baseline.filter((n) => n > 0).length >= spikeBaselineHoursMin
  const flagged = enoughHistory && last > threshold && last >= spikeMessagesMin && last >= 2 * mean
  return { flagged, lastHourInbound: last, baselineMean: mean, baselineStddev: stddev, threshold }
}

export function wallboardQueries(sql: Sql) {
  return {
    /** Everything the wallboard shows for one workspace at `now`. */
    async facts(workspaceId: string, now: Date): Promise<WallboardFacts> {
      const queueRows = await sql.query<QueueRow>(queueSql, [workspaceId])
      const agentRows = await sql.query<AgentLoad>(agentSql, [workspaceId])
      const statusRows = await sql.query<{ status: string; n: number }>(statusSql, [workspaceId])
      const hourRows = await sql.query<HourRow>(hourlySql, [workspaceId, now.toISOString()])
      const replyRows = await sql.query<ReplyCounts>(replySql, [workspaceId, now.toISOString()])
      const csatRows = await sql.query<{ score: number; n: number }>(csatSql, [workspaceId, utcDayStart(now).toISOString()])
      const csatToday = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 }
      for (const r of csatRows.rows) if (r.score >= 1 && r.score <= 5) csatToday[r.score as 1 | 2 | 3 | 4 | 5] = r.n
      if (hourRows.rows.length !== hourBucketCount) throw new Error(`hourly series has ${hourRows.rows.length} buckets`)
      const nowMs = now.getTime()
      return {
        queues: queueRows.rows.map((r) => ({
          id: r.id, name: r.id === null ? 'No queue' : (r.name ?? ''), open: r.open, unassigned: r.unassigned, waiting: r.waiting,
          oldestWaitingSince: toDate(r.oldest_waiting_since), slaAtRisk: r.sla_at_risk, slaBreached: r.sla_breached,
        })),
        agents: agentRows.rows.map((r) => ({ id: r.id, name: r.name, open: r.open })),
        byStatus: Object.fromEntries(statusRows.rows.map((r) => [r.status, r.n])),
        hourly: hourRows.rows.map((r) => ({
          start: new Date(nowMs - (hourBucketCount - r.i) * hourMs),
          end: new Date(nowMs - (hourBucketCount - 1 - r.i) * hourMs),
          inbound: r.inbound, negative: r.negative, neutral: r.neutral, positive: r.positive, outbound: r.outbound,
        })),
        replies: replyRows.rows[0] ?? { sent: 0, failed: 0, pending: 0, held: 0 },
        csatToday,
      }
    },
  }
}

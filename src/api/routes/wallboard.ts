// GET /wallboard: what a supervisor watches — queue sizes and waits, agent load, status totals,
// 24 h of hourly volume by sentiment and outbound replies, reply outcomes, and a spike check.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { detectSpike, utcDayStart, wallboardQueries, type QueueLoad } from '../../store/queries/wallboard.ts'
import { summarise } from '../../csat/survey.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { WorkspaceQuery } from '../schemas.ts'

const Count = Type.Integer({ minimum: 0 })
const WaitSeconds = Type.Union([Type.Null(), Type.Integer({ minimum: 0 })], { description: 'now − the oldest customer message not yet answered by an outbound message; null: nothing waiting' })
const Instant = Type.String({ format: 'date-time' })

const QueueSchema = Type.Object({
  id: Type.Union([Type.Null(), Type.String()], { description: 'null: open conversations in no queue' }),
  name: Type.String(),
  open: Type.Integer({ minimum: 0, description: 'conversations with status new, open or pending' }),
  unassigned: Count,
  waiting: Type.Integer({ minimum: 0, description: 'open conversations with an unanswered customer message' }),
  longestWaitSeconds: WaitSeconds,
  oldestWaitingSince: Type.Union([Type.Null(), Instant]),
  slaAtRisk: Type.Integer({ minimum: 0, description: 'open conversations past the SLA warning threshold' }),
  slaBreached: Type.Integer({ minimum: 0, description: 'open conversations past an SLA due time' }),
})

export const WallboardSchema = Type.Object({
  workspace: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
  generatedAt: Instant,
  totals: Type.Object({
    byStatus: Type.Object({ new: Count, open: Count, pending: Count, snoozed: Count, resolved: Count }),
    open: Count,
    unassigned: Count,
    waiting: Count,
    longestWaitSeconds: WaitSeconds,
    slaAtRisk: Count,
    slaBreached: Count,
  }),
  queues: Type.Array(QueueSchema),
  agents: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), open: Type.Integer({ minimum: 0, description: 'assigned conversations with status new, open or pending' }) })),
  hourly: Type.Array(Type.Object({
    start: Instant,
    end: Instant,
    inbound: Type.Integer({ minimum: 0, description: 'customer messages (all sentiments, and not yet scored)' }),
    negative: Count,
    neutral: Count,
    positive: Count,
    outbound: Type.Integer({ minimum: 0, description: 'outbound messages (replies)' }),
  }), { description: '24 rolling hours ending now, oldest first' }),
  replies: Type.Object({
    sent: Type.Integer({ minimum: 0, description: 'sent in the last 24 h' }),
    failed: Type.Integer({ minimum: 0, description: 'failed in the last 24 h' }),
    pending: Type.Integer({ minimum: 0, description: 'waiting to be sent now (pending or sending)' }),
    held: Type.Integer({ minimum: 0, description: 'held for approval now' }),
  }),
  spike: Type.Object({
    flagged: Type.Boolean({ description: 'last hour\'s inbound volume > mean + 3σ of the 23 hours before' }),
    lastHourInbound: Count,
    baselineMean: Type.Number(),
    baselineStddev: Type.Number(),
    threshold: Type.Number(),
  }),
  csat: Type.Object({
    since: Type.String({ format: 'date-time', description: 'today: since 00:00 UTC' }),
    count: Count,
    average: Type.Union([Type.Null(), Type.Number()], { description: 'mean score 1..5; null without responses' }),
    csatPercent: Type.Union([Type.Null(), Type.Number()], { description: 'share of 4 and 5 today, percent; null without responses' }),
  }, { description: 'satisfaction scores received today' }),
})

const waitSeconds = (since: Date | null, nowMs: number) => (since === null ? null : Math.max(0, Math.floor((nowMs - since.getTime()) / 1000)))
const oldest = (queues: QueueLoad[]) => queues.reduce<Date | null>((acc, q) => (q.oldestWaitingSince !== null && (acc === null || q.oldestWaitingSince < acc) ? q.oldestWaitingSince : acc), null)

export const wallboardRoutes: FastifyPluginAsyncTypebox<Pick<ApiDeps, 'store'>> = async (app, { store }) => {
  const queries = wallboardQueries(store.db)

  app.get('/wallboard', {
    schema: {
      summary: 'Supervisor wallboard: queues, waits, agent load, hourly volume by sentiment, replies, spike check, today\'s CSAT',
      tags: ['supervisor'],
      querystring: WorkspaceQuery,
      response: { 200: WallboardSchema, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const now = new Date()
    const nowMs = now.getTime()
    const facts = await queries.facts(ws.id, now)
    const count = (s: string) => facts.byStatus[s] ?? 0
    return {
      workspace: { id: ws.id, slug: ws.slug, name: ws.name },
      generatedAt: now.toISOString(),
      totals: {
        byStatus: { new: count('new'), open: count('open'), pending: count('pending'), snoozed: count('snoozed'), resolved: count('resolved') },
        open: facts.queues.reduce((a, q) => a + q.open, 0),
        unassigned: facts.queues.reduce((a, q) => a + q.unassigned, 0),
        waiting: facts.queues.reduce((a, q) => a + q.waiting, 0),
        longestWaitSeconds: waitSeconds(oldest(facts.queues), nowMs),
        slaAtRisk: facts.queues.reduce((a, q) => a + q.slaAtRisk, 0),
        slaBreached: facts.queues.reduce((a, q) => a + q.slaBreached, 0),
      },
      queues: facts.queues.map((q) => ({
        id: q.id, name: q.name, open: q.open, unassigned: q.unassigned, waiting: q.waiting,
        longestWaitSeconds: waitSeconds(q.oldestWaitingSince, nowMs),
        oldestWaitingSince: q.oldestWaitingSince?.toISOString() ?? null,
        slaAtRisk: q.slaAtRisk, slaBreached: q.slaBreached,
      })),
      agents: facts.agents,
      hourly: facts.hourly.map((h) => ({ ...h, start: h.start.toISOString(), end: h.end.toISOString() })),
      replies: facts.replies,
      spike: detectSpike(facts.hourly.map((h) => h.inbound)),
      csat: (({ count, average, csatPercent }) => ({ since: utcDayStart(now).toISOString(), count, average, csatPercent }))(summarise(facts.csatToday)),
    }
  })
}

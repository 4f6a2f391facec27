// The SLA watch: every few seconds, reads the open conversations whose queue has an SLA policy, computes
// their clocks (routing/sla.ts) and stores what changed. A conversation turning to warning or breached
// publishes `sla.warning` / `sla.breached` on earshot.sla.<workspace> (the WebSocket stream forwards it)
// and is audited. It also wakes snoozed conversations whose time has come and runs a routing pass for
// the workspaces that changed (waiting conversations overflow, woken ones find an agent).
import { publishConversationUpdated, subjectToken, type Bus } from '../bus/index.ts'
import { slaDueTimes, slaState, validateSlaPolicy } from '../routing/index.ts'
import type { Store } from '../store/index.ts'
import { createRouter } from './route.ts'
import { applyConversationContext } from './context-priority.ts'
import type { PriorityWeights } from '../core/priority.ts'
import { newEvent } from '../events/event.ts'

export const slaSubject = (workspaceId: string) => `earshot.sla.${subjectToken(workspaceId)}`

export interface SlaEvent {
  type: 'sla.warning' | 'sla.breached'
  workspaceId: string
  conversationId: string
  metric: string | null
  dueAt: string | null
  band: string
  at: string
}

export interface SlaWatch {
  /** One pass now; resolves with the events published. */
  tick(now?: Date): Promise<SlaEvent[]>
  start(everyMs?: number): void
  stop(): Promise<void>
}

export const slaWatchEveryMsDefault = 15_000

export function createSlaWatch(store: Store, bus: Bus, log: (line: string) => void = () => undefined): SlaWatch {
  const router = createRouter(store, bus, log)
  let timer: NodeJS.Timeout | null = null
  let running: Promise<unknown> | null = null

  async function tick(now = new Date()): Promise<SlaEvent[]> {
    const events: SlaEvent[] = []
    const woken = await store.routing.wakeSnoozed(now)
    const workspaces = new Set(woken.map((w) => w.workspaceId))
    for (const w of woken) await publishConversationUpdated(bus, w.workspaceId, w.id)
    for (const row of await store.routing.slaWatched()) {
      const check = validateSlaPolicy(row.policy)
      if (!check.ok) continue
      const facts = { priority: row.priority, createdAt: row.createdAt, firstResponseAt: row.firstRespondedAt, lastCustomerMessageAt: row.lastCustomerAt, lastAgentReplyAt: row.lastAgentReplyAt, resolvedAt: row.resolvedAt, pauses: row.pauses }
      const state = slaState(facts, check.policy, now)
      const sameDue = (row.slaDueAt?.getTime() ?? null) === (state.dueAt?.getTime() ?? null)
      if (state.state === row.slaState && sameDue && state.metric === row.slaMetric) continue
      await store.routing.setSla(row.id, { state: state.state, metric: state.metric, dueAt: state.dueAt, due: slaDueTimes(facts, check.policy, now) })
      if (state.state === row.slaState || state.state === 'ok') continue
      const event: SlaEvent = {
        type: state.state === 'breached' ? 'sla.breached' : 'sla.warning', workspaceId: row.workspaceId, conversationId: row.id,
        metric: state.metric, dueAt: state.dueAt?.toISOString() ?? null, band: state.band, at: now.toISOString(),
      }
      events.push(event)
      workspaces.add(row.workspaceId)
      await store.transaction(async (tx) => {
        await tx.audit.record({ workspaceId: row.workspaceId, actor: 'system:sla', action: event.type, targetType: 'conversation', targetId: row.id, detail: { metric: event.metric, dueAt: event.dueAt, band: event.band } })
        // to the workspace's event webhooks (durable queue, delivered by events/worker.ts)
        await tx.eventWebhooks.enqueue(newEvent(event.type, row.workspaceId, now, { conversationId: row.id, metric: event.metric, dueAt: event.dueAt, band: event.band }))
      })
      await bus.publish(slaSubject(row.workspaceId), event).catch((error: unknown) => log(`could not publish ${event.type}: ${String(error)}`))
    }
    // the clock moves on its own: waiting points grow (and repeat contacts age out) without a new message
    const reprioritised = await store.transaction(async (tx) => {
      const weights = new Map<string, PriorityWeights>()
      const weightsOf = async (workspaceId: string): Promise<PriorityWeights> => {
        const hit = weights.get(workspaceId) ?? await tx.workspaces.priorityWeights(workspaceId)
        weights.set(workspaceId, hit)
        return hit
      }
      return applyConversationContext(tx, await tx.conversations.openIds(), weightsOf, now)
    })
    for (const c of reprioritised) await publishConversationUpdated(bus, c.workspaceId, c.id)
    for (const workspaceId of workspaces) await router.route(workspaceId).catch((error: unknown) => log(`routing after SLA tick failed: ${String(error)}`))
    return events
  }

  return {
    tick,
    start(everyMs = slaWatchEveryMsDefault) {
      timer = setInterval(() => {
        if (running !== null) return
        running = tick()
          .catch((error: unknown) => log(`SLA watch failed: ${String(error)}`))
          .finally(() => (running = null))
      }, everyMs)
      timer.unref()
    },
    async stop() {
      if (timer !== null) clearInterval(timer)
      timer = null
      if (running !== null) await running
    },
  }
}

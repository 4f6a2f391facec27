// Applies the routing core (src/routing) to the store: one pass per workspace, in one transaction that
// holds the workspace's routing lock, so two passes (pipeline, API, SLA watch) never give the same
// agent more than their capacity. Queue first (rules in order, else default), then an agent (push);
// nobody available: the conversation waits in its queue, unassigned, for the next pass. Every decision
// is stored with its reasons (assignment.reasons) and audited; events are published after commit.
import { publishConversationUpdated, type Bus } from '../bus/index.ts'
import { chooseAgent, chooseQueue, nextBest, overflow, reassignOnOffline, slaDueTimes, validateSlaPolicy } from '../routing/index.ts'
import type { Queries, Store } from '../store/index.ts'
import type { Sql } from '../store/db.ts'
import type { Queue } from '../routing/model.ts'
import type { AgentRow, WaitingConversation } from '../store/queries/routing.ts'

type Tx = Queries & { sql: Sql }

export interface RoutePassResult {
  /** Conversations whose queue or assignee changed. */
  changed: string[]
  assigned: { conversationId: string; agentId: string; reasons: string[] }[]
}

const routerActor = 'system:routing'

/** SLA due times from the queue's policy, stored as soon as the conversation enters the queue. */
async function storeDueTimes(tx: Tx, workspaceId: string, c: WaitingConversation, queue: Queue | null, now: Date): Promise<void> {
  if (queue?.slaPolicyId == null) return
  const row = await tx.routing.slaPolicy(workspaceId, queue.slaPolicyId)
  if (row === null) return
  const check = validateSlaPolicy(row.policy)
  if (!check.ok) return
  const facts = { priority: c.priority, createdAt: c.arrivedAt, firstResponseAt: null, lastCustomerMessageAt: null, lastAgentReplyAt: null, resolvedAt: null }
  const due = slaDueTimes(facts, check.policy, now)
  const dueAt = [due.first_response, due.next_response, due.resolution].filter((d): d is Date => d !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null
  await tx.routing.setSla(c.id, { state: 'ok', metric: dueAt === null ? null : dueAt === due.first_response ? 'first_response' : 'resolution', dueAt, due })
}

function replaceLoad(agents: AgentRow[], agentId: string, c: WaitingConversation, now: Date): void {
  const agent = agents.find((a) => a.id === agentId)
  if (agent === undefined) return
  const kind = c.channel === 'email' ? 'email' : c.visibility === 'private' ? 'private' : 'public'
  // a new array: the core indexes by identity
  agent.load = [...agent.load, { conversationId: c.id, kind, units: kind === 'email' ? 0.5 : 1 }]
  agent.lastAssignedAt = now
  agent.idleSince = null
}

/** One routing pass over a workspace inside `tx` (which must be a transaction). */
export async function routeWorkspaceIn(tx: Tx, workspaceId: string, now: Date, opts: { ids?: string[] } = {}): Promise<RoutePassResult> {
  await tx.routing.lockWorkspace(workspaceId)
  const agents = await tx.routing.agents(workspaceId)
  const anyoneOnline = agents.some((a) => a.presence === 'online')
  const waiting = await tx.routing.waiting(workspaceId, { unassigned: anyoneOnline, ...(opts.ids === undefined ? {} : { ids: opts.ids }) })
  const result: RoutePassResult = { changed: [], assigned: [] }
  if (waiting.length === 0) return result
  const queues = await tx.routing.queues(workspaceId)
  const byId = new Map(queues.map((q) => [q.id, q]))
  for (const c of waiting) {
    let queue: Queue | null = c.queueId === null ? null : byId.get(c.queueId) ?? null
    const reasons: string[] = []
    let queueChanged = false
    if (!c.routed) {
      const choice = chooseQueue(c, queues)
      reasons.push(...choice.reasons)
      queueChanged = (choice.queue?.id ?? null) !== c.queueId
      queue = choice.queue
      await tx.routing.setQueue(c.id, queue?.id ?? null, now, queueChanged)
      c.queueId = queue?.id ?? null
      c.queuedAt = now
      await storeDueTimes(tx, workspaceId, c, queue, now)
    } else {
      const move = overflow(c, queues, now)
      if (move !== null) {
        reasons.push(...move.reasons)
        queue = move.to
        queueChanged = true
        await tx.routing.setQueue(c.id, move.to.id, now, true)
        c.queueId = move.to.id
        c.queuedAt = now
      }
    }
    let agentId: string | null = null
    if (queue !== null && anyoneOnline && c.assigneeId === null && (c.status === 'new' || c.status === 'open')) {
      const choice = chooseAgent(c, queue, agents, now, { explainSkipped: false })
      if (choice.agent !== null && (await tx.routing.assignIfFree(c.id, choice.agent.id, now))) {
        agentId = choice.agent.id
        reasons.push(...choice.reasons)
        replaceLoad(agents, agentId, c, now)
        result.assigned.push({ conversationId: c.id, agentId, reasons })
      } else if (queueChanged) {
        reasons.push(...choice.reasons)
      }
    } else if (queue !== null && queueChanged) {
      reasons.push(`no agent available in ${queue.name}: conversation waits in queue`)
    }
    // A conversation landing in the default queue with nobody online was already recorded by the pipeline.
    if (agentId === null && !queueChanged) continue
    result.changed.push(c.id)
    await tx.routing.recordAssignment({ workspaceId, conversationId: c.id, queueId: queue?.id ?? null, agentId, reasons, actor: routerActor })
    await tx.audit.record({
      workspaceId, actor: routerActor, action: agentId === null ? 'conversation.queue' : 'conversation.assign', targetType: 'conversation', targetId: c.id,
      detail: { queueId: queue?.id ?? null, agentId, reasons },
    })
  }
  return result
}

export interface Router {
  /** Routes what waits in a workspace (optionally only these conversations) and publishes the changes. */
  route(workspaceId: string, opts?: { ids?: string[] }): Promise<RoutePassResult>
  /** Pull mode: the next best conversation for an agent, assigned to them; null with the reasons when none. */
  next(workspaceId: string, agentId: string, actor: string): Promise<{ conversationId: string | null; reasons: string[] }>
  /** An agent went offline: their new/open conversations go back to their queues and are routed again. */
  release(workspaceId: string, agentId: string, actor: string): Promise<{ requeued: string[]; kept: string[] }>
}

export function createRouter(store: Store, bus: Bus, log: (line: string) => void = () => undefined): Router {
  async function publish(workspaceId: string, ids: string[]): Promise<void> {
    for (const id of ids) await publishConversationUpdated(bus, workspaceId, id)
  }
  return {
    async route(workspaceId, opts = {}) {
      const result = await store.transaction((tx) => routeWorkspaceIn(tx, workspaceId, new Date(), opts))
      await publish(workspaceId, result.changed)
      return result
    },
    async next(workspaceId, agentId, actor) {
      const now = new Date()
      const out = await store.transaction(async (tx) => {
        await tx.routing.lockWorkspace(workspaceId)
        const agent = (await tx.routing.agents(workspaceId)).find((a) => a.id === agentId)
        if (agent === undefined) return { conversationId: null, reasons: ['agent not found'] }
        const waiting = (await tx.routing.waiting(workspaceId, { unassigned: true })).filter((c) => c.routed && c.assigneeId === null)
        const choice = nextBest(agent, waiting, await tx.routing.queues(workspaceId), now)
        if (choice.conversation === null) return { conversationId: null, reasons: choice.reasons }
        const reasons = [`pulled by ${agent.name}`, ...choice.reasons]
        if (!(await tx.routing.assignIfFree(choice.conversation.id, agent.id, now))) return { conversationId: null, reasons: ['taken by someone else meanwhile'] }
        await tx.routing.recordAssignment({ workspaceId, conversationId: choice.conversation.id, queueId: choice.queue?.id ?? null, agentId: agent.id, reasons, actor })
        await tx.audit.record({ workspaceId, actor, action: 'conversation.assign', targetType: 'conversation', targetId: choice.conversation.id, detail: { agentId: agent.id, mode: 'pull', reasons } })
        return { conversationId: choice.conversation.id, reasons }
      })
      if (out.conversationId !== null) await publish(workspaceId, [out.conversationId])
      return out
    },
    async release(workspaceId, agentId, actor) {
      const now = new Date()
      const out = await store.transaction(async (tx) => {
        await tx.routing.lockWorkspace(workspaceId)
        const agent = await tx.routing.agent(workspaceId, agentId)
        if (agent === null) return { requeued: [], kept: [] }
        const held = await tx.routing.held(workspaceId, agentId)
        // reassignOnOffline reads the agent's load; pending/snoozed are held too, so list them all
        const decision = reassignOnOffline({ ...agent, load: held.map((h) => ({ conversationId: h.id, kind: 'public', units: 1 })) }, held)
        for (const r of decision.requeue) {
          await tx.routing.release(r.conversationId, now)
          const reasons = [r.reason, 'back to its queue: conversation waits for the next agent']
          await tx.routing.recordAssignment({ workspaceId, conversationId: r.conversationId, queueId: r.queueId, agentId: null, reasons, actor })
          await tx.audit.record({ workspaceId, actor, action: 'conversation.unassign', targetType: 'conversation', targetId: r.conversationId, detail: { from: agentId, reasons } })
        }
        return { requeued: decision.requeue.map((r) => r.conversationId), kept: decision.keep.map((k) => k.conversationId) }
      })
      await publish(workspaceId, out.requeued)
      // routed again now (to someone else online), or when an agent comes online
      await this.route(workspaceId).catch((error: unknown) => log(`routing after release failed: ${String(error)}`))
      return out
    },
  }
}

// Who gets a conversation. Push mode (chooseAgent) picks an agent for a conversation that just entered
// a queue; pull mode (nextBest) picks the conversation an agent should take next; reassignOnOffline
// says what to give back when an agent leaves. Every choice comes with reasons a supervisor can read.
import { defaultUnits, type UnitsByKind } from './capacity.ts'
import { agentAvailable, checkAgent, describeFit, type AgentFit } from './eligibility.ts'
import type { Agent, Presence, Queue, RoutableConversation } from './model.ts'
import type { ConversationStatus } from '../core/model.ts'

export interface AssignOptions {
  /** Capacity units per channel kind; default public 1, private 1, email 0.5. */
  units?: UnitsByKind
  /** Route back to the customer's last agent when they are available; default true. */
  sticky?: boolean
  /** How long the last agent stays preferred; default 48 h. */
  stickyWindowMs?: number
  /** Rank qualified agents by their level in the queue's skills before load; default true. */
  rankBySkillLevel?: boolean
  /** List why each other agent was passed over (costs an allocation per agent); default true. */
  explainSkipped?: boolean
}

export const stickyWindowMsDefault = 48 * 3_600_000

export interface AgentChoice {
  agent: Agent | null
  fit: AgentFit | null
  sticky: boolean
  reasons: string[]
  /** Agents passed over and why (empty with explainSkipped: false). */
  skipped: { agentId: string; reason: string }[]
}

function hoursText(ms: number): string {
  const h = ms / 3_600_000
  return Number.isInteger(h) ? `${h} h` : `${Math.round(ms / 60_000)} min`
}

function stickyCandidate(conversation: RoutableConversation, now: Date, windowMs: number): string | null {
  if (conversation.lastAgentId === null || conversation.lastAgentAt === null) return null
  const age = now.getTime() - conversation.lastAgentAt.getTime()
  return age >= 0 && age <= windowMs ? conversation.lastAgentId : null
}

/** Negative when a fits better than b. */
function compareFit(a: AgentFit, b: AgentFit, bySkill: boolean): number {
  const speaksA = a.speaks === true ? 1 : 0
  const speaksB = b.speaks === true ? 1 : 0
  if (speaksA !== speaksB) return speaksB - speaksA
  if (bySkill && a.skillScore !== b.skillScore) return b.skillScore - a.skillScore
  if (a.loadRatio !== b.loadRatio) return a.loadRatio - b.loadRatio
  const idleA = a.idleMs ?? Number.POSITIVE_INFINITY
  const idleB = b.idleMs ?? Number.POSITIVE_INFINITY
  if (idleA !== idleB) return idleB > idleA ? 1 : -1
  return 0
}

/**
 * Push mode: the agent for a conversation routed to `queue`, or null with the reason. Only agents
 * online, within working hours, in the queue, with room in their capacity, holding the queue's skills
 * (and its languages when it lists any) qualify. The customer's last agent within the sticky window
 * wins when qualified; otherwise: language spoken, then skill level, then least load (ratio), then
 * longest idle, then id.
 */
export function chooseAgent(conversation: RoutableConversation, queue: Queue, agents: readonly Agent[], now: Date, options: AssignOptions = {}): AgentChoice {
  const units = options.units ?? defaultUnits
  const windowMs = options.stickyWindowMs ?? stickyWindowMsDefault
  const explain = options.explainSkipped ?? true
  const bySkill = options.rankBySkillLevel ?? true
  const skipped: { agentId: string; reason: string }[] = []
  const stickyId = options.sticky === false ? null : stickyCandidate(conversation, now, windowMs)
  let stickyNote: string | null = null

  let best: Agent | null = null
  let bestFit: AgentFit | null = null
  for (const agent of agents) {
    const check = checkAgent(agent, conversation, queue, now, units, { explain: explain || agent.id === stickyId })
    if (!check.ok) {
      if (agent.id === stickyId) stickyNote = `sticky: last agent ${agent.name} unavailable (${check.reason})`
      if (explain) skipped.push({ agentId: agent.id, reason: check.reason })
      continue
    }
    if (agent.id === stickyId) {
      return { agent, fit: check.fit, sticky: true, reasons: [`agent ${agent.name}`, `sticky: last agent within ${hoursText(windowMs)}`, ...describeFit(check.fit)], skipped }
    }
    const order = bestFit === null ? -1 : compareFit(check.fit, bestFit, bySkill)
    if (order < 0 || (order === 0 && best !== null && agent.id < best.id)) {
      best = agent
      bestFit = check.fit
    }
  }
  const notes = stickyNote === null ? [] : [stickyNote]
  if (best === null || bestFit === null) {
    return { agent: null, fit: null, sticky: false, reasons: [...notes, `no agent available in ${queue.name}: conversation waits in queue`], skipped }
  }
  return { agent: best, fit: bestFit, sticky: false, reasons: [`agent ${best.name}`, ...describeFit(bestFit), ...notes], skipped }
}

export interface PullChoice {
  conversation: RoutableConversation | null
  queue: Queue | null
  fit: AgentFit | null
  /** The agent was this customer's last agent within the sticky window. */
  sticky: boolean
  reasons: string[]
}

export interface PullOptions extends AssignOptions {}

/**
 * Pull mode: the waiting conversation the agent should take next, or null with the reason. Only
 * conversations the agent qualifies for (same rules as push). Order: the agent's own sticky customers,
 * then queue priority, then conversation priority score, then longest wait, then id.
 */
export function nextBest(agent: Agent, waiting: readonly RoutableConversation[], queues: readonly Queue[], now: Date, options: PullOptions = {}): PullChoice {
  const available = agentAvailable(agent, now)
  if (!available.ok) return { conversation: null, queue: null, fit: null, sticky: false, reasons: [`${agent.name} cannot take work: ${available.reason}`] }
  const units = options.units ?? defaultUnits
  const windowMs = options.stickyWindowMs ?? stickyWindowMsDefault
  const byId = new Map(queues.map((q) => [q.id, q]))
  let best: { conversation: RoutableConversation; queue: Queue; fit: AgentFit; sticky: boolean; waitMs: number } | null = null
  for (const conversation of waiting) {
    if (conversation.queueId === null) continue
    const queue = byId.get(conversation.queueId)
    if (queue === undefined) continue
    const check = checkAgent(agent, conversation, queue, now, units, { skipAvailability: true, explain: false })
    if (!check.ok) continue
    const sticky = options.sticky !== false && stickyCandidate(conversation, now, windowMs) === agent.id
    const waitMs = now.getTime() - (conversation.queuedAt ?? conversation.arrivedAt).getTime()
    const candidate = { conversation, queue, fit: check.fit, sticky, waitMs }
    if (best === null || comparePull(candidate, best) < 0) best = candidate
  }
  if (best === null) return { conversation: null, queue: null, fit: null, sticky: false, reasons: [`nothing waiting that ${agent.name} can take`] }
  const reasons = [
    `queue ${best.queue.name} (priority ${best.queue.priority})`,
    ...(best.sticky ? [`sticky: ${agent.name} was the customer's last agent within ${hoursText(windowMs)}`] : []),
    `priority ${best.conversation.priority}`,
    `waiting ${Math.max(0, Math.floor(best.waitMs / 60_000))} min`,
    ...describeFit(best.fit).filter((r) => r.startsWith('skill ') || r.startsWith('speaks ') || r.startsWith('load ')),
  ]
  return { conversation: best.conversation, queue: best.queue, fit: best.fit, sticky: best.sticky, reasons }
}

function comparePull(
  a: { conversation: RoutableConversation; queue: Queue; sticky: boolean; waitMs: number },
  b: { conversation: RoutableConversation; queue: Queue; sticky: boolean; waitMs: number },
): number {
  if (a.sticky !== b.sticky) return a.sticky ? -1 : 1
  if (a.queue.priority !== b.queue.priority) return b.queue.priority - a.queue.priority
  if (a.conversation.priority !== b.conversation.priority) return b.conversation.priority - a.conversation.priority
  if (a.waitMs !== b.waitMs) return b.waitMs - a.waitMs
  return a.conversation.id < b.conversation.id ? -1 : a.conversation.id > b.conversation.id ? 1 : 0
}

export interface HeldConversation {
  id: string
  status: ConversationStatus
  queueId: string | null
}

export interface OfflineOptions {
  /** Presences that give work back; default ['offline'] (away and break keep their conversations). */
  releaseOn?: readonly Presence[]
  /** Statuses that stay with the agent because they wait on the customer; default pending and snoozed. */
  keepStatuses?: readonly ConversationStatus[]
}

export interface OfflineRelease {
  requeue: { conversationId: string; queueId: string | null; reason: string }[]
  keep: { conversationId: string; reason: string }[]
}

/**
 * When an agent leaves: which of the conversations they hold go back to their queues. `held` gives the
 * status of the conversations in agent.load; a load item with no entry there is requeued (better
 * looked at twice than left with nobody).
 */
export function reassignOnOffline(agent: Agent, held: readonly HeldConversation[], options: OfflineOptions = {}): OfflineRelease {
  const releaseOn = options.releaseOn ?? ['offline']
  const keepStatuses = options.keepStatuses ?? ['pending', 'snoozed']
  const out: OfflineRelease = { requeue: [], keep: [] }
  if (!releaseOn.includes(agent.presence)) {
    for (const item of agent.load) out.keep.push({ conversationId: item.conversationId, reason: `${agent.name} is ${agent.presence}` })
    return out
  }
  const byId = new Map(held.map((h) => [h.id, h]))
  for (const item of agent.load) {
    const h = byId.get(item.conversationId)
    if (h === undefined) {
      out.requeue.push({ conversationId: item.conversationId, queueId: null, reason: `${agent.name} went ${agent.presence}; status unknown` })
    } else if (h.status === 'resolved') {
      out.keep.push({ conversationId: h.id, reason: 'resolved: nothing to answer' })
    } else if (keepStatuses.includes(h.status)) {
      out.keep.push({ conversationId: h.id, reason: `${h.status}: waits on the customer, stays with ${agent.name}` })
    } else {
      out.requeue.push({ conversationId: h.id, queueId: h.queueId, reason: `${agent.name} went ${agent.presence} holding a ${h.status} conversation` })
    }
  }
  return out
}

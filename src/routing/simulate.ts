// Discrete-event simulation of a contact centre handling the same arrivals with two routers:
//  - skills: chooseQueue + chooseAgent on arrival (push), nextBest when an agent frees up (pull),
//    overflow of long waits, sticky agents;
//  - round robin: the next available agent with room, ignoring queues, skills and languages.
// Handling time is the arrival's base time scaled by the agent's fit (see handlingFactor), so both
// routers face the same work and differ only in who gets it. Simulated time: no clock is read here
// (bench.ts times decisions through the timeDecision hook).
import { agentAvailable } from './eligibility.ts'
import { chooseAgent, nextBest, type AgentChoice } from './assign.ts'
import { defaultUnits, hasRoomFor, unitsFor } from './capacity.ts'
import { EventQueue } from './event-queue.ts'
import { speaksLanguage, type Agent, type RoutableConversation } from './model.ts'
import { chooseQueue, overflow } from './queues.ts'
import { slaClocks } from './sla.ts'
import { handlingMeanSeconds, type Arrival, type ContactCentre } from './synthetic-centre.ts'
import { createRng } from '../demo/prng.ts'

export type RouterKind = 'skills' | 'round_robin'

/** Time to the first reply, as a share of the handling time. */
export const firstReplyShare = 0.3
/** How often waiting conversations are checked for overflow, in simulated seconds. */
export const overflowTickSeconds = 30
/** Conversations an agent considers from the head of each queue when pulling. */
export const pullCandidatesPerQueue = 3
/** After the last completion, overflow ticks run at most this often before the rest counts as unserved. */
export const drainTicksMax = 10_000
/** Round robin looks this far down its single queue for a conversation the freed agent has room for. */
export const roundRobinScanMax = 50

/**
 * How much longer than the base time an agent takes: by their level in the conversation's topic
 * (level 5 ×0.875 … level 1 ×1.175, no skill ×1.6) and ×1.8 when they do not speak its language.
 */
export function handlingFactor(agent: Agent, conversation: RoutableConversation): number {
  const topic = conversation.tags[0]
  const level = topic === undefined ? 3 : agent.skills.find((s) => s.name === topic)?.level ?? 0
  let factor = level === 0 ? 1.6 : 1.25 - 0.075 * level
  if (conversation.language !== null && !speaksLanguage(agent.languages, conversation.language)) factor *= 1.8
  return factor
}

export interface SimulationOutcome {
  router: RouterKind
  arrivals: number
  handled: number
  /** Still waiting when no agent work remained to free capacity. */
  unserved: number
  /** Seconds from arrival to assignment, per handled conversation. */
  waitsSeconds: Float64Array
  /** Seconds from arrival to the first reply. */
  firstResponseSeconds: Float64Array
  slaMet: number
  handlingMeanSeconds: number
  /** Handled by an agent with the conversation's topic skill. */
  skillMatched: number
  /** Handled by an agent speaking the conversation's language (known languages only). */
  languageMatched: number
  languageKnown: number
  overflowed: number
  stickyHits: number
  /** Simulated seconds until the last completion. */
  endSeconds: number
}

export type DecisionKind = 'arrival' | 'overflow' | 'pull'

export interface SimulationHooks {
  /**
   * Wraps each routing decision, for latency figures: 'arrival' is chooseQueue + chooseAgent for a new
   * conversation, 'overflow' chooseAgent after an overflow move, 'pull' nextBest for a freed agent.
   */
  timeDecision?: <T>(kind: DecisionKind, decide: () => T) => T
  /** Called after each assignment with the agent's updated state (tests check capacity invariants). */
  onAssign?: (event: { agent: Readonly<Agent>; conversation: RoutableConversation; atSeconds: number }) => void
}

interface Completion {
  agent: number
  conversationId: string
}

interface Tally {
  waits: number[]
  firstResponses: number[]
  slaMet: number
  handlingSum: number
  skillMatched: number
  languageMatched: number
  languageKnown: number
  stickyHits: number
}

function cloneAgents(agents: readonly Agent[]): Agent[] {
  return agents.map((a) => ({ ...a, load: a.load.map((l) => ({ ...l })), skills: a.skills.map((s) => ({ ...s })), languages: [...a.languages] }))
}

/** Remaining handling times of the conversations held at the start: the same for both routers. */
function heldCompletions(agents: Agent[], heap: EventQueue<Completion>, seed: number): void {
  const rng = createRng(seed ^ 0x4e1d)
  agents.forEach((agent, index) => {
    for (const item of agent.load) heap.push(rng.exp(handlingMeanSeconds[item.kind] / 2), { agent: index, conversationId: item.conversationId })
  })
}

export function simulate(centre: ContactCentre, arrivals: readonly Arrival[], router: RouterKind, hooks: SimulationHooks = {}, seed = 1): SimulationOutcome {
  const agents = cloneAgents(centre.agents)
  const agentIndex = new Map(agents.map((a, i) => [a.id, i]))
  const queues = centre.queues
  const fallbackQueue = queues.find((q) => q.isDefault) ?? queues[queues.length - 1]!
  const heap = new EventQueue<Completion>()
  heldCompletions(agents, heap, seed)
  const startMs = centre.start.getTime()
  const dateAt = (t: number): Date => new Date(startMs + Math.round(t * 1000))
  const time = hooks.timeDecision ?? (<T>(_kind: DecisionKind, decide: () => T): T => decide())

  const baseById = new Map(arrivals.map((a) => [a.conversation.id, a]))
  const tally: Tally = { waits: [], firstResponses: [], slaMet: 0, handlingSum: 0, skillMatched: 0, languageMatched: 0, languageKnown: 0, stickyHits: 0 }
  let overflowed = 0
  let endSeconds = 0

  const assign = (agentIdx: number, c: RoutableConversation, t: number, sticky: boolean): void => {
    const agent = agents[agentIdx]!
    const arrival = baseById.get(c.id)!
    const need = unitsFor(c)
    const handling = arrival.baseHandlingSeconds * handlingFactor(agent, c)
    const wait = Math.max(0, t - arrival.atSeconds)
    const firstResponse = wait + firstReplyShare * handling
    tally.waits.push(wait)
    tally.firstResponses.push(firstResponse)
    tally.handlingSum += handling
    const topic = c.tags[0]
    if (topic !== undefined && agent.skills.some((s) => s.name === topic)) tally.skillMatched++
    if (c.language !== null) {
      tally.languageKnown++
      if (speaksLanguage(agent.languages, c.language)) tally.languageMatched++
    }
    if (sticky) tally.stickyHits++
    const createdAt = c.arrivedAt
    const firstResponseAt = new Date(createdAt.getTime() + Math.round(firstResponse * 1000))
    const clocks = slaClocks({ priority: c.priority, createdAt, firstResponseAt, lastCustomerMessageAt: createdAt, lastAgentReplyAt: firstResponseAt, resolvedAt: null }, centre.policy, firstResponseAt)
    if (clocks.find((k) => k.metric === 'first_response')?.state === 'met') tally.slaMet++
    agent.load.push({ conversationId: c.id, kind: need.kind, units: need.units })
    agent.lastAssignedAt = dateAt(t)
    agent.idleSince = null
    heap.push(t + handling, { agent: agentIdx, conversationId: c.id })
    hooks.onAssign?.({ agent, conversation: c, atSeconds: t })
  }

  const release = (done: Completion, t: number): Agent => {
    const agent = agents[done.agent]!
    const i = agent.load.findIndex((l) => l.conversationId === done.conversationId)
    if (i >= 0) agent.load.splice(i, 1)
    agent.idleSince = dateAt(t)
    endSeconds = Math.max(endSeconds, t)
    return agent
  }

  let unserved = 0
  if (router === 'skills') {
    // Per-queue FIFO waiting lists with lazy removal: taken entries (by object: an overflow move makes a
    // new one) are skipped.
    const waiting = new Map<string, RoutableConversation[]>(queues.map((q) => [q.id, []]))
    const heads = new Map<string, number>(queues.map((q) => [q.id, 0]))
    const taken = new Set<RoutableConversation>()
    let waitingCount = 0
    const servable = agents.map((a) => queues.filter((q) =>
      (a.queueIds === null || a.queueIds.includes(q.id))
      && q.requiredSkills.every((r) => a.skills.some((s) => s.name.toLowerCase() === r.name.toLowerCase() && s.level >= r.levelMin))
      && (q.languages.length === 0 || q.languages.some((l) => speaksLanguage(a.languages, l)))))

    const enqueue = (c: RoutableConversation): void => {
      waiting.get(c.queueId!)!.push(c)
      waitingCount++
    }
    const headItems = (queueId: string, max: number): RoutableConversation[] => {
      const list = waiting.get(queueId)!
      let h = heads.get(queueId)!
      while (h < list.length && taken.has(list[h]!)) h++
      heads.set(queueId, h)
      const out: RoutableConversation[] = []
      for (let i = h; i < list.length && out.length < max; i++) if (!taken.has(list[i]!)) out.push(list[i]!)
      return out
    }
    const take = (c: RoutableConversation): void => {
      taken.add(c)
      waitingCount--
    }
    const place = (c: RoutableConversation, choice: AgentChoice, t: number): void => {
      if (choice.agent === null) enqueue(c)
      else assign(agentIndex.get(choice.agent.id)!, c, t, choice.sticky)
    }
    const pull = (agentIdx: number, t: number): void => {
      const agent = agents[agentIdx]!
      const now = dateAt(t)
      for (let guard = 0; guard < 20 && waitingCount > 0; guard++) {
        const candidates: RoutableConversation[] = []
        for (const q of servable[agentIdx]!) candidates.push(...headItems(q.id, pullCandidatesPerQueue))
        if (candidates.length === 0) return
        const choice = time('pull', () => nextBest(agent, candidates, queues, now))
        if (choice.conversation === null) return
        take(choice.conversation)
        assign(agentIdx, choice.conversation, t, choice.sticky)
      }
    }
    const overflowAll = (t: number): void => {
      const now = dateAt(t)
      for (const q of queues) {
        if (q.overflow === null) continue
        for (;;) {
          const [head] = headItems(q.id, 1)
          if (head === undefined) break
          const move = overflow(head, queues, now)
          if (move === null) break
          take(head)
          overflowed++
          const moved = { ...head, queueId: move.to.id, queuedAt: now }
          place(moved, time('overflow', () => chooseAgent(moved, move.to, agents, now, { explainSkipped: false })), t)
        }
      }
    }

    let next = 0
    let nextTick = overflowTickSeconds
    let drainTicks = 0
    for (;;) {
      const arrivalAt = next < arrivals.length ? arrivals[next]!.atSeconds : Number.POSITIVE_INFINITY
      const doneAt = heap.peekTime()
      const t = Math.min(arrivalAt, doneAt)
      if (t === Number.POSITIVE_INFINITY) {
        // Nothing left to free an agent: only overflow can still move what waits (bounded by drainTicksMax).
        if (waitingCount === 0 || drainTicks++ >= drainTicksMax || !queues.some((q) => q.overflow !== null && headItems(q.id, 1).length > 0)) break
        overflowAll(nextTick)
        nextTick += overflowTickSeconds
        continue
      }
      if (waitingCount > 0 && nextTick <= t) {
        overflowAll(nextTick)
        nextTick += overflowTickSeconds
        continue
      }
      if (waitingCount === 0) nextTick = Math.max(nextTick, Math.ceil(t / overflowTickSeconds) * overflowTickSeconds)
      if (doneAt <= arrivalAt) {
        const done = heap.pop()!
        release(done.item, done.time)
        pull(done.item.agent, done.time)
      } else {
        const arrival = arrivals[next++]!
        const now = dateAt(arrival.atSeconds)
        const c = { ...arrival.conversation, queuedAt: now }
        const choice = time('arrival', () => {
          const queue = chooseQueue(c, queues).queue ?? fallbackQueue
          c.queueId = queue.id
          return chooseAgent(c, queue, agents, now, { explainSkipped: false })
        })
        place(c, choice, arrival.atSeconds)
      }
    }
    unserved = waitingCount
  } else {
    const fifo: (RoutableConversation | undefined)[] = []
    let fifoHead = 0
    let pointer = 0
    const tryAgent = (agent: Agent, c: RoutableConversation, now: Date): boolean => {
      const need = unitsFor(c, defaultUnits)
      return agentAvailable(agent, now).ok && hasRoomFor(agent, need.kind, need.units)
    }
    let next = 0
    for (;;) {
      const arrivalAt = next < arrivals.length ? arrivals[next]!.atSeconds : Number.POSITIVE_INFINITY
      const doneAt = heap.peekTime()
      if (arrivalAt === Number.POSITIVE_INFINITY && doneAt === Number.POSITIVE_INFINITY) break
      if (doneAt <= arrivalAt) {
        const done = heap.pop()!
        const agent = release(done.item, done.time)
        const now = dateAt(done.time)
        for (let found = true; found;) {
          found = false
          while (fifoHead < fifo.length && fifo[fifoHead] === undefined) fifoHead++
          for (let i = fifoHead, seen = 0; i < fifo.length && seen < roundRobinScanMax; i++) {
            const c = fifo[i]
            if (c === undefined) continue
            seen++
            if (!tryAgent(agent, c, now)) continue
            fifo[i] = undefined
            assign(done.item.agent, c, done.time, false)
            found = true
            break
          }
        }
      } else {
        const arrival = arrivals[next++]!
        const now = dateAt(arrival.atSeconds)
        const c = arrival.conversation
        let placed = false
        for (let i = 0; i < agents.length; i++) {
          const idx = (pointer + i) % agents.length
          if (!tryAgent(agents[idx]!, c, now)) continue
          assign(idx, c, arrival.atSeconds, false)
          pointer = (idx + 1) % agents.length
          placed = true
          break
        }
        if (!placed) fifo.push(c)
      }
    }
    for (let i = fifoHead; i < fifo.length; i++) if (fifo[i] !== undefined) unserved++
  }

  const handled = tally.waits.length
  return {
    router,
    arrivals: arrivals.length,
    handled,
    unserved,
    waitsSeconds: Float64Array.from(tally.waits),
    firstResponseSeconds: Float64Array.from(tally.firstResponses),
    slaMet: tally.slaMet,
    handlingMeanSeconds: handled === 0 ? 0 : tally.handlingSum / handled,
    skillMatched: tally.skillMatched,
    languageMatched: tally.languageMatched,
    languageKnown: tally.languageKnown,
    overflowed,
    stickyHits: tally.stickyHits,
    endSeconds,
  }
}


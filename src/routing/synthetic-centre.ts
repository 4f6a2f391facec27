// A deterministic synthetic contact centre for the routing benchmark and simulation: agents with
// skills, languages, capacities, presences and shifts; topic × language queues with rules, a VIP queue
// and a default; open conversations held or waiting; and a stream of arrivals. Same seed, same centre.
import type { ChannelName } from '../core/model.ts'
import type { Intent, RiskFlag, Sentiment } from '../core/triage-facts.ts'
import { createRng, type Rng } from '../demo/prng.ts'
import type { BusinessCalendar } from './calendar.ts'
import { defaultUnits, loadUnits, unitsFor } from './capacity.ts'
import { agentAvailable } from './eligibility.ts'
import { speaksLanguage, type Agent, type ChannelKind, type Presence, type Queue, type RoutableConversation } from './model.ts'
import { chooseQueue } from './queues.ts'
import type { SlaPolicy } from './sla.ts'

export const topics = [
  'billing', 'flight-disruption', 'baggage', 'refunds', 'bookings', 'technical',
  'loyalty', 'roaming', 'sales', 'accessibility', 'legal', 'vip-care',
] as const
const topicWeights: readonly (readonly [string, number])[] = topics.map((t, i) => [t, [18, 15, 12, 10, 10, 8, 7, 5, 5, 4, 3, 3][i]!])
const queueLanguages = ['en', 'fr', 'de', 'es'] as const
const customerLanguages: readonly (readonly [string, number])[] = [['en', 55], ['fr', 13], ['de', 10], ['es', 10], ['it', 5], ['pt', 4], ['nl', 3]]
const agentLanguages: readonly (readonly [string, number])[] = [['en', 50], ['fr', 15], ['de', 12], ['es', 12], ['it', 5], ['pt', 3], ['nl', 3]]
const channelWeights: readonly (readonly [ChannelName, number])[] = [
  ['x-twitter', 25], ['facebook', 15], ['instagram', 10], ['bluesky', 8], ['mastodon', 4], ['reddit', 4], ['email', 20], ['webchat', 14],
]
const intentWeights: readonly (readonly [Intent, number])[] = [['complaint', 40], ['question', 40], ['praise', 8], ['idea', 5], ['other', 7]]

/** Mean handling time in seconds by channel kind, before the agent's skill and language change it. */
export const handlingMeanSeconds: Record<ChannelKind, number> = { public: 360, private: 600, email: 900 }

export const generalQueueId = 'q-general'
export const vipQueueId = 'q-vip'

export interface CentreOptions {
  agents: number
  queues: number
  open: number
  seed: number
  /** Simulation start; the default is a Monday 09:00 UTC. */
  start?: Date
}

export interface ContactCentre {
  start: Date
  agents: Agent[]
  queues: Queue[]
  policy: SlaPolicy
  /** Open conversations agents hold at the start (also in their load). */
  held: RoutableConversation[]
  /** Open conversations waiting in queues at the start (for the pull benchmark). */
  waiting: RoutableConversation[]
}

export interface Arrival {
  conversation: RoutableConversation
  /** Seconds after the start. */
  atSeconds: number
  /** Handling time for a skilled agent speaking the language; the simulation scales it per agent. */
  baseHandlingSeconds: number
}

export const simulationPolicy: SlaPolicy = {
  id: 'sla-bench',
  name: 'Social first response',
  calendar: null,
  warningPercent: 80,
  targets: {
    urgent: { firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 240 },
    high: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 480 },
    normal: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 1440 },
    low: { firstResponseMinutes: 120, nextResponseMinutes: 240, resolutionMinutes: 2880 },
  },
}

const parisShift: BusinessCalendar = {
  timezone: 'Europe/Paris',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '07:00', end: '21:00' }]])),
  holidays: [],
}
const newYorkShift: BusinessCalendar = {
  timezone: 'America/New_York',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '20:00' }]])),
  holidays: [],
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).replace(/-/g, ' ')
}

export function buildQueues(count: number): Queue[] {
  const queues: Queue[] = []
  const general: Queue = {
    id: generalQueueId, name: 'General', requiredSkills: [], languages: [], conditions: null, priority: 0, overflow: null, slaPolicyId: simulationPolicy.id, isDefault: true,
  }
  if (count >= 2) {
    queues.push({
      id: vipQueueId, name: 'VIP', requiredSkills: [{ name: 'vip-care', levelMin: 3 }], languages: [],
      conditions: { all: [{ field: 'vip', op: 'eq', value: true }, { field: 'priority', op: 'gte', value: 50 }] },
      priority: 10, overflow: { afterSeconds: 300, toQueueId: generalQueueId }, slaPolicyId: simulationPolicy.id, isDefault: false,
    })
  }
  outer: for (const language of queueLanguages) {
    for (const topic of topics) {
      if (topic === 'vip-care') continue
      if (queues.length >= count - 1) break outer
      queues.push({
        id: `q-${topic}-${language}`,
        name: `${capitalise(topic)} ${language.toUpperCase()}`,
        requiredSkills: [{ name: topic, levelMin: 2 }],
        languages: [language],
        conditions: { field: 'tags', op: 'contains', value: topic },
        priority: topic === 'legal' || topic === 'flight-disruption' ? 3 : 1,
        overflow: { afterSeconds: 900, toQueueId: generalQueueId },
        slaPolicyId: simulationPolicy.id,
        isDefault: false,
      })
    }
  }
  // More queues than topic × language combinations: extra channel queues, tried last before General.
  for (let i = 0; queues.length < count - 1; i++) {
    queues.push({
      id: `q-extra-${i}`, name: `Extra ${i}`, requiredSkills: [], languages: [],
      conditions: { all: [{ field: 'channel', op: 'eq', value: 'reddit' }, { field: 'priority', op: 'gte', value: 101 - (i % 100) }] },
      priority: 0, overflow: null, slaPolicyId: simulationPolicy.id, isDefault: false,
    })
  }
  queues.push(general)
  return queues
}

function buildAgent(rng: Rng, i: number, start: Date): Agent {
  const primary = rng.weighted(agentLanguages)
  const languages = [primary]
  if (primary !== 'en' && rng.chance(0.4)) languages.push('en')
  if (primary === 'en' && rng.chance(0.1)) languages.push(rng.pick(['fr', 'de', 'es']))
  const skills = new Map<string, number>()
  const skillCount = rng.int(2, 4)
  while (skills.size < skillCount) skills.set(rng.weighted(topicWeights), rng.weighted([[1, 1], [2, 2], [3, 4], [4, 3], [5, 1]]))
  const presence: Presence = rng.weighted([['online', 90], ['away', 4], ['break', 3], ['offline', 3]])
  const shift = rng.weighted<BusinessCalendar | null>([[null, 70], [parisShift, 22], [newYorkShift, 8]])
  return {
    id: `agent-${String(i).padStart(4, '0')}`,
    name: `Agent ${i}`,
    skills: [...skills].map(([name, level]) => ({ name, level })),
    languages,
    capacity: { public: rng.int(2, 4), private: rng.int(1, 3), email: rng.pick([2, 3, 4]) },
    presence,
    workingHours: shift,
    load: [],
    lastAssignedAt: null,
    idleSince: new Date(start.getTime() - rng.int(0, 3600) * 1000),
    queueIds: null,
  }
}

/** Makes sure each language queue has at least two available agents qualified for it. */
function coverQueues(agents: Agent[], queues: Queue[], start: Date): void {
  const available = agents.filter((a) => agentAvailable(a, start).ok)
  if (available.length === 0) return
  let next = 0
  for (const queue of queues) {
    const qualified = available.filter((a) =>
      queue.requiredSkills.every((r) => a.skills.some((s) => s.name === r.name && s.level >= r.levelMin))
      && (queue.languages.length === 0 || queue.languages.some((l) => speaksLanguage(a.languages, l))))
    for (let k = qualified.length; k < 2; k++) {
      const agent = available[next++ % available.length]!
      // New arrays, not edits: skill and language lists are indexed by identity (eligibility.ts, model.ts).
      for (const r of queue.requiredSkills) {
        const has = agent.skills.find((s) => s.name === r.name)
        agent.skills = has === undefined
          ? [...agent.skills, { name: r.name, level: Math.max(3, r.levelMin) }]
          : agent.skills.map((s) => (s === has ? { ...s, level: Math.max(s.level, r.levelMin) } : s))
      }
      for (const l of queue.languages) if (!speaksLanguage(agent.languages, l)) agent.languages = [...agent.languages, l]
    }
  }
}

export function makeConversation(rng: Rng, id: string, at: Date, agents: readonly Agent[]): RoutableConversation {
  const channel = rng.weighted(channelWeights)
  const visibility = channel === 'email' || channel === 'webchat' ? 'private' : rng.chance(0.3) ? 'private' : 'public'
  const intent = rng.weighted(intentWeights)
  const sentiment: Sentiment = intent === 'complaint' ? 'negative' : intent === 'praise' ? 'positive' : rng.weighted([['neutral', 7], ['negative', 2], ['positive', 1]])
  const riskFlags: RiskFlag[] = []
  if (rng.chance(0.05)) riskFlags.push('churn')
  if (rng.chance(0.02)) riskFlags.push('press')
  if (rng.chance(0.01)) riskFlags.push('legal')
  const vip = rng.chance(0.03)
  const base = intent === 'complaint' ? 35 : intent === 'question' ? 20 : 5
  const priority = Math.min(100, base + rng.int(0, 30) + (vip ? 20 : 0) + riskFlags.length * 10)
  const sticky = agents.length > 0 && rng.chance(0.08)
  return {
    id,
    workspaceId: 'ws-bench',
    channel,
    visibility,
    language: rng.chance(0.03) ? null : rng.weighted(customerLanguages),
    intent,
    sentiment,
    riskFlags,
    tags: [rng.weighted(topicWeights)],
    vip,
    priority,
    contactId: `contact-${id}`,
    lastAgentId: sticky ? rng.pick(agents).id : null,
    lastAgentAt: sticky ? new Date(at.getTime() - rng.int(1, 72) * 3_600_000) : null,
    arrivedAt: at,
    queueId: null,
    queuedAt: null,
  }
}

export const defaultStart = new Date('2026-03-02T09:00:00Z')

export function buildContactCentre(options: CentreOptions): ContactCentre {
  const start = options.start ?? defaultStart
  const rng = createRng(options.seed)
  const queues = buildQueues(Math.max(1, options.queues))
  const agents = Array.from({ length: options.agents }, (_, i) => buildAgent(rng, i, start))
  coverQueues(agents, queues, start)

  const held: RoutableConversation[] = []
  const waiting: RoutableConversation[] = []
  for (let i = 0; i < options.open; i++) {
    const at = new Date(start.getTime() - rng.int(60, 48 * 3600) * 1000)
    const c = makeConversation(rng, `open-${i}`, at, agents)
    const queue = chooseQueue(c, queues).queue
    c.queueId = queue?.id ?? null
    c.queuedAt = at
    // About half of the agents' capacity is busy at the start; the rest of the open conversations wait.
    const agent = agents[i % Math.max(1, agents.length)]
    const need = unitsFor(c)
    if (agent !== undefined && agentAvailable(agent, start).ok && loadUnits(agent, need.kind) + need.units <= agent.capacity[need.kind] / 2) {
      agent.load.push({ conversationId: c.id, kind: need.kind, units: need.units })
      held.push(c)
    } else {
      waiting.push(c)
    }
  }
  return { start, agents, queues, policy: simulationPolicy, held, waiting }
}

/** Arrivals per second that would keep the available agents at `utilization` with skilled handling. */
export function offeredRate(centre: ContactCentre, utilization: number): number {
  const capacity: Record<ChannelKind, number> = { public: 0, private: 0, email: 0 }
  for (const a of centre.agents) {
    if (!agentAvailable(a, centre.start).ok) continue
    for (const k of ['public', 'private', 'email'] as const) capacity[k] += a.capacity[k]
  }
  // Expected share of each kind in makeConversation: email 20 %, webchat 14 % private, the rest 30 % private.
  const share: Record<ChannelKind, number> = { email: 0.2, private: 0.14 + 0.66 * 0.3, public: 0.66 * 0.7 }
  let rate = Number.POSITIVE_INFINITY
  for (const k of ['public', 'private', 'email'] as const) {
    const unitSecondsPerArrival = share[k] * handlingMeanSeconds[k] * defaultUnits[k]
    rate = Math.min(rate, (utilization * capacity[k]) / unitSecondsPerArrival)
  }
  return Number.isFinite(rate) ? rate : 0
}

export function generateArrivals(centre: ContactCentre, options: { count: number; seed: number; ratePerSecond: number }): Arrival[] {
  const rng = createRng(options.seed ^ 0x5eed)
  const out: Arrival[] = []
  let t = 0
  for (let i = 0; i < options.count; i++) {
    t += options.ratePerSecond > 0 ? rng.exp(1 / options.ratePerSecond) : 1
    const conversation = makeConversation(rng, `arrival-${i}`, new Date(centre.start.getTime() + Math.round(t * 1000)), centre.agents)
    const kind = unitsFor(conversation).kind
    out.push({ conversation, atSeconds: t, baseHandlingSeconds: Math.max(30, rng.exp(handlingMeanSeconds[kind])) })
  }
  return out
}

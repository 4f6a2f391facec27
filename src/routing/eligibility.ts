// Whether one agent may take one conversation of a queue right now, and how well they fit. Shared by
// push routing (chooseAgent), pull routing (nextBest) and the simulation, so all three refuse the same
// agents for the same reasons.
import { isOpenAt } from './calendar.ts'
import { capacityEpsilon, formatUnits, unitsFor, type UnitsByKind } from './capacity.ts'
import { speaksLanguage, type Agent, type ChannelKind, type Queue, type RoutableConversation, type Skill } from './model.ts'

export interface AgentFit {
  kind: ChannelKind
  units: number
  /** Sum of the agent's levels in the queue's required skills (0 when the queue requires none). */
  skillScore: number
  /** Speaks the conversation's language (or one of the queue's when it is unknown); null: nothing to match. */
  speaks: boolean | null
  loadUnits: number
  capacityUnits: number
  /** Units held ÷ capacity, before this assignment. */
  loadRatio: number
  /** Since idleSince (else lastAssignedAt); null when the agent was never assigned. */
  idleMs: number | null
  /** The agent's level in each required skill. */
  skillLevels: { name: string; level: number }[]
  /** The language matched, when one was. */
  language: string | null
}

export type Eligibility = { ok: true; fit: AgentFit } | { ok: false; reason: string }

/** Presence and working hours: whether the agent can take anything at all now. */
export function agentAvailable(agent: Agent, now: Date): { ok: true } | { ok: false; reason: string } {
  if (agent.presence !== 'online') return { ok: false, reason: agent.presence }
  if (agent.workingHours !== null && !isOpenAt(agent.workingHours, now)) return { ok: false, reason: 'outside working hours' }
  return { ok: true }
}

function idleText(ms: number | null): string {
  if (ms === null) return 'not assigned yet'
  const minutes = Math.floor(ms / 60_000)
  return minutes >= 120 ? `idle ${Math.floor(minutes / 60)} h` : `idle ${minutes} min`
}

export interface CheckOptions {
  /** Skip presence and working hours (the caller checked them once for many conversations). */
  skipAvailability?: boolean
  /** Build the refusal reason; false returns one shared refusal without words (hot loops). Default true. */
  explain?: boolean
}

const notEligible: Eligibility = { ok: false, reason: 'not eligible' }

const skillIndexes = new WeakMap<readonly Skill[], Map<string, number>>()

/** The agent's level per skill name (lower case), cached per skills list. */
function skillLevelOf(skills: readonly Skill[], name: string): number | undefined {
  let index = skillIndexes.get(skills)
  if (index === undefined) {
    index = new Map()
    for (const s of skills) index.set(s.name.toLowerCase(), Math.max(s.level, index.get(s.name.toLowerCase()) ?? 0))
    skillIndexes.set(skills, index)
  }
  return index.get(name) ?? index.get(name.toLowerCase())
}

/**
 * Whether the agent may take the conversation in this queue now, checked cheapest and most selective
 * first: presence, queue membership, skills, language, working hours, capacity. The first failing
 * check is the reason. Skill lists are indexed once per list: replace an agent's skills array to
 * change them, do not edit it in place.
 */
export function checkAgent(agent: Agent, conversation: RoutableConversation, queue: Queue, now: Date, units: UnitsByKind, options: CheckOptions = {}): Eligibility {
  const skipAvailability = options.skipAvailability === true
  const refuse = options.explain === false ? (): Eligibility => notEligible : (reason: () => string): Eligibility => ({ ok: false, reason: reason() })
  if (!skipAvailability && agent.presence !== 'online') return refuse(() => agent.presence)
  if (agent.queueIds !== null && !agent.queueIds.includes(queue.id)) return refuse(() => `not in queue ${queue.name}`)

  let skillLevels: { name: string; level: number }[] = []
  let skillScore = 0
  if (queue.requiredSkills.length > 0) {
    skillLevels = []
    for (const required of queue.requiredSkills) {
      const level = skillLevelOf(agent.skills, required.name)
      if (level === undefined) return refuse(() => `lacks skill ${required.name}`)
      if (level < required.levelMin) return refuse(() => `skill ${required.name} ${level}/5 below ${required.levelMin}`)
      skillScore += level
      skillLevels.push({ name: required.name, level })
    }
  }

  let speaks: boolean | null = null
  let language: string | null = null
  if (conversation.language !== null) {
    speaks = speaksLanguage(agent.languages, conversation.language)
    if (speaks) language = conversation.language
    else if (queue.languages.length > 0) return refuse(() => `does not speak ${conversation.language}`)
  } else if (queue.languages.length > 0) {
    const spoken = queue.languages.find((l) => speaksLanguage(agent.languages, l))
    if (spoken === undefined) return refuse(() => `speaks none of ${queue.languages.join(', ')}`)
    speaks = true
    language = spoken
  }

  if (!skipAvailability && agent.workingHours !== null && !isOpenAt(agent.workingHours, now)) return refuse(() => 'outside working hours')
  const need = unitsFor(conversation, units)
  const capacityUnits = agent.capacity[need.kind]
  if (!(capacityUnits > 0)) return refuse(() => `takes no ${need.kind} conversations`)
  let held = 0
  for (const item of agent.load) {
    if (item.conversationId === conversation.id) return refuse(() => 'already holds this conversation')
    if (item.kind === need.kind) held += item.units
  }
  if (held + need.units > capacityUnits + capacityEpsilon) return refuse(() => `at capacity: ${need.kind} ${formatUnits(held)}/${formatUnits(capacityUnits)}`)

  const since = agent.idleSince ?? agent.lastAssignedAt
  const idleMs = since === null ? null : Math.max(0, now.getTime() - since.getTime())
  return {
    ok: true,
    fit: { kind: need.kind, units: need.units, skillScore, speaks, loadUnits: held, capacityUnits, loadRatio: held / capacityUnits, idleMs, skillLevels, language },
  }
}

/** The fit in words: "skill billing 4/5", "speaks fr", "load 1/3", "idle 12 min". */
export function describeFit(fit: AgentFit): string[] {
  const reasons = fit.skillLevels.map((s) => `skill ${s.name} ${s.level}/5`)
  if (fit.language !== null) reasons.push(`speaks ${fit.language}`)
  reasons.push(`load ${formatUnits(fit.loadUnits)}/${formatUnits(fit.capacityUnits)}`)
  reasons.push(idleText(fit.idleMs))
  return reasons
}

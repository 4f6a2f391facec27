// The plain data routing decides over: agents, queues and conversations waiting to be routed. No I/O:
// the store maps its rows into these shapes and applies the decisions it gets back.
import type { ChannelName, Visibility } from '../core/model.ts'
import type { Intent, RiskFlag, Sentiment } from '../core/triage-facts.ts'
import type { BusinessCalendar } from './calendar.ts'
import type { Condition } from './conditions.ts'

/** How a conversation weighs on an agent's capacity: public threads, DMs and email are budgeted apart. */
export type ChannelKind = 'public' | 'private' | 'email'
export const channelKinds: readonly ChannelKind[] = ['public', 'private', 'email']

export type Presence = 'online' | 'away' | 'offline' | 'break'

export interface Skill {
  name: string
  /** 1 (novice) .. 5 (expert) */
  level: number
}

/** One conversation an agent currently holds, with the capacity units it takes. */
export interface LoadItem {
  conversationId: string
  kind: ChannelKind
  units: number
}

export interface Agent {
  id: string
  name: string
  skills: Skill[]
  /** BCP 47 tags ('en', 'fr', 'pt-BR'); matched on the primary language ('fr' serves 'fr-CA'). */
  languages: string[]
  /** Units the agent can hold at once per channel kind (e.g. public 3, private 2, email 4). */
  capacity: Record<ChannelKind, number>
  presence: Presence
  /** Null: no schedule, always within working hours. */
  workingHours: BusinessCalendar | null
  load: LoadItem[]
  lastAssignedAt: Date | null
  /** When the agent last became free (or came online); the longest-idle agent wins ties. */
  idleSince: Date | null
  /** Queues the agent serves; null serves every queue. */
  queueIds: string[] | null
}

export interface RequiredSkill {
  name: string
  /** 1..5 */
  levelMin: number
}

export interface Overflow {
  afterSeconds: number
  toQueueId: string
}

export interface Queue {
  id: string
  name: string
  requiredSkills: RequiredSkill[]
  /**
   * Languages the queue serves. Non-empty: a conversation in another (known) language does not match
   * the queue's rule, and its agents must speak the conversation's language. Empty: any language; agents
   * speaking it are preferred.
   */
  languages: string[]
  /** The routing rule: the queue takes conversations matching it. Null: only by language, or as default. */
  conditions: Condition | null
  /** Higher is served first when an agent pulls from several queues. */
  priority: number
  overflow: Overflow | null
  slaPolicyId: string | null
  /** Takes what no rule matched. */
  isDefault: boolean
}

export interface RoutableConversation {
  id: string
  workspaceId: string
  channel: ChannelName
  visibility: Visibility
  /** BCP 47 tag from triage, null when unknown. */
  language: string | null
  intent: Intent
  sentiment: Sentiment
  riskFlags: RiskFlag[]
  /** Listening-rule tags and agent tags. */
  tags: string[]
  vip: boolean
  /** Priority score 0..100 (src/core/priority.ts). */
  priority: number
  contactId: string | null
  /** The agent who last handled this customer's conversation, for sticky routing. */
  lastAgentId: string | null
  lastAgentAt: Date | null
  arrivedAt: Date
  /** Current queue, once routed. */
  queueId: string | null
  /** When it entered its current queue (overflow timers run from here); arrivedAt when absent. */
  queuedAt: Date | null
}

export function channelKindOf(c: Pick<RoutableConversation, 'channel' | 'visibility'>): ChannelKind {
  if (c.channel === 'email') return 'email'
  return c.visibility === 'private' ? 'private' : 'public'
}

const spokenIndexes = new WeakMap<readonly string[], Set<string>>()
const tagForms = new Map<string, { lower: string; primary: string }>()

function formsOf(tag: string): { lower: string; primary: string } {
  let forms = tagForms.get(tag)
  if (forms === undefined) {
    const lower = tag.toLowerCase()
    forms = { lower, primary: lower.split('-')[0]! }
    if (tagForms.size > 10_000) tagForms.clear()
    tagForms.set(tag, forms)
  }
  return forms
}

/**
 * True when `spoken` covers `wanted`: the same primary language, any region or case ('fr' and 'fr-FR'
 * both serve 'fr-CA' and 'fr'). Spoken lists are indexed once: replace the array to change it.
 */
export function speaksLanguage(spoken: readonly string[], wanted: string): boolean {
  let index = spokenIndexes.get(spoken)
  if (index === undefined) {
    index = new Set(spoken.flatMap((s) => [s.toLowerCase(), s.toLowerCase().split('-')[0]!]))
    spokenIndexes.set(spoken, index)
  }
  const w = formsOf(wanted)
  return index.has(w.lower) || index.has(w.primary)
}

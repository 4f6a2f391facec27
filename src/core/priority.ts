// The priority score, explained: each contribution that fires adds points and a reason a person can
// read ("negative complaint +30, author 48k followers +11"). Triage supplies intent, sentiment and
// risk; the platform supplies reach and engagement.
import type { Engagement, Priority, PriorityReason, Visibility } from './model.ts'
import type { Amplification } from './amplification.ts'
import type { Intent, RiskFlag, Sentiment } from './triage-facts.ts'

export interface PriorityFacts {
  /** Growth between engagement updates, when there were at least two. */
  amplification: Amplification | null
  intent: Intent
  sentiment: Sentiment
  /** −1..1 */
  sentimentScore: number
  riskFlags: RiskFlag[]
  followers: number | null
  verified: boolean
  engagement: Engagement | null
  visibility: Visibility
  direction: 'in' | 'out'
  deleted: boolean
}

export const scoreMax = 100

/** The contributions a workspace can weigh; a reason's group is its code before any ':'. */
export const weightKeys = ['intent', 'sentiment', 'risk', 'reach', 'verified', 'amplification', 'velocity', 'public', 'slaAge', 'repeat'] as const
export type WeightKey = (typeof weightKeys)[number]
/** Multipliers (0..5) per contribution; missing = 1. A weight of 0 removes that contribution and its reason. */
export type PriorityWeights = Partial<Record<WeightKey, number>>
export const weightMax = 5

function applyWeights(reasons: PriorityReason[], weights: PriorityWeights): PriorityReason[] {
  const out: PriorityReason[] = []
  for (const r of reasons) {
    const w = weights[r.code.split(':')[0] as WeightKey] ?? 1
    if (w === 1) out.push(r)
    else if (w > 0) out.push({ ...r, points: Math.round(r.points * w) })
  }
  return out
}

const intentPoints: Record<Intent, { points: number; label: string }> = {
  complaint: { points: 30, label: 'complaint' },
  question: { points: 15, label: 'question' },
  idea: { points: 5, label: 'idea / suggestion' },
  praise: { points: 0, label: 'praise' },
  other: { points: 0, label: '' },
  spam: { points: -30, label: 'spam / abuse' },
}

const riskPoints: Record<RiskFlag, { points: number; label: string }> = {
  safety: { points: 25, label: 'safety / injury' },
  legal: { points: 20, label: 'legal threat' },
  regulator: { points: 20, label: 'regulator mentioned' },
  churn: { points: 15, label: 'churn words' },
  press: { points: 10, label: 'press / influencer' },
  pii: { points: 10, label: 'personal data in public: move to private' },
  abuse: { points: 0, label: 'abusive language' },
}

function reason(code: string, label: string, points: number): PriorityReason {
  return { code, label, points }
}

function compact(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}k` : String(n)
}

function reachPoints(followers: number): number {
  // log10 scale: 100 followers → 1, 1k → 6, 10k → 11, 100k+ → 15
  if (followers < 100) return 0
  return Math.min(15, Math.round((Math.log10(followers) - 2) * 5) + 1)
}

export function scorePriority(facts: PriorityFacts, weights: PriorityWeights = {}): Priority {
  if (facts.direction === 'out' || facts.deleted) return { score: 0, reasons: [] }
  const reasons: PriorityReason[] = []
  const intent = intentPoints[facts.intent]
  if (facts.intent === 'complaint' && facts.sentiment === 'negative') reasons.push(reason('intent', 'negative complaint', intent.points))
  else if (intent.points !== 0 || facts.intent === 'praise') reasons.push(reason('intent', intent.label, intent.points))
  if (facts.sentiment === 'negative' && facts.sentimentScore < -0.3) {
    reasons.push(reason('sentiment', `strongly negative (${facts.sentimentScore.toFixed(2)})`, Math.round(-facts.sentimentScore * 10)))
  }
  for (const flag of facts.riskFlags) {
    const risk = riskPoints[flag]
    reasons.push(reason(`risk:${flag}`, risk.label, risk.points))
  }
  if (facts.followers !== null) {
    const points = reachPoints(facts.followers)
    if (points > 0) reasons.push(reason('reach', `author ${compact(facts.followers)} followers`, points))
  }
  if (facts.verified) reasons.push(reason('verified', 'verified author', 5))
  if (facts.engagement !== null) {
    const amplification = facts.engagement.reposts + facts.engagement.quotes
    if (amplification >= 10) {
      const points = Math.min(25, Math.round(Math.log10(amplification) * 10))
      reasons.push(reason('amplification', `amplification: ${compact(amplification)} reposts/quotes`, points))
    }
  }
  if (facts.amplification !== null && facts.amplification.perMinute >= 0.5) {
    const a = facts.amplification
    const points = Math.min(20, Math.round(Math.log2(1 + a.perMinute) * 5))
    reasons.push(reason('velocity', `amplification: ${compact(a.gained)} reposts in ${a.windowMinutes} min, forecast ${compact(a.forecast)}+`, points))
  }
  if (facts.visibility === 'public') reasons.push(reason('public', 'public: other customers can see it', 5))
  else reasons.push(reason('private', 'private message', 0))
  const weighted = applyWeights(reasons, weights)
  const total = weighted.reduce((sum, r) => sum + r.points, 0)
  return { score: Math.max(0, Math.min(scoreMax, total)), reasons: weighted }
}

// ---------------------------------------------------------------------------------------------
// Conversation-level contributions: how long the customer has waited, and how often they came back.
// They sit on top of the conversation's top message's reasons and are recomputed when a message
// arrives, when a correction re-scores, and on every SLA watch pass (the clock moves on its own).

export interface ConversationFacts {
  /** the oldest customer message nobody answered since, not before Earshot received it (null: nothing waits on us) */
  waitingSince: Date | null
  /** when the (first or next) response is due under the queue's SLA policy; null = no SLA */
  responseDueAt: Date | null
  /** the contact's conversations started in the 7 days before this one started, this one included */
  contactConversationsThisWeek: number
}

/** Codes of the conversation-level reasons (their weight keys). */
export const conversationReasonCodes: readonly string[] = ['slaAge', 'repeat']
/** Without an SLA policy, waiting starts to count after this long. */
export const waitGraceMinutesNoSla = 60
const minuteMs = 60_000

export function formatWait(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes))
  if (m < 60) return `${m} min`
  const h = Math.floor(m / 60)
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
}

function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th'
  return `${n}${suffix}`
}

/**
 * "waiting 3 h 10 min, 1 h 10 min past due +9" and "3rd contact this week +6", weighted.
 * SLA age: minutes past the response due time (or past a one-hour grace without an SLA), on a log scale:
 * 4·log2(1 + past/30 min) points, plus 4 once an SLA is breached, at most 20. Repeat contact: 3 points per
 * earlier conversation of the same contact in the last 7 days, at most 12.
 */
export function conversationReasons(f: ConversationFacts, now: Date, weights: PriorityWeights = {}): PriorityReason[] {
  const reasons: PriorityReason[] = []
  if (f.waitingSince !== null) {
    const waited = (now.getTime() - f.waitingSince.getTime()) / minuteMs
    const due = f.responseDueAt ?? new Date(f.waitingSince.getTime() + waitGraceMinutesNoSla * minuteMs)
    const past = (now.getTime() - due.getTime()) / minuteMs
    if (past > 0) {
      const points = Math.min(20, Math.round(4 * Math.log2(1 + past / 30)) + (f.responseDueAt !== null ? 4 : 0))
      const label = f.responseDueAt !== null ? `waiting ${formatWait(waited)}, ${formatWait(past)} past the SLA` : `waiting ${formatWait(waited)}`
      if (points > 0) reasons.push(reason('slaAge', label, points))
    }
  }
  const n = Math.floor(f.contactConversationsThisWeek)
  if (n >= 2) reasons.push(reason('repeat', `${ordinal(n)} contact this week`, Math.min(12, 3 * (n - 1))))
  return applyWeights(reasons, weights)
}

/**
 * A conversation's priority with its conversation-level reasons replaced by `extra` (idempotent: reasons
 * with those codes from an earlier pass are dropped first). The score is the clamped sum of the reasons.
 */
export function withConversationReasons(current: Priority, extra: PriorityReason[]): Priority {
  const base = current.reasons.filter((r) => !conversationReasonCodes.includes(r.code))
  const reasons = [...base, ...extra]
  const total = reasons.reduce((sum, r) => sum + r.points, 0)
  return { score: Math.max(0, Math.min(scoreMax, total)), reasons }
}

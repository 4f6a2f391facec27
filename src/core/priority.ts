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
export const weightKeys = ['intent', 'sentiment', 'risk', 'reach', 'verified', 'amplification', 'velocity', 'public'] as const
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

// A first, explainable priority score: simple keyword and reach rules. Each rule that fires adds
// points and a reason a person can read. The triage models replace the keyword rules later.
import type { Engagement, Priority, PriorityReason, Visibility } from './model.ts'

export interface PriorityFacts {
  text: string
  followers: number | null
  verified: boolean
  engagement: Engagement | null
  visibility: Visibility
  direction: 'in' | 'out'
  deleted: boolean
}

export const scoreMax = 100

const complaintWords =
  /\b(delay(ed|s)?|cancel(l?ed)?|lost|missing|broken|refund|worst|terrible|awful|rude|never again|disgusting|unacceptable|complain(t)?|stuck|stranded|waiting for|still waiting|no one|nobody|useless|scam|ridiculous|angry|furious|disappointed|horrible|fail(ed|ure)?|not working|doesn'?t work|retard|annul[ée]|retard[ée]?|versp[äa]tet|perdido|retrasado)\b/i
const churnWords = /\b(switch(ing)? to|cancel(l?ing)? my|never (flying|using|again)|leaving|done with|last time|goodbye)\b/i
const urgentWords = /\b(urgent|asap|emergency|right now|immediately|help!|stranded|tonight|today|injur(ed|y)|unsafe|danger)\b/i
const legalWords = /\b(lawyer|sue|lawsuit|legal action|court|regulator|ombudsman|attorney)\b/i
const praiseWords = /\b(thank(s| you)|love|great|amazing|awesome|excellent|best|kudos|well done|merci|gracias|danke)\b/i

function reason(code: string, label: string, points: number): PriorityReason {
  return { code, label, points }
}

function compact(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}k` : String(n)
}

function reachPoints(followers: number): number {
  // log10 scale: 100 followers → 2, 1k → 5, 10k → 10, 100k+ → 15
  if (followers < 100) return 0
  return Math.min(15, Math.round((Math.log10(followers) - 2) * 5 + 0.5) + 1)
}

export function scorePriority(facts: PriorityFacts): Priority {
  if (facts.direction === 'out' || facts.deleted) return { score: 0, reasons: [] }
  const reasons: PriorityReason[] = []
  const text = facts.text
  const complaint = complaintWords.test(text)
  if (complaint) reasons.push(reason('complaint', 'complaint words', 30))
  if (churnWords.test(text)) reasons.push(reason('churn', 'churn words', 15))
  if (legalWords.test(text)) reasons.push(reason('legal', 'legal/regulator threat', 20))
  if (urgentWords.test(text)) reasons.push(reason('urgent', 'urgency words', 10))
  if (text.includes('?')) reasons.push(reason('question', 'asks a question', 10))
  if (!complaint && praiseWords.test(text)) reasons.push(reason('praise', 'praise', -5))
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
  if (facts.visibility === 'public') reasons.push(reason('public', 'public: other customers can see it', 5))
  else reasons.push(reason('private', 'private message', 0))
  const total = reasons.reduce((sum, r) => sum + r.points, 0)
  const score = Math.max(0, Math.min(scoreMax, total))
  return { score, reasons }
}

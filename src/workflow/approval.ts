// Whether a reply must wait for a supervisor before it goes out. Public replies are irreversible, so
// the policy catches who is answering (trainees), where (sensitive queues) and what is at stake (risk
// flags, the author's reach, the priority).
import type { RiskFlag } from '../core/triage-facts.ts'
import type { Visibility } from '../core/model.ts'

export interface ApprovalPolicy {
  /** Agents whose every reply needs approval (e.g. trainees). */
  agents: string[]
  /** Queues whose replies need approval. */
  queues: string[]
  /** Risk flags that need approval (e.g. press, legal). */
  riskFlags: RiskFlag[]
  /** Authors with more followers than this need approval; null: no reach rule. */
  reachOver: number | null
  /** Conversations with a priority score at or above this need approval; null (default): no priority rule. */
  priorityAtLeast?: number | null
  /** Only public replies need approval (private replies go straight out); default false. */
  publicOnly?: boolean
}

export interface ReplyDraft {
  agentId: string
  queueId: string | null
  visibility?: Visibility
}

export interface ApprovalFacts {
  riskFlags: readonly RiskFlag[]
  /** The author's followers/reach; null when unknown. */
  reach: number | null
  priority: number
}

/** Exact, with separators: rounding would print "10k followers (over 10k)" at the threshold. */
function count(n: number): string {
  return n.toLocaleString('en-US')
}

/** Null when the reply may go out; otherwise every reason it needs approval. */
export function needsApproval(reply: ReplyDraft, facts: ApprovalFacts, policy: ApprovalPolicy): string[] | null {
  if (policy.publicOnly === true && reply.visibility === 'private') return null
  const reasons: string[] = []
  if (policy.agents.includes(reply.agentId)) reasons.push(`agent ${reply.agentId}: replies need approval`)
  if (reply.queueId !== null && policy.queues.includes(reply.queueId)) reasons.push(`queue ${reply.queueId}: replies need approval`)
  for (const flag of facts.riskFlags) {
    if (policy.riskFlags.includes(flag)) reasons.push(`risk: ${flag}`)
  }
  if (policy.reachOver !== null && facts.reach !== null && facts.reach > policy.reachOver) {
    reasons.push(`reach: author has ${count(facts.reach)} followers (over ${count(policy.reachOver)})`)
  }
  const priorityAtLeast = policy.priorityAtLeast ?? null
  if (priorityAtLeast !== null && facts.priority >= priorityAtLeast) reasons.push(`priority ${facts.priority} ≥ ${priorityAtLeast}`)
  return reasons.length === 0 ? null : reasons
}

// Recomputes a stored message's priority from what is stored (after an agent's correction) and
// refreshes its conversation. Runs inside the caller's transaction.
import { amplificationOf } from '../core/amplification.ts'
import { scorePriority } from '../core/priority.ts'
import type { Queries } from '../store/index.ts'
import { applyConversationContext } from './context-priority.ts'

export async function rescoreMessage(tx: Queries, workspaceId: string, messageId: string): Promise<string | null> {
  const f = await tx.messages.scoringFacts(workspaceId, messageId)
  if (f === null) return null
  const weights = await tx.workspaces.priorityWeights(workspaceId)
  const priority = scorePriority({
    amplification: amplificationOf(f.engagement_history),
    intent: f.intent ?? 'other',
    sentiment: f.sentiment ?? 'neutral',
    sentimentScore: f.sentiment_score ?? 0,
    riskFlags: f.risk_flags,
    followers: f.followers,
    verified: f.verified ?? false,
    engagement: f.engagement,
    visibility: f.visibility,
    direction: f.direction,
    deleted: f.deleted,
  }, weights)
  await tx.messages.setPriority(messageId, priority)
  await tx.conversations.refresh(f.conversation_id, false)
  await applyConversationContext(tx, [f.conversation_id], async () => weights)
  return f.conversation_id
}

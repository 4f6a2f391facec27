// Conversation-level priority contributions (waiting past the SLA, repeat contact) on top of the top
// message's reasons. Runs inside the caller's transaction after the conversations were refreshed: by
// the runner for a batch's conversations, after a correction, and on each SLA watch pass.
import { conversationReasons, withConversationReasons, type PriorityWeights } from '../core/priority.ts'
import type { Queries } from '../store/index.ts'

/** Recomputes and stores the contributions; returns the conversations whose priority or reasons changed. */
export async function applyConversationContext(tx: Queries, ids: string[], weightsOf: (workspaceId: string) => Promise<PriorityWeights>, now: Date = new Date()): Promise<{ id: string; workspaceId: string }[]> {
  const changed: { id: string; workspaceId: string }[] = []
  for (const row of await tx.conversations.contextFacts(ids)) {
    if (row.overridden) continue
    const extra = conversationReasons(row, now, await weightsOf(row.workspaceId))
    const next = withConversationReasons({ score: row.priority, reasons: row.reasons }, extra)
    if (next.score === row.priority && JSON.stringify(next.reasons) === JSON.stringify(row.reasons)) continue
    await tx.conversations.setPriority(row.id, next.score, next.reasons)
    changed.push({ id: row.id, workspaceId: row.workspaceId })
  }
  return changed
}

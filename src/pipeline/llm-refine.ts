// The optional LLM as a bounded refinement after a batch commits: the batch's messages the local model
// is unsure about (needsRefinement) are sent to the LLM, a few at a time; an answer that differs from the
// local one replaces sentiment and intent (unless an agent corrected the message or its text changed),
// the message is re-scored, audited as `triage.llm`, and its conversation updated. The hot path (parse,
// triage, store) never waits on the network; the next batch waits at most refineBatchBudgetMs plus one
// call's timeout; errors and bad answers leave the local triage in place.
import { publishConversationUpdated, type Bus } from '../bus/index.ts'
import type { TriageFacts } from '../core/triage-facts.ts'
import type { Store } from '../store/index.ts'
import { mapBounded, needsRefinement, triageFromLlm, type LlmClient } from '../triage/llm/client.ts'
import { rescoreMessage } from './rescore.ts'

export interface Refinable { workspaceId: string; channel: string; externalId: string; text: string; triage: TriageFacts }

/** At most this many messages of one batch go to the LLM (the rest keep the local answer). */
export const refineBatchMax = 16
export const refineConcurrency = 2
/** No new LLM call starts this long after a batch's refinement began (each call also has its own timeout). */
export const refineBatchBudgetMs = 5_000

export async function refineAfterCommit(store: Store, bus: Bus, llm: LlmClient, items: Refinable[], log: (line: string) => void): Promise<number> {
  const unsure = items.filter((i) => i.text.trim() !== '' && needsRefinement(i.triage)).slice(0, refineBatchMax)
  if (unsure.length === 0) return 0
  const deadline = Date.now() + refineBatchBudgetMs
  const answers = await mapBounded(unsure, refineConcurrency, async (item) => ({
    item, outcome: Date.now() < deadline ? await llm.classify(item.text) : { source: 'local' as const, reason: 'budget' as const },
  }))
  const changes = answers.flatMap(({ item, outcome }) => {
    if (outcome.source === 'local') return []
    const t = triageFromLlm(outcome.triage)
    return t.sentiment === item.triage.sentiment && t.intent === item.triage.intent ? [] : [{ item, t, source: outcome.source }]
  })
  if (changes.length === 0) return 0
  const updated = await store.transaction(async (tx) => {
    const conversations: { workspaceId: string; conversationId: string }[] = []
    for (const { item, t, source } of changes) {
      const before = await tx.messages.refineTriage(item.workspaceId, item.channel, item.externalId, item.text, t)
      if (before === null) continue
      const conversationId = await rescoreMessage(tx, item.workspaceId, before.id)
      await tx.audit.record({
        workspaceId: item.workspaceId, actor: `system:llm:${llm.config.model}`, action: 'triage.llm', targetType: 'message', targetId: before.id,
        detail: { from: { sentiment: before.sentiment, intent: before.intent, intentConfidence: item.triage.intentConfidence }, to: { sentiment: t.sentiment, intent: t.intent, confidence: t.intentConfidence }, cached: source === 'cache' },
      })
      if (conversationId !== null) conversations.push({ workspaceId: item.workspaceId, conversationId })
    }
    return conversations
  })
  for (const c of updated) await publishConversationUpdated(bus, c.workspaceId, c.conversationId)
  if (updated.length > 0) log(`LLM refined ${updated.length} of ${unsure.length} unsure messages`)
  return updated.length
}

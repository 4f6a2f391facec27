// What happens around a resolution and a survey answer, inside the caller's transaction:
// - recordResolution: the `conversation.resolved` event (to the event webhooks) and, when the workspace
//   asks for surveys, one survey scheduled after the configured delay;
// - takeReplyScore: a customer's bare "4" or "⭐⭐⭐⭐" answering an open survey becomes its score (and
//   does not reopen the conversation);
// - recordScore: stores a score once and queues `csat.received`.
// The caller publishes the returned events on the bus after commit (publishEvents).
import type { Bus } from '../bus/index.ts'
import { parseCsatReply } from '../csat/reply.ts'
import { eventsSubject, newEvent, type EarshotEvent } from '../events/event.ts'
import type { Queries } from '../store/index.ts'
import type { CsatResponseRow, OpenSurvey } from '../store/queries/csat.ts'

export async function recordResolution(tx: Queries, r: { workspaceId: string; conversationId: string; resolvedAt: Date; actor: string }): Promise<EarshotEvent[]> {
  const event = newEvent('conversation.resolved', r.workspaceId, r.resolvedAt, { conversationId: r.conversationId, resolvedAt: r.resolvedAt.toISOString(), actor: r.actor })
  await tx.eventWebhooks.enqueue(event)
  const settings = await tx.csat.settings(r.workspaceId)
  if (settings.enabled) await tx.csat.schedule(r.conversationId, r.resolvedAt, new Date(r.resolvedAt.getTime() + settings.delayMinutes * 60_000))
  return [event]
}

/** Stores the score (null when the survey was answered already) and queues csat.received. */
export async function recordScore(tx: Queries, survey: OpenSurvey, s: { score: number; comment: string | null; source: 'link' | 'reply'; at: Date }): Promise<{ response: CsatResponseRow; event: EarshotEvent } | null> {
  const response = await tx.csat.answer(survey, s)
  if (response === null) return null
  const event = newEvent('csat.received', survey.workspaceId, s.at, {
    conversationId: response.conversationId, surveyId: survey.id, score: response.score, comment: response.comment, channel: response.channel,
    agentId: response.agentId, queueId: response.queueId, source: response.source,
  })
  await tx.eventWebhooks.enqueue(event)
  return { response, event }
}

/**
 * A new inbound message that is only a score, answering a survey sent to this conversation (or to the same
 * contact on the same channel) within its lifetime: the score is stored. Null: an ordinary message.
 */
export async function takeReplyScore(tx: Queries, m: { workspaceId: string; conversationId: string; channel: string; text: string; at: Date }): Promise<EarshotEvent | null> {
  const score = parseCsatReply(m.text)
  if (score === null) return null // most messages: no query at all
  const survey = await tx.csat.openForReply(m.workspaceId, m.conversationId, m.channel, m.at)
  if (survey === null) return null
  return (await recordScore(tx, survey, { score, comment: null, source: 'reply', at: m.at }))?.event ?? null
}

export async function publishEvents(bus: Bus, events: readonly EarshotEvent[], log: (line: string) => void = () => undefined): Promise<void> {
  for (const e of events) await bus.publish(eventsSubject(e.workspaceId), e).catch((error: unknown) => log(`could not publish ${e.type}: ${String(error)}`))
}

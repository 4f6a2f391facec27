// Which queue a conversation belongs in, and when a waiting conversation overflows to another queue.
import { describeCondition, evaluate, factsOf, type ConditionFacts } from './conditions.ts'
import { speaksLanguage, type Queue, type RoutableConversation } from './model.ts'

export interface QueueChoice {
  queue: Queue | null
  matchedBy: 'rule' | 'default' | 'none'
  reasons: string[]
}

/** Overflow chains are followed at most this far (and never around a loop). */
export const overflowHopsMax = 10

function languageReason(queue: Queue, language: string | null): { ok: boolean; reason: string | null } {
  if (queue.languages.length === 0) return { ok: true, reason: null }
  if (language === null) return { ok: false, reason: null }
  return speaksLanguage(queue.languages, language)
    ? { ok: true, reason: `language ${language} served by ${queue.name}` }
    : { ok: false, reason: null }
}

/**
 * The first queue, in the order given (the workspace's rule order), whose rule matches: its conditions
 * hold and, when it lists languages, it serves the conversation's (known) language. A queue with
 * neither conditions nor languages is no rule; it takes conversations only as the default. No match:
 * the default queue.
 */
export function chooseQueue(conversation: RoutableConversation, queues: readonly Queue[], facts: ConditionFacts = factsOf(conversation)): QueueChoice {
  for (const queue of queues) {
    if (queue.conditions === null && queue.languages.length === 0) continue
    const language = languageReason(queue, conversation.language)
    if (!language.ok) continue
    if (queue.conditions !== null && !evaluate(queue.conditions, facts)) continue
    const reasons = [`queue ${queue.name}`]
    if (queue.conditions !== null) reasons.push(`rule matched: ${describeCondition(queue.conditions)}`)
    if (language.reason !== null) reasons.push(language.reason)
    return { queue, matchedBy: 'rule', reasons }
  }
  const fallback = queues.find((q) => q.isDefault)
  if (fallback === undefined) return { queue: null, matchedBy: 'none', reasons: ['no queue rule matched and there is no default queue'] }
  return { queue: fallback, matchedBy: 'default', reasons: [`queue ${fallback.name}`, 'no queue rule matched: default queue'] }
}

export interface OverflowMove {
  from: Queue
  to: Queue
  /** The hops taken, first to last (a long wait can pass through several queues). */
  path: Queue[]
  reasons: string[]
}

function minutes(seconds: number): string {
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`
}

/**
 * Where a waiting conversation should move now, or null to stay. Timers run from when it entered its
 * queue (queuedAt, else arrivedAt); each hop's wait adds up along a chain, so calling this late gives
 * the same answer as calling it at every hop. Unknown targets and loops end the chain.
 */
export function overflow(conversation: RoutableConversation, queues: readonly Queue[], now: Date): OverflowMove | null {
  if (conversation.queueId === null) return null
  const byId = new Map(queues.map((q) => [q.id, q]))
  const from = byId.get(conversation.queueId)
  if (from === undefined) return null
  const waitedSeconds = (now.getTime() - (conversation.queuedAt ?? conversation.arrivedAt).getTime()) / 1000
  const visited = new Set([from.id])
  const path: Queue[] = []
  const reasons: string[] = []
  let current = from
  let thresholdSeconds = 0
  for (let hop = 0; hop < overflowHopsMax && current.overflow !== null; hop++) {
    thresholdSeconds += current.overflow.afterSeconds
    if (waitedSeconds < thresholdSeconds) break
    const next = byId.get(current.overflow.toQueueId)
    if (next === undefined || visited.has(next.id)) break
    reasons.push(`overflow: waited ${minutes(waitedSeconds)} in ${current.name} (limit ${minutes(current.overflow.afterSeconds)}), moved to ${next.name}`)
    visited.add(next.id)
    path.push(next)
    current = next
  }
  if (path.length === 0) return null
  return { from, to: current, path, reasons }
}

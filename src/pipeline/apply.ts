// Applies one parsed, triaged message to the store inside the caller's transaction: dedupe →
// identify → thread → prioritise → default queue. Returns what changed; the caller refreshes each touched
// conversation once per transaction (refreshConversations) and publishes events after commit.
import { amplificationOf, appendSnapshot, snapshotOf } from '../core/amplification.ts'
import { scorePriority } from '../core/priority.ts'
import { decideChange, type Change } from '../core/stages/dedupe.ts'
import { threadKeyOf } from '../core/stages/thread.ts'
import type { NormalizedMessage } from '../core/model.ts'
import type { TriageFacts } from '../core/triage-facts.ts'
import type { Queries } from '../store/index.ts'
import type { ListeningOutcome } from './listening.ts'
import { upsertIdentity } from '../store/queries/identities.ts'
import type { Sql } from '../store/db.ts'

export interface Applied {
  /** 'unmatched': an open-source post no listening rule wanted, dropped before it cost anything more. */
  change: Change | 'unmatched'
  conversationId: string | null
  conversationCreated: boolean
  /** A new customer message: the conversation reopens if it was pending, snoozed or resolved. */
  reopen: boolean
}

export interface ApplyContext {
  workspaceId: string
  defaultQueueId: string | null
  /** When we received the unit: engagement snapshots are stamped with it. */
  seenAt: Date
}

export interface ApplyInput {
  msg: NormalizedMessage
  triage: TriageFacts
  listening: ListeningOutcome
  /** The channel is an open source: unmatched posts that join no known thread are dropped. */
  openSource: boolean
}

export async function applyMessage(tx: Queries & { sql: Sql }, ctx: ApplyContext, { msg, triage, listening, openSource }: ApplyInput): Promise<Applied> {
  const existing = await tx.messages.byExternalId(ctx.workspaceId, msg.channel, msg.externalId)
  const change = decideChange(existing, msg)
  if (change === 'duplicate' || change === 'ignore') return { change, conversationId: existing?.conversationId ?? null, conversationCreated: false, reopen: false }
  if (change === 'delete') {
    await tx.messages.markDeleted(existing!.id)
    return { change, conversationId: existing!.conversationId, conversationCreated: false, reopen: false }
  }

  const identity = msg.author === null ? null : await upsertIdentity(tx.sql, ctx.workspaceId, msg.channel, msg.author)
  const history = msg.engagement === null
    ? existing?.engagementHistory ?? []
    : appendSnapshot(existing?.engagementHistory ?? [], snapshotOf(msg.engagement, ctx.seenAt))
  const priority = scorePriority({
    amplification: amplificationOf(history),
    intent: triage.intent,
    sentiment: triage.sentiment,
    sentimentScore: triage.sentimentScore,
    riskFlags: triage.riskFlags,
    followers: identity?.followers ?? msg.author?.followers ?? null,
    verified: identity?.verified ?? false,
    engagement: msg.engagement ?? existing?.engagement ?? null,
    visibility: msg.visibility,
    direction: msg.direction,
    deleted: false,
  })

  if (change === 'update') {
    await tx.messages.update(existing!.id, msg, triage, priority, existing!.text !== msg.text, listening.matches, history)
    return { change, conversationId: existing!.conversationId, conversationCreated: false, reopen: false }
  }

  const parent = msg.threadExternalId === null && msg.parentExternalId !== null
    ? await tx.messages.byExternalId(ctx.workspaceId, msg.channel, msg.parentExternalId)
    : null
  const threadKey = threadKeyOf(msg, parent?.threadKey ?? null)
  if (openSource && listening.listening && listening.matches.length === 0 && msg.direction === 'in'
    && !(await tx.conversations.existsForThread(ctx.workspaceId, msg.channel, threadKey))) {
    return { change: 'unmatched', conversationId: null, conversationCreated: false, reopen: false }
  }
  const conversation = await tx.conversations.upsertForThread({
    workspaceId: ctx.workspaceId,
    channel: msg.channel,
    threadKey,
    contactId: identity?.contactId ?? null,
    queueId: ctx.defaultQueueId,
    at: msg.createdAt,
  })
  await tx.messages.insert({ workspaceId: ctx.workspaceId, conversationId: conversation.id, identityId: identity?.identityId ?? null, msg, triage, priority, listeningMatches: listening.matches, engagementHistory: history })
  if (conversation.created && ctx.defaultQueueId !== null) {
    await tx.assignments.record({
      workspaceId: ctx.workspaceId, conversationId: conversation.id, queueId: ctx.defaultQueueId, agentId: null,
      reason: 'default queue: no routing rule yet', actor: 'pipeline',
    })
  }
  return { change, conversationId: conversation.id, conversationCreated: conversation.created, reopen: msg.direction === 'in' }
}

/** Recomputes each touched conversation once, after all of a transaction's messages are in. */
export async function refreshConversations(tx: Queries, touched: Map<string, boolean>): Promise<void> {
  for (const [conversationId, reopen] of touched) await tx.conversations.refresh(conversationId, reopen)
}

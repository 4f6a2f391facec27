// Applies one parsed, triaged message to the store inside the caller's transaction: dedupe →
// identify → thread → prioritise → default queue. Returns what changed; the caller refreshes each touched
// conversation once per transaction (refreshConversations) and publishes events after commit.
import { amplificationOf, appendSnapshot, snapshotOf } from '../core/amplification.ts'
import { scorePriority, type PriorityWeights } from '../core/priority.ts'
import { decideChange, type Change } from '../core/stages/dedupe.ts'
import { threadKeyOf } from '../core/stages/thread.ts'
import type { NormalizedMessage } from '../core/model.ts'
import type { TriageFacts } from '../core/triage-facts.ts'
import type { Queries } from '../store/index.ts'
import { unmatchedOpenPost, type ListeningOutcome } from './listening.ts'
import type { StoredMessageRef } from '../store/queries/messages.ts'
import type { NewAssignment } from '../store/queries/agents.ts'
import { upsertIdentity, type IdentityRef } from '../store/queries/identities.ts'
import { storableText } from '../store/queries/inbound.ts'
import type { Sql } from '../store/db.ts'

export interface Applied {
  /** 'unmatched': an open-source post no listening rule wanted, dropped before it cost anything more. */
  change: Change | 'unmatched'
  conversationId: string | null
  conversationCreated: boolean
  /** A new customer message: the conversation reopens if it was pending, snoozed or resolved. */
  reopen: boolean
  /** The stored message, when this unit inserted one (automations act on it). */
  messageId?: string
}

/**
 * What a transaction knows of stored messages: prefetched for the whole batch in one query, then
 * kept current as the batch inserts, updates and deletes. `undefined` = not known, ask the store.
 */
export class KnownMessages {
  private readonly byKey = new Map<string, StoredMessageRef | null>()

  private static key(channel: string, externalId: string): string {
    return `${channel}\u0000${externalId}`
  }

  /** Loads the batch's messages and parents, per workspace and channel, in one query each. */
  static async prefetch(tx: Queries, wanted: { workspaceId: string; channel: string; externalIds: string[] }[]): Promise<KnownMessages> {
    const known = new KnownMessages()
    for (const w of wanted) {
      const found = await tx.messages.byExternalIds(w.workspaceId, w.channel, w.externalIds)
      for (const id of w.externalIds) known.byKey.set(`${w.workspaceId}\u0000${KnownMessages.key(w.channel, id)}`, found.get(id) ?? null)
    }
    return known
  }

  async get(tx: Queries, workspaceId: string, channel: string, externalId: string): Promise<StoredMessageRef | null> {
    const k = `${workspaceId}\u0000${KnownMessages.key(channel, externalId)}`
    const hit = this.byKey.get(k)
    if (hit !== undefined) return hit
    const ref = await tx.messages.byExternalId(workspaceId, channel, externalId)
    this.byKey.set(k, ref)
    return ref
  }

  set(workspaceId: string, channel: string, externalId: string, ref: StoredMessageRef): void {
    this.byKey.set(`${workspaceId}\u0000${KnownMessages.key(channel, externalId)}`, ref)
  }
}

export interface ApplyContext {
  workspaceId: string
  /** The channel account the unit came through; new conversations answer through it. */
  accountId: string | null
  defaultQueueId: string | null
  /** When we received the unit: engagement snapshots are stamped with it. */
  seenAt: Date
  known: KnownMessages
  /** The workspace's multipliers on priority contributions. */
  weights: PriorityWeights
  /** The batch's authors, upserted up front: key `${channel}\u0000${externalUserId}`. */
  identities: Map<string, IdentityRef>
  /** Routing decisions of the batch, written in one statement before commit. */
  assignments: NewAssignment[]
}

export interface ApplyInput {
  msg: NormalizedMessage
  triage: TriageFacts
  listening: ListeningOutcome
  /** The channel is an open source: unmatched posts that join no known thread are dropped. */
  openSource: boolean
}

export async function applyMessage(tx: Queries & { sql: Sql }, ctx: ApplyContext, { msg, triage, listening, openSource }: ApplyInput): Promise<Applied> {
  const existing = await ctx.known.get(tx, ctx.workspaceId, msg.channel, msg.externalId)
  const change = decideChange(existing, msg)
  if (change === 'duplicate' || change === 'ignore') return { change, conversationId: existing?.conversationId ?? null, conversationCreated: false, reopen: false }
  if (change === 'delete') {
    await tx.messages.markDeleted(existing!.id)
    ctx.known.set(ctx.workspaceId, msg.channel, msg.externalId, { ...existing!, deleted: true })
    return { change, conversationId: existing!.conversationId, conversationCreated: false, reopen: false }
  }

  // A new post: its thread, and whether listening wants it at all (decided before anything is written for it).
  let threadKey = existing?.threadKey ?? msg.externalId
  // A reply (without the platform's conversation key) joins the conversation its parent is in now, which
  // after a merge or a split is not the one its thread key names.
  let parentConversationId: string | null = null
  if (change === 'insert') {
    const parent = msg.threadExternalId === null && msg.parentExternalId !== null
      ? await ctx.known.get(tx, ctx.workspaceId, msg.channel, msg.parentExternalId)
      : null
    threadKey = threadKeyOf(msg, parent?.threadKey ?? null)
    parentConversationId = parent === null ? null : await tx.conversations.joinable(parent.conversationId)
    if (parentConversationId === null && unmatchedOpenPost(msg, openSource, listening)
      && !(await tx.conversations.existsForThread(ctx.workspaceId, msg.channel, threadKey))) {
      return { change: 'unmatched', conversationId: null, conversationCreated: false, reopen: false }
    }
  }

  const identity = msg.author === null ? null
    : ctx.identities.get(`${msg.channel}\u0000${storableText(msg.author.externalUserId)}`) ?? await upsertIdentity(tx.sql, ctx.workspaceId, msg.channel, msg.author)
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
  }, ctx.weights)

  if (change === 'update') {
    await tx.messages.update(existing!.id, msg, triage, priority, existing!.text !== msg.text, listening.matches, history)
    ctx.known.set(ctx.workspaceId, msg.channel, msg.externalId, { ...existing!, text: msg.text, engagement: msg.engagement ?? existing!.engagement, engagementHistory: history })
    return { change, conversationId: existing!.conversationId, conversationCreated: false, reopen: false }
  }

  const conversation = parentConversationId !== null ? { id: parentConversationId, created: false } : await tx.conversations.upsertForThread({
    workspaceId: ctx.workspaceId,
    channel: msg.channel,
    threadKey,
    contactId: identity?.contactId ?? null,
    queueId: ctx.defaultQueueId,
    at: msg.createdAt,
    accountId: ctx.accountId,
  })
  const id = await tx.messages.insert({ workspaceId: ctx.workspaceId, conversationId: conversation.id, identityId: identity?.identityId ?? null, msg, triage, priority, listeningMatches: listening.matches, engagementHistory: history })
  ctx.known.set(ctx.workspaceId, msg.channel, msg.externalId, {
    id, conversationId: conversation.id, text: msg.text, engagement: msg.engagement, deleted: false, threadKey, engagementHistory: history,
  })
  if (conversation.created && ctx.defaultQueueId !== null) {
    ctx.assignments.push({
      workspaceId: ctx.workspaceId, conversationId: conversation.id, queueId: ctx.defaultQueueId, agentId: null,
      reason: 'default queue: no routing rule yet', actor: 'pipeline',
    })
  }
  return { change, conversationId: conversation.id, conversationCreated: conversation.created, reopen: msg.direction === 'in', messageId: id }
}

/** Recomputes each touched conversation once, after all of a transaction's messages are in. */
export async function refreshConversations(tx: Queries, touched: Map<string, boolean>): Promise<void> {
  await tx.conversations.refreshMany([...touched.keys()], [...touched].filter(([, reopen]) => reopen).map(([id]) => id))
}

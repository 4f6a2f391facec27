// Send pieces shared by the Facebook and Instagram senders: the messaging windows, the stored
// target read back as a MetaRef, one Graph write → SendResult, and the search for our own reply
// after a timeout (Graph has no idempotency key for comments).
import type { OutboundTarget, SendContext, SendResult } from '../types.ts'
import { arrayAt, idAt, isRecord, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { callGraph, type GraphCall } from './graph.ts'
import { readMetaRef, type MetaRef } from './raw.ts'

/** Standard messaging: a business may answer within 24 h of the customer's last message. */
export const dmWindowMs = 24 * 60 * 60 * 1000
/** Private replies to a comment: within 7 days of the comment. */
export const privateReplyWindowMs = 7 * 24 * 60 * 60 * 1000
/** Bounds the search for an already-made reply: 5 pages of 100 comments, newest first. */
export const findSentPagesMax = 5

export function notSupported(reason: string): SendResult {
  return { ok: false, retryable: false, code: 'NOT_SUPPORTED', reason }
}

export function windowClosed(target: OutboundTarget, now: Date, windowMs: number, what: string): SendResult | null {
  const ageMs = now.getTime() - target.createdAt.getTime()
  if (ageMs <= windowMs) return null
  const hours = Math.round(ageMs / 3_600_000)
  return { ok: false, retryable: false, code: 'WINDOW_CLOSED', reason: `${what}: the customer's message is ${hours} h old (window ${windowMs / 3_600_000} h)` }
}

/**
 * The stored target as a MetaRef: the raw our parser kept, or (for rows stored without it) a
 * best guess from the target's own fields.
 */
export function targetRef(target: OutboundTarget, ownerId: string): MetaRef {
  const ref = readMetaRef(target.raw)
  if (ref !== null) return ref
  if (target.visibility === 'private') {
    return { kind: 'dm', ownerId, customerId: target.authorExternalId ?? '', mid: target.externalId, timestampMs: target.createdAt.getTime() }
  }
  if (target.parentExternalId === null) return { kind: 'post', ownerId, postId: target.externalId, fromId: target.authorExternalId }
  const postId = target.threadExternalId ?? target.parentExternalId
  return {
    kind: 'comment', ownerId, commentId: target.externalId, postId,
    parentCommentId: target.parentExternalId === postId ? null : target.parentExternalId, fromId: target.authorExternalId,
  }
}

/** A write whose answer carries the new object's id (`id` for comments, `message_id` for messages). */
export async function createObject(ctx: SendContext, call: GraphCall, url: (id: string) => string | null): Promise<SendResult> {
  const answer = await callGraph(ctx, call)
  if (!answer.ok) return answer.failure
  const id = idAt(answer.json, 'id') ?? idAt(answer.json, 'message_id')
  if (id === null) return { ok: false, retryable: true, retryAfterMs: null, reason: `Graph answered ${call.method} /${call.path.join('/')} without an id` }
  return { ok: true, externalId: id, url: url(id), raw: answer.json }
}

/** A write answered with `{"success": true}` (hide, edit, like, delete); `externalId` is the object acted on. */
export async function actOnObject(ctx: SendContext, call: GraphCall, objectId: string, options: { goneIsDone?: boolean } = {}): Promise<SendResult> {
  const answer = await callGraph(ctx, call)
  if (!answer.ok) {
    // Deleting what is already gone (a retry after a timeout that did delete it) is done, not failed.
    if (options.goneIsDone === true && !answer.failure.retryable && answer.failure.code === 'PARENT_GONE') {
      return { ok: true, externalId: objectId, url: null, raw: { alreadyGone: true } }
    }
    return answer.failure
  }
  if (answer.json['success'] === false) return { ok: false, retryable: false, code: 'REJECTED', reason: `Graph answered success:false to ${call.method} /${call.path.join('/')}` }
  return { ok: true, externalId: objectId, url: null, raw: answer.json }
}

export interface OwnReplySearch {
  /** `[id, 'comments']` (Facebook) or `[id, 'replies']` (Instagram). */
  path: readonly string[]
  fields: string
  /** The field holding the text: `message` (Facebook) or `text` (Instagram). */
  textField: 'message' | 'text'
  ownerId: string
  text: string
}

/** Looks through the newest replies under an object for one by `ownerId` with exactly `text`. */
export async function findOwnReply(ctx: SendContext, search: OwnReplySearch): Promise<string | null> {
  let after: string | null = null
  for (let page = 0; page < findSentPagesMax; page++) {
    const query: Record<string, string> = { fields: search.fields, limit: '100', order: 'reverse_chronological' }
    if (after !== null) query['after'] = after
    const answer = await callGraph(ctx, { method: 'GET', path: search.path, query })
    if (!answer.ok) return null
    const found = arrayAt(answer.json, 'data').find((item) => isOwnReply(item, search))
    if (found !== undefined && isRecord(found)) return idAt(found, 'id')
    const paging = recordAt(answer.json, 'paging')
    const cursors = paging === null ? null : recordAt(paging, 'cursors')
    after = cursors === null ? null : stringAt(cursors, 'after')
    if (paging === null || stringAt(paging, 'next') === null || after === null) return null
  }
  return null
}

function isOwnReply(item: unknown, search: OwnReplySearch): boolean {
  if (!isRecord(item)) return false
  const from: JsonRecord | null = recordAt(item, 'from')
  const fromId = from === null ? null : idAt(from, 'id')
  return fromId === search.ownerId && (stringAt(item, search.textField) ?? '').trim() === search.text.trim()
}

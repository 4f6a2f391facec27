// What the Meta parsers keep in NormalizedMessage.raw, and how send.ts reads it back. The stored
// raw is untrusted by the time it returns (it went through the database), so it is re-validated
// here instead of cast.
import { idAt, isRecord, numberAt, recordAt, type JsonRecord } from '../wire.ts'

/** A Messenger or Instagram DM. `ownerId` is the Page id / IG business account id. */
export interface MetaDmRef {
  kind: 'dm'
  ownerId: string
  /** PSID (Messenger) or IGSID (Instagram) of the customer: the thread is keyed by it. */
  customerId: string
  mid: string
  /** Epoch ms of the event: the 24-hour window runs from the customer's last message. */
  timestampMs: number
}

/** A Page feed comment or an Instagram comment. */
export interface MetaCommentRef {
  kind: 'comment'
  ownerId: string
  commentId: string
  /** Facebook post id or Instagram media id the comment sits under. */
  postId: string
  /** Parent comment when this comment is a reply; null for a top-level comment. */
  parentCommentId: string | null
  fromId: string | null
}

/** A post on (or by) the Page: status, photo, video, visitor post. */
export interface MetaPostRef {
  kind: 'post'
  ownerId: string
  postId: string
  fromId: string | null
}

/** An Instagram @mention of the business in someone else's media caption or comment. */
export interface MetaMentionRef {
  kind: 'mention'
  ownerId: string
  mediaId: string
  commentId: string | null
}

export type MetaRef = MetaDmRef | MetaCommentRef | MetaPostRef | MetaMentionRef

/** The raw kept per message: the reference send needs plus the platform object it came from. */
export type MetaRaw = MetaRef & { event: unknown }

export function metaRaw(ref: MetaRef, event: unknown): MetaRaw {
  return { ...ref, event }
}

/** Reads a stored raw back; null when it is not one of ours. */
export function readMetaRef(raw: unknown): MetaRef | null {
  if (!isRecord(raw)) return null
  const ownerId = idAt(raw, 'ownerId')
  if (ownerId === null) return null
  switch (raw['kind']) {
    case 'dm': {
      const customerId = idAt(raw, 'customerId')
      const mid = idAt(raw, 'mid')
      const timestampMs = numberAt(raw, 'timestampMs')
      return customerId === null || mid === null || timestampMs === null ? null : { kind: 'dm', ownerId, customerId, mid, timestampMs }
    }
    case 'comment': {
      const commentId = idAt(raw, 'commentId')
      const postId = idAt(raw, 'postId')
      if (commentId === null || postId === null) return null
      return { kind: 'comment', ownerId, commentId, postId, parentCommentId: idAt(raw, 'parentCommentId'), fromId: idAt(raw, 'fromId') }
    }
    case 'post': {
      const postId = idAt(raw, 'postId')
      return postId === null ? null : { kind: 'post', ownerId, postId, fromId: idAt(raw, 'fromId') }
    }
    case 'mention': {
      const mediaId = idAt(raw, 'mediaId')
      return mediaId === null ? null : { kind: 'mention', ownerId, mediaId, commentId: idAt(raw, 'commentId') }
    }
    default:
      return null
  }
}

/**
 * A Graph id: Meta sends ids as strings; a bare number is accepted only while it is exact
 * (Instagram ids exceed 2^53 and would already be corrupted by JSON.parse).
 */
export function graphIdAt(obj: JsonRecord, key: string): string | null {
  const value = obj[key]
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : null
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : null
}

/** `{ id }` objects (sender, recipient, from) → the id. */
export function idOf(obj: JsonRecord, key: string): string | null {
  const inner = recordAt(obj, key)
  return inner === null ? null : graphIdAt(inner, 'id')
}

// One Facebook Page webhook delivery (`object: "page"`) → ParseResult.
//
// Messages: `feed` changes for comments and posts (verb add → create, edited → update,
// remove → delete), and Messenger `messaging[]` events (see meta/messaging.ts). The Page's own
// comments/posts (from.id = entry id) and Messenger echoes are direction 'out'.
// Skipped (counted): reactions and likes, other feed items (events, ratings …), hide/unhide/block
// verbs, other change fields, receipts/referrals/reactions in messaging, standby events.
// Parked: bad JSON, non-page objects (UNSUPPORTED_EVENT), Graph error bodies (PLATFORM_ERROR).
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { dateFromEpoch, dateFromGraphTime, decodeMetaWebhook, type MetaEntry } from '../meta/envelope.ts'
import { parseMessagingEvent } from '../meta/messaging.ts'
import { graphIdAt, idOf, metaRaw, type MetaRef } from '../meta/raw.ts'
import type { RawEvent } from '../types.ts'
import { capText, isRecord, recordAt, stringAt, type JsonRecord } from '../wire.ts'

/** Feed items that are a post on the Page (by the Page or a visitor). */
const postItems = new Set(['post', 'status', 'photo', 'video', 'share', 'link', 'note'])

export function parseFacebookPayload(raw: RawEvent): ParseResult {
  const decoded = decodeMetaWebhook(raw, 'page')
  if (!decoded.ok) return decoded.result
  const messages: NormalizedMessage[] = []
  let skipped = decoded.skipped
  for (const entry of decoded.entries) {
    for (const change of entry.changes) {
      const message = parseFeedChange(change, entry)
      if (message === null) skipped++
      else messages.push(message)
    }
    for (const event of entry.messaging) {
      const message = parseMessagingEvent(event, { channel: 'facebook', ownerId: entry.ownerId, entryTime: entry.time })
      if (message === null) skipped++
      else messages.push(message)
    }
    skipped += entry.standby.length
  }
  return { ok: true, messages, skipped }
}

type FeedOp = NormalizedMessage['op']

function feedOp(verb: string | null): FeedOp | null {
  if (verb === 'add') return 'create'
  if (verb === 'edited' || verb === 'edit') return 'update'
  if (verb === 'remove') return 'delete'
  return null
}

/** One `changes[]` element → a comment/post message, or null when skipped. */
export function parseFeedChange(change: unknown, entry: MetaEntry): NormalizedMessage | null {
  if (!isRecord(change) || change['field'] !== 'feed') return null
  const value = recordAt(change, 'value')
  if (value === null) return null
  const op = feedOp(stringAt(value, 'verb'))
  const item = stringAt(value, 'item')
  const postId = graphIdAt(value, 'post_id')
  if (op === null || item === null || postId === null) return null
  const createdAt = dateFromGraphTime(value, 'created_time') ?? dateFromEpoch(entry.time)
  if (createdAt === null) return null
  const fromId = idOf(value, 'from')
  const pageId = entry.ownerId
  if (item === 'comment') {
    const commentId = graphIdAt(value, 'comment_id')
    if (commentId === null) return null
    // A top-level comment's parent_id is the post; a reply's is the comment it answers.
    const parentId = graphIdAt(value, 'parent_id') ?? postId
    const ref: MetaRef = { kind: 'comment', ownerId: pageId, commentId, postId, parentCommentId: parentId === postId ? null : parentId, fromId }
    return feedMessage(value, { op, externalId: commentId, parent: parentId, thread: postId, url: commentUrl(value, postId, commentId), createdAt, ref })
  }
  if (postItems.has(item)) {
    const ref: MetaRef = { kind: 'post', ownerId: pageId, postId, fromId }
    return feedMessage(value, { op, externalId: postId, parent: null, thread: null, url: postUrl(value, postId), createdAt, ref })
  }
  return null
}

interface FeedFields {
  op: FeedOp
  externalId: string
  parent: string | null
  thread: string | null
  url: string
  createdAt: Date
  ref: MetaRef
}

function feedMessage(value: JsonRecord, f: FeedFields): NormalizedMessage {
  const from = recordAt(value, 'from')
  const fromId = f.ref.kind === 'comment' || f.ref.kind === 'post' ? f.ref.fromId : null
  const author = f.op === 'delete' || fromId === null
    ? null
    : { externalUserId: fromId, handle: null, displayName: from === null ? null : stringAt(from, 'name'), followers: null, verified: false }
  return {
    channel: 'facebook',
    op: f.op,
    externalId: f.externalId,
    author,
    direction: fromId !== null && fromId === f.ref.ownerId ? 'out' : 'in',
    visibility: 'public',
    text: f.op === 'delete' ? '' : feedText(value),
    langs: [],
    createdAt: f.createdAt,
    parentExternalId: f.parent,
    threadExternalId: f.thread,
    url: f.url,
    engagement: null,
    raw: metaRaw(f.ref, value),
  }
}

/** The message plus the photo/video/link a comment or post carries. */
function feedText(value: JsonRecord): string {
  const parts = [stringAt(value, 'message'), stringAt(value, 'photo'), stringAt(value, 'video'), stringAt(value, 'link')]
  return capText(parts.filter((p): p is string => p !== null && p !== '').join('\n'))
}

function postUrl(value: JsonRecord, postId: string): string {
  const post = recordAt(value, 'post')
  const permalink = post === null ? null : stringAt(post, 'permalink_url')
  return permalink !== null && /^https:\/\/([a-z0-9-]+\.)*facebook\.com\//.test(permalink) ? permalink : `https://www.facebook.com/${encodeURIComponent(postId)}`
}

function commentUrl(value: JsonRecord, postId: string, commentId: string): string {
  const base = postUrl(value, postId)
  try {
    const url = new URL(base)
    url.searchParams.set('comment_id', commentId)
    return url.toString()
  } catch {
    return base
  }
}

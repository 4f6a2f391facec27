// One Instagram webhook delivery (`object: "instagram"`) → ParseResult.
//
// Messages: `comments` and `live_comments` changes (a comment on the business's media; replies
// carry `parent_id`), `mentions` changes (the business @mentioned in a comment or caption of
// someone else's media: the webhook carries only ids, so the text is empty until fetched), and
// DMs in `messaging[]` (see meta/messaging.ts; echoes are direction 'out', unsends are deletes).
// Skipped (counted): other change fields (story_insights …), reactions, reads, referrals.
// Instagram sends no edit/delete notifications for comments.
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { dateFromEpoch, dateFromGraphTime, decodeMetaWebhook, type MetaEntry } from '../meta/envelope.ts'
import { parseMessagingEvent } from '../meta/messaging.ts'
import { graphIdAt, idOf, metaRaw } from '../meta/raw.ts'
import type { RawEvent } from '../types.ts'
import { capText, isRecord, recordAt, stringAt, type JsonRecord } from '../wire.ts'

export function parseInstagramPayload(raw: RawEvent): ParseResult {
  const decoded = decodeMetaWebhook(raw, 'instagram')
  if (!decoded.ok) return decoded.result
  const messages: NormalizedMessage[] = []
  let skipped = decoded.skipped
  for (const entry of decoded.entries) {
    for (const change of entry.changes) {
      const message = parseInstagramChange(change, entry)
      if (message === null) skipped++
      else messages.push(message)
    }
    for (const event of entry.messaging) {
      const message = parseMessagingEvent(event, { channel: 'instagram', ownerId: entry.ownerId, entryTime: entry.time })
      if (message === null) skipped++
      else messages.push(message)
    }
    skipped += entry.standby.length
  }
  return { ok: true, messages, skipped }
}

export function parseInstagramChange(change: unknown, entry: MetaEntry): NormalizedMessage | null {
  if (!isRecord(change)) return null
  const value = recordAt(change, 'value')
  if (value === null) return null
  const field = change['field']
  if (field === 'comments' || field === 'live_comments') return commentOf(value, entry)
  if (field === 'mentions') return mentionOf(value, entry)
  return null
}

function commentOf(value: JsonRecord, entry: MetaEntry): NormalizedMessage | null {
  const commentId = graphIdAt(value, 'id')
  const media = recordAt(value, 'media')
  const mediaId = media === null ? graphIdAt(value, 'media_id') : graphIdAt(media, 'id')
  const createdAt = dateFromGraphTime(value, 'timestamp') ?? dateFromEpoch(entry.time)
  if (commentId === null || mediaId === null || createdAt === null) return null
  const from = recordAt(value, 'from')
  const fromId = idOf(value, 'from')
  const parentCommentId = graphIdAt(value, 'parent_id')
  return {
    channel: 'instagram',
    op: 'create',
    externalId: commentId,
    author: fromId === null ? null : {
      externalUserId: fromId, handle: from === null ? null : stringAt(from, 'username'), displayName: null, followers: null, verified: false,
    },
    direction: fromId !== null && fromId === entry.ownerId ? 'out' : 'in',
    visibility: 'public',
    text: capText(stringAt(value, 'text') ?? ''),
    langs: [],
    createdAt,
    parentExternalId: parentCommentId ?? mediaId,
    threadExternalId: mediaId,
    url: null,
    engagement: null,
    raw: metaRaw({ kind: 'comment', ownerId: entry.ownerId, commentId, postId: mediaId, parentCommentId, fromId }, value),
  }
}

function mentionOf(value: JsonRecord, entry: MetaEntry): NormalizedMessage | null {
  const mediaId = graphIdAt(value, 'media_id')
  const commentId = graphIdAt(value, 'comment_id')
  const createdAt = dateFromEpoch(entry.time)
  if (mediaId === null || createdAt === null) return null
  return {
    channel: 'instagram',
    op: 'create',
    // A caption mention has no comment: the media is the mentioning message.
    externalId: commentId ?? mediaId,
    author: null,
    direction: 'in',
    visibility: 'public',
    text: '',
    langs: [],
    createdAt,
    parentExternalId: commentId === null ? null : mediaId,
    threadExternalId: commentId === null ? null : mediaId,
    url: null,
    engagement: null,
    raw: metaRaw({ kind: 'mention', ownerId: entry.ownerId, mediaId, commentId }, value),
  }
}

// Google Business Profile reviews → ParseResult. Reads a `reviews.list` answer (`reviews[]`,
// `averageRating`, `totalReviewCount`, `nextPageToken`) or a single Review. Each review is one
// message keyed by `reviewId` (stable across edits: a later `updateTime` makes it an update); the
// business's `reviewReply` is a second message, direction 'out', keyed `<reviewId>:reply`.
// Rating-only reviews (no `comment`) are kept with empty text; the star rating stays in `raw`
// (`starRating`, plus `stars` as a number).
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import { at, capText, dateFromIso, decodeJson, idAt, isRecord, park, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { isReviewId, isReviewName, locationOfReview, replySuffix, starsByRating, timeKey } from './reviews.ts'

/** A page holds at most 50 reviews of at most 4 096 bytes each. */
export const reviewsBodyCharsMax = 5_000_000
const reviewsPerBodyMax = 1_000

export function parseGoogleReviews(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  if (raw.body.length > reviewsBodyCharsMax) return park('TOO_LARGE', `${where}${raw.body.length} chars`)
  if (raw.body.trim() === '') return { ok: true, messages: [], skipped: 0 }
  const decoded = decodeJson(raw.body)
  if (!decoded.ok) return park('MALFORMED_JSON', where + decoded.detail)
  const body = decoded.value
  if (!isRecord(body)) return park('INVALID_SHAPE', `${where}body is not an object`)
  const error = recordAt(body, 'error')
  if (error !== null) return park('PLATFORM_ERROR', `${where}${String(error.code ?? '')} ${stringAt(error, 'status') ?? ''} ${stringAt(error, 'message') ?? ''}`.slice(0, 500))
  let reviews: readonly unknown[]
  if (Array.isArray(body.reviews)) reviews = body.reviews
  else if ('reviewId' in body || 'starRating' in body) reviews = [body]
  // A location without reviews answers only the totals (or `{}`).
  else if (Object.keys(body).every((k) => ['averageRating', 'totalReviewCount', 'nextPageToken'].includes(k))) reviews = []
  else return park('INVALID_SHAPE', `${where}neither a reviews list nor a review`)
  const messages: NormalizedMessage[] = []
  let skipped = Math.max(0, reviews.length - reviewsPerBodyMax)
  for (const review of reviews.slice(0, reviewsPerBodyMax)) {
    const read = isRecord(review) ? messagesOfReview(review) : []
    if (read.length === 0) skipped++
    messages.push(...read)
  }
  return { ok: true, messages, skipped }
}

function reviewIdOf(review: JsonRecord, name: string | null): string | null {
  const id = idAt(review, 'reviewId') ?? (name === null ? null : name.slice(name.lastIndexOf('/') + 1))
  return isReviewId(id) ? id : null
}

function messagesOfReview(review: JsonRecord): NormalizedMessage[] {
  const nameText = stringAt(review, 'name')
  const name = isReviewName(nameText) ? nameText : null
  const reviewId = reviewIdOf(review, name)
  const createTime = stringAt(review, 'createTime')
  const updateTime = stringAt(review, 'updateTime')
  const createdAt = dateFromIso(createTime) ?? dateFromIso(updateTime)
  if (reviewId === null || createdAt === null) return []
  const createdKey = timeKey(createTime)
  const updatedKey = timeKey(updateTime)
  const reviewer = recordAt(review, 'reviewer')
  const rating = stringAt(review, 'starRating')
  const message: NormalizedMessage = {
    channel: 'google-reviews',
    op: createdKey !== null && updatedKey !== null && updatedKey > createdKey ? 'update' : 'create',
    externalId: reviewId,
    // Google gives no reviewer id: the reviewer is known per review only.
    author: {
      externalUserId: `reviewer:${reviewId}`,
      handle: null,
      displayName: reviewer === null ? null : stringAt(reviewer, 'displayName'),
      followers: null,
      verified: false,
    },
    direction: 'in',
    visibility: 'public',
    text: capText(stringAt(review, 'comment') ?? ''),
    langs: [],
    createdAt,
    parentExternalId: null,
    threadExternalId: reviewId,
    url: null,
    engagement: null,
    raw: { ...review, stars: rating === null ? null : starsByRating[rating] ?? null },
  }
  const reply = replyOf(review, name, reviewId, createdAt)
  return reply === null ? [message] : [message, reply]
}

function replyOf(review: JsonRecord, name: string | null, reviewId: string, reviewCreatedAt: Date): NormalizedMessage | null {
  const reply = recordAt(review, 'reviewReply')
  const comment = reply === null ? null : stringAt(reply, 'comment')
  if (reply === null || comment === null) return null
  return {
    channel: 'google-reviews',
    op: 'create',
    externalId: `${reviewId}${replySuffix}`,
    author: { externalUserId: name === null ? 'business' : locationOfReview(name), handle: null, displayName: null, followers: null, verified: false },
    direction: 'out',
    visibility: 'public',
    text: capText(comment),
    langs: [],
    createdAt: dateFromIso(stringAt(reply, 'updateTime')) ?? reviewCreatedAt,
    parentExternalId: reviewId,
    threadExternalId: reviewId,
    url: null,
    engagement: null,
    raw: { name, reviewId, reviewReply: reply },
  }
}

// Answers a review, one attempt per call: reply and edit are `PUT …/{review}/reply {"comment"}`
// (creates or replaces the business's one reply), delete is `DELETE …/{review}/reply`.
// A PUT repeated with the same comment leaves the same single reply, so a retry after a timeout
// can never answer twice: no findSent is needed. Reviews take no DMs.
import type { OutboundRequest, SendContext, Sender, SendResult } from '../types.ts'
import { isRecord, stringAt } from '../wire.ts'
import { failureOf, googleCall, googleSettingsOf } from './client.ts'
import { isLocationName, isReviewId, isReviewName, replySuffix } from './reviews.ts'

/** Google's limit on a reply comment (the docs say 4 096 bytes; counted here in characters, then bytes). */
export const reviewReplyLengthMax = 4_096

/** The review a request is about: its `name` from the stored raw, else built from settings.location and the review id. */
export function reviewNameOf(req: OutboundRequest, ctx: SendContext): string | null {
  const raw = req.target.raw
  const fromRaw = isRecord(raw) ? stringAt(raw, 'name') : null
  if (isReviewName(fromRaw)) return fromRaw
  const reviewId = (req.target.threadExternalId ?? req.target.externalId).replace(/:reply$/, '')
  const location = googleSettingsOf(ctx.account).location
  return isLocationName(location) && isReviewId(reviewId) ? `${location}/reviews/${reviewId}` : null
}

function notSupported(reason: string): SendResult {
  return { ok: false, retryable: false, code: 'NOT_SUPPORTED', reason }
}

async function send(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  if (req.action !== 'reply' && req.action !== 'edit' && req.action !== 'delete') return notSupported(`Google reviews cannot ${req.action}`)
  const name = reviewNameOf(req, ctx)
  if (name === null) return { ok: false, retryable: false, code: 'PARENT_GONE', reason: 'no review name in the stored message or settings.location' }
  const reviewId = name.slice(name.lastIndexOf('/') + 1)
  const url = `${googleSettingsOf(ctx.account).apiBaseUrl}/v4/${name}/reply`
  if (req.action === 'delete') {
    const call = await googleCall(ctx, 'DELETE', url)
    if (!call.ok) return call.failure
    if (!call.res.ok) return failureOf(call.res, ctx.now())
    await call.res.body?.cancel()
    return { ok: true, externalId: `${reviewId}${replySuffix}`, url: null, raw: { deleted: name } }
  }
  if (req.text.trim() === '') return { ok: false, retryable: false, code: 'REJECTED', reason: 'empty reply' }
  if (req.text.length > reviewReplyLengthMax || Buffer.byteLength(req.text) > reviewReplyLengthMax) {
    return { ok: false, retryable: false, code: 'REJECTED', reason: `reply longer than ${reviewReplyLengthMax} bytes` }
  }
  const call = await googleCall(ctx, 'PUT', url, { comment: req.text })
  if (!call.ok) return call.failure
  if (!call.res.ok) return failureOf(call.res, ctx.now())
  const reply: unknown = await call.res.json().catch(() => null)
  return { ok: true, externalId: `${reviewId}${replySuffix}`, url: null, raw: { name, reviewId, reviewReply: reply } }
}

export const googleReviewsSender: Sender = { actions: ['reply', 'edit', 'delete'], send }

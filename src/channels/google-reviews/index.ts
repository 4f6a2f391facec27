import type { Channel, SendContext } from '../types.ts'
import { failureOf, googleCall, googleSettingsOf } from './client.ts'
import { parseGoogleReviews } from './parse.ts'
import { isLocationName } from './reviews.ts'
import { googleReviewsSender, reviewReplyLengthMax } from './send.ts'
import { googleReviewsSource } from './source.ts'

/** Reads one review of the location: proves the token, the scope and the location in one call. */
async function testConnection(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  const settings = googleSettingsOf(ctx.account)
  if (!isLocationName(settings.location)) return { ok: false, detail: 'settings.location must be accounts/{id}/locations/{id}' }
  const call = await googleCall(ctx, 'GET', `${settings.apiBaseUrl}/v4/${settings.location}/reviews?pageSize=1`)
  if (!call.ok) return { ok: false, detail: call.failure.reason }
  if (!call.res.ok) return { ok: false, detail: (await failureOf(call.res, ctx.now())).reason }
  const body: unknown = await call.res.json().catch(() => null)
  const total = typeof body === 'object' && body !== null && 'totalReviewCount' in body ? String(body.totalReviewCount) : '0'
  return { ok: true, detail: `${settings.location}: ${total} reviews` }
}

export const googleReviews: Channel = {
  name: 'google-reviews',
  label: 'Google reviews',
  framing: 'document',
  parse: parseGoogleReviews,
  // Reviews are written about the brand's own location: nothing to filter out.
  openListening: false,
  replyLengthMax: reviewReplyLengthMax,
  source: googleReviewsSource,
  send: googleReviewsSender,
  accountFields: { settings: ['apiBaseUrl', 'tokenUrl', 'location'], secrets: ['clientId', 'clientSecret', 'refreshToken'] },
  testConnection,
}

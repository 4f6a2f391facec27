import { afterEach, describe, expect, it } from 'vitest'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { OutboundRequest, OutboundTarget } from '../types.ts'
import { startGoogleReviewsFake, type GoogleReviewsFake } from './fake.ts'
import { googleReviews } from './index.ts'
import { googleReviewsSender } from './send.ts'
import { accountFor, credentials, location, review, sendContext } from './test-payloads.ts'

warnIfNoShared()

let fake: GoogleReviewsFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function start(loc = location, reviews = [review('rev1'), review('rev2', { reviewReply: { comment: 'old answer', updateTime: '2024-05-02T00:00:00Z' } })]): Promise<GoogleReviewsFake> {
  fake = await startGoogleReviewsFake({ location: loc, reviews, ...credentials })
  return fake
}

function target(reviewId: string, raw: unknown = { name: `${location}/reviews/${reviewId}`, reviewId }): OutboundTarget {
  return {
    externalId: reviewId, parentExternalId: null, threadExternalId: reviewId, visibility: 'public', authorExternalId: `reviewer:${reviewId}`,
    authorHandle: null, raw, createdAt: new Date(),
  }
}

function request(action: OutboundRequest['action'], text: string, reviewId = 'rev1', raw?: unknown): OutboundRequest {
  return { action, text, idempotencyKey: 'k1', target: target(reviewId, raw), ownExternalId: action === 'reply' ? null : `${reviewId}:reply` }
}

describe('google-reviews send', () => {
  it('replies with PUT …/reply {"comment"} and returns <reviewId>:reply', async () => {
    const google = await start()
    const result = await googleReviewsSender.send(request('reply', 'Sorry for the delay, Jamie.'), sendContext(accountFor(google)))
    expect(result).toMatchObject({ ok: true, externalId: 'rev1:reply', url: null, raw: { reviewReply: { comment: 'Sorry for the delay, Jamie.' } } })
    expect(google.replies).toEqual([{ reviewName: `${location}/reviews/rev1`, comment: 'Sorry for the delay, Jamie.' }])
    const put = google.requests.find((r) => r.method === 'PUT')!
    expect(put.path).toBe(`/v4/${location}/reviews/rev1/reply`)
    expect(JSON.parse(put.body.toString())).toEqual({ comment: 'Sorry for the delay, Jamie.' })
    expect(put.headers.authorization).toBe('Bearer ya29.fake-google-token-1')
    expect(put.headers['content-type']).toBe('application/json')
  })

  it('a retry after a timeout replaces the same single reply (PUT is idempotent)', async () => {
    const google = await start()
    const account = accountFor(google)
    google.hangAfterNext('/v4/')
    expect(await googleReviewsSender.send(request('reply', 'We are on it.'), sendContext(account, 1500))).toMatchObject({ ok: false, retryable: true })
    expect(await googleReviewsSender.send(request('reply', 'We are on it.'), sendContext(account))).toMatchObject({ ok: true, externalId: 'rev1:reply' })
    expect(google.review('rev1')?.reviewReply).toMatchObject({ comment: 'We are on it.' })
    expect(googleReviewsSender.findSent).toBeUndefined()
  })

  it('edits by replacing the reply and deletes it with DELETE …/reply', async () => {
    const google = await start()
    const account = accountFor(google)
    expect(await googleReviewsSender.send(request('edit', 'new answer', 'rev2'), sendContext(account))).toMatchObject({ ok: true, externalId: 'rev2:reply' })
    expect(google.review('rev2')?.reviewReply).toMatchObject({ comment: 'new answer' })
    expect(await googleReviewsSender.send(request('delete', '', 'rev2'), sendContext(account))).toMatchObject({ ok: true, externalId: 'rev2:reply' })
    expect(google.review('rev2')?.reviewReply).toBeUndefined()
    expect(google.replyDeletions).toEqual([`${location}/reviews/rev2`])
  })

  it('builds the review name from settings.location when the stored raw has none (e.g. a reply message)', async () => {
    const google = await start()
    const req = { ...request('reply', 'hello', 'rev1', { reviewReply: {} }), target: { ...target('rev1:reply', {}), threadExternalId: 'rev1' } }
    expect(await googleReviewsSender.send(req, sendContext(accountFor(google)))).toMatchObject({ ok: true, externalId: 'rev1:reply' })
  })

  it('maps a deleted review (404 NOT_FOUND) onto PARENT_GONE', async () => {
    const google = await start()
    expect(await googleReviewsSender.send(request('reply', 'hi', 'gone1'), sendContext(accountFor(google)))).toMatchObject({ ok: false, retryable: false, code: 'PARENT_GONE' })
  })

  it.each([
    [429, { 'retry-after': '30' }, { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }, { retryable: true, retryAfterMs: 30_000 }],
    [503, {}, { error: { code: 503, status: 'UNAVAILABLE' } }, { retryable: true }],
    [403, {}, { error: { code: 403, status: 'PERMISSION_DENIED' } }, { retryable: false, code: 'AUTH_REVOKED' }],
    [400, {}, { error: { code: 400, status: 'INVALID_ARGUMENT' } }, { retryable: false, code: 'REJECTED' }],
  ])('maps HTTP %i', async (status, headers, body, expected) => {
    const google = await start()
    google.failNext({ status, headers, body, pathPrefix: '/v4/' })
    expect(await googleReviewsSender.send(request('reply', 'hi'), sendContext(accountFor(google)))).toMatchObject({ ok: false, ...expected })
  })

  it('refuses DMs, likes, empty and too long replies without calling Google', async () => {
    const google = await start()
    const ctx = sendContext(accountFor(google))
    expect(await googleReviewsSender.send(request('dm', 'hi'), ctx)).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' })
    expect(await googleReviewsSender.send(request('like', ''), ctx)).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' })
    expect(await googleReviewsSender.send(request('reply', ' '), ctx)).toMatchObject({ ok: false, code: 'REJECTED' })
    expect(await googleReviewsSender.send(request('reply', 'é'.repeat(2_049)), ctx)).toMatchObject({ ok: false, code: 'REJECTED' })
    expect(google.requests).toHaveLength(0)
  })

  it('maps a revoked refresh token and wrong app credentials onto AUTH_REVOKED', async () => {
    const google = await start()
    expect(await googleReviewsSender.send(request('reply', 'hi'), sendContext(accountFor(google, {}, { refreshToken: 'x' })))).toMatchObject({ ok: false, code: 'AUTH_REVOKED' })
    expect(await googleReviewsSender.send(request('reply', 'hi'), sendContext(accountFor(google, {}, { clientSecret: 'x' })))).toMatchObject({ ok: false, code: 'AUTH_REVOKED' })
    expect(google.replies).toHaveLength(0)
  })

  it('testConnection reads the location, or says why not', async () => {
    const google = await start()
    expect(await googleReviews.testConnection!(sendContext(accountFor(google)))).toEqual({ ok: true, detail: `${location}: 2 reviews` })
    expect(await googleReviews.testConnection!(sendContext(accountFor(google, { location: 'accounts/9/locations/9' })))).toMatchObject({ ok: false })
    expect(await googleReviews.testConnection!(sendContext(accountFor(google, { location: '' })))).toMatchObject({ ok: false })
  })
})

describe.skipIf(!hasSharedFixtures)('google-reviews send: the constructed update_reply exchange', () => {
  it('sends the documented PUT body to the documented path', async () => {
    const fixture = JSON.parse(readFixture('reviews', 'google_business_profile_reviews.CONSTRUCTED.json')) as {
      list_reviews: { response: { reviews: Record<string, unknown>[] } }
      update_reply: { request: { url: string; body: unknown } }
    }
    const loc = 'accounts/102345678901234567890/locations/12345678901234567890'
    const google = await start(loc, fixture.list_reviews.response.reviews)
    const first = fixture.list_reviews.response.reviews[0]!
    const text = (fixture.update_reply.request.body as { comment: string }).comment
    const req: OutboundRequest = { action: 'reply', text, idempotencyKey: 'k', target: { ...target('AbFvOqkSample1', first) }, ownExternalId: null }
    expect(await googleReviewsSender.send(req, sendContext(accountFor(google, { location: loc })))).toMatchObject({ ok: true, externalId: 'AbFvOqkSample1:reply' })
    const put = google.requests.find((r) => r.method === 'PUT')!
    expect(put.path).toBe(new URL(fixture.update_reply.request.url).pathname)
    expect(JSON.parse(put.body.toString())).toEqual(fixture.update_reply.request.body)
  })
})

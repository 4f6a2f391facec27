import { afterEach, describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { startGoogleReviewsFake, type GoogleReviewsFake, type GoogleReviewsFakeOptions } from './fake.ts'
import { parseGoogleReviews } from './parse.ts'
import { cursorOf, googleReviewsSource } from './source.ts'
import { accountFor, credentials, location, review, reviewsUpdated, sourceContext, type RecordingSourceContext } from './test-payloads.ts'

warnIfNoShared()

let fake: GoogleReviewsFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function start(options: Partial<GoogleReviewsFakeOptions> = {}): Promise<GoogleReviewsFake> {
  fake = await startGoogleReviewsFake({ location, ...credentials, ...options })
  return fake
}

async function poll(ctx: RecordingSourceContext): Promise<void> {
  if (googleReviewsSource.kind !== 'poll') throw new Error('google-reviews is a poll source')
  await googleReviewsSource.poll(ctx)
}

function messagesOf(ctx: RecordingSourceContext): NormalizedMessage[] {
  return ctx.emitted.flat().flatMap((unit) => {
    const result = parseGoogleReviews(unit)
    if (!result.ok) throw new Error(result.detail)
    return result.messages
  })
}

const minute = (n: number) => new Date(Date.UTC(2024, 4, 1) + n * 60_000).toISOString()

describe('google-reviews source', () => {
  it('reads the whole history on the first pass, 50 a page, emitted oldest page first with the cursor after each', async () => {
    const google = await start({ reviews: reviewsUpdated(1, 120) })
    const ctx = sourceContext(accountFor(google), null)
    await poll(ctx)
    const ids = messagesOf(ctx).map((m) => m.externalId)
    expect(ids).toHaveLength(120)
    expect(new Set(ids).size).toBe(120)
    expect(ctx.emitted.map((units) => units.length)).toEqual([1, 1, 1])
    expect(ctx.saved).toEqual([{ updateTime: minute(20) }, { updateTime: minute(70) }, { updateTime: minute(120) }])
    const lists = google.requests.filter((r) => r.method === 'GET')
    expect(lists.map((r) => [r.path, r.query.get('pageSize'), r.query.get('orderBy'), r.query.get('pageToken') !== null])).toEqual([
      [`/v4/${location}/reviews`, '50', 'updateTime desc', false],
      [`/v4/${location}/reviews`, '50', 'updateTime desc', true],
      [`/v4/${location}/reviews`, '50', 'updateTime desc', true],
    ])
    expect(lists[0]!.headers.authorization).toBe('Bearer ya29.fake-google-token-1')
    const tokenForm = new URLSearchParams(google.requests[0]!.body.toString())
    expect(Object.fromEntries(tokenForm)).toEqual({ grant_type: 'refresh_token', client_id: 'gclient', client_secret: 'gsecret', refresh_token: 'grefresh' })
  })

  it('next pass: only new and edited reviews, stopping at the cursor; the token is reused', async () => {
    const google = await start({ reviews: reviewsUpdated(1, 60) })
    const account = accountFor(google)
    const first = sourceContext(account, null)
    await poll(first)
    google.upsertReviews([
      ...reviewsUpdated(61, 62),
      review('r010', { comment: 'changed my mind', createTime: minute(10), updateTime: minute(63) }),
    ])
    const second = sourceContext(account, first.cursor)
    await poll(second)
    expect(messagesOf(second).map((m) => [m.externalId, m.op])).toEqual([['r010', 'update'], ['r062', 'create'], ['r061', 'create']])
    expect(second.cursor).toEqual({ updateTime: minute(63) })
    expect(google.requests.filter((r) => r.method === 'GET').length).toBe(3) // 2 pages first, 1 page now
    expect(google.tokensIssued()).toBe(1)
  })

  it('resumes after a crash between pages without losing or repeating a review', async () => {
    const google = await start({ reviews: reviewsUpdated(1, 130) })
    const account = accountFor(google)
    let emits = 0
    const crashing = sourceContext(account, null, async () => {
      if (++emits === 2) throw new Error('store down')
    })
    await expect(poll(crashing)).rejects.toThrow('store down')
    expect(crashing.cursor).toEqual({ updateTime: minute(30) })
    const restarted = sourceContext(account, crashing.cursor)
    await poll(restarted)
    const ids = [...messagesOf(crashing), ...messagesOf(restarted)].map((m) => m.externalId)
    expect(ids).toHaveLength(130)
    expect(new Set(ids).size).toBe(130)
  })

  it('honours Retry-After on a 429 RESOURCE_EXHAUSTED and asks again', async () => {
    const google = await start({ reviews: reviewsUpdated(1, 3) })
    google.failNext({ status: 429, headers: { 'retry-after': '0.2' }, pathPrefix: '/v4/', body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' } } })
    const ctx = sourceContext(accountFor(google), null)
    await poll(ctx)
    expect(ctx.sleeps).toEqual([200])
    expect(messagesOf(ctx)).toHaveLength(3)
  })

  it('waits out the rate window when the fake answers 429 with Retry-After', async () => {
    const google = await start({ reviews: reviewsUpdated(1, 3), rateLimit: { limit: 2, windowMs: 400 } })
    const account = accountFor(google)
    const first = sourceContext(account, null)
    await poll(first) // the token and page 1 use up the window
    google.upsertReviews(reviewsUpdated(4, 4))
    const second = sourceContext(account, first.cursor)
    await poll(second) // 429, wait, the page again
    expect(second.sleeps).toHaveLength(1)
    expect(second.sleeps[0]).toBeGreaterThan(0)
    expect(second.sleeps[0]).toBeLessThanOrEqual(400)
    expect(messagesOf(second).map((m) => m.externalId)).toEqual(['r004'])
    expect(google.requests).toHaveLength(4)
  })

  it('gets a new token when the cached one is revoked, and fails the pass on a revoked refresh token', async () => {
    const google = await start({ reviews: reviewsUpdated(1, 2) })
    const account = accountFor(google)
    await poll(sourceContext(account, null))
    google.revokeTokens()
    await poll(sourceContext(account, null))
    expect(google.tokensIssued()).toBe(2)
    await expect(poll(sourceContext(accountFor(google, {}, { refreshToken: 'revoked' }), null))).rejects.toThrow(/invalid_grant/)
    await expect(poll(sourceContext(accountFor(google, { location: 'accounts/1' }), null))).rejects.toThrow(/settings.location/)
    await expect(poll(sourceContext(accountFor(google, { location: 'accounts/9/locations/9' }), null))).rejects.toThrow(/HTTP 404/)
  })
})

describe.skipIf(!hasSharedFixtures)('google-reviews source: fake fed from the constructed fixture', () => {
  it('emits the fixture reviews and keeps the newest updateTime', async () => {
    const fixture = JSON.parse(readFixture('reviews', 'google_business_profile_reviews.CONSTRUCTED.json')) as { list_reviews: { response: { reviews: Record<string, unknown>[] } } }
    const google = await start({ location: 'accounts/102345678901234567890/locations/12345678901234567890', reviews: fixture.list_reviews.response.reviews })
    const ctx = sourceContext(accountFor(google, { location: 'accounts/102345678901234567890/locations/12345678901234567890' }), null)
    await poll(ctx)
    expect(messagesOf(ctx).map((m) => m.externalId)).toEqual(['AbFvOqkSample1', 'AbFvOqkSample2', 'AbFvOqkSample2:reply', 'AbFvOqkSample3'])
    expect(cursorOf(ctx.cursor)).toEqual({ updateTime: '2024-05-02T09:15:27.123456Z' })
  })
})

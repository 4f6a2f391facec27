import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { messagesOf, parseResultProblems } from '../testing.ts'
import { textLengthMax } from '../wire.ts'
import { googleReviews } from './index.ts'
import { parseGoogleReviews, reviewsBodyCharsMax } from './parse.ts'
import { timeKey } from './reviews.ts'
import { location, review } from './test-payloads.ts'

warnIfNoShared()

function parse(value: unknown): ParseResult {
  return parseGoogleReviews({ body: typeof value === 'string' ? value : JSON.stringify(value), origin: 'test' })
}

describe('google-reviews channel', () => {
  it('is registered as a closed document channel with a 4 096-character reply', () => {
    expect(googleReviews).toMatchObject({ name: 'google-reviews', label: 'Google reviews', framing: 'document', openListening: false, replyLengthMax: 4_096 })
    expect(googleReviews.parse).toBe(parseGoogleReviews)
    expect(googleReviews.send?.actions).toEqual(['reply', 'edit', 'delete'])
    expect(googleReviews.accountFields).toEqual({ settings: ['apiBaseUrl', 'tokenUrl', 'location'], secrets: ['clientId', 'clientSecret', 'refreshToken'] })
  })
})

describe('parseGoogleReviews: own payloads', () => {
  it('reads a review as a public inbound message threaded on its reviewId, with the stars in raw', () => {
    const r = review('rev1', { starRating: 'TWO', comment: 'Late delivery' })
    const [m] = messagesOf(parse({ reviews: [r], averageRating: 2, totalReviewCount: 1 }))
    expect(m).toEqual({
      channel: 'google-reviews', op: 'create', externalId: 'rev1',
      author: { externalUserId: 'reviewer:rev1', handle: null, displayName: 'Reviewer rev1', followers: null, verified: false },
      direction: 'in', visibility: 'public', text: 'Late delivery', langs: [], createdAt: new Date('2024-05-01T10:00:00.123Z'),
      parentExternalId: null, threadExternalId: 'rev1', url: null, engagement: null, raw: { ...r, stars: 2 },
    })
  })

  it('keeps a rating-only review with empty text', () => {
    const [m] = messagesOf(parse({ reviews: [review('rev2', { comment: undefined, starRating: 'FIVE' })] }))
    expect(m).toMatchObject({ externalId: 'rev2', text: '', raw: { starRating: 'FIVE', stars: 5 } })
  })

  it('reads a later updateTime as an update of the same review, down to the microsecond', () => {
    const [m] = messagesOf(parse(review('rev3', { createTime: '2024-05-01T10:00:00.123456Z', updateTime: '2024-05-01T10:00:00.123457Z' })))
    expect(m).toMatchObject({ op: 'update', externalId: 'rev3' })
  })

  it("emits the business's reply as a separate outbound message under the review", () => {
    const messages = messagesOf(parse(review('rev4', { reviewReply: { comment: 'Thank you!', updateTime: '2024-05-02T08:00:00Z' } })))
    expect(messages.map((m) => [m.externalId, m.direction, m.parentExternalId, m.threadExternalId])).toEqual([
      ['rev4', 'in', null, 'rev4'], ['rev4:reply', 'out', 'rev4', 'rev4'],
    ])
    expect(messages[1]).toMatchObject({
      text: 'Thank you!', createdAt: new Date('2024-05-02T08:00:00Z'), author: { externalUserId: location },
      raw: { name: `${location}/reviews/rev4`, reviewId: 'rev4' },
    })
  })

  it('takes the review id from the name when reviewId is missing, and skips reviews without id or time', () => {
    const result = parse({ reviews: [
      review('x', { reviewId: undefined, name: `${location}/reviews/fromName` }),
      review('y', { reviewId: undefined, name: 'not/a/name' }),
      review('z', { createTime: 'yesterday', updateTime: null }),
      'text',
    ] })
    expect(messagesOf(result).map((m) => m.externalId)).toEqual(['fromName'])
    expect(result.ok && result.skipped).toBe(3)
  })

  it('reads a location without reviews as nothing', () => {
    expect(parse({ averageRating: 0, totalReviewCount: 0 })).toEqual({ ok: true, messages: [], skipped: 0 })
    expect(parse({})).toEqual({ ok: true, messages: [], skipped: 0 })
  })

  it(`caps text at ${textLengthMax} characters`, () => {
    expect(messagesOf(parse(review('big', { comment: 'x'.repeat(textLengthMax + 1) })))[0]!.text).toHaveLength(textLengthMax)
  })

  it.each([
    ['a Google error', { error: { code: 403, status: 'PERMISSION_DENIED', message: 'no access' } }, 'PLATFORM_ERROR'],
    ['an array', [review('a')], 'INVALID_SHAPE'],
    ['something else', { kind: 'Listing' }, 'INVALID_SHAPE'],
    ['broken JSON', '{"reviews":[', 'MALFORMED_JSON'],
    ['an oversized body', ' '.repeat(reviewsBodyCharsMax + 1), 'TOO_LARGE'],
  ])('parks %s', (_name, body, reason) => {
    expect(parse(body)).toMatchObject({ ok: false, reason })
  })

  it('orders times by every fraction digit', () => {
    expect(timeKey('2024-05-01T10:00:00.1Z')! > timeKey('2024-05-01T10:00:00.099999999Z')!).toBe(true)
    expect(timeKey('2024-05-01T12:00:00+02:00')).toBe(timeKey('2024-05-01T10:00:00Z'))
    expect(timeKey('soon')).toBeNull()
  })
})

describe.skipIf(!hasSharedFixtures)('parseGoogleReviews: the constructed shared fixture', () => {
  const fixture = () => JSON.parse(readFixture('reviews', 'google_business_profile_reviews.CONSTRUCTED.json')) as {
    list_reviews: { response: unknown }
  }

  it('reads the three reviews and the one reply of the list response', () => {
    const messages = messagesOf(parse(fixture().list_reviews.response))
    expect(messages.map((m) => [m.externalId, m.op, m.direction, m.text.slice(0, 20)])).toEqual([
      ['AbFvOqkSample1', 'create', 'in', 'Delivery was three d'],
      ['AbFvOqkSample2', 'update', 'in', 'Great service, fixed'],
      ['AbFvOqkSample2:reply', 'create', 'out', 'Thanks for the kind '],
      ['AbFvOqkSample3', 'create', 'in', ''],
    ])
    expect(messages[1]!.author?.displayName).toBe('A Google user')
    expect(messages[3]!.raw).toMatchObject({ starRating: 'FOUR', stars: 4 })
  })
})

describe('parseGoogleReviews: properties', () => {
  const wellFormed = (body: string) => {
    expect(parseResultProblems(parseGoogleReviews({ body }))).toEqual([])
  }

  it('never throws on arbitrary strings and JSON', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), wellFormed), { numRuns: 400 })
    fc.assert(fc.property(fc.json(), wellFormed), { numRuns: 400 })
  })

  const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue())
  const time = fc.oneof(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('9999-01-01') }).map((d) => d.toISOString()), fc.constant('2024-05-01T10:00:00.123456789Z'), anyValue)
  const reviewArb = fc.record({
    name: fc.oneof(fc.constant(`${location}/reviews/abc`), anyValue),
    reviewId: fc.oneof(fc.constantFrom('abc', 'a/b', ''), anyValue),
    reviewer: fc.oneof(fc.record({ displayName: anyValue, isAnonymous: anyValue }, { requiredKeys: [] }), anyValue),
    starRating: fc.oneof(fc.constantFrom('ONE', 'FIVE', 'STAR_RATING_UNSPECIFIED'), anyValue),
    comment: fc.oneof(fc.string(), anyValue),
    createTime: time,
    updateTime: time,
    reviewReply: fc.oneof(fc.record({ comment: fc.oneof(fc.string(), anyValue), updateTime: time }, { requiredKeys: [] }), anyValue),
  }, { requiredKeys: [] })

  it('returns well-formed results for loosely review-shaped lists', () => {
    fc.assert(fc.property(fc.array(fc.oneof(reviewArb, anyValue), { maxLength: 6 }), (reviews) => {
      const result = parseGoogleReviews({ body: JSON.stringify({ reviews, nextPageToken: 'x' }) })
      expect(parseResultProblems(result)).toEqual([])
    }), { numRuns: 800 })
  })
})

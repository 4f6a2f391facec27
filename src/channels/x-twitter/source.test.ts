import { afterEach, describe, expect, it } from 'vitest'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { RawEvent } from '../types.ts'
import { startXFake, xFakeFeedFromFixtures, type XFake, type XFakeOptions } from './fake.ts'
import { parseXPayload } from './parse.ts'
import { createMentionsSource, mentionsCursorOf, mentionsSource } from './source.ts'
import { accessToken, brandId, brandUser, bearerToken, customers, mention, recordingContext, xAccount } from './testing.ts'

warnIfNoShared()

let x: XFake | null = null
afterEach(async () => {
  await x?.close()
  x = null
})

async function fake(options: Partial<XFakeOptions> = {}): Promise<XFake> {
  x = await startXFake({ brandUserId: brandId, users: [brandUser, ...customers], accessToken, bearerToken, ...options })
  return x
}

function messageIds(units: RawEvent[]): string[] {
  return units.flatMap((u) => {
    const result = parseXPayload(u)
    return result.ok ? result.messages.map((m) => m.externalId) : []
  })
}

const mentionRequests = (f: XFake) => f.requests.filter((r) => r.path === `/2/users/${brandId}/mentions`)
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)
const idsOf = (ns: number[]) => ns.map((n) => mention(n).id)

describe('mentions source: one pass', () => {
  it('walks every page newest first, emits each page as one unit and saves the newest id as since_id', async () => {
    const f = await fake({ tweets: range(0, 230).map((n) => mention(n)) })
    const run = recordingContext(xAccount(f.url))
    await mentionsSource.poll(run.ctx)

    expect(run.emitted).toHaveLength(3)
    expect(messageIds(run.emitted)).toEqual(idsOf(range(0, 230)).reverse())
    expect(run.cursors.at(-1)).toEqual({ sinceId: mention(229).id, backfill: null })
    const reqs = mentionRequests(f)
    expect(reqs.map((r) => r.query.has('pagination_token'))).toEqual([false, true, true])
    for (const r of reqs) {
      expect(r.headers['authorization']).toBe(`Bearer ${accessToken}`)
      expect(r.query.get('max_results')).toBe('100')
      expect(r.query.get('expansions')).toBe('author_id,referenced_tweets.id')
    }
  })

  it('asks for the fields parse needs, so authors and threads arrive joined', async () => {
    const reply = mention(5, { conversation_id: mention(1).id, referenced_tweets: [{ type: 'replied_to', id: mention(1).id }] })
    const f = await fake({ tweets: [mention(1), reply] })
    const run = recordingContext(xAccount(f.url))
    await mentionsSource.poll(run.ctx)
    const result = parseXPayload(run.emitted[0] as RawEvent)
    expect(result.ok && result.messages[0]).toMatchObject({
      externalId: reply.id, parentExternalId: mention(1).id, threadExternalId: mention(1).id, langs: ['en'],
      author: { externalUserId: customers[5]?.id, handle: 'customer_5', followers: 5 },
      createdAt: new Date(String(reply['created_at'])),
      engagement: { likes: 2, reposts: 0, replies: 0, quotes: 0 },
    })
  })

  it('next pass asks only for what is newer than the cursor', async () => {
    const f = await fake({ tweets: range(0, 3).map((n) => mention(n)) })
    const first = recordingContext(xAccount(f.url))
    await mentionsSource.poll(first.ctx)
    f.addMention(mention(3))
    f.addMention(mention(4))
    const second = recordingContext(xAccount(f.url), { cursor: first.ctx.cursor })
    await mentionsSource.poll(second.ctx)
    expect(messageIds(second.emitted)).toEqual(idsOf([4, 3]))
    expect(mentionRequests(f).at(-1)?.query.get('since_id')).toBe(mention(2).id)
    expect(second.cursors).toEqual([{ sinceId: mention(4).id, backfill: null }])
  })

  it('emits and saves nothing when there is nothing new', async () => {
    const f = await fake({ tweets: [mention(1)] })
    const run = recordingContext(xAccount(f.url), { cursor: { sinceId: mention(1).id, backfill: null } })
    await mentionsSource.poll(run.ctx)
    expect(run.emitted).toEqual([])
    expect(run.cursors).toEqual([])
  })

  it('refuses to run without a user id or a token, and fails on a revoked token without moving the cursor', async () => {
    const f = await fake({ tweets: [mention(1)] })
    await expect(mentionsSource.poll(recordingContext(xAccount(f.url, { userId: '' })).ctx)).rejects.toThrow(/userId/)
    await expect(mentionsSource.poll(recordingContext(xAccount(f.url, {}, { accessToken: '', bearerToken: '' })).ctx)).rejects.toThrow(/Token/)
    const revoked = recordingContext(xAccount(f.url, {}, { accessToken: 'revoked', bearerToken: '' }))
    await expect(mentionsSource.poll(revoked.ctx)).rejects.toThrow(/HTTP 401/)
    expect(revoked.cursors).toEqual([])
  })

  it('uses the app-only bearer token when there is no user token', async () => {
    const f = await fake({ tweets: [mention(1)] })
    const run = recordingContext(xAccount(f.url, {}, { accessToken: '' }))
    await mentionsSource.poll(run.ctx)
    expect(messageIds(run.emitted)).toEqual([mention(1).id])
    expect(mentionRequests(f)[0]?.headers['authorization']).toBe(`Bearer ${bearerToken}`)
  })
})

describe('mentions source: restart and backfill', () => {
  it('after a crash mid-walk, the next pass fetches the pages below what was stored, then moves since_id', async () => {
    const f = await fake({ tweets: range(0, 250).map((n) => mention(n)) })
    const crashing = recordingContext(xAccount(f.url), {
      cursor: { sinceId: mention(9).id, backfill: null },
      onEmit: (_units, all) => {
        if (all.length === 1) throw new Error('process killed')
      },
    })
    await expect(mentionsSource.poll(crashing.ctx)).rejects.toThrow('process killed')
    // Page 1 (249…150) was stored; the cursor says where the walk stopped, since_id has not moved.
    expect(crashing.cursors).toEqual([{ sinceId: mention(9).id, backfill: { newestId: mention(249).id, untilId: mention(150).id } }])

    f.addMention(mention(300)) // arrives while the server is down
    const restarted = recordingContext(xAccount(f.url), { cursor: crashing.ctx.cursor })
    await mentionsSource.poll(restarted.ctx)
    expect(messageIds(restarted.emitted)).toEqual(idsOf(range(10, 150)).reverse())
    const resumed = mentionRequests(f).slice(3)
    expect(resumed.every((r) => r.query.get('until_id') === mention(150).id && r.query.get('since_id') === mention(9).id)).toBe(true)
    expect(restarted.cursors.at(-1)).toEqual({ sinceId: mention(249).id, backfill: null })

    const next = recordingContext(xAccount(f.url), { cursor: restarted.ctx.cursor })
    await mentionsSource.poll(next.ctx)
    expect(messageIds(next.emitted)).toEqual([mention(300).id])
    const everything = new Set([...messageIds(crashing.emitted), ...messageIds(restarted.emitted), ...messageIds(next.emitted)])
    expect(everything).toEqual(new Set([...idsOf(range(10, 250)), mention(300).id]))
  })

  it('stops at pageCountMax and the next pass continues where it stopped', async () => {
    const f = await fake({ tweets: range(0, 250).map((n) => mention(n)) })
    const source = createMentionsSource({ pageCountMax: 1 })
    const seen: string[] = []
    let cursor: unknown = null
    for (let pass = 0; pass < 3; pass++) {
      const run = recordingContext(xAccount(f.url), { cursor })
      await source.poll(run.ctx)
      expect(run.emitted).toHaveLength(1)
      seen.push(...messageIds(run.emitted))
      cursor = run.ctx.cursor
    }
    expect(seen).toEqual(idsOf(range(0, 250)).reverse())
    expect(cursor).toEqual({ sinceId: mention(249).id, backfill: null })
  })

  it('reads stored cursors leniently', () => {
    expect(mentionsCursorOf(null)).toEqual({ sinceId: null, backfill: null })
    expect(mentionsCursorOf('123')).toEqual({ sinceId: '123', backfill: null })
    expect(mentionsCursorOf('12x')).toEqual({ sinceId: null, backfill: null })
    expect(mentionsCursorOf({ sinceId: '5', backfill: { newestId: '9', untilId: '7' } })).toEqual({ sinceId: '5', backfill: { newestId: '9', untilId: '7' } })
    expect(mentionsCursorOf({ sinceId: 5, backfill: { newestId: '9' } })).toEqual({ sinceId: null, backfill: null })
  })
})

describe('mentions source: rate limits', () => {
  it('on 429 waits until x-rate-limit-reset, then fetches the same page again', async () => {
    const f = await fake({ tweets: range(0, 3).map((n) => mention(n)) })
    const resetAt = Math.floor(Date.now() / 1000) + 60
    f.failNext({ status: 429, headers: { 'x-rate-limit-limit': '180', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetAt) }, body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 } })
    const run = recordingContext(xAccount(f.url))
    await mentionsSource.poll(run.ctx)
    expect(run.sleeps).toHaveLength(1)
    expect(run.sleeps[0]).toBeGreaterThan(58_000)
    expect(run.sleeps[0]).toBeLessThanOrEqual(60_000)
    expect(mentionRequests(f)).toHaveLength(2)
    expect(messageIds(run.emitted)).toEqual(idsOf([2, 1, 0]))
  })

  it('gives up the pass after repeated 429s without moving the cursor', async () => {
    const f = await fake({ tweets: [mention(1)] })
    f.failNext({ status: 429, times: 10, headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 900) } })
    const run = recordingContext(xAccount(f.url))
    await expect(createMentionsSource({ rateLimitWaitsMax: 2 }).poll(run.ctx)).rejects.toThrow(/HTTP 429/)
    expect(run.sleeps).toHaveLength(2)
    expect(run.cursors).toEqual([])
  })

  it('waits for the window reset when a page used the last request, so no 429 happens', async () => {
    const f = await fake({ tweets: range(0, 250).map((n) => mention(n)), rateLimit: { limit: 2, windowMs: 150 } })
    const run = recordingContext(xAccount(f.url), { sleepCapMs: 1_100 })
    await mentionsSource.poll(run.ctx)
    expect(messageIds(run.emitted)).toHaveLength(250)
    expect(run.sleeps).toHaveLength(1)
    // Three pages, three requests: a 429 would have cost a fourth.
    expect(mentionRequests(f)).toHaveLength(3)
  })
})

describe.skipIf(!hasSharedFixtures)('mentions source: shared fixtures', () => {
  it('serves the recorded mentions through the fake; the retweet is skipped by parse', async () => {
    const feed = xFakeFeedFromFixtures((file) => readFixture('x-twitter', file))
    x = await startXFake({ brandUserId: feed.brandUserId, tweets: feed.tweets, users: feed.users, accessToken })
    const run = recordingContext(xAccount(x.url, { userId: feed.brandUserId }))
    await mentionsSource.poll(run.ctx)
    const results = run.emitted.map((u) => parseXPayload(u))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(results.reduce((n, r) => n + (r.ok ? r.messages.length : 0), 0)).toBe(10)
    expect(results.reduce((n, r) => n + (r.ok ? r.skipped : 0), 0)).toBe(1)
    expect(run.cursors.at(-1)).toEqual({ sinceId: '1589681856941002753', backfill: null })
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { startRedditFake, type RedditFake, type RedditFakeOptions, type RedditThingWire } from './fake.ts'
import { parseRedditPayload } from './parse.ts'
import { cursorOf, redditSource } from './source.ts'
import { accountFor, credentials, sourceContext, userAgent, type RecordingSourceContext } from './test-context.ts'
import { commentThing, idAt, mentionThing, postThing } from './test-payloads.ts'

warnIfNoShared()

let fake: RedditFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function start(options: Partial<RedditFakeOptions> = {}): Promise<RedditFake> {
  fake = await startRedditFake({ ...credentials, ...options })
  return fake
}

/** Comments c0001 … newest first, as Reddit lists them. */
function comments(from: number, to: number): RedditThingWire[] {
  const list: RedditThingWire[] = []
  for (let n = to; n >= from; n--) list.push(commentThing(idAt('c', n)))
  return list
}

async function poll(ctx: RecordingSourceContext): Promise<void> {
  if (redditSource.kind !== 'poll') throw new Error('reddit is a poll source')
  await redditSource.poll(ctx)
}

function messagesOf(ctx: RecordingSourceContext): NormalizedMessage[] {
  return ctx.emitted.flat().flatMap((unit) => {
    const result = parseRedditPayload(unit)
    if (!result.ok) throw new Error(result.detail)
    return result.messages
  })
}

describe('reddit source', () => {
  it('reads the newest page of each listing with the token, User-Agent and raw_json=1, then saves the newest fullnames', async () => {
    const reddit = await start({ listings: {
      '/r/acme/new': [postThing('p2'), postThing('p1')],
      '/r/acme/comments': comments(1, 3),
      '/message/mentions': [mentionThing('m1')],
    } })
    const ctx = sourceContext(accountFor(reddit), null)
    await poll(ctx)
    expect(messagesOf(ctx).map((m) => m.externalId)).toEqual(['t3_p2', 't3_p1', 't1_c0003', 't1_c0002', 't1_c0001', 't1_m1'])
    expect(ctx.cursor).toEqual({ '/r/acme/new': 't3_p2', '/r/acme/comments': 't1_c0003', '/message/mentions': 't1_m1' })
    const listingRequests = reddit.requests.filter((r) => r.method === 'GET')
    expect(listingRequests.map((r) => r.path)).toEqual(['/r/acme/new', '/r/acme/comments', '/message/mentions'])
    for (const r of listingRequests) {
      expect(r.headers.authorization).toBe('bearer fake-reddit-token-1')
      expect(r.headers['user-agent']).toBe(userAgent)
      expect(r.query.get('raw_json')).toBe('1')
      expect(r.query.get('limit')).toBe('100')
    }
    const tokenRequest = reddit.requests.find((r) => r.path === '/api/v1/access_token')
    expect(new URLSearchParams(tokenRequest?.body.toString())).toEqual(new URLSearchParams({ grant_type: 'password', username: 'acme_care', password: 'hunter2' }))
  })

  it('caches the token across passes and marks the account’s own comments out', async () => {
    const reddit = await start({ listings: { '/r/acme/comments': [commentThing('c2', { author: 'acme_care' }), commentThing('c1')] } })
    const account = accountFor(reddit)
    const first = sourceContext(account, null)
    await poll(first)
    await poll(sourceContext(account, first.cursor))
    expect(reddit.tokensIssued()).toBe(1)
    expect(messagesOf(first).map((m) => [m.externalId, m.direction])).toEqual([['t1_c2', 'out'], ['t1_c1', 'in']])
  })

  it('backfills every page since the cursor after a pause, oldest page first, each thing once', async () => {
    const reddit = await start({ listings: { '/r/acme/comments': comments(1, 50) } })
    const account = accountFor(reddit)
    const first = sourceContext(account, null)
    await poll(first)
    expect(cursorOf(first.cursor)['/r/acme/comments']).toBe(`t1_${idAt('c', 50)}`)

    reddit.addThings('/r/acme/comments', comments(51, 280))
    const second = sourceContext(account, first.cursor)
    await poll(second)
    const ids = messagesOf(second).map((m) => m.externalId)
    expect(ids).toHaveLength(230)
    expect(new Set(ids).size).toBe(230)
    expect(ids.every((id) => id > `t1_${idAt('c', 50)}`)).toBe(true)
    // Emitted oldest page first, the cursor saved after each page.
    expect(second.emitted.map((units) => units.length)).toEqual([1, 1, 1])
    expect(second.saved.map((c) => cursorOf(c)['/r/acme/comments'])).toEqual([`t1_${idAt('c', 80)}`, `t1_${idAt('c', 180)}`, `t1_${idAt('c', 280)}`])
    expect(reddit.requests.filter((r) => r.path === '/r/acme/comments').map((r) => r.query.get('after'))).toEqual([
      null, null, `t1_${idAt('c', 181)}`, `t1_${idAt('c', 81)}`,
    ])
  })

  it('resumes after a crash mid-backfill from the last saved cursor without losing a page', async () => {
    const reddit = await start({ listings: { '/r/acme/comments': comments(1, 10) } })
    const account = accountFor(reddit)
    const first = sourceContext(account, null)
    await poll(first)
    reddit.addThings('/r/acme/comments', comments(11, 260))

    let emits = 0
    const crashing = sourceContext(account, first.cursor, async () => {
      if (++emits === 2) throw new Error('store went away')
    })
    await expect(poll(crashing)).rejects.toThrow('store went away')
    expect(crashing.saved).toHaveLength(1)

    const restarted = sourceContext(account, crashing.cursor)
    await poll(restarted)
    const seen = [...messagesOf(crashing), ...messagesOf(restarted)].map((m) => m.externalId)
    expect(new Set(seen).size).toBe(250)
    expect(seen).toHaveLength(250)
    expect(cursorOf(restarted.cursor)['/r/acme/comments']).toBe(`t1_${idAt('c', 260)}`)
  })

  it('stops at older ids when the cursor thing itself was deleted from the listing', async () => {
    const reddit = await start({ listings: { '/r/acme/comments': [...comments(20, 30), ...comments(1, 18)] } })
    const ctx = sourceContext(accountFor(reddit), { '/r/acme/comments': `t1_${idAt('c', 19)}` })
    await poll(ctx)
    expect(messagesOf(ctx).map((m) => m.externalId)).toEqual(comments(20, 30).map((t) => t.data.name))
  })

  it('waits for the reset when x-ratelimit-remaining reaches 0 instead of running into a 429', async () => {
    const reddit = await start({ rateLimit: { limit: 2, windowMs: 300 }, listings: { '/r/acme/new': [postThing('p1')] } })
    const ctx = sourceContext(accountFor(reddit), null)
    await poll(ctx)
    expect(ctx.sleeps).toHaveLength(1)
    expect(ctx.sleeps[0]).toBeGreaterThan(0)
    expect(ctx.sleeps[0]).toBeLessThanOrEqual(300)
    expect(ctx.emitted.flat()).toHaveLength(1)
    // One request per listing: none was answered 429 and asked again.
    expect(reddit.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(['/r/acme/new', '/r/acme/comments', '/message/mentions'])
  })

  it('waits x-ratelimit-reset seconds after a 429 and asks again', async () => {
    const reddit = await start({ listings: { '/r/acme/new': [postThing('p1')] } })
    reddit.failNext({ status: 429, pathPrefix: '/r/acme/new', headers: { 'x-ratelimit-remaining': '0.0', 'x-ratelimit-used': '600', 'x-ratelimit-reset': '0.25' } })
    const ctx = sourceContext(accountFor(reddit), null)
    await poll(ctx)
    expect(ctx.sleeps).toEqual([250])
    expect(messagesOf(ctx).map((m) => m.externalId)).toEqual(['t3_p1'])
    expect(reddit.requests.filter((r) => r.path === '/r/acme/new')).toHaveLength(2)
  })

  it('skips a private subreddit (403) and reads the other listings', async () => {
    const reddit = await start({ listings: { '/r/acme/comments': comments(1, 2) } })
    reddit.failNext({ status: 403, pathPrefix: '/r/acme/new', body: { reason: 'private', message: 'Forbidden', error: 403 } })
    const ctx = sourceContext(accountFor(reddit), null)
    await poll(ctx)
    expect(messagesOf(ctx)).toHaveLength(2)
  })

  it('gets a new token once when the cached one is revoked', async () => {
    const reddit = await start({ listings: { '/r/acme/new': [postThing('p1')] } })
    const account = accountFor(reddit)
    await poll(sourceContext(account, null))
    reddit.revokeTokens()
    reddit.addThings('/r/acme/new', [postThing('p2')])
    const ctx = sourceContext(account, { '/r/acme/new': 't3_p1' })
    await poll(ctx)
    expect(reddit.tokensIssued()).toBe(2)
    expect(messagesOf(ctx).map((m) => m.externalId)).toEqual(['t3_p2'])
  })

  it('fails the pass on wrong credentials (a wrong password is 200 invalid_grant at Reddit)', async () => {
    const reddit = await start()
    await expect(poll(sourceContext(accountFor(reddit, {}, { password: 'wrong' }), null))).rejects.toThrow(/invalid_grant/)
    await expect(poll(sourceContext(accountFor(reddit, {}, { clientSecret: 'wrong' }), null))).rejects.toThrow(/HTTP 401/)
  })

  it('uses the refresh-token grant when a refresh token is configured', async () => {
    const reddit = await start({ refreshToken: 'refresh-1', listings: { '/message/mentions': [mentionThing('m1')] } })
    const ctx = sourceContext(accountFor(reddit, { subreddits: '' }, { password: '', refreshToken: 'refresh-1' }), null)
    await poll(ctx)
    expect(messagesOf(ctx).map((m) => m.externalId)).toEqual(['t1_m1'])
    const tokenRequest = reddit.requests.find((r) => r.path === '/api/v1/access_token')
    expect(new URLSearchParams(tokenRequest?.body.toString()).get('grant_type')).toBe('refresh_token')
  })
})

describe.skipIf(!hasSharedFixtures)('reddit source: fake fed from the shared PRAW listings', () => {
  const childrenOf = (file: string) => (JSON.parse(readFixture('reddit', file)) as { data: { children: RedditThingWire[] } }).data.children

  it('pages the 100 recorded comments in pages of 100 and the mentions, all parseable', async () => {
    const reddit = await start({ listings: {
      '/r/AskReddit/new': childrenOf('listing_subreddit_new_t3.json'),
      '/r/AskReddit/comments': childrenOf('listing_subreddit_comments_t1.json'),
      '/message/mentions': childrenOf('listing_inbox_mentions.json'),
    } })
    const ctx = sourceContext(accountFor(reddit, { subreddits: 'AskReddit' }), null)
    await poll(ctx)
    const messages = messagesOf(ctx)
    expect(messages.filter((m) => m.externalId.startsWith('t3_'))).toHaveLength(100)
    expect(messages.filter((m) => m.externalId.startsWith('t1_'))).toHaveLength(116)
    expect(cursorOf(ctx.cursor)).toEqual({ '/r/AskReddit/new': 't3_48fbm9', '/r/AskReddit/comments': 't1_d4y8bdp', '/message/mentions': 't1_ekftbox' })
  })
})

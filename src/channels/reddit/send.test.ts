import { afterEach, describe, expect, it } from 'vitest'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { OutboundRequest, OutboundTarget } from '../types.ts'
import { startRedditFake, type RedditFake, type RedditFakeOptions } from './fake.ts'
import { reddit as redditChannel } from './index.ts'
import { failureFromErrors, rateLimitDelayMs, redditSender } from './send.ts'
import { accountFor, credentials, sendContext, userAgent } from './test-context.ts'
import { commentThing, postThing } from './test-payloads.ts'

warnIfNoShared()

let fake: RedditFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function start(options: Partial<RedditFakeOptions> = {}): Promise<RedditFake> {
  fake = await startRedditFake({ ...credentials, listings: { '/r/acme/new': [postThing('post1')], '/r/acme/comments': [commentThing('c1')] }, ...options })
  return fake
}

function target(externalId: string, visibility: 'public' | 'private' = 'public'): OutboundTarget {
  return {
    externalId, parentExternalId: null, threadExternalId: 't3_post1', visibility, authorExternalId: 'customer_a', authorHandle: 'customer_a',
    raw: { kind: externalId.slice(0, 2), data: { name: externalId } }, createdAt: new Date(),
  }
}

function request(action: OutboundRequest['action'], text: string, to = 't1_c1', ownExternalId: string | null = null): OutboundRequest {
  return { action, text, idempotencyKey: 'key-1', target: target(to), ownExternalId }
}

describe('reddit send: reply', () => {
  it('comments under the target fullname and returns the new comment', async () => {
    const reddit = await start()
    const result = await redditSender.send(request('reply', 'Sorry about that! DM us your order number.'), sendContext(accountFor(reddit)))
    expect(reddit.comments).toEqual([expect.objectContaining({ thingId: 't1_c1', text: 'Sorry about that! DM us your order number.', linkId: 't3_post1', userAgent })])
    const name = reddit.comments[0]!.name
    expect(result).toMatchObject({ ok: true, externalId: name, url: `https://www.reddit.com/r/acme/comments/post1/_/${name.slice(3)}/` })
    const posted = reddit.requests.find((r) => r.path === '/api/comment')!
    expect(Object.fromEntries(new URLSearchParams(posted.body.toString()))).toEqual({ thing_id: 't1_c1', text: 'Sorry about that! DM us your order number.', api_type: 'json' })
    expect(posted.query.get('raw_json')).toBe('1')
    expect(posted.headers['content-type']).toBe('application/x-www-form-urlencoded')
  })

  it('answers a post as a top-level comment', async () => {
    const reddit = await start()
    const result = await redditSender.send(request('reply', 'Thanks for the post', 't3_post1'), sendContext(accountFor(reddit)))
    expect(result.ok).toBe(true)
    expect(reddit.comments[0]).toMatchObject({ thingId: 't3_post1', linkId: 't3_post1' })
  })

  it('after a timeout, findSent finds the comment and the reply is posted exactly once', async () => {
    const reddit = await start()
    const account = accountFor(reddit)
    const req = request('reply', 'We are on it.')
    reddit.hangAfterNext('/api/comment')
    const first = await redditSender.send(req, sendContext(account, 1500))
    expect(first).toMatchObject({ ok: false, retryable: true })
    expect(reddit.comments).toHaveLength(1)

    const found = await redditSender.findSent!(req, sendContext(account))
    expect(found).toEqual({ externalId: reddit.comments[0]!.name, url: expect.stringContaining(reddit.comments[0]!.name.slice(3)) })
    expect(reddit.requests.at(-1)?.path).toBe('/user/acme_care/comments')
    expect(reddit.comments).toHaveLength(1)
  })

  it('findSent matches parent and text (line endings and outer blanks aside), and asks /api/v1/me without a username', async () => {
    const reddit = await start({ refreshToken: 'r1' })
    await redditSender.send(request('reply', 'Hello there'), sendContext(accountFor(reddit)))
    expect(await redditSender.findSent!(request('reply', 'Hello there!'), sendContext(accountFor(reddit)))).toBeNull()
    expect(await redditSender.findSent!(request('reply', 'Hello there', 't3_post1'), sendContext(accountFor(reddit)))).toBeNull()
    expect(await redditSender.findSent!(request('edit', 'Hello there'), sendContext(accountFor(reddit)))).toBeNull()
    const withoutUsername = accountFor(reddit, { username: '' }, { password: '', refreshToken: 'r1' })
    const found = await redditSender.findSent!(request('reply', 'Hello there\r\n'), sendContext(withoutUsername))
    expect(found?.externalId).toBe(reddit.comments[0]!.name)
    expect(reddit.requests.slice(-2).map((r) => r.path)).toEqual(['/api/v1/me', '/user/acme_care/comments'])
  })

  it.each([
    ['a deleted comment', (r: RedditFake) => r.deleteThing('t1_c1'), 'PARENT_GONE'],
    ['a locked thread', (r: RedditFake) => r.lockThing('t3_post1'), 'PARENT_GONE'],
  ])('maps %s onto a permanent code', async (_name, arrange, code) => {
    const reddit = await start()
    arrange(reddit)
    expect(await redditSender.send(request('reply', 'hi'), sendContext(accountFor(reddit)))).toMatchObject({ ok: false, retryable: false, code })
    expect(reddit.comments).toHaveLength(0)
  })

  it("reads Reddit's RATELIMIT error as retryable after the delay it names", async () => {
    const reddit = await start()
    reddit.failNext({ status: 200, pathPrefix: '/api/comment', body: { json: { errors: [['RATELIMIT', 'you are doing that too much. try again in 2 minutes.', 'ratelimit']] } } })
    expect(await redditSender.send(request('reply', 'hi'), sendContext(accountFor(reddit)))).toMatchObject({ ok: false, retryable: true, retryAfterMs: 120_000 })
  })

  it.each([
    [429, { 'x-ratelimit-reset': '42' }, { retryable: true, retryAfterMs: 42_000 }],
    [503, {}, { retryable: true, retryAfterMs: null }],
    [403, {}, { retryable: false, code: 'REJECTED' }],
    [404, {}, { retryable: false, code: 'PARENT_GONE' }],
  ])('maps HTTP %i', async (status, headers, expected) => {
    const reddit = await start()
    reddit.failNext({ status, headers, pathPrefix: '/api/comment' })
    expect(await redditSender.send(request('reply', 'hi'), sendContext(accountFor(reddit)))).toMatchObject({ ok: false, ...expected })
  })

  it('refuses too long, empty and private replies without calling Reddit', async () => {
    const reddit = await start()
    const ctx = sendContext(accountFor(reddit))
    expect(await redditSender.send(request('reply', 'x'.repeat(10_001)), ctx)).toMatchObject({ ok: false, code: 'REJECTED' })
    expect(await redditSender.send(request('reply', '  '), ctx)).toMatchObject({ ok: false, code: 'REJECTED' })
    expect(await redditSender.send({ ...request('reply', 'hi'), target: target('t4_msg1', 'private') }, ctx)).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' })
    expect(await redditSender.send(request('dm', 'hi'), ctx)).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' })
    expect(reddit.requests).toHaveLength(0)
  })

  it('maps a wrong password (200 invalid_grant) and a wrong app secret (401) onto AUTH_REVOKED', async () => {
    const reddit = await start()
    expect(await redditSender.send(request('reply', 'hi'), sendContext(accountFor(reddit, {}, { password: 'nope' })))).toMatchObject({ ok: false, code: 'AUTH_REVOKED' })
    expect(await redditSender.send(request('reply', 'hi'), sendContext(accountFor(reddit, {}, { clientSecret: 'nope' })))).toMatchObject({ ok: false, code: 'AUTH_REVOKED' })
  })
})

describe('reddit send: edit and delete of our own comment', () => {
  it('edits through /api/editusertext and deletes through /api/del', async () => {
    const reddit = await start()
    const account = accountFor(reddit)
    const sent = await redditSender.send(request('reply', 'first text'), sendContext(account))
    if (!sent.ok) throw new Error(sent.reason)
    const edited = await redditSender.send(request('edit', 'better text', 't1_c1', sent.externalId), sendContext(account))
    expect(edited).toMatchObject({ ok: true, externalId: sent.externalId })
    expect(reddit.edits).toEqual([{ thingId: sent.externalId, text: 'better text' }])
    const deleted = await redditSender.send(request('delete', '', 't1_c1', sent.externalId), sendContext(account))
    expect(deleted).toMatchObject({ ok: true, externalId: sent.externalId })
    expect(reddit.deletions).toEqual([sent.externalId])
    expect(Object.fromEntries(new URLSearchParams(reddit.requests.at(-1)!.body.toString()))).toEqual({ id: sent.externalId, api_type: 'json' })
  })

  it('refuses edit and delete without our own fullname, and editing a deleted comment is PARENT_GONE', async () => {
    const reddit = await start()
    const ctx = sendContext(accountFor(reddit))
    expect(await redditSender.send(request('edit', 'x'), ctx)).toMatchObject({ ok: false, code: 'REJECTED' })
    expect(await redditSender.send(request('delete', ''), ctx)).toMatchObject({ ok: false, code: 'REJECTED' })
    expect(await redditSender.send(request('edit', 'x', 't1_c1', 't1_gone1'), ctx)).toMatchObject({ ok: false, code: 'PARENT_GONE' })
  })
})

describe('reddit error mapping', () => {
  it.each([
    ['you are doing that too much. try again in 9 minutes.', 540_000],
    ['Take a break for 30 seconds before trying again.', 30_000],
    ['try again in 1 hour', 3_600_000],
    ['no delay said', null],
  ])('RATELIMIT delay of %j', (message, ms) => {
    expect(rateLimitDelayMs(message)).toBe(ms)
  })

  it.each([
    ['DELETED_LINK', 'PARENT_GONE'], ['TOO_OLD', 'PARENT_GONE'], ['USER_REQUIRED', 'AUTH_REVOKED'], ['TOO_LONG', 'REJECTED'], ['SUBREDDIT_NOTALLOWED', 'REJECTED'],
  ])('%s → %s', (code, expected) => {
    expect(failureFromErrors([[code, 'message', 'field']])).toMatchObject({ ok: false, retryable: false, code: expected })
  })
})

describe('reddit testConnection', () => {
  it('names the signed-in user, or says why not', async () => {
    const reddit = await start()
    expect(await redditChannel.testConnection!(sendContext(accountFor(reddit)))).toEqual({ ok: true, detail: 'signed in as u/acme_care' })
    expect(await redditChannel.testConnection!(sendContext(accountFor(reddit, {}, { password: 'nope' })))).toMatchObject({ ok: false })
  })
})

describe.skipIf(!hasSharedFixtures)('reddit send: recorded PRAW exchanges', () => {
  interface Exchange { request: { body: string }; response: { body: unknown } }
  const exchange = (file: string) => (JSON.parse(readFixture('reddit', file)) as { interactions: Exchange[] }).interactions[0]!

  it('sends the same form fields as the recorded reply and reads the recorded answer', async () => {
    const recorded = exchange('http_comment_reply.json')
    const reddit = await start()
    reddit.failNext({ status: 200, pathPrefix: '/api/comment', body: recorded.response.body })
    const result = await redditSender.send(request('reply', 'Comment reply', 't1_d1616q2'), sendContext(accountFor(reddit)))
    expect(result).toMatchObject({ ok: true, externalId: 't1_d1680wu', url: 'https://www.reddit.com/comments/4b1tfm/_/d1680wu/' })
    const sent = new URLSearchParams(reddit.requests.find((r) => r.path === '/api/comment')!.body.toString())
    expect(Object.fromEntries(sent)).toEqual(Object.fromEntries(new URLSearchParams(recorded.request.body)))
  })

  it('reads the recorded edit answer and sends the recorded delete form', async () => {
    const edit = exchange('http_comment_edit.json')
    const reddit = await start()
    reddit.failNext({ status: 200, pathPrefix: '/api/editusertext', body: edit.response.body })
    expect(await redditSender.send(request('edit', 'New text', 't1_x', 't1_d1616q2'), sendContext(accountFor(reddit)))).toMatchObject({ ok: true, externalId: 't1_d1616q2' })
    const sentEdit = new URLSearchParams(reddit.requests.find((r) => r.path === '/api/editusertext')!.body.toString())
    expect(Object.fromEntries(sentEdit)).toEqual(Object.fromEntries(new URLSearchParams(edit.request.body)))
    await redditSender.send(request('delete', '', 't1_x', 't1_d1616q2'), sendContext(accountFor(reddit)))
    const sentDelete = new URLSearchParams(reddit.requests.find((r) => r.path === '/api/del')!.body.toString())
    expect(Object.fromEntries(sentDelete)).toEqual(Object.fromEntries(new URLSearchParams(exchange('http_comment_delete.json').request.body)))
  })
})

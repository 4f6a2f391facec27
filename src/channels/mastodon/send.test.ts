import { afterEach, describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { SendResult } from '../types.ts'
import { startMastodonFake, type MastodonFake, type MastodonFakeOptions } from './fake.ts'
import { mastodon } from './index.ts'
import { parseMastodonPayload } from './parse.ts'
import { mastodonSender, withMention } from './send.ts'
import { accountFor, request, sendContext, targetOf, token } from './test-context.ts'
import { statusEntity } from './test-payloads.ts'

warnIfNoShared()

const publicStatus = statusEntity('112000000000000010')
const directStatus = statusEntity('112000000000000020', { visibility: 'direct' })
const followersStatus = statusEntity('112000000000000030', { visibility: 'private' })

let fake: MastodonFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function start(options: Partial<MastodonFakeOptions> = {}): Promise<MastodonFake> {
  fake = await startMastodonFake({ accessToken: token, statuses: [publicStatus, directStatus, followersStatus], ...options })
  return fake
}

function message(entity: Record<string, unknown>): NormalizedMessage {
  const result = parseMastodonPayload({ body: JSON.stringify(entity) })
  if (!result.ok || result.messages[0] === undefined) throw new Error('test status does not parse')
  return result.messages[0]
}

function expectOk(result: SendResult): Extract<SendResult, { ok: true }> {
  expect(result.ok, JSON.stringify(result)).toBe(true)
  if (!result.ok) throw new Error('not ok')
  return result
}

describe('mastodon send: reply', () => {
  it('posts a public reply under the status with the customer mentioned, the bearer token and the Idempotency-Key', async () => {
    const f = await start()
    const req = request('reply', targetOf(message(publicStatus)), 'Sorry! We are on it.')
    const result = expectOk(await mastodonSender.send(req, sendContext(accountFor(f.url))))
    expect(f.posted).toHaveLength(1)
    expect(f.posted[0]).toMatchObject({ status: '@alice@other.example Sorry! We are on it.', in_reply_to_id: '112000000000000010', visibility: 'public', idempotencyKey: req.idempotencyKey })
    expect(result.externalId).toBe(f.posted[0]?.id)
    expect(result.url).toBe(`${f.url}/@brand/${result.externalId}`)
    const post = f.requests.find((r) => r.method === 'POST')
    expect(post?.headers['authorization']).toBe(`Bearer ${token}`)
    expect(post?.headers['content-type']).toContain('application/json')
  })

  it('answers unlisted when the account says so, and never more visibly than the status answered', async () => {
    const f = await start()
    await mastodonSender.send(request('reply', targetOf(message(publicStatus)), 'a'), sendContext(accountFor(f.url, { replyVisibility: 'unlisted' })))
    await mastodonSender.send(request('reply', targetOf(message(followersStatus)), 'b'), sendContext(accountFor(f.url)))
    await mastodonSender.send(request('reply', targetOf(message(statusEntity('112000000000000010', { visibility: 'unlisted' }))), 'c'), sendContext(accountFor(f.url)))
    expect(f.posted.map((p) => p.visibility)).toEqual(['unlisted', 'private', 'unlisted'])
  })

  it('answers a direct message privately (visibility direct, threaded under it)', async () => {
    const f = await start()
    expectOk(await mastodonSender.send(request('reply', targetOf(message(directStatus)), 'Please send your order number'), sendContext(accountFor(f.url, { replyVisibility: 'public' }))))
    expect(f.posted[0]).toMatchObject({ visibility: 'direct', in_reply_to_id: '112000000000000020', status: '@alice@other.example Please send your order number' })
  })

  it('sends a dm as a direct status mentioning the customer, not threaded under their public post', async () => {
    const f = await start()
    expectOk(await mastodonSender.send(request('dm', targetOf(message(publicStatus)), 'What is your order number?'), sendContext(accountFor(f.url))))
    expect(f.posted[0]).toMatchObject({ visibility: 'direct', in_reply_to_id: null, status: '@alice@other.example What is your order number?' })
  })

  it('falls back to the stored author handle when raw is not a parsed status', async () => {
    const f = await start()
    const target = { ...targetOf(message(publicStatus)), raw: null, authorHandle: 'carol' }
    expectOk(await mastodonSender.send(request('reply', target, 'hi'), sendContext(accountFor(f.url))))
    expect(f.posted[0]).toMatchObject({ status: '@carol hi', in_reply_to_id: '112000000000000010', visibility: 'public' })
  })

  it('a retry after a timeout (same Idempotency-Key) gets the status already made: posted exactly once', async () => {
    const f = await start()
    const req = request('reply', targetOf(message(publicStatus)), 'Looking into it')
    f.hangAfterNext('/api/v1/statuses')
    const first = await mastodonSender.send(req, sendContext(accountFor(f.url), AbortSignal.timeout(1500)))
    expect(first).toMatchObject({ ok: false, retryable: true })
    expect(f.posted).toHaveLength(1)
    const second = expectOk(await mastodonSender.send(req, sendContext(accountFor(f.url))))
    expect(second.externalId).toBe(f.posted[0]?.id)
    expect(f.posted).toHaveLength(1)
    expect(f.requests.filter((r) => r.method === 'POST')).toHaveLength(2)
    // A different key is a different reply: the fake does not dedupe by text.
    expectOk(await mastodonSender.send({ ...req, idempotencyKey: 'other-key' }, sendContext(accountFor(f.url))))
    expect(f.posted).toHaveLength(2)
  })

  it('maps a deleted parent (404) to PARENT_GONE', async () => {
    const f = await start()
    const gone = message(statusEntity('112000000000000099'))
    expect(await mastodonSender.send(request('reply', targetOf(gone), 'x'), sendContext(accountFor(f.url))))
      .toMatchObject({ ok: false, retryable: false, code: 'PARENT_GONE', reason: 'HTTP 404: The status you are trying to reply to does not appear to exist.' })
  })

  it('maps a bad token (401) and a forbidden account (403) to AUTH_REVOKED', async () => {
    const f = await start()
    const target = targetOf(message(publicStatus))
    expect(await mastodonSender.send(request('reply', target, 'x'), sendContext(accountFor(f.url, {}, { accessToken: 'wrong' }))))
      .toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED', reason: 'HTTP 401: The access token is invalid' })
    f.failNext({ status: 403, body: { error: 'Your login is currently disabled' } })
    expect(await mastodonSender.send(request('reply', target, 'x'), sendContext(accountFor(f.url)))).toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED' })
    expect(f.posted).toHaveLength(0)
  })

  it('maps a refused text (422: too long) to REJECTED', async () => {
    const f = await start()
    expect(await mastodonSender.send(request('reply', targetOf(message(publicStatus)), 'x'.repeat(501)), sendContext(accountFor(f.url))))
      .toMatchObject({ ok: false, retryable: false, code: 'REJECTED', reason: 'HTTP 422: Validation failed: Text character limit of 500 exceeded' })
  })

  it('maps 429 to retryable with the wait until X-RateLimit-Reset, and 5xx to retryable', async () => {
    const f = await start({ rateLimit: { limit: 1, windowMs: 2_000 } })
    const target = targetOf(message(publicStatus))
    expectOk(await mastodonSender.send(request('reply', target, 'one'), sendContext(accountFor(f.url))))
    const limited = await mastodonSender.send(request('reply', target, 'two'), sendContext(accountFor(f.url)))
    expect(limited).toMatchObject({ ok: false, retryable: true })
    const wait = !limited.ok && limited.retryable ? limited.retryAfterMs : null
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(2_000)
    expect(f.posted).toHaveLength(1)
  })

  it('maps a 503 to retryable without a wait', async () => {
    const f = await start()
    f.failNext({ status: 503 })
    expect(await mastodonSender.send(request('reply', targetOf(message(publicStatus)), 'x'), sendContext(accountFor(f.url)))).toMatchObject({ ok: false, retryable: true, retryAfterMs: null })
  })
})

describe('mastodon send: edit, delete, like', () => {
  it('edits our reply with PUT, keeping the customer mention', async () => {
    const f = await start()
    const target = targetOf(message(publicStatus))
    const sent = expectOk(await mastodonSender.send(request('reply', target, 'first'), sendContext(accountFor(f.url))))
    const edited = expectOk(await mastodonSender.send(request('edit', target, 'second', { ownExternalId: sent.externalId }), sendContext(accountFor(f.url))))
    expect(edited.externalId).toBe(sent.externalId)
    expect(f.edits).toEqual([{ id: sent.externalId, status: '@alice@other.example second' }])
    expect(f.requests.at(-1)).toMatchObject({ method: 'PUT', path: `/api/v1/statuses/${sent.externalId}` })
  })

  it('maps editing a status that is not ours (404) to PARENT_GONE', async () => {
    const f = await start()
    expect(await mastodonSender.send(request('edit', targetOf(message(publicStatus)), 'x'), sendContext(accountFor(f.url)))).toMatchObject({ ok: false, code: 'PARENT_GONE' })
  })

  it('deletes our reply, and treats a repeat (already gone) as done', async () => {
    const f = await start()
    const target = targetOf(message(publicStatus))
    const sent = expectOk(await mastodonSender.send(request('reply', target, 'oops'), sendContext(accountFor(f.url))))
    const del = request('delete', target, '', { ownExternalId: sent.externalId })
    expect(expectOk(await mastodonSender.send(del, sendContext(accountFor(f.url)))).externalId).toBe(sent.externalId)
    expect(f.deleted).toEqual([sent.externalId])
    expectOk(await mastodonSender.send(del, sendContext(accountFor(f.url))))
    expect(f.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2)
  })

  it('favourites the customer status', async () => {
    const f = await start()
    expectOk(await mastodonSender.send(request('like', targetOf(message(publicStatus))), sendContext(accountFor(f.url))))
    expect(f.favourited).toEqual(['112000000000000010'])
    expect(f.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/statuses/112000000000000010/favourite' })
  })

  it('says NOT_SUPPORTED for hide (Mastodon cannot hide replies)', async () => {
    const f = await start()
    expect(await mastodonSender.send(request('hide', targetOf(message(publicStatus))), sendContext(accountFor(f.url)))).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
    expect(f.requests).toHaveLength(0)
  })
})

describe('withMention', () => {
  it.each([
    ['hello', 'alice', '@alice hello'],
    ['@alice hello', 'alice', '@alice hello'],
    ['thanks @Alice!', 'alice', 'thanks @Alice!'],
    ['@alicex hello', 'alice', '@alice @alicex hello'],
    ['@alice@other.example hi', 'alice', '@alice @alice@other.example hi'],
    ['@bob@other.example. hi', 'bob@other.example', '@bob@other.example. hi'],
    ['hello', null, 'hello'],
  ])('%s → %s', (text, acct, expected) => {
    expect(withMention(text, acct)).toBe(expected)
  })

  it('does not mention the brand itself when the target is our own status', async () => {
    const f = await start()
    const own = message(statusEntity('112000000000000040', { account: { id: '109000000000000001', acct: 'brand' } }))
    f.statuses.set('112000000000000040', { id: '112000000000000040', account: { id: '109000000000000001' } })
    expectOk(await mastodonSender.send(request('reply', targetOf(own), 'follow-up'), sendContext(accountFor(f.url))))
    expect(f.posted[0]?.status).toBe('follow-up')
  })
})

describe('mastodon testConnection', () => {
  it('says who we are with a good token, and what failed with a bad one', async () => {
    const f = await start()
    expect(await mastodon.testConnection?.(sendContext(accountFor(f.url)))).toEqual({ ok: true, detail: `@brand on ${new URL(f.url).host}` })
    expect(await mastodon.testConnection?.(sendContext(accountFor(f.url, {}, { accessToken: 'nope' })))).toEqual({ ok: false, detail: 'HTTP 401: The access token is invalid' })
  })
})

describe.skipIf(!hasSharedFixtures)('mastodon send: shared fixtures', () => {
  it('replies to the fixture reply (unlisted, remote author): unlisted, threaded, @freon@letsalllovela.in mentioned', async () => {
    const entity = JSON.parse(readFixture('mastodon', 'status_reply_with_mention.json')) as Record<string, unknown>
    const f = await start({ statuses: [entity] })
    expectOk(await mastodonSender.send(request('reply', targetOf(message(entity)), 'Glad it worked!'), sendContext(accountFor(f.url))))
    expect(f.posted[0]).toMatchObject({ status: '@freon@letsalllovela.in Glad it worked!', in_reply_to_id: '108914327388663283', visibility: 'unlisted' })
  })
})

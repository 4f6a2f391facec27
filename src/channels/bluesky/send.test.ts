import { afterEach, describe, expect, it } from 'vitest'
import { did, jetstreamPost, postUri } from '../../testing/payloads.ts'
import { hasSharedFixtures, readFixture } from '../../testing/shared.ts'
import { jsonLines } from '../testing.ts'
import type { OutboundTarget, SendResult } from '../types.ts'
import { startBlueskyFake, type BlueskyFake, type BlueskyFakeOptions } from './fake.ts'
import { bluesky } from './index.ts'
import { parseJetstreamEvent } from './parse.ts'
import { graphemeCount } from '../../core/text.ts'
import { blueskySender } from './send.ts'
import { tidPattern } from './tid.ts'
import { fakeAccount, outbound, sendContext } from './test-support.ts'

const customer = did(7)
const rootLine = jetstreamPost({ did: did(8), rkey: '3mmojbrjwbs26', text: 'We launched!' })
const topLevelLine = jetstreamPost({ did: customer, rkey: '3mmoojp4cd223', text: 'My order never arrived @brand.example.com' })
const replyLine = jetstreamPost({ did: customer, rkey: '3mmoojp4cd224', text: 'still waiting', reply: { rootRkey: '3mmojbrjwbs26', rootDid: did(8) } })

let fake: BlueskyFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function startFake(options: BlueskyFakeOptions = {}): Promise<BlueskyFake> {
  fake = await startBlueskyFake({ events: [rootLine, topLevelLine, replyLine], handles: { 'alice.example.com': 'did:plc:alice' }, ...options })
  return fake
}

/** The stored customer message, as parse made it. */
function targetOf(line: string): OutboundTarget {
  const result = parseJetstreamEvent({ body: line })
  if (!result.ok || result.messages[0] === undefined) throw new Error('fixture line did not parse')
  const m = result.messages[0]
  return {
    externalId: m.externalId, parentExternalId: m.parentExternalId, threadExternalId: m.threadExternalId, visibility: m.visibility,
    authorExternalId: m.author?.externalUserId ?? null, authorHandle: m.author?.handle ?? null, raw: m.raw, createdAt: m.createdAt,
  }
}

function cidOf(line: string): string {
  return (JSON.parse(line) as { commit: { cid: string } }).commit.cid
}

function expectSent(result: SendResult): { externalId: string; url: string | null; raw: unknown } {
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true })
  if (!result.ok) throw new Error(result.reason)
  return result
}

function createRecordCalls(f: BlueskyFake): number {
  return f.http.requests.filter((r) => r.path === '/xrpc/com.atproto.repo.createRecord').length
}

describe('bluesky send: replies', () => {
  it('replies to a top-level post with root = parent = the post, under a TID rkey', async () => {
    const f = await startFake()
    const account = fakeAccount(f)
    const result = expectSent(await blueskySender.send(outbound(targetOf(topLevelLine), { text: 'Sorry! We are checking.' }), sendContext(account)))
    const [posted] = f.posts()
    expect(f.posts()).toHaveLength(1)
    const ref = { uri: postUri(customer, '3mmoojp4cd223'), cid: cidOf(topLevelLine) }
    expect(posted?.value).toMatchObject({ $type: 'app.bsky.feed.post', text: 'Sorry! We are checking.', reply: { root: ref, parent: ref } })
    expect(posted?.value).not.toHaveProperty('facets')
    expect(posted?.rkey).toMatch(tidPattern)
    expect(result.externalId).toBe(`at://${f.did}/app.bsky.feed.post/${posted?.rkey}`)
    expect(result.url).toBe(`https://bsky.app/profile/${f.did}/post/${posted?.rkey}`)
    expect(f.http.requests.find((r) => r.path.endsWith('createRecord'))?.headers.authorization).toMatch(/^Bearer /)
  })

  it('keeps the thread root of a reply and answers the reply itself as parent', async () => {
    const f = await startFake()
    expectSent(await blueskySender.send(outbound(targetOf(replyLine)), sendContext(fakeAccount(f))))
    const reply = f.posts()[0]?.value.reply
    expect(reply).toEqual({
      root: { uri: postUri(did(8), '3mmojbrjwbs26'), cid: 'bafyreiaxf7tgbfydx3465sckitq6v564thxe2wwydbi7cwxbxvgssje3em' },
      parent: { uri: postUri(customer, '3mmoojp4cd224'), cid: cidOf(replyLine) },
    })
  })

  it('reads the target from the network when the stored raw has no cid', async () => {
    const f = await startFake()
    const target = { ...targetOf(replyLine), raw: null }
    expectSent(await blueskySender.send(outbound(target), sendContext(fakeAccount(f))))
    expect(f.posts()[0]?.value.reply).toMatchObject({ root: { uri: postUri(did(8), '3mmojbrjwbs26') }, parent: { uri: postUri(customer, '3mmoojp4cd224'), cid: cidOf(replyLine) } })
  })

  it('marks mentions with byte-offset facets and the resolved did, links too', async () => {
    const f = await startFake()
    const text = 'Olá 👋🏽 café — @alice.example.com will help, @nobody.example too: https://status.example.com'
    expectSent(await blueskySender.send(outbound(targetOf(topLevelLine), { text }), sendContext(fakeAccount(f))))
    const facets = f.posts()[0]?.value.facets as { index: { byteStart: number; byteEnd: number }; features: { $type: string }[] }[]
    expect(facets).toHaveLength(2)
    const [mention, link] = facets
    expect(mention?.features).toEqual([{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:alice' }])
    expect(mention?.index).toEqual({ byteStart: 24, byteEnd: 42 })
    const bytes = Buffer.from(text, 'utf8')
    expect(bytes.subarray(mention!.index.byteStart, mention!.index.byteEnd).toString()).toBe('@alice.example.com')
    expect(bytes.subarray(link!.index.byteStart, link!.index.byteEnd).toString()).toBe('https://status.example.com')
  })

  it('counts 300 graphemes, not UTF-16 units: 300 emoji pass, 301 letters are refused without a request', async () => {
    const f = await startFake()
    const account = fakeAccount(f)
    const emoji = '👍🏽'.repeat(300)
    expect(emoji.length).toBe(1_200)
    expect(graphemeCount(emoji)).toBe(300)
    expectSent(await blueskySender.send(outbound(targetOf(topLevelLine), { text: emoji }), sendContext(account)))
    const before = f.http.requests.length
    expect(await blueskySender.send(outbound(targetOf(topLevelLine), { text: 'a'.repeat(301) }), sendContext(account))).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
    expect(await blueskySender.send(outbound(targetOf(topLevelLine), { text: '   ' }), sendContext(account))).toMatchObject({ ok: false, code: 'REJECTED' })
    expect(f.http.requests.length).toBe(before)
    expect(bluesky.replyLengthMax).toBe(300)
  })

  it('reuses the session across sends and makes a new one once when the token expired', async () => {
    const f = await startFake()
    const account = fakeAccount(f)
    expectSent(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account)))
    expectSent(await blueskySender.send(outbound(targetOf(replyLine)), sendContext(account)))
    expect(f.sessionsCreated()).toBe(1)
    f.expireTokens()
    expectSent(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account)))
    expect(f.sessionsCreated()).toBe(2)
    expect(f.posts()).toHaveLength(3)
  })

  it('gives AUTH_REVOKED when the app password no longer works', async () => {
    const f = await startFake()
    const account = fakeAccount(f)
    expectSent(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account)))
    f.revokeAppPassword()
    expect(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account))).toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED' })
    expect(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(fakeAccount(f, {}, { appPassword: '' })))).toMatchObject({ ok: false, code: 'AUTH_REVOKED' })
  })

  it('gives PARENT_GONE when the post being answered was deleted', async () => {
    const f = await startFake()
    f.deletePost(postUri(customer, '3mmoojp4cd223'))
    expect(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(fakeAccount(f)))).toMatchObject({ ok: false, retryable: false, code: 'PARENT_GONE' })
    expect(await blueskySender.send(outbound({ ...targetOf(topLevelLine), raw: null }), sendContext(fakeAccount(f)))).toMatchObject({ ok: false, code: 'PARENT_GONE' })
    expect(f.posts()).toHaveLength(0)
  })

  it('maps a 429 to a retry after ratelimit-reset and a 502 to a plain retry', async () => {
    const f = await startFake()
    const account = fakeAccount(f)
    const resetS = Math.ceil(Date.now() / 1000) + 30
    f.http.failNext({ status: 429, pathPrefix: '/xrpc/com.atproto.repo.createRecord', headers: { 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(resetS) }, body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' } })
    const limited = await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account))
    expect(limited).toMatchObject({ ok: false, retryable: true })
    const wait = limited.ok || !limited.retryable ? 0 : limited.retryAfterMs ?? 0
    expect(wait).toBeGreaterThan(28_000)
    expect(wait).toBeLessThanOrEqual(31_000)
    f.http.failNext({ status: 502, pathPrefix: '/xrpc/com.atproto.repo.createRecord' })
    expect(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account))).toMatchObject({ ok: false, retryable: true, retryAfterMs: null })
    expect(f.posts()).toHaveLength(0)
  })

  it('honours the PDS rate limit window (real 429 with ratelimit headers)', async () => {
    const f = await startFake({ rateLimit: { limit: 2, windowMs: 60_000 } })
    const account = fakeAccount(f)
    expectSent(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account)))
    const limited = await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account))
    expect(limited).toMatchObject({ ok: false, retryable: true })
    expect(limited.ok || !limited.retryable ? null : limited.retryAfterMs).toBeGreaterThan(50_000)
    expect(f.http.requests.at(-1)?.path).toBe('/xrpc/com.atproto.repo.createRecord')
  })

  it.each(['dm', 'hide', 'edit'] as const)('refuses %s as NOT_SUPPORTED', async (action) => {
    const f = await startFake()
    expect(await blueskySender.send(outbound(targetOf(topLevelLine), { action }), sendContext(fakeAccount(f)))).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
    expect(blueskySender.actions).not.toContain(action)
  })

  it('refuses a private reply (no DMs in this channel)', async () => {
    const f = await startFake()
    expect(await blueskySender.send(outbound({ ...targetOf(topLevelLine), visibility: 'private' }), sendContext(fakeAccount(f)))).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' })
  })
})

describe('bluesky send: never twice after a timeout', () => {
  it.each(['server-error', 'conflict'] as const)('finds the post of a timed-out attempt and a second send reads it back (duplicate rkey: %s)', async (duplicateRkey) => {
    const f = await startFake({ duplicateRkey })
    const account = fakeAccount(f)
    const req = outbound(targetOf(topLevelLine), { text: 'Reply that times out' })
    f.http.hangAfterNext('/xrpc/com.atproto.repo.createRecord')
    const first = await blueskySender.send(req, sendContext(account, 1500))
    expect(first).toMatchObject({ ok: false, retryable: true })
    expect(f.posts()).toHaveLength(1)

    const found = await blueskySender.findSent?.(req, sendContext(account))
    expect(found).toEqual({ externalId: f.posts()[0]?.uri, url: `https://bsky.app/profile/${f.did}/post/${f.posts()[0]?.rkey}` })

    // A worker without findSent (or whose findSent failed) sends again: the rkey collides and we read it back.
    const second = expectSent(await blueskySender.send(req, sendContext(account)))
    expect(second.externalId).toBe(f.posts()[0]?.uri)
    expect(f.posts()).toHaveLength(1)
    expect(createRecordCalls(f)).toBe(2)
  })

  it('findSent is null when the attempt never reached the PDS', async () => {
    const f = await startFake()
    const req = outbound(targetOf(topLevelLine))
    f.http.failNext({ status: 503, pathPrefix: '/xrpc/com.atproto.repo.createRecord' })
    expect(await blueskySender.send(req, sendContext(fakeAccount(f)))).toMatchObject({ ok: false, retryable: true })
    expect(await blueskySender.findSent?.(req, sendContext(fakeAccount(f)))).toBeNull()
    expectSent(await blueskySender.send(req, sendContext(fakeAccount(f))))
    expect(f.posts()).toHaveLength(1)
  })

  it('what send stores as raw parses back to the same post, so a reply to our reply threads right', async () => {
    const f = await startFake()
    const account = fakeAccount(f)
    const sent = expectSent(await blueskySender.send(outbound(targetOf(replyLine)), sendContext(account)))
    const parsed = parseJetstreamEvent({ body: JSON.stringify(sent.raw) })
    expect(parsed.ok && parsed.messages[0]).toMatchObject({ externalId: sent.externalId, threadExternalId: postUri(did(8), '3mmojbrjwbs26') })
    const own = { ...targetOf(JSON.stringify(sent.raw)) }
    expectSent(await blueskySender.send(outbound(own), sendContext(account)))
    expect(f.posts()[1]?.value.reply).toMatchObject({ root: { uri: postUri(did(8), '3mmojbrjwbs26') }, parent: { uri: sent.externalId, cid: f.posts()[0]?.cid } })
  })
})

describe('bluesky send: like and delete', () => {
  it('likes the target with a strong ref, once per idempotency key', async () => {
    const f = await startFake()
    const account = fakeAccount(f)
    const req = outbound(targetOf(replyLine), { action: 'like', text: '' })
    const liked = expectSent(await blueskySender.send(req, sendContext(account)))
    const [like] = f.records('app.bsky.feed.like')
    expect(like?.value).toMatchObject({ $type: 'app.bsky.feed.like', subject: { uri: postUri(customer, '3mmoojp4cd224'), cid: cidOf(replyLine) } })
    expect(liked).toMatchObject({ externalId: like?.uri, url: null })
    expectSent(await blueskySender.send(req, sendContext(account)))
    expect(f.records('app.bsky.feed.like')).toHaveLength(1)
    expect(await blueskySender.findSent?.(req, sendContext(account))).toEqual({ externalId: like?.uri, url: null })
  })

  it('deletes our own post and refuses to delete the customer\'s', async () => {
    const f = await startFake()
    const account = fakeAccount(f)
    const sent = expectSent(await blueskySender.send(outbound(targetOf(topLevelLine)), sendContext(account)))
    expect(f.posts()).toHaveLength(1)
    const deleted = await blueskySender.send(outbound(targetOf(topLevelLine), { action: 'delete', text: '', ownExternalId: sent.externalId }), sendContext(account))
    expect(deleted).toMatchObject({ ok: true, externalId: sent.externalId })
    expect(f.posts()).toHaveLength(0)
    expect(await blueskySender.send(outbound(targetOf(topLevelLine), { action: 'delete', text: '' }), sendContext(account))).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' })
  })
})

describe('bluesky testConnection', () => {
  it('signs in with the app password and reports who we are', async () => {
    const f = await startFake()
    expect(await bluesky.testConnection?.(sendContext(fakeAccount(f)))).toEqual({ ok: true, detail: `signed in as @${f.handle} (${f.did})` })
    expect(await bluesky.testConnection?.(sendContext(fakeAccount(f, {}, { appPassword: 'wrong' })))).toMatchObject({ ok: false, detail: expect.stringMatching(/Invalid identifier or password/) })
  })

  it('declares the settings and secrets the code reads', () => {
    expect(bluesky.accountFields).toEqual({ settings: ['jetstreamUrl', 'wantedDids', 'pdsUrl', 'appViewUrl', 'handle', 'did'], secrets: ['appPassword'] })
    expect(bluesky.source?.kind).toBe('stream')
  })
})

describe.skipIf(!hasSharedFixtures)('bluesky send: shared fixture targets', () => {
  it('replies to the captured reply post with its root and parent refs', async () => {
    const lines = jsonLines(readFixture('bluesky', 'jetstream_v1_golden_mixed.jsonl'))
    const line = lines.find((l) => l.includes('"app.bsky.feed.post"') && l.includes('"create"'))
    if (line === undefined) throw new Error('no post in the golden file')
    const f = await startFake({ events: lines })
    expectSent(await blueskySender.send(outbound(targetOf(line)), sendContext(fakeAccount(f))))
    expect(f.posts()[0]?.value.reply).toEqual({
      root: { cid: 'bafyreiainko5un5pbcdosvxpbisjnjzemojnry6nsgtdftdgslbu37kxai', uri: 'at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26' },
      parent: { uri: 'at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223', cid: 'bafyreicl7rzkxdrm4zz2ehbx52kuk3mvfow6p3gzfys72r5grvskxoswy4' },
    })
  })
})

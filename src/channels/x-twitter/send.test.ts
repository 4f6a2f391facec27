import { afterEach, describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { OutboundAction, OutboundRequest, OutboundTarget, SendContext } from '../types.ts'
import { isRecord } from '../wire.ts'
import { startXFake, xFakeFeedFromFixtures, type XFake, type XFakeOptions } from './fake.ts'
import { xTwitter } from './index.ts'
import { parseXPayload } from './parse.ts'
import { comparableText, dmParticipantId, replyTargetId, testXConnection, xFailure, xSender } from './send.ts'
import { filteredStream, mentionsSource } from './source.ts'
import { accessToken, bearerToken, brandId, brandUser, customers, mention, xAccount } from './testing.ts'
import { verifyXWebhook } from './verify.ts'

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

function context(f: XFake, over: { settings?: Record<string, string>; secrets?: Record<string, string>; timeoutMs?: number } = {}): SendContext {
  return { account: xAccount(f.url, over.settings, over.secrets), fetch, signal: AbortSignal.timeout(over.timeoutMs ?? 5_000), now: () => new Date() }
}

/** The stored message the way the pipeline keeps it: what parse made of the platform's body. */
function targetOf(body: unknown): OutboundTarget {
  const result = parseXPayload({ body: JSON.stringify(body) })
  const m: NormalizedMessage | undefined = result.ok ? result.messages[0] : undefined
  if (m === undefined) throw new Error(`no message in ${JSON.stringify(result)}`)
  return {
    externalId: m.externalId, parentExternalId: m.parentExternalId, threadExternalId: m.threadExternalId, visibility: m.visibility,
    authorExternalId: m.author?.externalUserId ?? null, authorHandle: m.author?.handle ?? null, raw: m.raw, createdAt: m.createdAt,
  }
}

function request(action: OutboundAction, target: OutboundTarget, text = '', ownExternalId: string | null = null): OutboundRequest {
  return { action, text, idempotencyKey: 'outbox-1', target, ownExternalId }
}

const customerTweet = mention(1)
const publicTarget = () => targetOf({ data: customerTweet, includes: { users: [customers[1]] } })
const customerDm = {
  for_user_id: brandId,
  direct_message_events: [{
    type: 'message_create', id: '1800000000000009001', created_timestamp: String(Date.parse('2024-06-01T12:00:00Z')),
    message_create: { target: { recipient_id: brandId }, sender_id: customers[3]?.id, message_data: { text: 'where is my order?' } },
  }],
  users: { [customers[3]?.id ?? '']: { id: customers[3]?.id, screen_name: 'customer_3', name: 'Customer 3' } },
}
const postRequests = (f: XFake) => f.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets')

describe('X channel object', () => {
  it('offers webhooks, mentions polling, sending and a connection test with the fields it reads', () => {
    expect(xTwitter).toMatchObject({ verify: verifyXWebhook, source: mentionsSource, send: xSender, testConnection: testXConnection })
    expect(filteredStream.kind).toBe('stream')
    expect(xTwitter.accountFields).toEqual({ settings: ['apiBaseUrl', 'userId', 'handle', 'stream'], secrets: ['accessToken', 'consumerSecret', 'bearerToken'] })
    expect(xSender.actions).toEqual(['reply', 'dm', 'hide', 'delete'])
  })
})

describe('xSender: reply', () => {
  it('posts a reply threaded to the customer Tweet with the user token', async () => {
    const f = await fake({ tweets: [customerTweet] })
    const result = await xSender.send(request('reply', publicTarget(), 'Sorry to hear that, we are on it'), context(f))
    expect(f.posted).toHaveLength(1)
    const posted = f.posted[0]
    expect(posted?.body).toEqual({ text: 'Sorry to hear that, we are on it', reply: { in_reply_to_tweet_id: customerTweet.id } })
    expect(result).toEqual({ ok: true, externalId: posted?.id, url: `https://x.com/AcmeHelp/status/${posted?.id}`, raw: { id: posted?.id, text: 'Sorry to hear that, we are on it' } })
    expect(postRequests(f)[0]?.headers['authorization']).toBe(`Bearer ${accessToken}`)
    expect(postRequests(f)[0]?.headers['content-type']).toBe('application/json')
  })

  it('answers the latest version of an edited Tweet (stored under its first id)', async () => {
    const edited = mention(2, { id: '1800000000000002500', edit_history_tweet_ids: [mention(2).id, '1800000000000002500'] })
    const f = await fake({ tweets: [edited] })
    const target = targetOf({ data: edited })
    expect(target.externalId).toBe(mention(2).id)
    const result = await xSender.send(request('reply', target, 'thanks'), context(f))
    expect(result.ok).toBe(true)
    expect(f.posted[0]?.inReplyToTweetId).toBe('1800000000000002500')
  })

  it('answers an Account Activity (v1.1) Tweet by its id_str', async () => {
    const f = await fake()
    const v1 = `{"for_user_id":"${brandId}","tweet_create_events":[{"created_at":"Sat Jun 01 12:00:00 +0000 2024","id":1800000000000000777,
      "id_str":"1800000000000000777","text":"@AcmeHelp help","user":{"id_str":"${customers[2]?.id}","screen_name":"customer_2"}}]}`
    const target = targetOf(JSON.parse(v1))
    expect(await xSender.send(request('reply', target, 'on it'), context(f))).toMatchObject({ ok: true })
    expect(f.posted[0]?.inReplyToTweetId).toBe('1800000000000000777')
  })

  it('a reply to a DM is a DM to its author', async () => {
    const f = await fake()
    const target = targetOf(customerDm)
    expect(target.visibility).toBe('private')
    const result = await xSender.send(request('reply', target, 'Let me check'), context(f))
    expect(f.posted).toEqual([])
    expect(f.dms).toEqual([expect.objectContaining({ participantId: customers[3]?.id, text: 'Let me check', dmConversationId: `${customers[3]?.id}-${brandId}` })])
    expect(result).toEqual({ ok: true, externalId: f.dms[0]?.dmEventId, url: null, raw: { dm_conversation_id: `${customers[3]?.id}-${brandId}`, dm_event_id: f.dms[0]?.dmEventId } })
  })

  it('a DM about a public Tweet goes to the Tweet author', async () => {
    const f = await fake({ tweets: [customerTweet] })
    expect(await xSender.send(request('dm', publicTarget(), 'Please DM us your order number'), context(f))).toMatchObject({ ok: true })
    expect(f.dms[0]?.participantId).toBe(customers[1]?.id)
  })
})

describe('xSender: hide and delete', () => {
  it('hides a public reply', async () => {
    const f = await fake({ tweets: [customerTweet] })
    expect(await xSender.send(request('hide', publicTarget()), context(f))).toEqual({ ok: true, externalId: customerTweet.id, url: null, raw: { hidden: true } })
    expect(f.hidden).toEqual([{ tweetId: customerTweet.id, hidden: true }])
  })

  it('cannot hide a DM', async () => {
    const f = await fake()
    expect(await xSender.send(request('hide', targetOf(customerDm)), context(f))).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
    expect(f.requests).toEqual([])
  })

  it('deletes our own earlier reply, and nothing without its id', async () => {
    const f = await fake({ tweets: [customerTweet] })
    const sent = await xSender.send(request('reply', publicTarget(), 'oops'), context(f))
    const ownId = sent.ok ? sent.externalId : ''
    expect(await xSender.send(request('delete', publicTarget(), '', ownId), context(f))).toEqual({ ok: true, externalId: ownId, url: null, raw: { deleted: true } })
    expect(f.deleted).toEqual([ownId])
    expect(await xSender.send(request('delete', publicTarget()), context(f))).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' })
    expect(await xSender.send(request('delete', publicTarget(), '', customerTweet.id), context(f))).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
  })

  it('refuses actions X does not have here', async () => {
    const f = await fake()
    expect(await xSender.send(request('like', publicTarget()), context(f))).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
  })
})

describe('xSender: a timeout never posts twice', () => {
  it('reply: the attempt hangs after posting, findSent finds the post, so the retry sends nothing', async () => {
    const f = await fake({ tweets: [customerTweet] })
    const req = request('reply', publicTarget(), 'We have refunded your order & sent a mail: https://acme.example/r/1')
    f.hangAfterNext('/2/tweets')
    const first = await xSender.send(req, context(f, { timeoutMs: 1500 }))
    expect(first).toMatchObject({ ok: false, retryable: true })
    expect(f.posted).toHaveLength(1)

    // What the outbox worker does on the next attempt.
    const found = await xSender.findSent?.(req, context(f))
    expect(found).toEqual({ externalId: f.posted[0]?.id, url: `https://x.com/AcmeHelp/status/${f.posted[0]?.id}` })
    expect(f.posted).toHaveLength(1)
    const lookup = f.requests.find((r) => r.path === `/2/users/${brandId}/tweets`)
    expect(lookup?.query.get('start_time')).toBe('2024-06-01T12:00:59Z')
  })

  it('reply: a retry without findSent gets X\'s duplicate refusal and answers with the earlier post', async () => {
    const f = await fake({ tweets: [customerTweet] })
    const req = request('reply', publicTarget(), 'Fixed now')
    f.hangAfterNext('/2/tweets')
    expect(await xSender.send(req, context(f, { timeoutMs: 1500 }))).toMatchObject({ ok: false, retryable: true })
    const second = await xSender.send(req, context(f))
    expect(second).toEqual({ ok: true, externalId: f.posted[0]?.id, url: `https://x.com/AcmeHelp/status/${f.posted[0]?.id}`, raw: { foundAfterDuplicate: true } })
    expect(f.posted).toHaveLength(1)
  })

  it('DM: findSent finds the DM the hung attempt sent', async () => {
    const f = await fake()
    const req = request('reply', targetOf(customerDm), 'Your order ships today')
    f.hangAfterNext('/2/dm_conversations')
    expect(await xSender.send(req, context(f, { timeoutMs: 1500 }))).toMatchObject({ ok: false, retryable: true })
    expect(await xSender.findSent?.(req, context(f))).toEqual({ externalId: f.dms[0]?.dmEventId, url: null })
    expect(f.dms).toHaveLength(1)
  })

  it('findSent finds nothing when nothing matching was posted', async () => {
    const other = mention(3)
    const f = await fake({ tweets: [customerTweet, other] })
    const req = request('reply', publicTarget(), 'Hello there')
    expect(await xSender.findSent?.(req, context(f))).toBeNull()
    await xSender.send(request('reply', publicTarget(), 'Different words'), context(f))
    await xSender.send(request('reply', targetOf({ data: other }), 'Hello there'), context(f))
    expect(await xSender.findSent?.(req, context(f))).toBeNull()
    expect(await xSender.findSent?.(request('dm', publicTarget(), 'Hello there'), context(f))).toBeNull()
    expect(await xSender.findSent?.(request('hide', publicTarget()), context(f))).toBeNull()
  })

  it('findSent reads X\'s escaped text and t.co links as the same words, and looks up the user id when unset', async () => {
    const f = await fake({
      tweets: [customerTweet],
      brandTweets: [{ id: '1900000000000000001', text: 'Q&amp;A:   see https://t.co/abc &lt;3', author_id: brandId, created_at: '2024-06-01T13:00:00.000Z',
        referenced_tweets: [{ type: 'replied_to', id: customerTweet.id }] }],
    })
    const req = request('reply', publicTarget(), 'Q&A: see https://acme.example/help <3')
    expect(await xSender.findSent?.(req, context(f, { settings: { userId: '' } }))).toMatchObject({ externalId: '1900000000000000001' })
    expect(f.requests.some((r) => r.path === '/2/users/me')).toBe(true)
    expect(comparableText(' a\n b ')).toBe('a b')
  })
})

describe('xSender: failures', () => {
  it('a revoked or missing token is AUTH_REVOKED', async () => {
    const f = await fake({ tweets: [customerTweet] })
    expect(await xSender.send(request('reply', publicTarget(), 'hi'), context(f, { secrets: { accessToken: 'revoked' } })))
      .toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED', reason: expect.stringContaining('HTTP 401') })
    expect(await xSender.send(request('reply', publicTarget(), 'hi'), context(f, { secrets: { accessToken: '' } })))
      .toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED' })
  })

  it('duplicate content is REJECTED', async () => {
    const f = await fake({ tweets: [customerTweet], brandTweets: [{ id: '1900000000000000002', text: 'Same text', author_id: brandId }] })
    expect(await xSender.send(request('reply', publicTarget(), 'Same text'), context(f)))
      .toMatchObject({ ok: false, retryable: false, code: 'REJECTED', reason: expect.stringContaining('duplicate content') })
  })

  it('a reply to a deleted Tweet is PARENT_GONE', async () => {
    const f = await fake({ tweets: [customerTweet], goneTweetIds: [customerTweet.id] })
    expect(await xSender.send(request('reply', publicTarget(), 'hi'), context(f))).toMatchObject({ ok: false, retryable: false, code: 'PARENT_GONE' })
  })

  it('a DM to a user who does not take DMs is REJECTED; too long a text too', async () => {
    const f = await fake({ tweets: [customerTweet], dmClosedUserIds: [customers[1]?.id ?? ''] })
    expect(await xSender.send(request('dm', publicTarget(), 'hi'), context(f))).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
    expect(await xSender.send(request('reply', publicTarget(), 'x'.repeat(281)), context(f))).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
  })

  it('429 is retryable after x-rate-limit-reset; 5xx is retryable', async () => {
    const f = await fake({ tweets: [customerTweet] })
    f.failNext({ status: 429, headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 300) } })
    const limited = await xSender.send(request('reply', publicTarget(), 'hi'), context(f))
    expect(limited).toMatchObject({ ok: false, retryable: true })
    const wait = !limited.ok && limited.retryable ? limited.retryAfterMs ?? 0 : 0
    expect(wait).toBeGreaterThan(298_000)
    expect(wait).toBeLessThanOrEqual(300_000)
    f.failNext({ status: 503 })
    expect(await xSender.send(request('reply', publicTarget(), 'hi'), context(f))).toMatchObject({ ok: false, retryable: true, retryAfterMs: null })
    expect(f.posted).toEqual([])
  })

  it('maps X\'s own refusals (v2 problems and v1.1 codes)', () => {
    const h = new Headers()
    const now = new Date()
    const problem = (status: number, detail: string, type = 'about:blank') => JSON.stringify({ title: 'Forbidden', detail, type, status })
    expect(xFailure(403, h, problem(403, 'Authenticating with OAuth 2.0 User Context is forbidden', 'https://api.twitter.com/2/problems/unsupported-authentication'), now)).toMatchObject({ code: 'AUTH_REVOKED' })
    expect(xFailure(403, h, problem(403, 'Your client app is not configured', 'https://api.twitter.com/2/problems/oauth1-permissions'), now)).toMatchObject({ code: 'AUTH_REVOKED' })
    expect(xFailure(403, h, '{"errors":[{"code":187,"message":"Status is a duplicate."}]}', now)).toMatchObject({ code: 'REJECTED' })
    expect(xFailure(403, h, '{"errors":[{"code":385,"message":"You attempted to reply to a Tweet that is deleted or not visible to you."}]}', now)).toMatchObject({ code: 'PARENT_GONE' })
    expect(xFailure(403, h, problem(403, 'Reply to this conversation is not allowed because you have not been mentioned'), now)).toMatchObject({ code: 'REJECTED' })
    expect(xFailure(404, h, 'not json', now)).toMatchObject({ code: 'PARENT_GONE', reason: 'HTTP 404: not json' })
    expect(xFailure(500, h, '', now)).toMatchObject({ retryable: true })
  })

  it('a network error is retryable', async () => {
    const ctx: SendContext = { account: xAccount('http://127.0.0.1:1'), fetch, signal: AbortSignal.timeout(2_000), now: () => new Date() }
    expect(await xSender.send(request('reply', publicTarget(), 'hi'), ctx)).toMatchObject({ ok: false, retryable: true })
  })
})

describe('target ids', () => {
  it('finds the DM participant that is not the brand, from the author or the raw event', () => {
    const echo = targetOf({ ...customerDm, direct_message_events: [{ ...customerDm.direct_message_events[0], message_create: { target: { recipient_id: customers[4]?.id }, sender_id: brandId, message_data: { text: 'hi' } } }] })
    expect(echo.authorExternalId).toBe(brandId)
    expect(dmParticipantId(echo, brandId)).toBe(customers[4]?.id)
    const v2Dm = targetOf({ data: [{ id: '1585800613752881156', event_type: 'MessageCreate', text: 'x', dm_conversation_id: `${customers[5]?.id}-${brandId}` }] })
    expect(dmParticipantId(v2Dm, brandId)).toBe(customers[5]?.id)
    expect(dmParticipantId({ ...publicTarget(), authorExternalId: null, raw: null }, brandId)).toBeNull()
    expect(replyTargetId({ ...publicTarget(), raw: null })).toBe(customerTweet.id)
    expect(replyTargetId({ ...publicTarget(), raw: { id: 'bad' }, externalId: 'bad' })).toBeNull()
  })
})

describe('testConnection', () => {
  it('names the account behind the token and checks it is the configured user', async () => {
    const f = await fake()
    expect(await testXConnection(context(f))).toEqual({ ok: true, detail: `@AcmeHelp (${brandId})` })
    expect(await testXConnection(context(f, { settings: { userId: '42' } }))).toMatchObject({ ok: false, detail: expect.stringContaining('not to userId 42') })
    expect(await testXConnection(context(f, { secrets: { accessToken: 'nope' } }))).toMatchObject({ ok: false, detail: expect.stringContaining('401') })
  })
})

describe.skipIf(!hasSharedFixtures)('xSender: shared fixtures', () => {
  /** The recorded answer bodies of a cassette, by method and path. */
  function recorded(file: string): { method: string; path: string; body: unknown }[] {
    const cassette: unknown = JSON.parse(readFixture('x-twitter', file))
    const interactions = isRecord(cassette) && Array.isArray(cassette['interactions']) ? cassette['interactions'] : []
    return interactions.filter(isRecord).map((i) => {
      const req = isRecord(i['request']) ? i['request'] : {}
      const res = isRecord(i['response']) ? i['response'] : {}
      return { method: String(req['method']), path: new URL(String(req['uri'])).pathname, body: res['body'] }
    })
  }
  const shape = (body: unknown): string[] => (isRecord(body) && isRecord(body['data']) ? Object.keys(body['data']).sort() : [])

  it('the fake answers writes with the same body shapes X recorded, and a recorded mention can be answered', async () => {
    const feed = xFakeFeedFromFixtures((file) => readFixture('x-twitter', file))
    x = await startXFake({ brandUserId: feed.brandUserId, tweets: feed.tweets, users: feed.users, accessToken })
    const ctx: SendContext = { account: xAccount(x.url, { userId: feed.brandUserId, handle: 'Twitter' }), fetch, signal: AbortSignal.timeout(5_000), now: () => new Date() }
    const mentionPage = recorded('v2_http_users_mentions.json')[0]?.body
    const target = targetOf({ data: isRecord(mentionPage) && Array.isArray(mentionPage['data']) ? mentionPage['data'][0] : null })

    const reply = await xSender.send(request('reply', target, 'Test Tweet'), ctx)
    expect(reply.ok).toBe(true)
    expect(x.posted[0]?.inReplyToTweetId).toBe('1578516295611748353')
    expect(shape({ data: reply.ok ? reply.raw : null })).toEqual(shape(recorded('v2_http_create_and_delete_tweet.json')[0]?.body))
    const removed = await xSender.send(request('delete', target, '', reply.ok ? reply.externalId : null), ctx)
    expect(shape({ data: removed.ok ? removed.raw : null })).toEqual(shape(recorded('v2_http_create_and_delete_tweet.json')[1]?.body))
    const hid = await xSender.send(request('hide', target), ctx)
    expect(shape({ data: hid.ok ? hid.raw : null })).toEqual(shape(recorded('v2_http_hide_reply.json')[0]?.body))
    const dm = await xSender.send(request('dm', { ...target, authorExternalId: '750362064426721281' }, 'Testing 1'), ctx)
    expect(shape({ data: dm.ok ? dm.raw : null })).toEqual(shape(recorded('v2_http_dm_send_and_lookup.json')[0]?.body))
    expect(x.dms[0]?.dmConversationId).toBe('783214-750362064426721281')
  })
})

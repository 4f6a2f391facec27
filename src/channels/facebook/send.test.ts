import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { startGraphFake, type GraphFake } from '../meta/fake.ts'
import { appSecretProof } from '../meta/graph.ts'
import type { AccountRuntime, OutboundAction, OutboundRequest, OutboundTarget, SendContext } from '../types.ts'
import { parseFacebookPayload } from './parse.ts'
import { facebookSender, testFacebookConnection } from './send.ts'

warnIfNoShared()

const pageId = '104000000000001'
const psid = '2400000000000001'
const customerId = '7000000000000001'
const postId = `${pageId}_500000000000001`
const topCommentId = '500000000000001_600000000000001'
const replyCommentId = '500000000000001_600000000000002'
const token = 'page-token-1'
const appSecret = 'app-secret-1'
const now = new Date('2026-03-01T12:00:00Z')
const nowS = Math.floor(now.getTime() / 1000)

let graph: GraphFake

beforeEach(async () => {
  graph = await startGraphFake({ pageId, pageName: 'Acme', pageAccessToken: token, appSecret })
})
afterEach(async () => {
  await graph.close()
})

function account(overrides: Partial<AccountRuntime> = {}): AccountRuntime {
  return {
    id: 'acc-fb', workspaceId: 'ws', channel: 'facebook', name: 'Acme Page',
    settings: { apiBaseUrl: graph.url, pageId }, secrets: { pageAccessToken: token, appSecret, verifyToken: 'v' }, ...overrides,
  }
}

function ctx(overrides: Partial<SendContext> = {}): SendContext {
  return { account: account(), fetch: globalThis.fetch, signal: new AbortController().signal, now: () => now, ...overrides }
}

/** The stored target as the pipeline keeps it: parsed from a webhook body we wrote in Meta's format. */
function targetFrom(body: unknown): OutboundTarget {
  const result = parseFacebookPayload({ body: JSON.stringify(body) })
  const m: NormalizedMessage | undefined = result.ok ? result.messages[0] : undefined
  if (m === undefined) throw new Error(`no message in ${JSON.stringify(result)}`)
  return {
    externalId: m.externalId, parentExternalId: m.parentExternalId, threadExternalId: m.threadExternalId, visibility: m.visibility,
    authorExternalId: m.author?.externalUserId ?? null, authorHandle: m.author?.handle ?? null, raw: m.raw, createdAt: m.createdAt,
  }
}

const feedBody = (value: Record<string, unknown>) => ({ object: 'page', entry: [{ id: pageId, time: nowS, changes: [{ field: 'feed', value }] }] })
const commentValue = (commentId: string, parentId: string, ageS = 60) => ({
  from: { id: customerId, name: 'Grumpy' }, item: 'comment', verb: 'add', comment_id: commentId, post_id: postId, parent_id: parentId,
  created_time: nowS - ageS, message: 'Where is my parcel?',
})
const topComment = (ageS?: number) => targetFrom(feedBody(commentValue(topCommentId, postId, ageS)))
const replyComment = () => targetFrom(feedBody(commentValue(replyCommentId, topCommentId)))
const post = () => targetFrom(feedBody({ from: { id: customerId }, item: 'post', verb: 'add', post_id: postId, created_time: nowS - 60, message: 'Visitor post' }))
const dm = (ageMs = 60_000) => targetFrom({
  object: 'page', entry: [{ id: pageId, time: now.getTime(), messaging: [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: now.getTime() - ageMs, message: { mid: 'm_1', text: 'Refund?' } }] }],
})

function request(action: OutboundAction, target: OutboundTarget, text = 'We are on it!', ownExternalId: string | null = null): OutboundRequest {
  return { action, text, idempotencyKey: 'idem-1', target, ownExternalId }
}

function lastRequestBody(): unknown {
  const last = graph.server.requests.at(-1)
  return last === undefined ? undefined : JSON.parse(last.body.toString('utf8'))
}

describe('facebook send: public replies', () => {
  it('replies to a top-level comment under it, with the Bearer token and appsecret_proof', async () => {
    const result = await facebookSender.send(request('reply', topComment()), ctx())
    expect(result).toMatchObject({ ok: true, url: expect.stringContaining('comment_id=') })
    const req = graph.server.requests.at(-1)
    expect(req).toMatchObject({ method: 'POST', path: `/v21.0/${topCommentId}/comments` })
    expect(req?.headers['authorization']).toBe(`Bearer ${token}`)
    expect(req?.query.get('appsecret_proof')).toBe(appSecretProof(appSecret, token))
    expect(lastRequestBody()).toEqual({ message: 'We are on it!' })
    expect(graph.commentsOn(topCommentId)).toMatchObject([{ fromId: pageId, message: 'We are on it!', id: result.ok ? result.externalId : '' }])
  })

  it('answers a reply-to-a-comment under its top-level comment, and a post on the post', async () => {
    expect(await facebookSender.send(request('reply', replyComment()), ctx())).toMatchObject({ ok: true })
    expect(graph.writes.at(-1)).toMatchObject({ objectId: topCommentId, edge: 'comments' })
    expect(await facebookSender.send(request('reply', post()), ctx())).toMatchObject({ ok: true })
    expect(graph.writes.at(-1)).toMatchObject({ objectId: postId, edge: 'comments' })
  })

  it('uses the graphVersion setting', async () => {
    await facebookSender.send(request('reply', topComment()), ctx({ account: account({ settings: { apiBaseUrl: `${graph.url}/`, pageId, graphVersion: 'v19.0' } }) }))
    expect(graph.server.requests.at(-1)?.path).toBe(`/v19.0/${topCommentId}/comments`)
  })

  it('a parent removed on Facebook → PARENT_GONE', async () => {
    graph.removeObject(topCommentId)
    expect(await facebookSender.send(request('reply', topComment()), ctx())).toMatchObject({ ok: false, retryable: false, code: 'PARENT_GONE' })
  })

  it('a revoked token → AUTH_REVOKED; a missing one fails before any call', async () => {
    const wrong = ctx({ account: account({ secrets: { pageAccessToken: 'old-token' } }) })
    expect(await facebookSender.send(request('reply', topComment()), wrong)).toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED' })
    const calls = graph.server.requests.length
    expect(await facebookSender.send(request('reply', topComment()), ctx({ account: account({ secrets: {} }) }))).toMatchObject({ code: 'AUTH_REVOKED' })
    expect(graph.server.requests.length).toBe(calls)
  })

  it('Graph throttling is retryable, with the wait from x-business-use-case-usage', async () => {
    await graph.close()
    graph = await startGraphFake({ pageId, pageAccessToken: token, rateLimit: { limit: 1, windowMs: 120_000, code: 32 } })
    expect(await facebookSender.send(request('reply', topComment()), ctx())).toMatchObject({ ok: true })
    const limited = await facebookSender.send(request('reply', topComment()), ctx())
    expect(limited).toMatchObject({ ok: false, retryable: true, retryAfterMs: 120_000 })
    expect(graph.writes).toHaveLength(1)
  })

  it('injected app-level throttling (code 4, HTTP 403) and transient errors are retryable; policy blocks are REJECTED', async () => {
    graph.failNext({ code: 4, status: 403, message: '(#4) Application request limit reached' })
    expect(await facebookSender.send(request('reply', topComment()), ctx())).toMatchObject({ ok: false, retryable: true })
    graph.failNext({ code: 2, status: 500, message: 'Service temporarily unavailable' })
    expect(await facebookSender.send(request('reply', topComment()), ctx())).toMatchObject({ ok: false, retryable: true })
    graph.failNext({ code: 368, subcode: 1390008, message: 'deemed abusive' })
    expect(await facebookSender.send(request('reply', topComment()), ctx())).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
    expect(graph.writes).toHaveLength(0)
  })

  it('an empty text is REJECTED without a call; an unreachable Graph is retryable', async () => {
    expect(await facebookSender.send(request('reply', topComment(), '  '), ctx())).toMatchObject({ code: 'REJECTED' })
    expect(graph.server.requests).toHaveLength(0)
    const url = graph.url
    await graph.close()
    expect(await facebookSender.send(request('reply', topComment()), ctx({ account: account({ settings: { apiBaseUrl: url, pageId } }) })))
      .toMatchObject({ ok: false, retryable: true })
    graph = await startGraphFake({ pageId, pageAccessToken: token })
  })
})

describe('facebook send: timeout, then a second attempt posts exactly once (findSent)', () => {
  it('finds the reply made by the timed-out attempt', async () => {
    const target = topComment()
    graph.hangAfterNext(`/v21.0/${topCommentId}/comments`)
    const first = await facebookSender.send(request('reply', target), ctx({ signal: AbortSignal.timeout(1500) }))
    expect(first).toMatchObject({ ok: false, retryable: true })
    expect(graph.commentsOn(topCommentId)).toHaveLength(1)

    // The outbox worker's second attempt: findSent first, send only when nothing was found.
    const found = await facebookSender.findSent?.(request('reply', target), ctx())
    const made = graph.commentsOn(topCommentId)[0]
    expect(found).toEqual({ externalId: made?.id, url: expect.stringContaining(encodeURIComponent(made?.id ?? '')) })
    if (found === null) await facebookSender.send(request('reply', target), ctx())
    expect(graph.writes.filter((w) => w.edge === 'comments')).toHaveLength(1)
  })

  it('returns null when nothing was posted, or only by others, or with other text', async () => {
    graph.addComment({ id: '5_1', parentId: topCommentId, fromId: customerId, message: 'We are on it!' })
    graph.addComment({ id: '5_2', parentId: topCommentId, fromId: pageId, message: 'Something else' })
    expect(await facebookSender.findSent?.(request('reply', topComment()), ctx())).toBeNull()
  })

  it('pages through the newest comments (cursor pagination) to find an older own reply', async () => {
    const base = now.getTime() - 3_600_000
    graph.addComment({ id: '5_own', parentId: topCommentId, fromId: pageId, message: 'We are on it!', createdTime: new Date(base) })
    for (let i = 1; i <= 130; i++) graph.addComment({ id: `5_${i}`, parentId: topCommentId, fromId: `u${i}`, message: `me too ${i}`, createdTime: new Date(base + i * 1000) })
    expect(await facebookSender.findSent?.(request('reply', topComment()), ctx())).toMatchObject({ externalId: '5_own' })
    const lists = graph.server.requests.filter((r) => r.method === 'GET')
    expect(lists).toHaveLength(2)
    expect(lists[0]?.query.get('order')).toBe('reverse_chronological')
    expect(lists[1]?.query.get('after')).toBeTruthy()
  })

  it('has nothing to look up for Messenger, private replies or a failed listing', async () => {
    expect(await facebookSender.findSent?.(request('reply', dm()), ctx())).toBeNull()
    expect(await facebookSender.findSent?.(request('dm', topComment()), ctx())).toBeNull()
    graph.failNext({ code: 32, message: 'Page request limit reached' })
    expect(await facebookSender.findSent?.(request('reply', topComment()), ctx())).toBeNull()
  })
})

describe('facebook send: Messenger and private replies', () => {
  it('answers a DM in Messenger with messaging_type RESPONSE', async () => {
    const result = await facebookSender.send(request('reply', dm()), ctx())
    expect(result).toMatchObject({ ok: true, url: null })
    expect(graph.server.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v21.0/${pageId}/messages` })
    expect(lastRequestBody()).toEqual({ recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'We are on it!' } })
    expect(graph.messages).toMatchObject([{ recipient: { id: psid }, messagingType: 'RESPONSE', text: 'We are on it!' }])
    expect(result.ok && result.externalId).toBe(graph.messages[0]?.messageId)
  })

  it('refuses a DM reply after 24 h without calling Graph', async () => {
    expect(await facebookSender.send(request('reply', dm(25 * 3_600_000)), ctx())).toMatchObject({ ok: false, retryable: false, code: 'WINDOW_CLOSED' })
    expect(await facebookSender.send(request('dm', dm(25 * 3_600_000)), ctx())).toMatchObject({ code: 'WINDOW_CLOSED' })
    expect(graph.server.requests).toHaveLength(0)
  })

  it('maps Graph’s window error (10/2018278) and 551 to WINDOW_CLOSED', async () => {
    graph.closeWindow(psid)
    expect(await facebookSender.send(request('reply', dm()), ctx())).toMatchObject({ ok: false, retryable: false, code: 'WINDOW_CLOSED' })
    graph.failNext({ code: 551, subcode: 1545041, message: "This person isn't available right now." })
    expect(await facebookSender.send(request('dm', dm()), ctx())).toMatchObject({ code: 'WINDOW_CLOSED' })
    expect(graph.messages).toHaveLength(0)
  })

  it('refuses texts over Messenger’s 2000 characters', async () => {
    expect(await facebookSender.send(request('reply', dm(), 'x'.repeat(2001)), ctx())).toMatchObject({ code: 'REJECTED' })
    expect(graph.server.requests).toHaveLength(0)
  })

  it('sends a private reply to a comment (recipient.comment_id) within 7 days, and to a visitor post', async () => {
    expect(await facebookSender.send(request('dm', topComment()), ctx())).toMatchObject({ ok: true })
    expect(lastRequestBody()).toEqual({ recipient: { comment_id: topCommentId }, message: { text: 'We are on it!' } })
    expect(await facebookSender.send(request('dm', post()), ctx())).toMatchObject({ ok: true })
    expect(graph.messages.map((m) => m.recipient)).toEqual([
      { id: null, commentId: topCommentId, postId: null }, { id: null, commentId: null, postId },
    ])
    expect(await facebookSender.send(request('dm', topComment(8 * 24 * 3600)), ctx())).toMatchObject({ code: 'WINDOW_CLOSED' })
  })

  it('works from a stored target without our raw (private → PSID from the author)', async () => {
    const bare: OutboundTarget = { ...dm(), raw: null, authorExternalId: psid }
    expect(await facebookSender.send(request('reply', bare), ctx())).toMatchObject({ ok: true })
    expect(graph.messages[0]?.recipient.id).toBe(psid)
  })
})

describe('facebook send: moderation', () => {
  it('hides a comment, likes it, edits and deletes our own comment', async () => {
    graph.addComment({ id: topCommentId, parentId: postId, fromId: customerId, message: 'spam' })
    expect(await facebookSender.send(request('hide', topComment(), ''), ctx())).toEqual({ ok: true, externalId: topCommentId, url: null, raw: { success: true } })
    expect(lastRequestBody()).toEqual({ is_hidden: true })
    expect(graph.comment(topCommentId)?.hidden).toBe(true)

    expect(await facebookSender.send(request('like', topComment(), ''), ctx())).toMatchObject({ ok: true })
    expect(graph.writes.at(-1)).toMatchObject({ objectId: topCommentId, edge: 'likes' })

    graph.addComment({ id: '5_mine', parentId: topCommentId, fromId: pageId, message: 'old' })
    expect(await facebookSender.send(request('edit', topComment(), 'new text', '5_mine'), ctx())).toMatchObject({ ok: true, externalId: '5_mine' })
    expect(graph.comment('5_mine')?.message).toBe('new text')

    expect(await facebookSender.send(request('delete', topComment(), '', '5_mine'), ctx())).toMatchObject({ ok: true, externalId: '5_mine' })
    expect(graph.server.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/v21.0/5_mine' })
    // A retry of a delete that already happened is done, not PARENT_GONE.
    expect(await facebookSender.send(request('delete', topComment(), '', '5_mine'), ctx())).toMatchObject({ ok: true, raw: { alreadyGone: true } })
    expect(graph.comment(topCommentId)).toBeDefined()
  })

  it('deletes the customer’s comment when no own id is given', async () => {
    expect(await facebookSender.send(request('delete', topComment(), ''), ctx())).toMatchObject({ ok: true, externalId: topCommentId })
  })

  it('cannot hide/like/delete/edit Messenger messages, hide posts, or edit without an own id', async () => {
    for (const action of ['hide', 'like', 'delete', 'edit'] as const) {
      expect(await facebookSender.send(request(action, dm(), 'x'), ctx()), action).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
    }
    expect(await facebookSender.send(request('hide', post(), ''), ctx())).toMatchObject({ code: 'NOT_SUPPORTED' })
    expect(await facebookSender.send(request('edit', topComment(), 'x'), ctx())).toMatchObject({ code: 'NOT_SUPPORTED' })
    expect(graph.server.requests).toHaveLength(0)
  })
})

describe('facebook testConnection', () => {
  it('proves the token belongs to the configured Page', async () => {
    expect(await testFacebookConnection(ctx())).toEqual({ ok: true, detail: `Page Acme (${pageId})` })
    expect(graph.server.requests.at(-1)?.path).toBe('/v21.0/me')
    expect(await testFacebookConnection(ctx({ account: account({ settings: { apiBaseUrl: graph.url, pageId: '999' } }) }))).toMatchObject({ ok: false })
    expect(await testFacebookConnection(ctx({ account: account({ secrets: { pageAccessToken: 'nope' } }) }))).toMatchObject({ ok: false, detail: expect.stringContaining('190') })
  })
})

describe.skipIf(!hasSharedFixtures)('facebook send: fed from the shared Meta fixtures', () => {
  it('answers the fixture comment reply under its top-level comment and finds it again', async () => {
    const cases: unknown = JSON.parse(readFixture('meta', 'page_feed_changes.reconstructed.json'))
    const body = JSON.stringify((cases as Record<string, unknown>)['commentAdd'])
    await graph.close()
    graph = await startGraphFake({ pageId: '137542570280222', pageAccessToken: token })
    expect(graph.seedFromWebhook(body)).toBe(1)
    const target = targetFrom(JSON.parse(body))
    const fixtureCtx = ctx({ account: account({ settings: { apiBaseUrl: graph.url, pageId: '137542570280222' } }), now: () => new Date(1_511_951_100_000) })
    const sent = await facebookSender.send(request('reply', target), fixtureCtx)
    expect(sent).toMatchObject({ ok: true })
    expect(graph.writes).toMatchObject([{ objectId: '139560936744456_139562213411528', edge: 'comments', params: { message: 'We are on it!' } }])
    expect(await facebookSender.findSent?.(request('reply', target), fixtureCtx)).toMatchObject({ externalId: sent.ok ? sent.externalId : '' })
  })

  it('answers the fixture Messenger text to its PSID, only inside the 24-hour window (its time is 2016)', async () => {
    const target = targetFrom(JSON.parse(readFixture('meta', 'messenger_message_text.json')))
    expect(await facebookSender.send(request('reply', target), ctx())).toMatchObject({ code: 'WINDOW_CLOSED' })
    await graph.close()
    graph = await startGraphFake({ pageId: '111899832631525', pageAccessToken: token })
    const inWindow = ctx({ account: account({ settings: { apiBaseUrl: graph.url, pageId: '111899832631525' } }), now: () => new Date(1_480_279_500_000) })
    expect(await facebookSender.send(request('reply', target), inWindow)).toMatchObject({ ok: true })
    expect(graph.messages).toMatchObject([{ senderId: '111899832631525', recipient: { id: '1433960459967306' }, messagingType: 'RESPONSE', text: 'We are on it!' }])
  })
})

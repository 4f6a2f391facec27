import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { startGraphFake, type GraphFake } from '../meta/fake.ts'
import type { AccountRuntime, OutboundAction, OutboundRequest, OutboundTarget, SendContext } from '../types.ts'
import { parseInstagramPayload } from './parse.ts'
import { instagramSender, testInstagramConnection } from './send.ts'

warnIfNoShared()

const pageId = '104000000000001'
const igId = '17841400000000099'
const igsid = '5550000000000001'
const mediaId = '17890000000000099'
const topCommentId = '17860000000000001'
const replyCommentId = '17860000000000002'
const token = 'page-token-ig'
const now = new Date('2026-03-01T12:00:00Z')
const nowS = Math.floor(now.getTime() / 1000)

let graph: GraphFake

beforeEach(async () => {
  graph = await startGraphFake({ pageId, igUserId: igId, igUsername: 'acme', pageAccessToken: token, pageName: 'Acme' })
})
afterEach(async () => {
  await graph.close()
})

function account(overrides: Partial<AccountRuntime> = {}): AccountRuntime {
  return {
    id: 'acc-ig', workspaceId: 'ws', channel: 'instagram', name: 'Acme IG',
    settings: { apiBaseUrl: graph.url, igUserId: igId }, secrets: { pageAccessToken: token }, ...overrides,
  }
}

function ctx(overrides: Partial<SendContext> = {}): SendContext {
  return { account: account(), fetch: globalThis.fetch, signal: new AbortController().signal, now: () => now, ...overrides }
}

function targetFrom(body: unknown): OutboundTarget {
  const result = parseInstagramPayload({ body: JSON.stringify(body) })
  const m: NormalizedMessage | undefined = result.ok ? result.messages[0] : undefined
  if (m === undefined) throw new Error(`no message in ${JSON.stringify(result)}`)
  return {
    externalId: m.externalId, parentExternalId: m.parentExternalId, threadExternalId: m.threadExternalId, visibility: m.visibility,
    authorExternalId: m.author?.externalUserId ?? null, authorHandle: m.author?.handle ?? null, raw: m.raw, createdAt: m.createdAt,
  }
}

const change = (field: string, value: unknown, time = nowS - 60) => ({ object: 'instagram', entry: [{ id: igId, time, changes: [{ field, value }] }] })
const commentValue = { from: { id: igsid, username: 'happy_cust' }, media: { id: mediaId }, id: topCommentId, text: 'Blue?' }
const topComment = (time?: number) => targetFrom(change('comments', commentValue, time))
const replyComment = () => targetFrom(change('comments', { ...commentValue, id: replyCommentId, parent_id: topCommentId }))
const mention = (commentId?: string) => targetFrom(change('mentions', { media_id: '17890000000000500', ...(commentId === undefined ? {} : { comment_id: commentId }) }))
const dm = (ageMs = 60_000) => targetFrom({
  object: 'instagram', entry: [{ id: igId, time: now.getTime(), messaging: [{ sender: { id: igsid }, recipient: { id: igId }, timestamp: now.getTime() - ageMs, message: { mid: 'aWdf1', text: 'Hi' } }] }],
})

function request(action: OutboundAction, target: OutboundTarget, text = 'Yes, in blue!', ownExternalId: string | null = null): OutboundRequest {
  return { action, text, idempotencyKey: 'idem-ig', target, ownExternalId }
}

function lastRequestBody(): unknown {
  const last = graph.server.requests.at(-1)
  return last === undefined ? undefined : JSON.parse(last.body.toString('utf8'))
}

describe('instagram send: comments and mentions', () => {
  it('replies to a comment through /{comment-id}/replies', async () => {
    const result = await instagramSender.send(request('reply', topComment()), ctx())
    expect(result).toMatchObject({ ok: true, url: null })
    expect(graph.server.requests.at(-1)).toMatchObject({ method: 'POST', path: `/v21.0/${topCommentId}/replies` })
    expect(graph.server.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${token}`)
    expect(lastRequestBody()).toEqual({ message: 'Yes, in blue!' })
    expect(graph.commentsOn(topCommentId)).toMatchObject([{ fromId: igId, fromName: 'acme', id: result.ok ? result.externalId : '' }])
  })

  it('answers a reply under its top-level comment (Instagram threads are one level deep)', async () => {
    expect(await instagramSender.send(request('reply', replyComment()), ctx())).toMatchObject({ ok: true })
    expect(graph.writes.at(-1)).toMatchObject({ objectId: topCommentId, edge: 'replies' })
  })

  it('replies to a mention through /{ig-user-id}/mentions with media_id and comment_id', async () => {
    expect(await instagramSender.send(request('reply', mention('17860000000000300')), ctx())).toMatchObject({ ok: true })
    expect(graph.server.requests.at(-1)?.path).toBe(`/v21.0/${igId}/mentions`)
    expect(lastRequestBody()).toEqual({ media_id: '17890000000000500', comment_id: '17860000000000300', message: 'Yes, in blue!' })
    expect(graph.writes.at(-1)).toMatchObject({ method: 'POST', objectId: igId, edge: 'mentions' })
    expect(graph.commentsOn('17860000000000300')).toMatchObject([{ fromId: igId, message: 'Yes, in blue!' }])
    expect(await instagramSender.send(request('reply', mention()), ctx())).toMatchObject({ ok: true })
    expect(lastRequestBody()).toEqual({ media_id: '17890000000000500', message: 'Yes, in blue!' })
  })

  it('maps a deleted comment to PARENT_GONE and a revoked token to AUTH_REVOKED', async () => {
    graph.removeObject(topCommentId)
    expect(await instagramSender.send(request('reply', topComment()), ctx())).toMatchObject({ ok: false, retryable: false, code: 'PARENT_GONE' })
    expect(await instagramSender.send(request('reply', replyComment()), ctx({ account: account({ secrets: { pageAccessToken: 'x' } }) })))
      .toMatchObject({ code: 'AUTH_REVOKED' })
  })

  it('a timed-out reply is found by findSent, so the second attempt does not post again', async () => {
    const target = topComment()
    graph.hangAfterNext(`/v21.0/${topCommentId}/replies`)
    expect(await instagramSender.send(request('reply', target), ctx({ signal: AbortSignal.timeout(1500) }))).toMatchObject({ ok: false, retryable: true })
    const found = await instagramSender.findSent?.(request('reply', target), ctx())
    expect(found).toEqual({ externalId: graph.commentsOn(topCommentId)[0]?.id, url: null })
    if (found === null) await instagramSender.send(request('reply', target), ctx())
    expect(graph.writes.filter((w) => w.edge === 'replies')).toHaveLength(1)
    expect(graph.server.requests.at(-1)?.query.get('fields')).toContain('from')
  })

  it('findSent finds nothing when the reply was not made, and never looks for DMs or mentions', async () => {
    graph.addComment({ id: '1', parentId: topCommentId, fromId: igsid, message: 'Yes, in blue!', platform: 'instagram' })
    expect(await instagramSender.findSent?.(request('reply', topComment()), ctx())).toBeNull()
    const calls = graph.server.requests.length
    expect(await instagramSender.findSent?.(request('reply', dm()), ctx())).toBeNull()
    expect(await instagramSender.findSent?.(request('reply', mention('1')), ctx())).toBeNull()
    expect(graph.server.requests.length).toBe(calls)
  })
})

describe('instagram send: DMs', () => {
  it('answers a DM through /{ig-user-id}/messages', async () => {
    const result = await instagramSender.send(request('reply', dm()), ctx())
    expect(result).toMatchObject({ ok: true })
    expect(graph.server.requests.at(-1)?.path).toBe(`/v21.0/${igId}/messages`)
    expect(lastRequestBody()).toEqual({ recipient: { id: igsid }, message: { text: 'Yes, in blue!' } })
    expect(result.ok && result.externalId).toBe(graph.messages[0]?.messageId)
  })

  it('closes after 24 h (checked locally) and maps Instagram’s 10/2534022 (HTTP 403) to WINDOW_CLOSED', async () => {
    expect(await instagramSender.send(request('dm', dm(24 * 3_600_000 + 1)), ctx())).toMatchObject({ code: 'WINDOW_CLOSED' })
    expect(graph.server.requests).toHaveLength(0)
    graph.closeWindow(igsid)
    expect(await instagramSender.send(request('reply', dm()), ctx())).toMatchObject({ ok: false, retryable: false, code: 'WINDOW_CLOSED' })
    expect(graph.server.requests.at(-1)).toBeDefined()
  })

  it('sends a private reply to a comment within 7 days', async () => {
    expect(await instagramSender.send(request('dm', topComment()), ctx())).toMatchObject({ ok: true })
    expect(lastRequestBody()).toEqual({ recipient: { comment_id: topCommentId }, message: { text: 'Yes, in blue!' } })
    expect(await instagramSender.send(request('dm', topComment(nowS - 8 * 24 * 3600)), ctx())).toMatchObject({ code: 'WINDOW_CLOSED' })
    expect(await instagramSender.send(request('dm', mention('1')), ctx())).toMatchObject({ code: 'NOT_SUPPORTED' })
  })

  it('refuses DMs over 1000 bytes and empty texts without a call', async () => {
    expect(await instagramSender.send(request('reply', dm(), 'é'.repeat(501)), ctx())).toMatchObject({ code: 'REJECTED' })
    expect(await instagramSender.send(request('reply', dm(), ''), ctx())).toMatchObject({ code: 'REJECTED' })
    expect(graph.server.requests).toHaveLength(0)
  })
})

describe('instagram send: moderation', () => {
  it('hides with {hide:true} and deletes a comment (a repeated delete is done)', async () => {
    graph.addComment({ id: topCommentId, parentId: mediaId, fromId: igsid, message: 'spam', platform: 'instagram' })
    expect(await instagramSender.send(request('hide', topComment(), ''), ctx())).toMatchObject({ ok: true, externalId: topCommentId })
    expect(lastRequestBody()).toEqual({ hide: true })
    expect(graph.comment(topCommentId)?.hidden).toBe(true)
    expect(await instagramSender.send(request('delete', topComment(), ''), ctx())).toMatchObject({ ok: true })
    expect(graph.server.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v21.0/${topCommentId}` })
    expect(await instagramSender.send(request('delete', topComment(), ''), ctx())).toMatchObject({ ok: true, raw: { alreadyGone: true } })
  })

  it('cannot like, edit, hide DMs or delete mentions', async () => {
    expect(await instagramSender.send(request('like', topComment(), ''), ctx())).toMatchObject({ code: 'NOT_SUPPORTED' })
    expect(await instagramSender.send(request('edit', topComment(), 'x', '1'), ctx())).toMatchObject({ code: 'NOT_SUPPORTED' })
    expect(await instagramSender.send(request('hide', dm(), ''), ctx())).toMatchObject({ code: 'NOT_SUPPORTED' })
    expect(await instagramSender.send(request('delete', mention('1'), ''), ctx())).toMatchObject({ code: 'NOT_SUPPORTED' })
    expect(graph.server.requests).toHaveLength(0)
  })
})

describe('instagram testConnection', () => {
  it('calls GET /me with the Page token', async () => {
    expect(await testInstagramConnection(ctx())).toEqual({ ok: true, detail: `token works for Acme (${pageId}); Instagram account ${igId}` })
    expect(await testInstagramConnection(ctx({ account: account({ secrets: { pageAccessToken: 'bad' } }) }))).toMatchObject({ ok: false })
  })
})

describe.skipIf(!hasSharedFixtures)('instagram send: fed from the shared CONSTRUCTED fixture', () => {
  it('answers the fixture reply under its top-level comment, and the DM in the window', async () => {
    const cases = JSON.parse(readFixture('meta', 'instagram_webhooks.CONSTRUCTED.json')) as Record<string, unknown>
    await graph.close()
    graph = await startGraphFake({ pageId, igUserId: '17841400000000001', pageAccessToken: token })
    const replyBody = JSON.stringify(cases['reply_to_comment'])
    expect(graph.seedFromWebhook(JSON.stringify(cases['comment_on_media'])) + graph.seedFromWebhook(replyBody)).toBe(2)
    const fixtureCtx = ctx({ account: account({ settings: { apiBaseUrl: graph.url, igUserId: '17841400000000001' } }), now: () => new Date(1_719_835_400_000) })
    expect(await instagramSender.send(request('reply', targetFrom(JSON.parse(replyBody))), fixtureCtx)).toMatchObject({ ok: true })
    expect(graph.commentsOn('17860000000000001').map((c) => c.fromId)).toEqual(['1234567890123456', '17841400000000001'])
    expect(await instagramSender.send(request('reply', targetFrom(cases['dm_text'])), fixtureCtx)).toMatchObject({ ok: true })
    expect(graph.messages).toMatchObject([{ senderId: '17841400000000001', recipient: { id: '1234567890123456' } }])
  })
})

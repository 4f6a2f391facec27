import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { isRecord } from '../wire.ts'
import { startGraphFake, type GraphFake } from './fake.ts'
import { appSecretProof } from './graph.ts'

warnIfNoShared()

const pageId = '104000000000001'
const igId = '17841400000000099'
const token = 'tok'
let graph: GraphFake

beforeEach(async () => {
  graph = await startGraphFake({ pageId, igUserId: igId, pageAccessToken: token, appSecret: 'sec', rateLimit: { limit: 1000, windowMs: 60_000 } })
})
afterEach(async () => {
  await graph.close()
})

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${graph.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...init.headers }, body: init.body })
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> }
}

describe('Graph fake: auth and paths', () => {
  it('answers 401 with code 104 without a token and 190 with a wrong one; accepts access_token in the query', async () => {
    const none = await fetch(`${graph.url}/v21.0/me`)
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ error: { code: 104 } })
    expect(await call('GET', '/v21.0/me', { headers: { authorization: 'Bearer nope' } })).toMatchObject({ status: 401, json: { error: { code: 190, type: 'OAuthException' } } })
    const query = await fetch(`${graph.url}/v20.0/me?access_token=${token}`)
    expect(await query.json()).toEqual({ id: pageId, name: 'Fake Page' })
  })

  it('checks appsecret_proof when sent, and requires a version prefix', async () => {
    expect(await call('GET', '/v21.0/me?appsecret_proof=00')).toMatchObject({ status: 400, json: { error: { code: 100 } } })
    expect(await call('GET', `/v21.0/me?appsecret_proof=${appSecretProof('sec', token)}`)).toMatchObject({ status: 200 })
    expect(await call('GET', `/${pageId}/comments`)).toMatchObject({ status: 400, json: { error: { code: 2500 } } })
  })

  it('sends usage headers on every answer', async () => {
    const res = await call('GET', '/v21.0/me')
    expect(JSON.parse(res.headers.get('x-app-usage') ?? '{}')).toMatchObject({ call_count: 0 })
    expect(JSON.parse(res.headers.get('x-business-use-case-usage') ?? '{}')).toHaveProperty(pageId)
  })

  it('reads form-encoded params like Graph and records the write', async () => {
    const res = await call('POST', '/v21.0/1_2/comments', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'message=hi+there' })
    expect(res.json['id']).toMatch(/^1_\d+$/)
    expect(graph.writes).toEqual([{ method: 'POST', objectId: '1_2', edge: 'comments', params: { message: 'hi there' }, resultId: res.json['id'] }])
    const form = 'recipient=%7B%22id%22%3A%22u1%22%7D&message=%7B%22text%22%3A%22yo%22%7D&messaging_type=RESPONSE'
    expect(await call('POST', `/v21.0/${pageId}/messages`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }))
      .toMatchObject({ status: 200, json: { recipient_id: 'u1' } })
    expect(graph.messages[0]).toMatchObject({ recipient: { id: 'u1' }, text: 'yo', messagingType: 'RESPONSE' })
  })

  it('refuses messages from objects that are not the Page/IG account, and without messaging_type on Messenger', async () => {
    const json = { 'content-type': 'application/json' }
    expect(await call('POST', '/v21.0/999/messages', { headers: json, body: '{"recipient":{"id":"u"},"message":{"text":"x"}}' })).toMatchObject({ json: { error: { code: 100 } } })
    expect(await call('POST', `/v21.0/${pageId}/messages`, { headers: json, body: '{"recipient":{"id":"u"},"message":{"text":"x"}}' })).toMatchObject({ json: { error: { code: 100 } } })
    expect(await call('POST', `/v21.0/${igId}/messages`, { headers: json, body: '{"recipient":{"id":"u"},"message":{"text":"x"}}' })).toMatchObject({ status: 200 })
  })

  it('failNext can target one object and method', async () => {
    graph.failNext({ code: 17, objectId: 'x_1', method: 'POST' })
    expect(await call('GET', '/v21.0/me')).toMatchObject({ status: 200 })
    expect(await call('POST', '/v21.0/x_1/comments', { headers: { 'content-type': 'application/json' }, body: '{"message":"a"}' })).toMatchObject({ status: 400, json: { error: { code: 17 } } })
    expect(await call('POST', '/v21.0/x_1/comments', { headers: { 'content-type': 'application/json' }, body: '{"message":"a"}' })).toMatchObject({ status: 200 })
  })
})

describe('Graph fake: comment listing pages like Graph', () => {
  beforeEach(() => {
    for (let i = 0; i < 7; i++) graph.addComment({ id: `c${i}`, parentId: 'p_1', fromId: `u${i}`, fromName: `User ${i}`, message: `m${i}`, createdTime: new Date(Date.UTC(2026, 0, 1, 0, i)) })
  })

  it('pages with limit, cursors.after and paging.next, with no next on the last page', async () => {
    const first = await call('GET', '/v21.0/p_1/comments?limit=3&fields=id,message')
    expect((first.json['data'] as { id: string }[]).map((c) => c.id)).toEqual(['c0', 'c1', 'c2'])
    expect(first.json['data']).toContainEqual({ id: 'c0', message: 'm0', from: { id: 'u0', name: 'User 0' }, created_time: '2026-01-01T00:00:00+0000', is_hidden: false })
    const paging = first.json['paging']
    if (!isRecord(paging) || !isRecord(paging['cursors'])) throw new Error('no paging')
    const next = String(paging['next'])
    expect(next).toContain(`${graph.url}/v21.0/p_1/comments`)
    expect(new URL(next).searchParams.get('after')).toBe(paging['cursors']['after'])
    const second = await call('GET', new URL(next).pathname + new URL(next).search)
    expect((second.json['data'] as { id: string }[]).map((c) => c.id)).toEqual(['c3', 'c4', 'c5'])
    const secondPaging = second.json['paging']
    const after = isRecord(secondPaging) && isRecord(secondPaging['cursors']) ? String(secondPaging['cursors']['after']) : ''
    const last = await call('GET', `/v21.0/p_1/comments?limit=3&after=${after}`)
    expect((last.json['data'] as { id: string }[]).map((c) => c.id)).toEqual(['c6'])
    expect(last.json['paging']).not.toHaveProperty('next')
    const before = isRecord(secondPaging) && isRecord(secondPaging['cursors']) ? String(secondPaging['cursors']['before']) : ''
    const back = await call('GET', `/v21.0/p_1/comments?limit=3&before=${before}`)
    expect((back.json['data'] as { id: string }[]).map((c) => c.id)).toEqual(['c0', 'c1', 'c2'])
  })

  it('orders newest first on request, caps limit at 100, and answers an empty list without paging', async () => {
    const newest = await call('GET', '/v21.0/p_1/comments?order=reverse_chronological&limit=500')
    expect((newest.json['data'] as { id: string }[]).map((c) => c.id)).toEqual(['c6', 'c5', 'c4', 'c3', 'c2', 'c1', 'c0'])
    expect(await call('GET', '/v21.0/other/comments')).toMatchObject({ json: { data: [] } })
    expect((await call('GET', '/v21.0/other/comments')).json).not.toHaveProperty('paging')
  })

  it('lists Instagram replies with text/username/from, and GET /{id} reads one comment', async () => {
    graph.addComment({ id: '178', parentId: '177', fromId: 'u1', fromName: 'happy', message: 'hey', platform: 'instagram', createdTime: new Date(0) })
    expect(await call('GET', '/v21.0/177/replies')).toMatchObject({ json: { data: [{ id: '178', text: 'hey', username: 'happy', from: { id: 'u1', username: 'happy' } }] } })
    expect(await call('GET', '/v21.0/c1')).toMatchObject({ json: { id: 'c1', message: 'm1' } })
    expect(await call('GET', '/v21.0/nope')).toMatchObject({ status: 400, json: { error: { code: 100, error_subcode: 33 } } })
  })
})

describe('Graph fake: seeding from webhook bodies', () => {
  it('registers the comments an own Facebook or Instagram delivery announces', () => {
    const fb = { object: 'page', entry: [{ id: pageId, time: 1_700_000_000, changes: [{ field: 'feed', value: { from: { id: 'u1', name: 'Ann' }, item: 'comment', verb: 'add', comment_id: '5_6', post_id: `${pageId}_5`, parent_id: `${pageId}_5`, created_time: 1_700_000_000, message: 'hi' } }] }] }
    expect(graph.seedFromWebhook(JSON.stringify(fb))).toBe(1)
    expect(graph.commentsOn(`${pageId}_5`)).toMatchObject([{ id: '5_6', fromId: 'u1', fromName: 'Ann', message: 'hi', platform: 'facebook' }])
    const ig = { object: 'instagram', entry: [{ id: igId, time: 1_700_000_000, changes: [{ field: 'comments', value: { from: { id: 'u2', username: 'bo' }, media: { id: 'm1' }, id: '9', parent_id: '8', text: 'yo' } }] }] }
    expect(graph.seedFromWebhook(JSON.stringify(ig))).toBe(1)
    expect(graph.commentsOn('8')).toMatchObject([{ id: '9', platform: 'instagram', fromName: 'bo' }])
    expect(graph.seedFromWebhook('garbage')).toBe(0)
  })

  it.skipIf(!hasSharedFixtures)('registers the comments of the shared Meta fixtures', () => {
    const feed: unknown = JSON.parse(readFixture('meta', 'page_feed_changes.reconstructed.json'))
    const ig: unknown = JSON.parse(readFixture('meta', 'instagram_webhooks.CONSTRUCTED.json'))
    if (!isRecord(feed) || !isRecord(ig)) throw new Error('fixtures are not objects')
    const seeded = [...Object.values(feed), ...Object.values(ig)].reduce<number>((n, body) => n + graph.seedFromWebhook(JSON.stringify(body)), 0)
    // commentAdd, commentEdited, sentByPage, videoCommentAdd; comment_on_media, reply_to_comment.
    expect(seeded).toBe(6)
    expect(graph.comment('139560936744456_139620233405726')).toMatchObject({ parentId: '139560936744456_139562213411528', message: 'Good' })
    expect(graph.commentsOn('17860000000000001').map((c) => c.id)).toEqual(['17860000000000002'])
  })
})

describe('Graph fake: rate limit', () => {
  it('over budget: Graph error 32 with estimated_time_to_regain_access', async () => {
    await graph.close()
    graph = await startGraphFake({ pageId, pageAccessToken: token, rateLimit: { limit: 2, windowMs: 90_000 } })
    expect((await call('GET', '/v21.0/me')).status).toBe(200)
    expect((await call('GET', '/v21.0/me')).status).toBe(200)
    const limited = await call('GET', '/v21.0/me')
    expect(limited).toMatchObject({ status: 400, json: { error: { code: 32 } } })
    const usage: unknown = JSON.parse(limited.headers.get('x-business-use-case-usage') ?? '{}')
    expect(usage).toMatchObject({ [pageId]: [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 2 }] })
  })
})

// The fake's own contract, which other engineers' tests rely on: auth checks, limits, headers.
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { did, jetstreamPost } from '../../testing/payloads.ts'
import { startBlueskyFake, type BlueskyFake } from './fake.ts'

let fake: BlueskyFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function xrpc(f: BlueskyFake, nsid: string, init: { body?: unknown; token?: string; query?: string } = {}) {
  const res = await fetch(`${f.url}/xrpc/${nsid}${init.query ?? ''}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  return { status: res.status, headers: res.headers, json: await res.json() as Record<string, unknown> }
}

describe('bluesky fake', () => {
  it('refuses writes without a valid token and accepts them with the session token', async () => {
    const f = fake = await startBlueskyFake({ rateLimit: { limit: 100, windowMs: 60_000 } })
    const record = { $type: 'app.bsky.feed.post', text: 'hi', createdAt: new Date().toISOString() }
    const body = { repo: f.did, collection: 'app.bsky.feed.post', record }
    expect((await xrpc(f, 'com.atproto.repo.createRecord', { body })).status).toBe(401)
    expect((await xrpc(f, 'com.atproto.repo.createRecord', { body, token: 'forged' })).status).toBe(401)
    const session = await xrpc(f, 'com.atproto.server.createSession', { body: { identifier: f.handle, password: f.appPassword } })
    expect(session.status).toBe(200)
    expect(session.headers.get('ratelimit-limit')).toBe('100')
    expect(session.headers.get('ratelimit-remaining')).toBe('97')
    expect(Number(session.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000)
    const created = await xrpc(f, 'com.atproto.repo.createRecord', { body, token: String(session.json.accessJwt) })
    expect(created.status).toBe(200)
    expect(created.json.uri).toMatch(new RegExp(`^at://${f.did}/app.bsky.feed.post/[a-z2-7]{13}$`))
    expect(f.posts()).toHaveLength(1)
    expect((await xrpc(f, 'com.atproto.server.createSession', { body: { identifier: f.handle, password: 'nope' } })).status).toBe(401)
  })

  it('rejects bad record keys and over-long posts like the PDS', async () => {
    const f = fake = await startBlueskyFake()
    const token = String((await xrpc(f, 'com.atproto.server.createSession', { body: { identifier: f.did, password: f.appPassword } })).json.accessJwt)
    const post = (text: string, rkey?: string) => ({ repo: f.did, collection: 'app.bsky.feed.post', rkey, record: { $type: 'app.bsky.feed.post', text, createdAt: '2026-01-01T00:00:00Z' } })
    expect((await xrpc(f, 'com.atproto.repo.createRecord', { body: post('x', 'not-a-tid'), token })).json.error).toBe('InvalidRequest')
    expect((await xrpc(f, 'com.atproto.repo.createRecord', { body: post('a'.repeat(301)), token })).status).toBe(400)
    expect(f.posts()).toHaveLength(0)
  })

  it('answers getProfiles for at most 25 actors and resolveHandle for known handles', async () => {
    const f = fake = await startBlueskyFake({ handles: { 'alice.example.com': 'did:plc:alice' }, profiles: [{ did: 'did:plc:alice', handle: 'alice.example.com' }] })
    const many = Array.from({ length: 26 }, (_, i) => `actors=${did(i)}`).join('&')
    expect((await xrpc(f, 'app.bsky.actor.getProfiles', { query: `?${many}` })).status).toBe(400)
    expect((await xrpc(f, 'app.bsky.actor.getProfiles', { query: '?actors=did:plc:alice' })).json.profiles).toMatchObject([{ did: 'did:plc:alice', handle: 'alice.example.com' }])
    expect((await xrpc(f, 'com.atproto.identity.resolveHandle', { query: '?handle=Alice.example.com' })).json).toEqual({ did: 'did:plc:alice' })
    expect((await xrpc(f, 'com.atproto.identity.resolveHandle', { query: '?handle=who.example' })).status).toBe(400)
  })

  it('replays history from the cursor on /subscribe, filtered by wantedCollections', async () => {
    const lines = [1, 2, 3].map((n) => jetstreamPost({ did: did(n), rkey: `3mmoojp000${n}22`, text: `p${n}`, timeUs: 1_000_000 * n }))
    const f = fake = await startBlueskyFake({ events: lines })
    const got: string[] = []
    const ws = new WebSocket(`${f.jetstreamUrl}/subscribe?wantedCollections=app.bsky.feed.*&cursor=2000000`)
    ws.on('message', (data) => got.push(String(data)))
    await new Promise((resolve) => ws.on('open', resolve))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(got).toEqual(lines.slice(1))
    ws.close()
  })
})

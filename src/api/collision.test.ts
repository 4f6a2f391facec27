// Two agents on one conversation never answer unknowingly: each sees the other viewing and typing on
// the live stream (stamped by the server, own echoes not returned, "left" when a socket closes), and a
// reply sent after a colleague's answer the agent has not seen gets 409 REPLY_COLLISION with that
// answer; sending again with the new count confirms it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startBlueskyFake, type BlueskyFake } from '../channels/bluesky/fake.ts'
import { apiClient, type ApiCall } from '../testing/api-client.ts'
import { did, jetstreamPost } from '../testing/payloads.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

let server: TestServer
let call: ApiCall
let fake: BlueskyFake
const tokens: Record<string, string> = {}
let conversationId = ''

interface Socket { ws: WebSocket; events: any[]; connection: string }

async function openStream(token: string): Promise<Socket> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/stream?access_token=${token}`)
  const events: any[] = []
  const hello = await new Promise<any>((resolve, reject) => {
    ws.on('message', (data) => {
      const event = JSON.parse(String(data))
      if (event.type === 'hello') resolve(event)
      else events.push(event)
    })
    ws.on('error', reject)
  })
  return { ws, events, connection: hello.connection }
}

async function until<T>(check: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 5_000
  for (;;) {
    const v = check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

beforeAll(async () => {
  server = await startTestServer()
  call = apiClient(server)
  fake = await startBlueskyFake({ handle: 'northwind.example.com', appPassword: 'app-pass' })
  expect((await call('POST', '/api/v1/channel-accounts', {
    body: { channel: 'bluesky', name: 'Northwind', settings: { handle: fake.handle, pdsUrl: fake.url, appViewUrl: fake.url, jetstreamUrl: fake.jetstreamUrl }, secrets: { appPassword: 'app-pass' } },
  })).status).toBe(201)
  for (const name of ['Ana', 'Bo']) {
    const agent = (await call('POST', '/api/v1/agents', { body: { name } })).json
    tokens[name] = (await call('POST', '/api/v1/tokens', { body: { name, role: 'agent', workspace: 'default', agentId: agent.id } })).json.token
  }
  const text = 'My suitcase came back broken, who pays for this?'
  expect((await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamPost({ did: did(4242), rkey: '3kcollide000a', text }) })).json.ingested).toBe(1)
  conversationId = (await call('GET', '/api/v1/conversations?channel=bluesky')).json.items.find((c: any) => c.preview === text).id
})
afterAll(async () => {
  await server?.close()
  await fake?.close()
})

describe('collision detection', () => {
  it('relays viewing and typing with the server-stamped name, not back to the sender, and "left" when a socket closes', async () => {
    const ana = await openStream(tokens.Ana!)
    const bo = await openStream(tokens.Bo!)
    ana.ws.send(JSON.stringify({ type: 'presence', conversationId, state: 'viewing', who: { name: 'Somebody else' } }))
    const seen = await until(() => bo.events.find((e) => e.type === 'presence' && e.state === 'viewing'), 'Bo to see Ana viewing')
    expect(seen).toMatchObject({ conversationId, who: { name: 'Ana' }, connection: ana.connection })
    bo.ws.send(JSON.stringify({ type: 'presence', conversationId, state: 'typing' }))
    await until(() => ana.events.find((e) => e.type === 'presence' && e.state === 'typing' && e.who.name === 'Bo'), 'Ana to see Bo typing')
    ana.ws.send('not json at all')
    ana.ws.send(JSON.stringify({ type: 'presence', conversationId: 'nope', state: 'viewing' }))
    await new Promise((r) => setTimeout(r, 100))
    expect(ana.events.filter((e) => e.type === 'presence' && e.who.name === 'Ana'), 'no echo of her own presence').toEqual([])
    bo.ws.close()
    await until(() => ana.events.find((e) => e.type === 'presence' && e.state === 'left' && e.who.name === 'Bo'), 'Ana to see Bo leave')
    ana.ws.close()
  })

  it('refuses a reply that would cross a colleague\'s unseen answer, then sends it once confirmed', async () => {
    const path = `/api/v1/conversations/${conversationId}/replies`
    const first = await call('POST', path, { token: tokens.Ana!, body: { text: 'So sorry, please DM us a photo and your booking reference.', expectReplies: 0 } })
    expect(first.status).toBe(202)
    // Bo opened the conversation before Ana's answer: he has seen 0 replies
    const crossing = await call('POST', path, { token: tokens.Bo!, body: { text: 'Hi! Our baggage team can help with that.', expectReplies: 0 } })
    expect(crossing.status).toBe(409)
    expect(crossing.json.error.code).toBe('REPLY_COLLISION')
    expect(crossing.json.error.details.unseen).toHaveLength(1)
    expect(crossing.json.error.details.unseen[0]).toMatchObject({ by: 'token:Ana', text: 'So sorry, please DM us a photo and your booking reference.' })
    expect((await call('GET', path)).json.items).toHaveLength(1)
    const confirmed = await call('POST', path, { token: tokens.Bo!, body: { text: 'Hi! Our baggage team can help with that.', expectReplies: crossing.json.error.details.replies } })
    expect(confirmed.status).toBe(202)
    // without the field (API scripts) there is no check
    expect((await call('POST', path, { body: { text: 'A script answer' } })).status).toBe(202)
    expect((await call('GET', path)).json.items).toHaveLength(3)
  })
})

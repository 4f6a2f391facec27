// CSAT end to end: settings through the API (audited, supervisors only), a private conversation on the
// generic webhook channel resolved → a survey message with a link sent through the outbox to a real
// receiver on 127.0.0.1 → the public page (escaped, single use, expiry, hostile input) → the score, the
// csat.received event webhook, the stats API and today's wallboard tile; a customer's bare "⭐⭐" reply
// as a score that does not reopen the conversation; public conversations skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { signedHeaders } from '../channels/webhook/signature.ts'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { startReceiver, type Receiver } from '../testing/http-receiver.ts'
import { did, jetstreamPost } from '../testing/payloads.ts'
import { createTestDatabase, type TestDatabase } from '../testing/postgres.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

const hookSecret = 'channel-signing-secret'

// The embedded store always; a PostgreSQL server too when DATABASE_URL is set.
const databaseUrl = process.env.DATABASE_URL
const stores = [{ store: 'PGlite', serverUrl: null }, ...(databaseUrl === undefined ? [] : [{ store: 'PostgreSQL', serverUrl: databaseUrl }])]

describe.each(stores)('CSAT surveys and scores on $store', ({ serverUrl }) => {
  let db: TestDatabase | null = null
  let server: TestServer
  let call: ApiCall
  let receiver: Receiver
  let webhookPath = ''
  let supervisorToken = ''
  let agentToken = ''
  let agentId = ''
  let token = ''
  const ids: Record<string, string> = {}

  /** A customer writes privately through the generic webhook channel (signed, like the source would). */
  async function customerWrites(id: string, thread: string, text: string): Promise<void> {
    const event = JSON.stringify({ id, type: 'message', author: { id: `cust-${thread}`, name: 'Dana' }, text, created_at: new Date().toISOString(), thread_id: thread, visibility: 'private' })
    const res = await fetch(`${server.url}${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(hookSecret, event, new Date()) }, body: event })
    expect(res.status).toBe(200)
    await eventually(async () => ((await call('GET', '/api/v1/conversations?channel=webhook&status=new,open,pending,snoozed,resolved&limit=200')).json.items.some((c: any) => c.preview === text) ? true : undefined), `message ${id}`)
  }
  const conversationOf = async (text: string) => (await call('GET', '/api/v1/conversations?channel=webhook&status=new,open,pending,snoozed,resolved&limit=200')).json.items.find((c: any) => c.preview === text)
  const surveysSent = () => receiver.received.filter((r) => r.path === '/channel').map((r) => JSON.parse(r.body))
  const tokenIn = (text: string) => /\/csat\/([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? ''
  const page = (t: string, init: RequestInit = {}) => fetch(`${server.url}/csat/${t}`, init)
  const form = (t: string, body: string) => page(t, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })

  beforeAll(async () => {
    db = serverUrl === null ? null : await createTestDatabase(serverUrl)
    server = await startTestServer(db === null ? {} : { store: { kind: 'postgres', url: db.url } })
    call = apiClient(server)
    receiver = await startReceiver()
    // surveys are sent by this test's ticks, not by the 5-second timer
    await server.earshot.csat.stop()
    const ws = (await call('GET', '/api/v1/workspaces')).json.items.find((w: any) => w.slug === 'default')
    agentId = (await call('POST', '/api/v1/agents', { body: { name: 'Ade' } })).json.id
    agentToken = (await call('POST', '/api/v1/tokens', { body: { name: 'ade', role: 'agent', workspace: ws.id, agentId } })).json.token
    supervisorToken = (await call('POST', '/api/v1/tokens', { body: { name: 'sue', role: 'supervisor', workspace: ws.id } })).json.token
    const account = await call('POST', '/api/v1/channel-accounts', { body: { channel: 'webhook', name: 'Help centre', settings: { outgoingUrl: `${receiver.url}/channel` }, secrets: { signingSecret: hookSecret } } })
    expect(account.status).toBe(201)
    webhookPath = account.json.webhookPath
    await call('POST', '/api/v1/event-webhooks', { body: { url: `${receiver.url}/events`, events: ['csat.received', 'conversation.resolved'], secret: 'event-secret-0123456789' } })
  })
  afterAll(async () => {
    await receiver?.close()
    await server?.close()
    await db?.drop()
  })

  it('keeps the settings per workspace: off by default, supervisors change them, audited', async () => {
    expect((await call('GET', '/api/v1/settings/csat')).json).toMatchObject({ enabled: false, channels: [], delayMinutes: 0, publicConversations: false })
    const body = { enabled: true, channels: [], message: 'Thanks for writing to us. How did we do? {link}', delayMinutes: 0 }
    expect((await call('PUT', '/api/v1/settings/csat', { token: agentToken, body })).status).toBe(403)
    expect((await call('PUT', '/api/v1/settings/csat', { body: { ...body, channels: ['carrier-pigeon'] } })).status).toBe(400)
    expect((await call('PUT', '/api/v1/settings/csat', { body: { ...body, delayMinutes: -1 } })).status).toBe(400)
    const put = await call('PUT', '/api/v1/settings/csat', { token: supervisorToken, body })
    expect(put.status).toBe(200)
    expect(put.json).toEqual({ ...body, publicConversations: false })
    const audit = (await call('GET', '/api/v1/audit')).json.items.find((a: any) => a.action === 'settings.csat')
    expect(audit).toMatchObject({ actor: 'token:sue', detail: { before: { enabled: false }, after: { enabled: true } } })
  })

  it('sends a survey with a link after a private conversation is resolved, through the outbox', async () => {
    await customerWrites('m1', 't1', 'my parcel arrived broken')
    const c = await conversationOf('my parcel arrived broken')
    ids.first = c.id
    await call('POST', `/api/v1/conversations/${c.id}/assignment`, { body: { agentId } })
    expect((await call('PATCH', `/api/v1/conversations/${c.id}/status`, { body: { status: 'resolved' } })).status).toBe(200)
    expect(await server.earshot.csat.tick()).toBe(1)
    expect(await server.earshot.csat.tick()).toBe(0) // sent once
    const sent = await eventually(async () => (surveysSent().length === 1 ? surveysSent()[0] : undefined), 'the survey message')
    expect(sent).toMatchObject({ type: 'reply', visibility: 'private', in_reply_to: 'm1', thread_id: 't1' })
    expect(sent.text).toMatch(/^Thanks for writing to us\. How did we do\? http:\/\/127\.0\.0\.1:\d+\/csat\/[A-Za-z0-9_-]{43}$/)
    token = tokenIn(sent.text)
    const after = (await call('GET', `/api/v1/conversations/${c.id}`)).json
    expect(after.status).toBe('resolved') // the survey does not reopen it…
    expect(after.sla.firstRespondedAt).toBeNull() // …and is not an agent's answer
    // only the token's hash is stored
    const stored = await server.earshot.store.db.query<{ token_hash: string }>('select token_hash from csat_survey where conversation_id = $1', [c.id])
    expect(stored.rows[0]!.token_hash).not.toContain(token)
  })

  it('shows an escaped page with five buttons and takes the score once', async () => {
    const get = await page(token, { headers: { accept: 'text/html' } })
    expect(get.status).toBe(200)
    expect(get.headers.get('content-security-policy')).toContain("default-src 'none'")
    const html = await get.text()
    expect(html.match(/name="score" value="[1-5]"/g)).toHaveLength(5)
    expect(html).toContain('textarea')

    const comment = '<img src=x onerror=alert(1)> quick & kind'
    const answer = await form(token, `score=4&comment=${encodeURIComponent(comment)}`)
    expect(answer.status).toBe(200)
    const thanks = await answer.text()
    expect(thanks).toContain('Thank you')
    expect(thanks).not.toContain('<img')

    const again = await form(token, 'score=1')
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('already answered')
    const againJson = await page(token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 1 }) })
    expect(againJson.status).toBe(409)
    expect(((await againJson.json()) as any).error.code).toBe('CSAT_ALREADY_ANSWERED')
    expect((await page(token, { headers: { accept: 'text/html' } })).status).toBe(409)

    const responses = (await call('GET', '/api/v1/csat/responses')).json.items
    expect(responses).toHaveLength(1)
    expect(responses[0]).toMatchObject({ conversationId: ids.first, agentId, score: 4, comment, source: 'link', channel: 'webhook' })
  })

  it('refuses unknown, malformed, expired and hostile answers with a clear error', async () => {
    const unknown = await page('A'.repeat(43), { headers: { accept: 'application/json' } })
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as any).error.code).toBe('CSAT_SURVEY_NOT_FOUND')
    expect((await page('../../etc/passwd')).status).toBe(404)
    expect((await form('<script>', 'score=5')).status).toBe(404)

    // a second resolution → a second survey, which we let expire
    await customerWrites('m2', 't2', 'wrong size again')
    const c = await conversationOf('wrong size again')
    ids.second = c.id
    await call('PATCH', `/api/v1/conversations/${c.id}/status`, { body: { status: 'resolved' } })
    await server.earshot.csat.tick()
    const second = await eventually(async () => (surveysSent().length === 2 ? surveysSent()[1] : undefined), 'the second survey')
    const secondToken = tokenIn(second.text)

    const hugeForm = await form(secondToken, `score=5&comment=${'x'.repeat(20_000)}`)
    expect(hugeForm.status).toBe(413)
    expect(await hugeForm.text()).toContain('at most')
    const longJson = await page(secondToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ score: 5, comment: 'y'.repeat(2001) }) })
    expect(longJson.status).toBe(400)
    expect(((await longJson.json()) as any).error.code).toBe('VALIDATION')
    for (const score of ['9', '0', 'abc', '']) expect((await form(secondToken, `score=${score}`)).status, score).toBe(400)
    expect((await page(secondToken, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'score=5' })).status).toBe(400)

    await server.earshot.store.db.query("update csat_survey set expires_at = now() - interval '1 minute' where conversation_id = $1", [c.id])
    const expired = await form(secondToken, 'score=5')
    expect(expired.status).toBe(410)
    expect(await expired.text()).toContain('expired')
    // nothing of that reached the scores, and the server still answers
    expect((await call('GET', '/api/v1/csat')).json.count).toBe(1)
  })

  it('takes a customer\'s bare "⭐⭐" reply as the score without reopening; later messages are ordinary', async () => {
    await customerWrites('m3', 't3', 'where is my refund')
    const c = await conversationOf('where is my refund')
    await call('PATCH', `/api/v1/conversations/${c.id}/status`, { body: { status: 'resolved' } })
    await server.earshot.csat.tick()
    await eventually(async () => (surveysSent().length === 3 ? true : undefined), 'the third survey')

    const live: any[] = []
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/api/v1/stream?access_token=${server.adminToken}`)
    socket.on('message', (data) => live.push(JSON.parse(String(data))))
    await eventually(async () => (live.some((m) => m.type === 'hello') ? true : undefined), 'the stream hello')
    await customerWrites('m4', 't3', '⭐⭐')
    const received = await eventually(async () => live.find((m) => m.type === 'csat.received'), 'csat.received on the stream')
    socket.close()
    expect(received).toMatchObject({ type: 'csat.received', data: { conversationId: c.id, score: 2, source: 'reply' } })
    const after = (await call('GET', `/api/v1/conversations/${c.id}`)).json
    expect(after.status).toBe('resolved')
    expect(after.messages.some((m: any) => m.text === '⭐⭐')).toBe(true)
    const reply = (await call('GET', '/api/v1/csat/responses')).json.items.find((r: any) => r.conversationId === c.id)
    expect(reply).toMatchObject({ score: 2, source: 'reply', comment: null })
    // answered: another bare digit is just a message, and reopens the conversation like any other
    await customerWrites('m5', 't3', '5')
    expect((await call('GET', `/api/v1/conversations/${c.id}`)).json.status).toBe('open')
    expect((await call('GET', '/api/v1/csat/responses')).json.items.filter((r: any) => r.conversationId === c.id)).toHaveLength(1)
  })

  it('skips public conversations unless the setting says so', async () => {
    await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamPost({ did: did(3), rkey: '3csat0000001', text: 'lost my luggage, thanks for nothing', langs: ['en'] }) })
    const c = (await call('GET', '/api/v1/conversations?channel=bluesky')).json.items[0]
    await call('PATCH', `/api/v1/conversations/${c.id}/status`, { body: { status: 'resolved' } })
    expect(await server.earshot.csat.tick()).toBe(1)
    const survey = (await call('GET', `/api/v1/conversations/${c.id}/csat`)).json.items
    expect(survey).toMatchObject([{ status: 'skipped', skipReason: expect.stringContaining('public conversation'), sentAt: null, score: null }])
    expect((await call('GET', `/api/v1/conversations/${ids.first}/csat`)).json.items).toMatchObject([{ status: 'answered', score: 4 }])
    expect(surveysSent()).toHaveLength(3)
  })

  it('reports count, average, CSAT % and distribution by period, agent and queue, and on the wallboard', async () => {
    const all = (await call('GET', '/api/v1/csat')).json
    expect(all).toMatchObject({ count: 2, average: 3, csatPercent: 50, distribution: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 } })
    expect((await call('GET', `/api/v1/csat?agent=${agentId}`)).json).toMatchObject({ count: 1, average: 4, csatPercent: 100 })
    expect((await call('GET', '/api/v1/csat?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z')).json).toMatchObject({ count: 0, average: null, csatPercent: null })
    expect((await call('GET', '/api/v1/csat?from=2030-01-01T00:00:00Z&to=2020-02-01T00:00:00Z')).status).toBe(400)
    expect((await call('GET', '/api/v1/csat?agent=nope')).status).toBe(400)
    const board = (await call('GET', '/api/v1/wallboard')).json
    expect(board.csat).toMatchObject({ count: 2, average: 3, csatPercent: 50 })
  })

  it('sends csat.received and conversation.resolved to the event webhooks', async () => {
    await server.earshot.events.drain()
    const events = receiver.received.filter((r) => r.path === '/events').map((r) => JSON.parse(r.body))
    const scores = events.filter((e) => e.type === 'csat.received').map((e) => e.data.score).sort()
    expect(scores).toEqual([2, 4])
    expect(events.filter((e) => e.type === 'conversation.resolved')).toHaveLength(4)
  })

  it('a survey the channel refuses for good reads skipped with the reason, and a bare digit afterwards is an ordinary message', async () => {
    receiver.answer = (r) => (r.path === '/channel' ? 400 : 200)
    try {
      await customerWrites('m6', 't6', 'the app logs me out every hour')
      const c = await conversationOf('the app logs me out every hour')
      await call('PATCH', `/api/v1/conversations/${c.id}/status`, { body: { status: 'resolved' } })
      expect(await server.earshot.csat.tick()).toBe(1)
      await server.earshot.outbox.drain()
      const survey = await eventually(async () => {
        const items = (await call('GET', `/api/v1/conversations/${c.id}/csat`)).json.items
        return items[0]?.status === 'skipped' ? items : undefined
      }, 'the survey marked skipped')
      expect(survey).toMatchObject([{ status: 'skipped', skipReason: expect.stringMatching(/^the survey could not be sent: .*400/), score: null }])
      await customerWrites('m7', 't6', '3')
      expect((await call('GET', `/api/v1/conversations/${c.id}`)).json.status).toBe('open')
      expect((await call('GET', '/api/v1/csat/responses')).json.items.filter((r: any) => r.conversationId === c.id)).toHaveLength(0)
    } finally {
      receiver.answer = () => 200
    }
  })

  it('is in the OpenAPI document', async () => {
    const paths = Object.keys((await call('GET', '/docs/json', { token: null })).json.paths)
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/settings/csat', '/api/v1/csat', '/api/v1/csat/responses', '/csat/{token}']))
  })
})

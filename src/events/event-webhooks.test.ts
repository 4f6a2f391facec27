// Outgoing event webhooks end to end: the REST API (secrets never returned, URLs checked, audit), the
// durable delivery queue against a real receiver on 127.0.0.1 (a 500 then a success, the same event id
// and body on the retry, a signature the receiver can check), SLA breaches and resolutions as events,
// retries running out, and the delivery log.
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { startReceiver, type Receiver } from '../testing/http-receiver.ts'
import { did, jetstreamPost } from '../testing/payloads.ts'
import { createTestDatabase, type TestDatabase } from '../testing/postgres.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'
import { createEventWorker, type EventWorker } from './worker.ts'

const secret = 'a-long-shared-secret-for-hmac'

/** What a receiver does: HMAC-SHA256(secret, "<timestamp>.<raw body>"), compared with the header. */
function signatureValid(headers: Record<string, string | string[] | undefined>, body: string, key: string): boolean {
  const ts = String(headers['x-earshot-timestamp'])
  const expected = `sha256=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}`
  return headers['x-earshot-signature'] === expected && Math.abs(Date.now() / 1000 - Number(ts)) < 300
}

// The embedded store always; a PostgreSQL server too when DATABASE_URL is set.
const databaseUrl = process.env.DATABASE_URL
const stores = [{ store: 'PGlite', serverUrl: null }, ...(databaseUrl === undefined ? [] : [{ store: 'PostgreSQL', serverUrl: databaseUrl }])]

describe.each(stores)('outgoing event webhooks on $store', ({ serverUrl }) => {
  let db: TestDatabase | null = null
  let server: TestServer
  let call: ApiCall
  let receiver: Receiver
  let worker: EventWorker
  let hook: any
  let agentToken: string

  beforeAll(async () => {
    db = serverUrl === null ? null : await createTestDatabase(serverUrl)
    server = await startTestServer(db === null ? {} : { store: { kind: 'postgres', url: db.url } })
    call = apiClient(server)
    receiver = await startReceiver()
    // the server's own worker retries after seconds; this one after milliseconds, alone on the queue
    await server.earshot.events.stop()
    worker = createEventWorker({ store: server.earshot.store, secretBox: server.earshot.secretBox, backoff: { baseMs: 20, capMs: 50, attemptsMax: 3 } })
    const ws = (await call('GET', '/api/v1/workspaces')).json.items.find((w: any) => w.slug === 'default')
    agentToken = (await call('POST', '/api/v1/tokens', { body: { name: 'agent', role: 'agent', workspace: ws.id } })).json.token
  })
  afterAll(async () => {
    await worker?.stop()
    await receiver?.close()
    await server?.close()
    await db?.drop()
  })

  it('creates a webhook without ever returning its secret, and audits it', async () => {
    const res = await call('POST', '/api/v1/event-webhooks', { body: { url: `${receiver.url}/hooks`, events: ['sla.breached', 'conversation.resolved', 'csat.received'], secret, description: 'ops' } })
    expect(res.status).toBe(201)
    hook = res.json
    expect(hook).toMatchObject({ url: `${receiver.url}/hooks`, events: ['sla.breached', 'conversation.resolved', 'csat.received'], enabled: true, hasSecret: true })
    const list = await call('GET', '/api/v1/event-webhooks')
    expect(list.json.items.map((w: any) => w.id)).toEqual([hook.id])
    for (const text of [res.text, list.text, (await call('GET', `/api/v1/event-webhooks/${hook.id}`)).text]) expect(text).not.toContain(secret)
    const stored = await server.earshot.store.db.query<{ secret_enc: Uint8Array }>('select secret_enc from event_webhook where id = $1', [hook.id])
    expect(Buffer.from(stored.rows[0]!.secret_enc).toString('latin1')).not.toContain(secret)
    const audit = (await call('GET', '/api/v1/audit')).json.items.find((a: any) => a.action === 'event_webhook.create')
    expect(audit).toMatchObject({ actor: 'token:admin (EARSHOT_ADMIN_TOKEN)', targetId: hook.id })
    expect(JSON.stringify(audit)).not.toContain(secret)
  })

  it('refuses non-http(s) URLs, unknown events, short secrets and agents', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'http://user:pass@example.com/']) {
      const res = await call('POST', '/api/v1/event-webhooks', { body: { url, events: ['sla.breached'], secret } })
      expect(res.status, url).toBe(400)
      expect(res.json.error.code).toBe('INVALID_WEBHOOK_URL')
    }
    expect((await call('POST', '/api/v1/event-webhooks', { body: { url: receiver.url, events: ['everything'], secret } })).json.error.code).toBe('VALIDATION')
    expect((await call('POST', '/api/v1/event-webhooks', { body: { url: receiver.url, events: ['sla.breached'], secret: 'short' } })).status).toBe(400)
    expect((await call('PATCH', `/api/v1/event-webhooks/${hook.id}`, { body: { url: 'gopher://x' } })).json.error.code).toBe('INVALID_WEBHOOK_URL')
    const agent = await call('POST', '/api/v1/event-webhooks', { token: agentToken, body: { url: receiver.url, events: ['sla.breached'], secret } })
    expect(agent.status).toBe(403)
    expect((await call('GET', '/api/v1/event-webhooks/not-a-uuid')).json.error.code).toBe('EVENT_WEBHOOK_NOT_FOUND')
  })

  it('delivers an SLA breach and a resolution: a 500 is retried with the same event id and body, signed', async () => {
    // the default queue gets a 0.06 s first-response target
    const band = { firstResponseMinutes: 0.001, nextResponseMinutes: null, resolutionMinutes: null }
    const policy = await call('POST', '/api/v1/sla-policies', { body: { name: 'Tight', policy: { calendar: null, warningPercent: 50, targets: { urgent: band, high: band, normal: band, low: band } } } })
    const queue = (await call('GET', '/api/v1/queues')).json.items.find((q: any) => q.isDefault)
    expect((await call('PATCH', `/api/v1/queues/${queue.id}`, { body: { slaPolicyId: policy.json.id } })).status).toBe(200)
    expect((await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamPost({ did: did(1), rkey: '3evhk0000001', text: 'my bag never arrived', langs: ['en'] }) })).json.ingested).toBe(1)
    const conversation = (await call('GET', '/api/v1/conversations?channel=bluesky')).json.items[0]

    const firstFails = new Set<string>()
    receiver.answer = (r) => {
      const id = String(r.headers['x-earshot-event-id'])
      if (firstFails.has(id)) return 200
      firstFails.add(id)
      return 500
    }
    const events = await server.earshot.slaWatch.tick(new Date(Date.now() + 60_000))
    expect(events.map((e) => e.type)).toContain('sla.breached')
    expect((await call('PATCH', `/api/v1/conversations/${conversation.id}/status`, { body: { status: 'resolved' } })).status).toBe(200)

    await worker.drain()
    const afterOne = (await call('GET', `/api/v1/event-webhooks/${hook.id}/deliveries`)).json.items
    expect(afterOne.map((d: any) => d.status).sort()).toEqual(['pending', 'pending'])
    expect(afterOne.every((d: any) => d.lastStatus === 500 && d.attempts === 1)).toBe(true)

    const delivered = await eventually(async () => {
      await worker.drain()
      const items = (await call('GET', `/api/v1/event-webhooks/${hook.id}/deliveries`)).json.items
      return items.every((d: any) => d.status === 'delivered') ? items : undefined
    }, 'both deliveries')
    expect(delivered.map((d: any) => d.eventType).sort()).toEqual(['conversation.resolved', 'sla.breached'])
    for (const d of delivered) {
      expect(d.attempts).toBe(2)
      expect(d.log.map((a: any) => a.status)).toEqual([500, 200])
    }

    expect(receiver.received).toHaveLength(4)
    for (const type of ['sla.breached', 'conversation.resolved']) {
      const got = receiver.received.filter((r) => r.headers['x-earshot-event'] === type)
      expect(got).toHaveLength(2)
      const [first, retry] = got as [typeof got[0], typeof got[0]]
      expect(retry.body).toBe(first.body)
      expect(retry.headers['idempotency-key']).toBe(first.headers['idempotency-key'])
      const body = JSON.parse(retry.body)
      expect(body).toMatchObject({ type, workspaceId: conversation.workspaceId, data: { conversationId: conversation.id } })
      expect(retry.headers['idempotency-key']).toBe(body.id)
      expect(retry.headers['x-earshot-event-id']).toBe(body.id)
      expect(retry.headers['content-type']).toBe('application/json')
      expect(retry.path).toBe('/hooks')
      expect(signatureValid(retry.headers, retry.body, secret)).toBe(true)
      expect(signatureValid(retry.headers, retry.body, 'another-secret-entirely')).toBe(false)
      expect(signatureValid(retry.headers, retry.body.replace('"type"', '"typo"'), secret)).toBe(false)
    }
    expect(JSON.parse(receiver.received.find((r) => r.headers['x-earshot-event'] === 'sla.breached')!.body).data).toMatchObject({ metric: 'first_response' })
  })

  it('gives up after attemptsMax and says why in the delivery log; events nobody subscribed to are not sent', async () => {
    receiver.answer = () => 503
    const before = receiver.received.length
    const store = server.earshot.store
    expect(await store.eventWebhooks.enqueue({ id: '00000000-0000-4000-8000-000000000001', type: 'csat.received', workspaceId: (await call('GET', '/api/v1/workspaces')).json.items.find((w: any) => w.slug === 'default').id, at: new Date().toISOString(), data: { score: 5 } })).toBe(1)
    const failed = await eventually(async () => {
      await worker.drain()
      const items = (await call('GET', `/api/v1/event-webhooks/${hook.id}/deliveries?status=failed`)).json.items
      return items.length === 1 ? items[0] : undefined
    }, 'the delivery to fail')
    expect(failed).toMatchObject({ eventType: 'csat.received', attempts: 3, lastStatus: 503 })
    expect(failed.lastError).toContain('3 attempts')
    expect(receiver.received.length - before).toBe(3)
    // sla.warning: this webhook does not subscribe to it
    const ws = (await call('GET', '/api/v1/workspaces')).json.items.find((w: any) => w.slug === 'default')
    expect(await store.eventWebhooks.enqueue({ id: '00000000-0000-4000-8000-000000000002', type: 'sla.warning', workspaceId: ws.id, at: new Date().toISOString(), data: {} })).toBe(0)
  })

  it('with private addresses refused, never delivers to a name that resolves to one (checked at delivery)', async () => {
    const created = await call('POST', '/api/v1/event-webhooks', { body: { url: 'https://hooks.internal.example/earshot', events: ['csat.received'], secret } })
    expect(created.status).toBe(201)
    const strict = createEventWorker({
      store: server.earshot.store, secretBox: server.earshot.secretBox, backoff: { baseMs: 20, capMs: 50, attemptsMax: 3 },
      allowPrivateNetwork: false, lookup: async (host) => (host === 'hooks.internal.example' ? ['10.0.0.9'] : ['93.184.216.34']),
    })
    const before = receiver.received.length
    const ws = (await call('GET', '/api/v1/workspaces')).json.items.find((w: any) => w.slug === 'default')
    await server.earshot.store.eventWebhooks.enqueue({ id: '00000000-0000-4000-8000-000000000003', type: 'csat.received', workspaceId: ws.id, at: new Date().toISOString(), data: { score: 4 } })
    const failed = await eventually(async () => {
      await strict.drain()
      const items = (await call('GET', `/api/v1/event-webhooks/${created.json.id}/deliveries?status=failed`)).json.items
      return items.length === 1 ? items[0] : undefined
    }, 'the delivery to be refused')
    expect(failed.attempts).toBe(1)
    expect(failed.lastError).toContain('resolves to 10.0.0.9')
    expect(receiver.received.length).toBe(before)
    await strict.stop()
    expect((await call('DELETE', `/api/v1/event-webhooks/${created.json.id}`)).status).toBeLessThan(300)
  })

  it('disables, changes the secret, deletes (with its deliveries) and audits each change', async () => {
    expect((await call('PATCH', `/api/v1/event-webhooks/${hook.id}`, { body: { enabled: false, secret: 'a-brand-new-secret-value' } })).json).toMatchObject({ enabled: false })
    const ws = (await call('GET', '/api/v1/workspaces')).json.items.find((w: any) => w.slug === 'default')
    expect(await server.earshot.store.eventWebhooks.enqueue({ id: '00000000-0000-4000-8000-000000000003', type: 'csat.received', workspaceId: ws.id, at: new Date().toISOString(), data: {} })).toBe(0)
    expect((await call('DELETE', `/api/v1/event-webhooks/${hook.id}`)).json).toEqual({ deleted: true })
    expect((await call('GET', `/api/v1/event-webhooks/${hook.id}/deliveries`)).status).toBe(404)
    expect((await server.earshot.store.db.query('select 1 from event_delivery where webhook_id = $1', [hook.id])).rows).toHaveLength(0)
    const actions = (await call('GET', '/api/v1/audit')).json.items.map((a: any) => a.action)
    expect(actions).toEqual(expect.arrayContaining(['event_webhook.create', 'event_webhook.update', 'event_webhook.delete']))
    const update = (await call('GET', '/api/v1/audit')).json.items.find((a: any) => a.action === 'event_webhook.update')
    expect(update.detail).toMatchObject({ secretChanged: true })
    expect(JSON.stringify(update)).not.toContain('a-brand-new-secret-value')
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await call('GET', '/docs/json', { token: null })).json
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/event-webhooks', '/api/v1/event-webhooks/{id}', '/api/v1/event-webhooks/{id}/deliveries']))
  })
})

// SLA pauses wired into the store: every way a status changes (the API, a customer message reopening,
// a snooze waking) records the pending/snoozed stretches (migration 0012's trigger), and the SLA watch
// moves the resolution due time by them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, type ApiCall } from '../testing/api-client.ts'
import { did, jetstreamPost } from '../testing/payloads.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

const minute = 60_000

describe('SLA pauses through the API and the SLA watch', () => {
  let server: TestServer
  let call: ApiCall
  let conversationId = ''
  const pausesOf = async () => (await server.earshot.store.db.query<{ sla_pauses: { from: string; to?: string }[] }>('select sla_pauses from conversation where id = $1', [conversationId])).rows[0]!.sla_pauses
  const sla = async () => (await call('GET', `/api/v1/conversations/${conversationId}`)).json.sla

  beforeAll(async () => {
    server = await startTestServer()
    call = apiClient(server)
    const band = { firstResponseMinutes: null, nextResponseMinutes: null, resolutionMinutes: 60 }
    const policy = await call('POST', '/api/v1/sla-policies', { body: { name: 'Resolve in an hour', policy: { calendar: null, warningPercent: 80, targets: { urgent: band, high: band, normal: band, low: band } } } })
    const queue = (await call('GET', '/api/v1/queues')).json.items.find((q: any) => q.isDefault)
    await call('PATCH', `/api/v1/queues/${queue.id}`, { body: { slaPolicyId: policy.json.id } })
    await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamPost({ did: did(7), rkey: '3pause000001', text: 'refund still missing', langs: ['en'], timeUs: Date.now() * 1000 }) })
    conversationId = (await call('GET', '/api/v1/conversations?channel=bluesky')).json.items[0].id
  })
  afterAll(async () => {
    await server?.close()
  })

  it('records a pause when pending and closes it when the customer writes again', async () => {
    expect(await pausesOf()).toEqual([])
    expect((await call('PATCH', `/api/v1/conversations/${conversationId}/status`, { body: { status: 'pending' } })).status).toBe(200)
    const open = await pausesOf()
    expect(open).toHaveLength(1)
    expect(open[0]!.to).toBeUndefined()
    // pending → snoozed → pending is still the same wait
    expect((await call('PATCH', `/api/v1/conversations/${conversationId}/status`, { body: { status: 'snoozed', until: new Date(Date.now() + 3_600_000).toISOString() } })).status).toBe(200)
    expect((await call('PATCH', `/api/v1/conversations/${conversationId}/status`, { body: { status: 'pending' } })).status).toBe(200)
    expect(await pausesOf()).toHaveLength(1)
    // while waiting the resolution clock has no due time, however late it is
    await server.earshot.slaWatch.tick(new Date(Date.now() + 10 * 60 * minute))
    expect(await sla()).toMatchObject({ state: 'ok', resolutionDueAt: null, pausedSince: new Date(open[0]!.from).toISOString() })

    await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamPost({ did: did(7), rkey: '3pause000002', text: 'hello? any news', langs: ['en'], timeUs: Date.now() * 1000, reply: { rootRkey: '3pause000001' } }) })
    expect((await call('GET', `/api/v1/conversations/${conversationId}`)).json.status).toBe('open')
    expect((await sla()).pausedSince).toBeNull()
    const closed = await pausesOf()
    expect(closed).toHaveLength(1)
    expect(Date.parse(closed[0]!.to!)).toBeGreaterThanOrEqual(Date.parse(closed[0]!.from))
  })

  it('moves the resolution due time by the time spent waiting', async () => {
    const created = new Date((await call('GET', `/api/v1/conversations/${conversationId}`)).json.createdAt)
    // as if it had waited on the customer from minute 10 to minute 40 after it arrived: 60 min of work end at minute 90, the warning (80 %) at 78
    const from = new Date(created.getTime() + 10 * minute).toISOString()
    const to = new Date(created.getTime() + 40 * minute).toISOString()
    await server.earshot.store.db.query('update conversation set sla_pauses = $2::jsonb where id = $1', [conversationId, JSON.stringify([{ from, to }])])
    await server.earshot.slaWatch.tick(new Date(created.getTime() + 80 * minute))
    expect(await sla()).toMatchObject({ state: 'warning', metric: 'resolution', resolutionDueAt: new Date(created.getTime() + 90 * minute).toISOString() })
    const events = await server.earshot.slaWatch.tick(new Date(created.getTime() + 90 * minute))
    expect(events.map((e) => e.type)).toEqual(['sla.breached'])
  })

  it('closes the pause when a snooze wakes and when a pending conversation is resolved', async () => {
    await call('PATCH', `/api/v1/conversations/${conversationId}/status`, { body: { status: 'snoozed', until: new Date(Date.now() + 1_000).toISOString() } })
    expect((await pausesOf()).at(-1)!.to).toBeUndefined()
    await server.earshot.slaWatch.tick(new Date(Date.now() + 5_000))
    expect((await call('GET', `/api/v1/conversations/${conversationId}`)).json.status).toBe('open')
    expect((await pausesOf()).at(-1)!.to).toBeDefined()
    await call('PATCH', `/api/v1/conversations/${conversationId}/status`, { body: { status: 'pending' } })
    await call('PATCH', `/api/v1/conversations/${conversationId}/status`, { body: { status: 'resolved' } })
    const pauses = await pausesOf()
    expect(pauses).toHaveLength(3)
    expect(pauses.every((p) => p.to !== undefined)).toBe(true)
  })
})

// The wallboard over real data: messages ingested through the API (generic webhook wire format),
// then GET /api/v1/wallboard — queue counts, longest wait, hourly series, spike numbers, scoping.
// Until wallboardRoutes is registered in app.ts, the route is mounted here on its own Fastify
// instance over the test server's store (same auth plugin, same error handling).
import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, type ApiCall } from '../testing/api-client.ts'
import { createTestDatabase, type TestDatabase } from '../testing/postgres.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'
import { detectSpike } from '../store/queries/wallboard.ts'
import { installErrorHandling } from './errors.ts'
import { authPlugin } from './plugins/auth.ts'
import { wallboardRoutes } from './routes/wallboard.ts'

const minuteMs = 60_000

describe('detectSpike', () => {
  it.each([
    { name: 'flat history, same last hour', hours: [...Array(23).fill(4), 4], flagged: false },
    { name: 'flat history, one more (noise, not a spike)', hours: [...Array(23).fill(4), 5], flagged: false },
    { name: 'flat history, three times as many', hours: [...Array(23).fill(4), 12], flagged: true },
    { name: 'no history to compare with', hours: [...Array(22).fill(0), 1, 40], flagged: false },
    { name: 'noisy history within 3σ', hours: [...Array(12).fill(2), ...Array(11).fill(6), 9], flagged: false },
    { name: 'noisy history above 3σ', hours: [...Array(12).fill(2), ...Array(11).fill(6), 11], flagged: true },
    { name: 'all quiet', hours: Array(24).fill(0), flagged: false },
  ])('$name', ({ hours, flagged }) => {
    const s = detectSpike(hours)
    expect(s.flagged).toBe(flagged)
    expect(s.lastHourInbound).toBe(hours[23])
    expect(s.threshold).toBeCloseTo(s.baselineMean + 3 * s.baselineStddev, 9)
  })

  it('states the numbers', () => {
    expect(detectSpike([...Array(12).fill(2), ...Array(11).fill(6), 11])).toMatchObject({ baselineMean: 90 / 23, flagged: true })
  })
})

// The embedded store always; a PostgreSQL server too when DATABASE_URL is set.
const databaseUrl = process.env.DATABASE_URL
const stores = [{ store: 'PGlite', serverUrl: null }, ...(databaseUrl === undefined ? [] : [{ store: 'PostgreSQL', serverUrl: databaseUrl }])]

describe.each(stores)('GET /api/v1/wallboard on $store', ({ serverUrl }) => {
  let server: TestServer
  let db: TestDatabase | null = null
  let call: ApiCall
  let board: FastifyInstance
  let agentToken = ''
  const now = Date.now()
  const at = (minutesAgo: number) => new Date(now - minutesAgo * minuteMs).toISOString()
  const customer = (id: string) => ({ id, name: `Customer ${id}` })
  const brand = { id: 'brand', name: 'Northwind' }

  const wallboard = async (token: string, query = '') => {
    const res = await board.inject({ method: 'GET', url: `/api/v1/wallboard${query}`, headers: { authorization: `Bearer ${token}` } })
    return { status: res.statusCode, json: res.json() }
  }

  beforeAll(async () => {
    db = serverUrl === null ? null : await createTestDatabase(serverUrl)
    server = await startTestServer(db === null ? {} : { store: { kind: 'postgres', url: db.url } })
    call = apiClient(server)
    board = Fastify().withTypeProvider<TypeBoxTypeProvider>()
    installErrorHandling(board)
    await board.register(swagger, { openapi: { info: { title: 'test', version: '0' } } })
    await board.register(async (v1) => {
      await v1.register(authPlugin, { store: server.earshot.store })
      await v1.register(wallboardRoutes, { store: server.earshot.store })
    }, { prefix: '/api/v1' })
    await board.ready()

    const events = [
      // A: two customer messages, no answer → waiting since 30 min
      { id: 'a1', type: 'message', author: customer('ann'), text: 'My flight NW12 was cancelled, terrible service', created_at: at(30), thread_id: 'thread-a' },
      { id: 'a2', type: 'message', author: customer('ann'), text: 'Still waiting for an answer', created_at: at(20), thread_id: 'thread-a', parent_id: 'a1' },
      // B: answered at 40 min, asked again at 10 min → waiting since 10 min
      { id: 'b1', type: 'message', author: customer('bob'), text: 'Where is my bag?', created_at: at(50), thread_id: 'thread-b' },
      { id: 'b2', type: 'message', author: brand, text: 'Sorry Bob, we are looking', created_at: at(40), thread_id: 'thread-b', parent_id: 'b1', direction: 'out' },
      { id: 'b3', type: 'message', author: customer('bob'), text: 'Any news?', created_at: at(10), thread_id: 'thread-b', parent_id: 'b2' },
      // C: fully answered 5 h ago → open but not waiting
      { id: 'c1', type: 'message', author: customer('cat'), text: 'Thanks for the lovely flight, great crew', created_at: at(5 * 60 + 20), thread_id: 'thread-c' },
      { id: 'c2', type: 'message', author: brand, text: 'Thank you Cat!', created_at: at(5 * 60 + 10), thread_id: 'thread-c', parent_id: 'c1', direction: 'out' },
      // D: older than 24 h: outside the hourly series, still waiting
      { id: 'd1', type: 'message', author: customer('dan'), text: 'Hello?', created_at: at(30 * 60), thread_id: 'thread-d' },
    ]
    const ingested = await call('POST', '/api/v1/ingest/webhook', { body: JSON.stringify({ events }), type: 'application/json' })
    expect(ingested.status, ingested.text).toBe(200)
    expect(ingested.json.rejected, ingested.text).toEqual([])

    const other = await call('POST', '/api/v1/workspaces', { body: { slug: 'elsewhere', name: 'Elsewhere' } })
    expect(other.status).toBe(201)
    await call('POST', '/api/v1/ingest/webhook?workspace=elsewhere', { body: JSON.stringify({ id: 'x1', type: 'message', author: customer('xena'), text: 'Other brand', created_at: at(60 * 2) }), type: 'application/json' })
    const token = await call('POST', '/api/v1/tokens', { body: { name: 'agent-default', role: 'agent', workspace: 'default' } })
    expect(token.status).toBe(201)
    agentToken = token.json.token
    const ada = await call('POST', '/api/v1/agents', { body: { name: 'Ada' } })
    const list = await call('GET', '/api/v1/conversations?limit=50')
    const convB = list.json.items.find((c: { preview: string }) => c.preview.includes('Any news'))
    expect(convB).toBeDefined()
    const assigned = await call('POST', `/api/v1/conversations/${convB.id}/assignment`, { body: { agentId: ada.json.id, version: convB.version } })
    expect(assigned.status, assigned.text).toBe(200)
  })

  afterAll(async () => {
    await board?.close()
    await server?.close()
    await db?.drop()
  })

  it('counts open conversations, unassigned and the longest wait per queue and in total', async () => {
    const { status, json } = await wallboard(server.adminToken)
    expect(status).toBe(200)
    expect(json.workspace.slug).toBe('default')
    expect(json.totals.open).toBe(4)
    expect(json.totals.unassigned).toBe(3)
    expect(json.totals.waiting).toBe(3) // A, B, D
    expect(json.totals.byStatus.new + json.totals.byStatus.open + json.totals.byStatus.pending).toBe(4)
    // D's customer has waited 30 h
    const waitD = (Date.now() - (now - 30 * 60 * minuteMs)) / 1000
    expect(json.totals.longestWaitSeconds).toBeGreaterThanOrEqual(30 * 3600 - 5)
    expect(json.totals.longestWaitSeconds).toBeLessThanOrEqual(Math.ceil(waitD) + 1)
    const openInQueues = json.queues.reduce((a: number, q: { open: number }) => a + q.open, 0)
    expect(openInQueues).toBe(4)
    expect(json.agents).toEqual([expect.objectContaining({ name: 'Ada', open: 1 })])
  })

  it('measures the wait from the oldest unanswered customer message', async () => {
    await call('POST', '/api/v1/ingest/webhook', {
      body: JSON.stringify({ id: 'd2', type: 'message', author: brand, text: 'Hi Dan, how can we help?', created_at: at(1), thread_id: 'thread-d', parent_id: 'd1', direction: 'out' }),
      type: 'application/json',
    })
    const { json } = await wallboard(server.adminToken)
    expect(json.totals.waiting).toBe(2) // A, B
    // A: oldest unanswered message 30 min ago (its second message does not reset the clock)
    expect(json.totals.longestWaitSeconds).toBeGreaterThanOrEqual(30 * 60 - 5)
    expect(json.totals.longestWaitSeconds).toBeLessThan(31 * 60)
  })

  it('gives 24 hourly buckets with inbound by sentiment and outbound, and the spike numbers', async () => {
    const { json } = await wallboard(server.adminToken)
    expect(json.hourly).toHaveLength(24)
    const last = json.hourly[23]
    expect(Date.parse(last.end)).toBeGreaterThan(Date.parse(last.start))
    expect(last.inbound).toBe(4) // a1, a2, b1, b3; not c1 (5 h ago) nor d1 (30 h ago)
    expect(last.outbound).toBe(2) // b2, d2
    expect(last.negative + last.neutral + last.positive).toBeLessThanOrEqual(last.inbound)
    expect(last.negative).toBeGreaterThanOrEqual(1) // "cancelled, terrible service"
    const fiveHoursAgo = json.hourly[23 - 5]
    expect(fiveHoursAgo.inbound).toBe(1)
    expect(fiveHoursAgo.outbound).toBe(1)
    expect(json.hourly.reduce((a: number, h: { inbound: number }) => a + h.inbound, 0)).toBe(5)
    expect(json.spike).toMatchObject({ lastHourInbound: 4, flagged: false }) // 4 messages over no history: no spike
    expect(json.spike.baselineMean).toBeCloseTo(1 / 23, 6)
    expect(json.replies).toEqual({ sent: 0, failed: 0, pending: 0, held: 0 })
  })

  it('scopes an agent token to its workspace', async () => {
    const own = await wallboard(agentToken)
    expect(own.status).toBe(200)
    expect(own.json.workspace.slug).toBe('default')
    const other = await wallboard(agentToken, '?workspace=elsewhere')
    expect(other.status).toBe(404)
    expect(other.json.error.code).toBe('WORKSPACE_NOT_FOUND')
    const admin = await wallboard(server.adminToken, '?workspace=elsewhere')
    expect(admin.json.totals.open).toBe(1)
    expect(admin.json.agents).toEqual([])
  })

  it('is described in the OpenAPI document', () => {
    const doc = board.swagger() as { paths: Record<string, { get?: { responses?: Record<string, unknown> } }> }
    expect(doc.paths['/api/v1/wallboard']?.get?.responses?.['200']).toBeDefined()
  })

  it('refuses a request without a token', async () => {
    const res = await board.inject({ method: 'GET', url: '/api/v1/wallboard' })
    expect(res.statusCode).toBe(401)
  })
})

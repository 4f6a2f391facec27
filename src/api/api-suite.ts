// The HTTP API through a real listening server; runs on PGlite + memory bus always, and on
// PostgreSQL + NATS JetStream in the integration suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { did, jetstreamPost } from '../testing/payloads.ts'
import { apiClient, type ApiCall } from '../testing/api-client.ts'
import type { TestServer } from '../testing/server.ts'

export function apiSuite(name: string, start: () => Promise<TestServer>): void {
  describe(`API: ${name}`, () => {
    let server: TestServer
    let agentToken: string
    let otherToken: string
    // The server is started in beforeAll; the client reads it on each call.
    const call: ApiCall = (method, path, opts) => apiClient(server)(method, path, opts)

    beforeAll(async () => {
      server = await start()
      const ws = await call('POST', '/api/v1/workspaces', { body: { slug: 'northwind', name: 'Northwind Air' } })
      expect(ws.status).toBe(201)
      await call('POST', '/api/v1/workspaces', { body: { slug: 'contoso', name: 'Contoso Mobile' } })
      agentToken = (await call('POST', '/api/v1/tokens', { body: { name: 'agent', role: 'agent', workspace: 'northwind' } })).json.token
      otherToken = (await call('POST', '/api/v1/tokens', { body: { name: 'contoso agent', role: 'agent', workspace: 'contoso' } })).json.token
    })
    afterAll(async () => {
      await server?.close()
    })

    it('answers health and readiness without a token, everything else needs one', async () => {
      expect((await call('GET', '/healthz', { token: null })).json).toEqual({ ok: true })
      expect((await call('GET', '/readyz', { token: null })).status).toBe(200)
      const anonymous = await call('GET', '/api/v1/conversations', { token: null })
      expect(anonymous.status).toBe(401)
      expect(anonymous.json.error.code).toBe('UNAUTHORIZED')
      expect((await call('GET', '/api/v1/conversations', { token: 'nope' })).status).toBe(401)
    })

    it('ingests JSONL in the platform format, and a replay adds nothing', async () => {
      const body = [
        jetstreamPost({ did: did(1), rkey: '3api00000001', text: 'my Northwind flight was cancelled and nobody answers. switching to another airline', timeUs: 1_779_719_000_000_000 }),
        '',
        'not json at all',
        jetstreamPost({ did: did(2), rkey: '3api00000002', text: 'thanks Northwind, lovely crew', timeUs: 1_779_719_001_000_000 }),
      ].join('\n')
      const first = await call('POST', '/api/v1/ingest/bluesky?workspace=northwind', { body, token: agentToken })
      expect(first.status).toBe(200)
      expect(first.json).toMatchObject({ units: 3, ingested: 2, duplicates: 0, rejected: [{ origin: 'line 3', reason: 'MALFORMED_JSON' }] })
      const again = await call('POST', '/api/v1/ingest/bluesky', { body, token: agentToken })
      expect(again.json).toMatchObject({ ingested: 0, duplicates: 2 })
    })

    it('refuses an unknown channel with the list of known ones, and an oversize body with 413', async () => {
      const unknown = await call('POST', '/api/v1/ingest/myspace', { body: '{}' })
      expect(unknown.status).toBe(400)
      expect(unknown.json.error.code).toBe('UNKNOWN_CHANNEL')
      for (const name of ['bluesky', 'x-twitter', 'rss-atom', 'mastodon', 'email']) expect(unknown.json.error.message).toContain(name)
      const big = await call('POST', '/api/v1/ingest/bluesky', { body: 'x'.repeat(1024 * 1024 + 10) })
      expect(big.status).toBe(413)
      expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE')
    })

    it('lists the inbox by priority with reasons, filters, and refuses a forged cursor', async () => {
      const list = await call('GET', '/api/v1/conversations?sort=priority', { token: agentToken })
      expect(list.status).toBe(200)
      expect(list.json.items).toHaveLength(2)
      const [top, next] = list.json.items
      expect(top.priority).toBeGreaterThan(next.priority)
      expect(top.priorityReasons.map((r: { code: string }) => r.code)).toEqual(expect.arrayContaining(['intent', 'risk:churn', 'public']))
      expect(top).toMatchObject({ intent: 'complaint', sentiment: 'negative', lang: 'en', riskFlags: ['churn'] })
      expect(next).toMatchObject({ intent: 'praise', sentiment: 'positive' })
      expect(top.preview).toContain('cancelled')
      expect((await call('GET', '/api/v1/conversations?channel=x-twitter', { token: agentToken })).json.items).toEqual([])
      expect((await call('GET', '/api/v1/conversations?status=resolved', { token: agentToken })).json.items).toEqual([])
      const bad = await call('GET', '/api/v1/conversations?cursor=AAAA', { token: agentToken })
      expect(bad.status).toBe(400)
      expect(bad.json.error.code).toBe('VALIDATION')
      expect((await call('GET', '/api/v1/conversations?status=bogus', { token: agentToken })).status).toBe(400)
    })

    it('shows a conversation with its messages, and hides it from another workspace', async () => {
      const [top] = (await call('GET', '/api/v1/conversations', { token: agentToken })).json.items
      const detail = await call('GET', `/api/v1/conversations/${top.id}`, { token: agentToken })
      expect(detail.status).toBe(200)
      expect(detail.json.messages).toHaveLength(1)
      expect(detail.json.messages[0]).toMatchObject({ channel: 'bluesky', direction: 'in', visibility: 'public', author: { externalUserId: did(1) } })
      const foreign = await call('GET', `/api/v1/conversations/${top.id}`, { token: otherToken })
      expect(foreign.status).toBe(404)
      expect((await call('GET', '/api/v1/conversations?workspace=northwind', { token: otherToken })).status).toBe(404)
      expect((await call('GET', '/api/v1/conversations/not-a-uuid', { token: agentToken })).status).toBe(404)
    })

    it('changes status with optimistic concurrency and assigns, all in the audit log', async () => {
      const [top] = (await call('GET', '/api/v1/conversations', { token: agentToken })).json.items
      const agent = (await call('POST', '/api/v1/agents', { token: agentToken, body: { name: 'Ana', email: 'ana@example.com' } })).json
      const assigned = await call('POST', `/api/v1/conversations/${top.id}/assignment`, { token: agentToken, body: { agentId: agent.id, version: top.version } })
      expect(assigned.status).toBe(200)
      expect(assigned.json).toMatchObject({ assignee: { id: agent.id, name: 'Ana' }, status: 'open' })
      const stale = await call('PATCH', `/api/v1/conversations/${top.id}/status`, { token: agentToken, body: { status: 'resolved', version: top.version } })
      expect(stale.status).toBe(409)
      expect(stale.json.error.code).toBe('CONFLICT')
      const ok = await call('PATCH', `/api/v1/conversations/${top.id}/status`, { token: agentToken, body: { status: 'pending', version: assigned.json.version } })
      expect(ok.json.status).toBe('pending')
      expect((await call('GET', `/api/v1/conversations?assignee=${agent.id}`, { token: agentToken })).json.items).toHaveLength(1)
      const audit = (await call('GET', '/api/v1/audit', { token: agentToken })).json.items.map((e: { action: string }) => e.action)
      expect(audit.slice(0, 3)).toEqual(['conversation.status', 'conversation.assign', 'agent.upsert'])
      expect((await call('PATCH', `/api/v1/conversations/${top.id}/status`, { token: agentToken, body: { status: 'gone' } })).status).toBe(400)
      const unassigned = await call('POST', `/api/v1/conversations/${top.id}/assignment`, { token: agentToken, body: { agentId: null } })
      expect(unassigned.json.assignee).toBeNull()
    })

    it('pushes new conversations over the WebSocket as they are committed', async () => {
      const wsUrl = `${server.url.replace('http', 'ws')}/api/v1/stream?workspace=northwind&access_token=${agentToken}`
      const socket = new WebSocket(wsUrl)
      const received: any[] = []
      socket.on('message', (data) => received.push(JSON.parse(String(data))))
      await new Promise((resolve, reject) => {
        socket.once('open', resolve)
        socket.once('error', reject)
      })
      const deadline = Date.now() + 10_000
      while (!received.some((m) => m.type === 'hello') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      await call('POST', '/api/v1/ingest/bluesky', { token: agentToken, body: jetstreamPost({ did: did(3), rkey: '3api00000003', text: 'how much is extra legroom on the Lisbon route?' }) })
      while (!received.some((m) => m.type === 'conversation.created') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      socket.close()
      expect(received[0]).toMatchObject({ type: 'hello', workspace: { slug: 'northwind' } })
      const created = received.find((m) => m.type === 'conversation.created')
      expect(created.conversation).toMatchObject({ channel: 'bluesky', preview: 'how much is extra legroom on the Lisbon route?', status: 'new' })
      expect(created.conversation.intent).toBe('question')
      expect(created.conversation.priorityReasons.map((r: { label: string }) => r.label)).toContain('question')
    })

    it('refuses a WebSocket without a valid token', async () => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/stream?access_token=wrong`)
      const status = await new Promise<number>((resolve) => {
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        socket.on('open', () => resolve(101))
        socket.on('error', () => resolve(-1))
      })
      expect(status).toBe(401)
    })

    it('lets an agent correct sentiment and intent, re-scores, and records who and when', async () => {
      const [top] = (await call('GET', '/api/v1/conversations?sort=priority', { token: agentToken })).json.items
      const detail = (await call('GET', `/api/v1/conversations/${top.id}`, { token: agentToken })).json
      const messageId = detail.messages[0].id
      const corrected = await call('POST', `/api/v1/messages/${messageId}/corrections`, { token: agentToken, body: { intent: 'question', sentiment: 'neutral' } })
      expect(corrected.status).toBe(200)
      expect(corrected.json.corrections.map((c: { field: string; oldValue: string; newValue: string }) => [c.field, c.oldValue, c.newValue]))
        .toEqual([['sentiment', 'negative', 'neutral'], ['intent', 'complaint', 'question']])
      expect(corrected.json.conversation).toMatchObject({ intent: 'question', sentiment: 'neutral' })
      expect(corrected.json.conversation.priority).toBeLessThan(top.priority)
      const listed = (await call('GET', '/api/v1/corrections', { token: agentToken })).json.items
      expect(listed).toHaveLength(2)
      expect(listed[0].actor).toBe('token:agent')
      expect((await call('POST', `/api/v1/messages/${messageId}/corrections`, { token: otherToken, body: { intent: 'spam' } })).status).toBe(404)
      expect((await call('POST', `/api/v1/messages/${messageId}/corrections`, { token: agentToken, body: { intent: 'bogus' } })).status).toBe(400)
      const pinned = await call('PUT', `/api/v1/conversations/${top.id}/priority`, { token: agentToken, body: { priority: 99 } })
      expect(pinned.json).toMatchObject({ priority: 99, priorityReasons: [{ code: 'override', label: 'set by an agent', points: 99 }] })
      const unpinned = await call('PUT', `/api/v1/conversations/${top.id}/priority`, { token: agentToken, body: { priority: null } })
      expect(unpinned.json).toMatchObject({ priority: corrected.json.conversation.priority, priorityReasons: corrected.json.conversation.priorityReasons })
    })

    it('weighs priority contributions per workspace for new messages', async () => {
      expect((await call('GET', '/api/v1/settings/priority-weights', { token: otherToken })).json).toEqual({ weights: {} })
      expect((await call('PUT', '/api/v1/settings/priority-weights', { token: otherToken, body: { weights: { intent: 9 } } })).status).toBe(400)
      expect((await call('PUT', '/api/v1/settings/priority-weights', { token: otherToken, body: { weights: { mood: 1 } } })).status).toBe(400)
      const set = await call('PUT', '/api/v1/settings/priority-weights', { token: otherToken, body: { weights: { intent: 2, public: 0 } } })
      expect(set.json).toEqual({ weights: { intent: 2, public: 0 } })
      await call('POST', '/api/v1/ingest/bluesky', { token: otherToken, body: jetstreamPost({ did: did(40), rkey: '3weights0001', text: 'my Contoso bill is wrong again and nobody answers. switching to another carrier' }) })
      const [c] = (await call('GET', '/api/v1/conversations', { token: otherToken })).json.items
      expect(c.priorityReasons.find((r: { code: string }) => r.code === 'intent').points).toBe(60)
      expect(c.priorityReasons.some((r: { code: string }) => r.code === 'public')).toBe(false)
    })

    it('refuses an invalid listening rule with the position of the error, and keeps valid ones', async () => {
      const bad = await call('POST', '/api/v1/listening-rules', { token: agentToken, body: { name: 'broken', query: 'northwind AND (delay OR' } })
      expect(bad.status).toBe(400)
      expect(bad.json.error.code).toBe('INVALID_RULE')
      expect(bad.json.error.details.position).toBe(21)
      expect(bad.json.error.message).toContain('position 21')
      const ok = await call('POST', '/api/v1/listening-rules', { token: agentToken, body: { name: 'brand', query: '"northwind" AND NOT from:northwindair', tags: ['brand'] } })
      expect(ok.status).toBe(201)
      expect((await call('GET', '/api/v1/listening-rules', { token: agentToken })).json.items.map((r: { name: string }) => r.name)).toEqual(['brand'])
      expect((await call('GET', '/api/v1/listening-rules', { token: otherToken })).json.items).toEqual([])
      const removed = await call('DELETE', `/api/v1/listening-rules/${ok.json.id}`, { token: agentToken })
      expect(removed.status).toBe(204)
    })

    it('serves OpenAPI, metrics, the inbox page, and JSON errors for unknown routes', async () => {
      const spec = await call('GET', '/docs/json', { token: null })
      expect(spec.status).toBe(200)
      expect(Object.keys(spec.json.paths)).toEqual(expect.arrayContaining(['/api/v1/conversations', '/api/v1/ingest/{channel}', '/api/v1/conversations/{id}']))
      const metrics = await call('GET', '/metrics', { token: null })
      expect(metrics.text).toContain('earshot_ingest_units_total')
      expect(metrics.text).toContain('earshot_http_request_duration_seconds')
      const page = await call('GET', '/', { token: null })
      expect(page.text).toContain('<title>Earshot')
      const missing = await call('GET', '/api/v1/nothing-here')
      expect(missing.status).toBe(404)
      expect(missing.json.error.code).toBe('NOT_FOUND')
    })

    it('never answers with a stack trace, even for garbage JSON', async () => {
      const res = await call('POST', '/api/v1/agents', { token: agentToken, body: '{"name": ', type: 'application/json' })
      expect(res.status).toBe(400)
      expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/)
      expect(res.json.error.code).toBe('VALIDATION')
    })
  })
}

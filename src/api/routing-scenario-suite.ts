// Issue 6, end to end through the API: two agents with different skills and languages, queues with
// rules; a French complaint and an English question each reach the matching agent with reasons; an
// agent at capacity gets nothing more until a resolution frees it; an agent going offline gives work
// back; a tiny first-response target breaches and the WebSocket says so; the audit log holds each step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { jetstreamPost } from '../testing/payloads.ts'
import type { TestServer } from '../testing/server.ts'

const did = (n: number) => `did:plc:routing${String(n).padStart(17, '0')}`

export function routingScenarioSuite(name: string, start: () => Promise<TestServer>): void {
  describe(`routing, status, SLA and audit through the API: ${name}`, () => {
    let server: TestServer
    let call: ApiCall
    let camille: any
    let ben: any
    let supportFr: any
    let billingEn: any
    const ids: Record<string, string> = {}

    beforeAll(async () => {
      server = await start()
      call = apiClient(server)
    })
    afterAll(async () => {
      await server?.close()
    })

    async function ingest(n: number, rkey: string, text: string, langs: string[]): Promise<any> {
      const res = await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamPost({ did: did(n), rkey, text, langs }) })
      expect(res.json.ingested).toBe(1)
      const list = await call('GET', '/api/v1/conversations?channel=bluesky&limit=200')
      const c = list.json.items.find((x: any) => x.preview === text)
      expect(c).toBeDefined()
      return (await call('GET', `/api/v1/conversations/${c.id}`)).json
    }

    it('sets up agents, an SLA policy and queues; refuses an invalid rule with its path and reason', async () => {
      camille = (await call('POST', '/api/v1/agents', { body: { name: 'Camille' } })).json
      ben = (await call('POST', '/api/v1/agents', { body: { name: 'Ben' } })).json
      const capacity = { public: 1, private: 1, email: 1 }
      const c = await call('PATCH', `/api/v1/agents/${camille.id}`, { body: { skills: [{ name: 'complaints', level: 4 }], languages: ['fr'], capacity, presence: 'online' } })
      expect(c.status).toBe(200)
      expect(c.json).toMatchObject({ presence: 'online', languages: ['fr'], capacity })
      expect((await call('PATCH', `/api/v1/agents/${ben.id}`, { body: { skills: [{ name: 'billing', level: 3 }], languages: ['en'], capacity, presence: 'online' } })).status).toBe(200)

      const badPolicy = await call('POST', '/api/v1/sla-policies', { body: { name: 'Broken', policy: { targets: {} } } })
      expect(badPolicy.status).toBe(400)
      expect(badPolicy.json.error.code).toBe('INVALID_SLA_POLICY')
      const band = { firstResponseMinutes: 0.001, nextResponseMinutes: null, resolutionMinutes: null }
      const policy = await call('POST', '/api/v1/sla-policies', { body: { name: 'Tight', policy: { calendar: null, warningPercent: 50, targets: { urgent: band, high: band, normal: band, low: band } } } })
      expect(policy.status).toBe(201)

      const bad = await call('POST', '/api/v1/queues', { body: { name: 'Broken', conditions: { all: [{ field: 'intent', op: 'eq', value: 'shouting' }] } } })
      expect(bad.status).toBe(400)
      expect(bad.json.error.code).toBe('INVALID_CONDITION')
      expect(bad.json.error.details.path).toBe('$.all[0].value')
      expect(bad.json.error.details.reason).toContain('complaint')

      supportFr = (await call('POST', '/api/v1/queues', { body: { name: 'Support FR', languages: ['fr'], requiredSkills: [{ name: 'complaints', levelMin: 2 }], position: 1, slaPolicyId: policy.json.id } })).json
      billingEn = (await call('POST', '/api/v1/queues', { body: { name: 'Billing EN', conditions: { field: 'intent', op: 'eq', value: 'question' }, languages: ['en'], requiredSkills: [{ name: 'billing', levelMin: 2 }], position: 2 } })).json
      expect(supportFr.id).toBeDefined()
      expect(billingEn.conditions).toEqual({ field: 'intent', op: 'eq', value: 'question' })
    })

    it('routes a French complaint and an English question to the matching agent, with reasons', async () => {
      const fr = await ingest(1, '3rout0000001', 'Bonjour, mon vol a été annulé et personne ne répond au téléphone, c\'est inadmissible', ['fr'])
      ids.fr = fr.id
      expect(fr.lang).toBe('fr')
      expect(fr.queue.name).toBe('Support FR')
      expect(fr.assignee).toMatchObject({ id: camille.id, name: 'Camille' })
      expect(fr.status).toBe('open')
      expect(fr.routing.reasons).toEqual(expect.arrayContaining(['queue Support FR', 'language fr served by Support FR', 'agent Camille', 'skill complaints 4/5', 'speaks fr', 'load 0/1']))

      const en = await ingest(2, '3rout0000002', 'How do I change the billing address on my account?', ['en'])
      ids.en = en.id
      expect(en.intent).toBe('question')
      expect(en.queue.name).toBe('Billing EN')
      expect(en.assignee).toMatchObject({ id: ben.id, name: 'Ben' })
      expect(en.routing.reasons).toEqual(expect.arrayContaining(['queue Billing EN', 'agent Ben', 'skill billing 3/5', 'speaks en']))
      expect(en.routing.reasons.some((r: string) => r.startsWith('rule matched:') && r.includes('question'))).toBe(true)
    })

    it('gives nothing more to an agent at capacity; a resolution frees it and the waiting conversation is assigned', async () => {
      const waiting = await ingest(3, '3rout0000003', 'Encore un retard de trois heures à Lyon, je veux un remboursement immédiatement', ['fr'])
      ids.waiting = waiting.id
      expect(waiting.queue.name).toBe('Support FR')
      expect(waiting.assignee).toBeNull()
      expect(waiting.routing.reasons).toContain('no agent available in Support FR: conversation waits in queue')
      const agent = (await call('GET', `/api/v1/agents/${camille.id}`)).json
      expect(agent.load).toHaveLength(1)
      const manual = await call('POST', `/api/v1/conversations/${ids.waiting}/assignment`, { body: { agentId: camille.id } })
      expect(manual.status).toBe(409)
      expect(manual.json.error.code).toBe('AGENT_AT_CAPACITY')

      const snooze = await call('PATCH', `/api/v1/conversations/${ids.fr}/status`, { body: { status: 'snoozed', until: '2020-01-01T00:00:00Z' } })
      expect(snooze.status).toBe(400)
      expect(snooze.json.error.code).toBe('SNOOZE_IN_PAST')
      const stale = await call('PATCH', `/api/v1/conversations/${ids.fr}/status`, { body: { status: 'resolved', version: 1 } })
      expect(stale.status).toBe(409)
      const resolved = await call('PATCH', `/api/v1/conversations/${ids.fr}/status`, { body: { status: 'resolved' } })
      expect(resolved.status).toBe(200)
      expect(resolved.json.status).toBe('resolved')
      const backToNew = await call('PATCH', `/api/v1/conversations/${ids.fr}/status`, { body: { status: 'new' } })
      expect(backToNew.status).toBe(409)
      expect(backToNew.json.error.code).toBe('INVALID_TRANSITION')

      const now = (await call('GET', `/api/v1/conversations/${ids.waiting}`)).json
      expect(now.assignee).toMatchObject({ id: camille.id })
      expect(now.routing.reasons).toEqual(expect.arrayContaining(['agent Camille', 'load 0/1']))
    })

    it('gives an offline agent\'s open conversations back to their queue', async () => {
      const off = await call('PATCH', `/api/v1/agents/${camille.id}`, { body: { presence: 'offline' } })
      expect(off.json.presence).toBe('offline')
      expect(off.json.load).toHaveLength(0)
      const c = (await call('GET', `/api/v1/conversations/${ids.waiting}`)).json
      expect(c.assignee).toBeNull()
      expect(c.queue.name).toBe('Support FR')
      expect(c.routing.reasons[0]).toContain('Camille went offline')
      const pulled = await call('POST', `/api/v1/agents/${ben.id}/next`)
      expect(pulled.json).toMatchObject({ conversationId: null })
    })

    it('publishes sla.breached on the WebSocket when the first-response target passes', async () => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/stream?access_token=${server.adminToken}`)
      const received: any[] = []
      socket.on('message', (data) => received.push(JSON.parse(String(data))))
      await new Promise((resolve, reject) => {
        socket.once('open', resolve)
        socket.once('error', reject)
      })
      await eventually(async () => (received.some((m) => m.type === 'hello') ? true : undefined), 'hello')
      await new Promise((r) => setTimeout(r, 100)) // 0.001 min = 60 ms
      const events = await server.earshot.slaWatch.tick()
      expect(events.map((e) => [e.type, e.conversationId])).toContainEqual(['sla.breached', ids.waiting])
      const breach = await eventually(async () => received.find((m) => m.type === 'sla.breached' && m.conversationId === ids.waiting), 'sla.breached on the socket')
      socket.close()
      expect(breach).toMatchObject({ metric: 'first_response' })
      const c = (await call('GET', `/api/v1/conversations/${ids.waiting}`)).json
      expect(c.sla).toMatchObject({ state: 'breached', metric: 'first_response' })
      // the inbox shows the clock too, without opening the conversation
      const row = (await call('GET', '/api/v1/conversations?limit=200')).json.items.find((x: any) => x.id === ids.waiting)
      expect(row.slaDue).toMatchObject({ state: 'breached', metric: 'first_response' })
      expect(Date.parse(row.slaDue.dueAt)).toBeLessThanOrEqual(Date.now())
      // and so does the wallboard, per queue and in total
      const board = (await call('GET', '/api/v1/wallboard')).json
      expect(board.totals.slaBreached).toBeGreaterThanOrEqual(1)
      expect(board.queues.find((q: any) => q.id === row.queue.id).slaBreached).toBeGreaterThanOrEqual(1)
      expect((await server.earshot.slaWatch.tick()).filter((e) => e.conversationId === ids.waiting)).toEqual([]) // once
    })

    it('refuses to delete a queue holding open conversations unless they move; the audit log holds every step', async () => {
      const refused = await call('DELETE', `/api/v1/queues/${supportFr.id}`)
      expect(refused.status).toBe(409)
      expect(refused.json.error.code).toBe('QUEUE_NOT_EMPTY')
      const moved = await call('DELETE', `/api/v1/queues/${supportFr.id}?moveTo=${billingEn.id}`)
      expect(moved.status).toBe(200)
      expect(moved.json.moved).toContain(ids.waiting)
      expect((await call('GET', `/api/v1/conversations/${ids.waiting}`)).json.queue.name).toBe('Billing EN')

      const audit = (await call('GET', '/api/v1/audit?limit=500')).json.items
      const actions = new Set(audit.map((a: any) => a.action))
      for (const a of ['agent.update', 'sla_policy.create', 'queue.create', 'conversation.assign', 'conversation.status', 'conversation.unassign', 'sla.breached', 'queue.delete']) {
        expect(actions, a).toContain(a)
      }
      const assigns = audit.filter((a: any) => a.action === 'conversation.assign' && a.actor === 'system:routing')
      expect(assigns.map((a: any) => a.targetId)).toEqual(expect.arrayContaining([ids.fr, ids.en, ids.waiting]))
      expect(assigns[0].detail.reasons.length).toBeGreaterThan(0)
    })
  })
}

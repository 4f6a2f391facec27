// Canned guidance and automations through the API: templates checked on save, suggestions by intent and
// language rendered for the conversation with the channel's limit; automation rules validated with their
// path, run by the pipeline on new customer messages and on engagement updates, in order, with `stop`,
// logged with outcomes, audited, and a dry run that changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { did as didOf, jetstreamPost } from '../testing/payloads.ts'
import type { TestServer } from '../testing/server.ts'

const did = (n: number) => didOf(7_000 + n)

export function workflowSuite(name: string, start: () => Promise<TestServer>): void {
  describe(`canned responses and automations through the API: ${name}`, () => {
    let server: TestServer
    let call: ApiCall
    let agentToken = ''

    beforeAll(async () => {
      server = await start()
      call = apiClient(server)
      const agent = (await call('POST', '/api/v1/agents', { body: { name: 'Noor Haddad' } })).json
      agentToken = (await call('POST', '/api/v1/tokens', { body: { name: 'noor', role: 'agent', workspace: 'default', agentId: agent.id } })).json.token
    })
    afterAll(async () => {
      await server?.close()
    })

    async function ingest(n: number, rkey: string, text: string, langs = ['en']): Promise<any> {
      const res = await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamPost({ did: did(n), rkey, text, langs }) })
      expect(res.status, res.text).toBeLessThan(300)
      const list = await call('GET', '/api/v1/conversations?channel=bluesky&status=new,open,pending,snoozed,resolved&limit=200')
      const c = list.json.items.find((x: any) => x.preview === text)
      expect(c, `conversation for "${text}"`).toBeDefined()
      return (await call('GET', `/api/v1/conversations/${c.id}`)).json
    }

    describe('canned responses', () => {
      it('refuses a template with an unknown variable or a stray brace, with each problem', async () => {
        const res = await call('POST', '/api/v1/canned-responses', { body: { title: 'Broken', body: 'Hi {{customer.nmae}}, see {{agent.name}', language: 'en' } })
        expect(res.status).toBe(400)
        expect(res.json.error.code).toBe('INVALID_TEMPLATE')
        const kinds = res.json.error.details.problems.map((p: any) => p.kind)
        expect(kinds).toEqual(expect.arrayContaining(['unknown_variable', 'malformed']))
        expect(res.json.error.message).toContain('{{customer.nmae}}')
      })

      it('creates snippets (supervisors only), refuses a duplicate title in the same language', async () => {
        const body = { title: 'Refund status', body: 'Hi {{customer.firstName | there}}, {{agent.firstName}} from {{brand.name}} here: refunds take 5–7 working days. DM us your booking reference and we will check yours.', language: 'en', intents: ['question', 'complaint'] }
        const created = await call('POST', '/api/v1/canned-responses', { body })
        expect(created.status).toBe(201)
        expect(created.json).toMatchObject({ title: 'Refund status', language: 'en', channels: null, intents: ['question', 'complaint'] })
        expect((await call('POST', '/api/v1/canned-responses', { body })).status).toBe(409)
        expect((await call('POST', '/api/v1/canned-responses', { token: agentToken, body: { ...body, title: 'Mine' } })).status).toBe(403)
        expect((await call('POST', '/api/v1/canned-responses', { body: { title: 'Remboursement', body: 'Bonjour {{customer.firstName | }}, les remboursements prennent 5 à 7 jours.', language: 'fr', intents: ['question', 'complaint'] } })).status).toBe(201)
        expect((await call('POST', '/api/v1/canned-responses', { body: { title: 'Thanks', body: 'Thank you so much for the kind words, {{customer.firstName | friend}}!', language: 'en', intents: ['praise'] } })).status).toBe(201)
        const long = `We are very sorry. ${'Our team is looking into this carefully. '.repeat(9)}`
        expect((await call('POST', '/api/v1/canned-responses', { body: { title: 'Long apology', body: long, language: 'en', intents: ['complaint'], channels: ['bluesky', 'email'] } })).status).toBe(201)
        const list = await call('GET', '/api/v1/canned-responses', { token: agentToken })
        expect(list.json.items.map((c: any) => c.title).sort()).toEqual(['Long apology', 'Refund status', 'Remboursement', 'Thanks'])
      })

      it('suggests snippets for a conversation by intent and language, rendered for it, and says which one is too long for the channel', async () => {
        const c = await ingest(1, '3wflow0000001', 'My refund for the cancelled flight never arrived, this is unacceptable', ['en'])
        expect(c.intent).toBe('complaint')
        const res = await call('GET', `/api/v1/conversations/${c.id}/canned-suggestions`, { token: agentToken })
        expect(res.status).toBe(200)
        const titles = res.json.items.map((s: any) => s.canned.title)
        expect(titles).toContain('Refund status')
        expect(titles).not.toContain('Thanks') // praise only
        expect(titles).not.toContain('Remboursement') // French, for an English conversation
        const refund = res.json.items.find((s: any) => s.canned.title === 'Refund status')
        // this author has no name, only a DID: the fallback; the agent is Noor; the workspace is the brand
        expect(refund.text).toMatch(/^Hi there, Noor from .+ here: refunds take/)
        expect(refund.problems).toEqual([])
        expect(refund.reasons).toEqual(expect.arrayContaining(['answers complaint']))
        const long = res.json.items.find((s: any) => s.canned.title === 'Long apology')
        expect(long.text).toBeNull()
        expect(long.problems[0]).toMatchObject({ kind: 'too_long' })
        expect(long.problems[0].detail).toMatch(/allows 300/)
      })

      it('edits and deletes a snippet, audited', async () => {
        const thanks = (await call('GET', '/api/v1/canned-responses')).json.items.find((c: any) => c.title === 'Thanks')
        const edited = await call('PATCH', `/api/v1/canned-responses/${thanks.id}`, { body: { body: 'Thanks a lot, {{customer.firstName | friend}}!' } })
        expect(edited.status).toBe(200)
        expect(edited.json.body).toBe('Thanks a lot, {{customer.firstName | friend}}!')
        expect((await call('PATCH', `/api/v1/canned-responses/${thanks.id}`, { body: { body: '{{oops}}' } })).status).toBe(400)
        expect((await call('DELETE', `/api/v1/canned-responses/${thanks.id}`)).status).toBe(204)
        expect((await call('DELETE', `/api/v1/canned-responses/${thanks.id}`)).status).toBe(404)
        const audit = await call('GET', '/api/v1/audit?limit=200')
        const actions = audit.json.items.map((a: any) => a.action)
        expect(actions).toEqual(expect.arrayContaining(['canned.create', 'canned.update', 'canned.delete']))
      })
    })

    describe('automations', () => {
      let legal: any
      let ruleIds: Record<string, string> = {}

      it('refuses an invalid rule with the path and the reason', async () => {
        const bad = await call('POST', '/api/v1/automations', { body: { name: 'Bad', when: 'message.created', if: { field: 'intent', op: 'eq', value: 'shouting' }, then: [{ type: 'add_tag', tag: 'x' }] } })
        expect(bad.status).toBe(400)
        expect(bad.json.error.code).toBe('INVALID_AUTOMATION')
        expect(bad.json.error.details.path).toBe('$.if.value')
        const badAction = await call('POST', '/api/v1/automations', { body: { name: 'Bad', when: 'conversation.updated', then: [{ type: 'hide' }] } })
        expect(badAction.status).toBe(400)
        expect(badAction.json.error.details.path).toBe('$.then[0].type')
        expect((await call('POST', '/api/v1/automations', { token: agentToken, body: { name: 'x', when: 'message.created', then: [{ type: 'add_tag', tag: 'x' }] } })).status).toBe(403)
      })

      it('creates rules in order: legal threats go to the Legal queue with a high priority and stop there; refunds get a tag', async () => {
        legal = (await call('POST', '/api/v1/queues', { body: { name: 'Legal', position: 50 } })).json
        const r1 = await call('POST', '/api/v1/automations', {
          body: { name: 'Legal threats', when: 'message.created', if: { field: 'risk', op: 'contains', value: 'legal' }, then: [{ type: 'set_queue', queueId: legal.id }, { type: 'set_priority_override', score: 95 }, { type: 'add_tag', tag: '#Legal' }], stop: true },
        })
        expect(r1.status, r1.text).toBe(201)
        const r2 = await call('POST', '/api/v1/automations', {
          body: { name: 'Refund tag', when: 'message.created', if: { field: 'intent', op: 'in', value: ['complaint', 'question'] }, then: [{ type: 'add_tag', tag: 'refunds' }, { type: 'hide' }] },
        })
        expect(r2.status).toBe(201)
        const r3 = await call('POST', '/api/v1/automations', {
          body: { name: 'Disabled', enabled: false, when: 'message.created', then: [{ type: 'set_status', status: 'resolved' }] },
        })
        expect(r3.status).toBe(201)
        ruleIds = { legal: r1.json.id, refund: r2.json.id, disabled: r3.json.id }
        const list = await call('GET', '/api/v1/automations')
        expect(list.json.items.map((r: any) => r.name)).toEqual(['Legal threats', 'Refund tag', 'Disabled'])
        expect(list.json.items.every((r: any) => r.problem === null)).toBe(true)
      })

      it('runs on a new customer message: a legal threat lands in Legal at 95, tagged, and the later rule does not run', async () => {
        const c = await ingest(2, '3wflow0000002', 'Your airline lost my bag again. I am contacting my lawyer and will sue you in small claims court.')
        expect(c.riskFlags).toContain('legal')
        expect(c.queue).toMatchObject({ id: legal.id, name: 'Legal' })
        expect(c.priority).toBe(95)
        expect(c.tags).toEqual(['legal'])
        expect(c.status).not.toBe('resolved') // the disabled rule did nothing
        const tags = (await call('GET', `/api/v1/automations/runs?ruleId=${ruleIds.refund}`)).json.items.filter((r: any) => r.conversationId === c.id)
        expect(tags, 'stop: the refund rule did not run after the legal one').toEqual([])
        const runs = (await call('GET', `/api/v1/automations/runs?ruleId=${ruleIds.legal}`)).json.items.filter((r: any) => r.conversationId === c.id)
        expect(runs.map((r: any) => [r.action.type, r.outcome]).sort()).toEqual([['add_tag', 'applied'], ['set_priority_override', 'applied'], ['set_queue', 'applied']])
        const audit = (await call('GET', '/api/v1/audit?limit=200')).json.items.filter((a: any) => a.targetId === c.id && a.actor === 'automation:Legal threats')
        expect(audit.map((a: any) => a.action).sort()).toEqual(['automation.add_tag', 'automation.set_priority_override', 'automation.set_queue'])
      })

      it('tags a refund question and says honestly that Bluesky cannot hide a post', async () => {
        const c = await ingest(3, '3wflow0000003', 'How long does a refund take after a cancelled flight?')
        const runs = (await call('GET', `/api/v1/automations/runs?ruleId=${ruleIds.refund}`)).json.items.filter((r: any) => r.conversationId === c.id)
        const outcomes = Object.fromEntries(runs.map((r: any) => [r.action.type, r.outcome]))
        expect(outcomes.add_tag).toBe('applied')
        expect(outcomes.hide).toMatch(/^skipped: bluesky cannot hide/)
        const replies = await call('GET', `/api/v1/conversations/${c.id}/replies`)
        expect(replies.json.items).toEqual([])
      })

      it('dry-runs stored and draft rules on recent conversations without changing anything', async () => {
        const before = (await call('GET', '/api/v1/conversations?status=new,open,pending,snoozed,resolved&limit=200')).json.items
        const res = await call('POST', '/api/v1/automations/dry-run', { body: {} })
        expect(res.status).toBe(200)
        expect(res.json.total).toBe(before.length)
        const disabled = res.json.items.find((r: any) => r.ruleId === ruleIds.disabled)
        expect(disabled.matched).toBe(before.length) // no condition: everything; tried as if enabled
        // it would resolve what is not resolved yet, except where "Legal threats" fired first and stopped the rules
        expect(disabled.wouldFire).toBe(before.filter((c: any) => c.status !== 'resolved' && !c.riskFlags.includes('legal')).length)
        const draft = await call('POST', '/api/v1/automations/dry-run', { body: { rules: [{ name: 'Complaints', when: 'message.created', if: { field: 'intent', op: 'eq', value: 'complaint' }, then: [{ type: 'add_tag', tag: 'complaint' }] }] } })
        expect(draft.json.items[0]).toMatchObject({ ruleId: 'draft-1', name: 'Complaints', matched: before.filter((c: any) => c.intent === 'complaint').length })
        const badDraft = await call('POST', '/api/v1/automations/dry-run', { body: { rules: [{ name: 'x', when: 'never', then: [] }] } })
        expect(badDraft.status).toBe(400)
        const after = (await call('GET', '/api/v1/conversations?status=new,open,pending,snoozed,resolved&limit=200')).json.items
        expect(after.map((c: any) => [c.id, c.status, c.version]).sort()).toEqual(before.map((c: any) => [c.id, c.status, c.version]).sort())
      })

      it('runs conversation.updated rules on an engagement update, and a disabled rule once enabled', async () => {
        const viral = await call('POST', '/api/v1/automations', { body: { name: 'Viral', when: 'conversation.updated', if: { field: 'priority', op: 'gte', value: 0 }, then: [{ type: 'add_tag', tag: 'watched' }] } })
        expect(viral.status).toBe(201)
        const text = 'Flight NW88 delayed four hours and still no update from anyone'
        const first = await ingest(4, '3wflow0000004', text)
        expect(first.tags ?? []).not.toContain('watched')
        // the same post again with a newer timestamp: an update (not a new message)
        const res = await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamPost({ did: did(4), rkey: '3wflow0000004', text: `${text}!`, operation: 'update' }) })
        expect(res.status).toBeLessThan(300)
        const runs = (await call('GET', `/api/v1/automations/runs?ruleId=${viral.json.id}`)).json.items.filter((r: any) => r.conversationId === first.id)
        expect(runs.map((r: any) => [r.event, r.outcome])).toEqual([['conversation.updated', 'applied']])

        expect((await call('PATCH', `/api/v1/automations/${ruleIds.disabled}`, { body: { enabled: true, if: { field: 'channel', op: 'eq', value: 'bluesky' } } })).status).toBe(200)
        const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/stream?access_token=${server.adminToken}`)
        const received: any[] = []
        socket.on('message', (data) => received.push(JSON.parse(String(data))))
        await new Promise((r) => socket.once('open', r))
        const resolved = await ingest(5, '3wflow0000005', 'Just checking in on the status of my booking, thanks')
        expect(resolved.status).toBe('resolved')
        // resolved by a rule is a resolution like any other: the event goes out (and CSAT would follow)
        const event = await eventually(async () => received.find((e) => e.type === 'conversation.resolved' && e.data?.conversationId === resolved.id), 'conversation.resolved on the stream')
        expect(event.data.actor).toBe('automation:Disabled')
        socket.close()
      })
    })
  })
}

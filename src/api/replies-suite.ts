// Answering through the API: an agent's reply reaches the platform (a local fake speaking its
// protocol) once, threaded under the customer's post, and comes back as the conversation's
// outbound message. Failures reach the agent with a code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBlueskyFake, type BlueskyFake } from '../channels/bluesky/fake.ts'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { jetstreamPost, postUri } from '../testing/payloads.ts'
import type { TestServer } from '../testing/server.ts'

const customer = 'did:plc:customercustomercustomer'

export function repliesSuite(name: string, start: () => Promise<TestServer>): void {
  describe(`replies through the outbox: ${name}`, () => {
    let server: TestServer
    let call: ApiCall
    let fake: BlueskyFake
    let accountId: string

    beforeAll(async () => {
      server = await start()
      call = apiClient(server)
      fake = await startBlueskyFake({ handle: 'northwind.example.com', appPassword: 'app-pass' })
      const created = await call('POST', '/api/v1/channel-accounts', {
        body: {
          channel: 'bluesky', name: 'Northwind',
          settings: { handle: fake.handle, pdsUrl: fake.url, appViewUrl: fake.url, jetstreamUrl: fake.jetstreamUrl },
          secrets: { appPassword: 'app-pass' },
        },
      })
      expect(created.status).toBe(201)
      accountId = created.json.id
    })

    afterAll(async () => {
      await server?.close()
      await fake?.close()
    })

    async function conversationFor(rkey: string, text: string): Promise<any> {
      const line = jetstreamPost({ did: customer, rkey, text })
      expect((await call('POST', '/api/v1/ingest/bluesky', { body: line })).json.ingested).toBe(1)
      const list = await call('GET', '/api/v1/conversations?channel=bluesky&limit=200')
      const c = list.json.items.find((x: any) => x.preview === text)
      expect(c).toBeDefined()
      return c
    }

    async function settled(conversationId: string, replyId: string): Promise<any> {
      return eventually(async () => {
        const r = (await call('GET', `/api/v1/conversations/${conversationId}/replies`)).json.items.find((x: any) => x.id === replyId)
        return r.status === 'sent' || r.status === 'failed' ? r : undefined
      }, 'the reply to be sent or to fail')
    }

    it('shows the account without its secrets, and refuses fields the channel does not read', async () => {
      const list = await call('GET', '/api/v1/channel-accounts')
      expect(list.json.items).toHaveLength(1)
      expect(list.json.items[0].secretsSet).toEqual(['appPassword'])
      expect(list.text).not.toContain('app-pass')
      const typo = await call('POST', '/api/v1/channel-accounts', { body: { channel: 'bluesky', name: 'Typo', secrets: { appPasword: 'x' } } })
      expect(typo.status).toBe(400)
      expect(typo.json.error.code).toBe('INVALID_ACCOUNT')
      expect(typo.json.error.message).toContain('appPasword')
      const test = await call('POST', `/api/v1/channel-accounts/${accountId}/test`)
      expect(test.json).toMatchObject({ ok: true })
      expect(test.json.detail).toContain('northwind.example.com')
    })

    it('sends a public reply once, threaded under the post, and stores it as an outbound message', async () => {
      const c = await conversationFor('3kreply0000a', 'Northwind lost my bag again, third time this year')
      const key = 'reply-key-1'
      const queued = await call('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'So sorry! Can you DM us your file number?' }, headers: { 'idempotency-key': key } })
      expect(queued.status).toBe(202)
      expect(queued.json.status).toBe('pending')
      const sent = await settled(c.id, queued.json.id)
      expect(sent.status).toBe('sent')
      expect(sent.externalId).toMatch(/^at:\/\/did:plc:brand/)

      const posts = fake.posts()
      expect(posts).toHaveLength(1)
      const record = posts[0]!.value as any
      expect(record.text).toBe('So sorry! Can you DM us your file number?')
      expect(record.reply.root.uri).toBe(postUri(customer, '3kreply0000a'))
      expect(record.reply.parent.uri).toBe(postUri(customer, '3kreply0000a'))

      // The same key again (a double click, a retried request): the first reply, nothing new posted.
      const again = await call('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'So sorry! Can you DM us your file number?' }, headers: { 'idempotency-key': key } })
      expect(again.status).toBe(200)
      expect(again.json.id).toBe(queued.json.id)

      const detail = await call('GET', `/api/v1/conversations/${c.id}`)
      const out = detail.json.messages.filter((m: any) => m.direction === 'out')
      expect(out).toHaveLength(1)
      expect(out[0].externalId).toBe(sent.externalId)
      expect(detail.json.status).toBe('open')
      expect(fake.posts()).toHaveLength(1)
      const audit = await call('GET', `/api/v1/audit?limit=50`)
      const actions = audit.json.items.filter((a: any) => a.targetId === c.id).map((a: any) => a.action)
      expect(actions).toEqual(expect.arrayContaining(['reply.requested', 'reply.sent']))
    })

    it('refuses what the channel cannot do, before queueing anything', async () => {
      const c = await conversationFor('3kreply0000b', 'Is the Northwind lounge open at night?')
      const tooLong = await call('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'x'.repeat(301) } })
      expect(tooLong.status).toBe(422)
      expect(tooLong.json.error.message).toContain('allows 300')
      const dm = await call('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'hi', visibility: 'private' } })
      expect(dm.status).toBe(422)
      expect(dm.json.error.code).toBe('CANNOT_SEND')
      expect((await call('GET', `/api/v1/conversations/${c.id}/replies`)).json.items).toHaveLength(0)
    })

    it('holds a trainee\'s reply for a supervisor: nothing reaches the platform until approved (edited)', async () => {
      const trainee = (await call('POST', '/api/v1/agents', { body: { name: 'Tia Trainee' } })).json
      const traineeToken = (await call('POST', '/api/v1/tokens', { body: { name: 'tia', role: 'agent', workspace: 'default', agentId: trainee.id } })).json.token
      const supervisorToken = (await call('POST', '/api/v1/tokens', { body: { name: 'sam', role: 'supervisor', workspace: 'default' } })).json.token
      const policy = await call('PUT', '/api/v1/settings/approval-policy', { token: supervisorToken, body: { agents: [trainee.id], queues: [], riskFlags: ['legal'], reachOver: null } })
      expect(policy.status).toBe(200)
      expect((await call('PUT', '/api/v1/settings/approval-policy', { token: traineeToken, body: policy.json })).status).toBe(403)

      const c = await conversationFor('3kreply0000d', 'Northwind charged me twice for one seat')
      const postsBefore = fake.posts().length
      const held = await call('POST', `/api/v1/conversations/${c.id}/replies`, { token: traineeToken, body: { text: 'sorry about that!!' } })
      expect(held.status).toBe(202)
      expect(held.json.status).toBe('held')
      expect(held.json.approvalReasons.join(' ')).toContain(trainee.id)
      await server.earshot.outbox.drain()
      expect(fake.posts()).toHaveLength(postsBefore)

      const queue = await call('GET', '/api/v1/approvals', { token: supervisorToken })
      expect(queue.json.items.map((r: any) => r.id)).toEqual([held.json.id])
      expect(queue.json.items[0].conversationPreview).toContain('charged me twice')
      expect((await call('POST', `/api/v1/approvals/${held.json.id}`, { token: traineeToken, body: { decision: 'approve' } })).status).toBe(403)

      const edited = 'Sorry about the double charge! Please DM us your booking reference and we will refund it today.'
      const approved = await call('POST', `/api/v1/approvals/${held.json.id}`, { token: supervisorToken, body: { decision: 'approve', text: edited, note: 'tone' } })
      expect(approved.status).toBe(200)
      expect(approved.json).toMatchObject({ status: 'pending', reviewedBy: 'token:sam', text: edited })
      expect((await call('POST', `/api/v1/approvals/${held.json.id}`, { token: supervisorToken, body: { decision: 'reject' } })).status).toBe(409)
      const sent = await settled(c.id, held.json.id)
      expect(sent.status).toBe('sent')
      expect(fake.posts().map((p) => (p.value as any).text)).toContain(edited)
      expect(fake.posts()).toHaveLength(postsBefore + 1)

      const rejectedDraft = await call('POST', `/api/v1/conversations/${c.id}/replies`, { token: traineeToken, body: { text: 'not this one' } })
      const rejected = await call('POST', `/api/v1/approvals/${rejectedDraft.json.id}`, { token: supervisorToken, body: { decision: 'reject', note: 'no' } })
      expect(rejected.json.status).toBe('cancelled')
      await server.earshot.outbox.drain()
      expect(fake.posts()).toHaveLength(postsBefore + 1)
      const audit = (await call('GET', '/api/v1/audit?limit=100')).json.items.filter((a: any) => a.targetId === c.id).map((a: any) => a.action)
      expect(audit).toEqual(expect.arrayContaining(['reply.held', 'reply.approved', 'reply.rejected', 'reply.sent']))
      await call('PUT', '/api/v1/settings/approval-policy', { body: { agents: [], queues: [], riskFlags: [], reachOver: null } })
    })

    it('gives the agent a clear failure when the platform refuses the credentials', async () => {
      const c = await conversationFor('3kreply0000c', 'Northwind cancelled my flight, no email, nothing')
      fake.revokeAppPassword()
      const queued = await call('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'We are on it.' } })
      const failed = await settled(c.id, queued.json.id)
      expect(failed.status).toBe('failed')
      expect(failed.failureCode).toBe('AUTH_REVOKED')
      expect(failed.lastError).not.toBe('')
    })
  })
}

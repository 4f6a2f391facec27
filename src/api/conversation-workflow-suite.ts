// Tags, internal notes with @mentions, merge and split, customer history: the HTTP API through a real
// server and the real pipeline (ingest of generic-webhook events). PGlite + memory bus always; PostgreSQL
// + NATS JetStream in the integration suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { did, jetstreamPost } from '../testing/payloads.ts'
import type { TestServer } from '../testing/server.ts'

interface HookEvent { id: string; text: string; author?: string; thread?: string; parent?: string; at?: string }

const hookLine = (e: HookEvent) => JSON.stringify({
  id: e.id, type: 'message', author: { id: e.author ?? 'cust-1', name: 'Dana Customer', handle: 'dana' }, text: e.text,
  created_at: e.at ?? '2026-12-01T10:00:00Z', ...(e.thread === undefined ? {} : { thread_id: e.thread }), ...(e.parent === undefined ? {} : { parent_id: e.parent }),
})

interface Socket { received: any[]; close(): void }

async function openStream(server: TestServer, token: string): Promise<Socket> {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/stream?access_token=${token}`)
  const received: any[] = []
  socket.on('message', (data) => received.push(JSON.parse(String(data))))
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject) })
  await eventually(async () => (received.some((m) => m.type === 'hello') ? true : undefined), 'hello')
  return { received, close: () => socket.close() }
}

export function conversationWorkflowSuite(name: string, start: () => Promise<TestServer>): void {
  describe(`conversation workflow API: ${name}`, () => {
    let server: TestServer
    const call: ApiCall = (method, path, opts) => apiClient(server)(method, path, opts)
    const agents: Record<'ana' | 'bo' | 'chloe', { id: string; token: string }> = {} as never
    let otherToken: string
    const ingest = async (...events: HookEvent[]) => {
      const res = await call('POST', '/api/v1/ingest/webhook?workspace=northwind', { body: events.map(hookLine).join('\n') })
      expect(res.json).toMatchObject({ ingested: events.length, rejected: [] })
    }
    const inbox = async (query = '', token?: string) => {
      const res = await call('GET', `/api/v1/conversations?workspace=northwind&status=new,open,pending,snoozed,resolved&limit=200${query}`, token === undefined ? {} : { token })
      expect(res.status).toBe(200)
      return res.json.items as any[]
    }
    const conversationOf = async (text: string) => {
      const found = (await inbox()).find((c) => c.preview === text)
      expect(found, `a conversation showing "${text}"`).toBeDefined()
      return found
    }
    const get = async (id: string) => (await call('GET', `/api/v1/conversations/${id}?workspace=northwind`)).json
    const audit = async () => (await call('GET', '/api/v1/audit?workspace=northwind')).json.items as { action: string; targetId: string; detail: any; actor: string }[]

    beforeAll(async () => {
      server = await start()
      await call('POST', '/api/v1/workspaces', { body: { slug: 'northwind', name: 'Northwind Air' } })
      await call('POST', '/api/v1/workspaces', { body: { slug: 'contoso', name: 'Contoso Mobile' } })
      for (const [key, name, email] of [['ana', 'Ana Souza', 'ana@northwind.example'], ['bo', 'Bo Lindqvist', 'bo@northwind.example'], ['chloe', 'Chloé Martin', 'c.martin@northwind.example']] as const) {
        const agent = (await call('POST', '/api/v1/agents?workspace=northwind', { body: { name, email } })).json
        const token = (await call('POST', '/api/v1/tokens', { body: { name: key, role: 'agent', workspace: 'northwind', agentId: agent.id } })).json.token
        agents[key] = { id: agent.id, token }
      }
      otherToken = (await call('POST', '/api/v1/tokens', { body: { name: 'contoso agent', role: 'agent', workspace: 'contoso' } })).json.token
      await ingest(
        { id: 'a1', thread: 't-a', text: 'my refund for flight NW12 never arrived' },
        { id: 'b1', thread: 't-b', text: 'and my bag is still in Lisbon', at: '2026-12-01T11:00:00Z' },
        { id: 'c1', text: 'who do I talk to about this?', at: '2026-12-01T12:00:00Z' },
        { id: 'd1', author: 'cust-2', thread: 't-d', text: 'lovely crew today', at: '2026-12-01T09:00:00Z' },
      )
    })
    afterAll(async () => {
      await server?.close()
    })

    it('replaces, adds and removes normalised tags, filters the inbox by tag, and audits each change', async () => {
      const a = await conversationOf('my refund for flight NW12 never arrived')
      const put = await call('PUT', `/api/v1/conversations/${a.id}/tags?workspace=northwind`, { body: { tags: ['Refund', '#Late Flight', 'refund'], version: a.version } })
      expect(put.status).toBe(200)
      expect(put.json.tags).toEqual(['late-flight', 'refund'])
      const added = await call('POST', `/api/v1/conversations/${a.id}/tags?workspace=northwind`, { token: agents.bo.token, body: { tag: ' VIP ' } })
      expect(added.json.tags).toEqual(['late-flight', 'refund', 'vip'])
      const removed = await call('DELETE', `/api/v1/conversations/${a.id}/tags/late-flight?workspace=northwind`, { token: agents.bo.token })
      expect(removed.json.tags).toEqual(['refund', 'vip'])
      expect((await inbox('&tag=REFUND')).map((c) => c.id)).toEqual([a.id])
      expect(await inbox('&tag=baggage')).toEqual([])
      const changes = (await audit()).filter((e) => e.action === 'conversation.tags' && e.targetId === a.id)
      expect(changes.map((e) => e.detail)).toEqual([
        { added: [], removed: ['late-flight'], tags: ['refund', 'vip'] },
        { added: ['vip'], removed: [], tags: ['late-flight', 'refund', 'vip'] },
        { added: ['late-flight', 'refund'], removed: [], tags: ['late-flight', 'refund'] },
      ])
      expect(changes[0]!.actor).toBe('token:bo')
    })

    it('refuses bad tags with the position and reason, too many tags, stale versions and other workspaces', async () => {
      const a = await conversationOf('my refund for flight NW12 never arrived')
      const bad = await call('PUT', `/api/v1/conversations/${a.id}/tags?workspace=northwind`, { body: { tags: ['ok', 'refund/late'] } })
      expect(bad.status).toBe(400)
      expect(bad.json.error).toMatchObject({ code: 'INVALID_TAG', details: { problems: [{ index: 1, value: 'refund/late' }] } })
      expect(bad.json.error.message).toContain('tags[1] "refund/late" contains "/"')
      const long = await call('POST', `/api/v1/conversations/${a.id}/tags?workspace=northwind`, { body: { tag: 'x'.repeat(51) } })
      expect(long.status).toBe(400)
      expect(long.json.error.message).toContain('at most 50')
      const many = await call('PUT', `/api/v1/conversations/${a.id}/tags?workspace=northwind`, { body: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } })
      expect(many.status).toBe(400)
      expect(many.json.error.message).toContain('at most 20 tags')
      expect((await call('PUT', `/api/v1/conversations/${a.id}/tags?workspace=northwind`, { body: { tag: 'x' } })).json.error.code).toBe('VALIDATION')
      const stale = await call('PUT', `/api/v1/conversations/${a.id}/tags?workspace=northwind`, { body: { tags: [], version: 1 } })
      expect(stale.status).toBe(409)
      expect(stale.json.error.code).toBe('CONFLICT')
      expect((await call('PUT', `/api/v1/conversations/${a.id}/tags`, { token: otherToken, body: { tags: ['x'] } })).status).toBe(404)
      expect((await call('GET', '/api/v1/conversations?tag=a/b', { token: agents.bo.token })).json.error.code).toBe('INVALID_TAG')
      expect((await get(a.id)).tags).toEqual(['refund', 'vip'])
    })

    it('keeps internal notes with resolved @mentions, tells the mentioned agent live, and never sends them', async () => {
      const b = await conversationOf('and my bag is still in Lisbon')
      const anaStream = await openStream(server, agents.ana.token)
      const boStream = await openStream(server, agents.bo.token)
      try {
        const note = await call('POST', `/api/v1/conversations/${b.id}/notes`, { token: agents.bo.token, body: { text: '@ana can you check the bag trace? cc @Chloé and @nobody' } })
        expect(note.status).toBe(201)
        expect(note.json).toMatchObject({ author: { agentId: agents.bo.id, name: 'Bo Lindqvist' }, unresolved: ['nobody'], conversationId: b.id })
        expect(note.json.mentions.map((m: { agentId: string; handle: string }) => [m.agentId, m.handle])).toEqual([[agents.ana.id, 'ana'], [agents.chloe.id, 'Chloé']])
        const mention = await eventually(async () => anaStream.received.find((m) => m.type === 'mention.created'), 'mention event for Ana')
        expect(mention).toMatchObject({ conversationId: b.id, note: { id: note.json.id, text: note.json.text } })
        await eventually(async () => boStream.received.find((m) => m.type === 'note.created'), 'note event for Bo')
        expect(boStream.received.some((m) => m.type === 'mention.created')).toBe(false)
      } finally {
        anaStream.close()
        boStream.close()
      }
      const listed = await call('GET', `/api/v1/conversations/${b.id}/notes`, { token: agents.ana.token })
      expect(listed.json.items.map((n: { text: string }) => n.text)).toEqual(['@ana can you check the bag trace? cc @Chloé and @nobody'])
      expect((await call('GET', `/api/v1/conversations/${b.id}/replies`, { token: agents.bo.token })).json.items).toEqual([])
      expect((await call('GET', `/api/v1/conversations/${b.id}/notes`, { token: otherToken })).status).toBe(404)
      expect((await call('POST', `/api/v1/conversations/${b.id}/notes`, { token: otherToken, body: { text: 'hi' } })).status).toBe(404)
      expect((await call('POST', `/api/v1/conversations/${b.id}/notes`, { token: agents.bo.token, body: { text: '   ' } })).json.error.code).toBe('VALIDATION')
      expect((await call('POST', `/api/v1/conversations/${b.id}/notes`, { token: agents.bo.token, body: { text: 'x'.repeat(5001) } })).status).toBe(400)
      const entry = (await audit()).find((e) => e.action === 'note.create')!
      expect(entry).toMatchObject({ targetId: b.id, actor: 'token:bo', detail: { noteId: listed.json.items[0].id, mentions: [agents.ana.id, agents.chloe.id] } })
    })

    it('lists mentions of me, unseen ones, and marks them seen', async () => {
      const b = await conversationOf('and my bag is still in Lisbon')
      expect((await inbox('&mentions=me', agents.ana.token)).map((c) => c.id)).toEqual([b.id])
      expect((await inbox('&mentions=me&unseen=true', agents.ana.token)).map((c) => c.id)).toEqual([b.id])
      expect(await inbox('&mentions=me', agents.bo.token)).toEqual([])
      expect((await inbox(`&mentions=${agents.chloe.id}`)).map((c) => c.id)).toEqual([b.id])
      expect((await call('GET', '/api/v1/mentions/unseen', { token: agents.ana.token })).json).toEqual({ mentions: 1, conversations: 1 })
      const seen = await call('POST', `/api/v1/conversations/${b.id}/seen`, { token: agents.ana.token })
      expect(seen.json).toEqual({ seen: 1, unseen: { mentions: 0, conversations: 0 } })
      expect(await inbox('&mentions=me&unseen=true', agents.ana.token)).toEqual([])
      expect((await inbox('&mentions=me', agents.ana.token)).map((c) => c.id)).toEqual([b.id])
      const noAgent = await call('GET', '/api/v1/conversations?workspace=northwind&mentions=me')
      expect(noAgent.status).toBe(400)
      expect(noAgent.json.error.code).toBe('NO_AGENT')
      expect((await call('POST', `/api/v1/conversations/${b.id}/seen`, { token: otherToken })).status).toBe(404)
    })

    it('merges conversations: messages, notes and tags move, the others point to the survivor and leave the inbox', async () => {
      const a = await conversationOf('my refund for flight NW12 never arrived')
      const b = await conversationOf('and my bag is still in Lisbon')
      const c = await conversationOf('who do I talk to about this?')
      await call('PUT', `/api/v1/conversations/${b.id}/tags?workspace=northwind`, { body: { tags: ['baggage'] } })
      const base = `/api/v1/conversations/${a.id}/merge?workspace=northwind`
      expect((await call('POST', base, { body: { from: [b.id], version: 1 } })).json.error.code).toBe('CONFLICT')
      expect((await call('POST', base, { body: { from: [a.id] } })).status).toBe(400)
      expect((await call('POST', base, { body: { from: [] } })).status).toBe(400)
      expect((await call('POST', base, { body: { from: ['6b0d1b5e-7a53-4a4e-9b51-0d0d0d0d0d0d'] } })).status).toBe(404)
      expect((await call('POST', `/api/v1/conversations/${a.id}/merge`, { token: otherToken, body: { from: [b.id] } })).status).toBe(404)

      const merged = await call('POST', base, { token: agents.bo.token, body: { from: [b.id, c.id] } })
      expect(merged.status).toBe(200)
      expect(merged.json).toMatchObject({ merged: [b.id, c.id], moved: { messages: 2, notes: 1 } })
      expect(merged.json.conversation).toMatchObject({ id: a.id, messageCount: 3, tags: ['baggage', 'refund', 'vip'], mergedInto: null, preview: 'who do I talk to about this?' })
      expect((await get(a.id)).messages.map((m: { externalId: string }) => m.externalId)).toEqual(['a1', 'b1', 'c1'])
      expect(await get(b.id)).toMatchObject({ mergedInto: a.id, status: 'resolved', messageCount: 0, messages: [] })
      expect((await inbox()).map((x) => x.id)).not.toContain(b.id)
      expect((await inbox()).map((x) => x.id)).not.toContain(c.id)
      expect((await call('GET', `/api/v1/conversations/${a.id}/notes?workspace=northwind`)).json.items).toHaveLength(1)
      expect((await inbox('&mentions=me', agents.ana.token)).map((x) => x.id)).toEqual([a.id])

      const again = await call('POST', base, { body: { from: [b.id] } })
      expect(again.status).toBe(409)
      expect(again.json.error).toMatchObject({ code: 'CONVERSATION_MERGED', details: { mergedInto: a.id } })
      expect((await call('PUT', `/api/v1/conversations/${b.id}/tags`, { token: agents.bo.token, body: { tags: ['x'] } })).json.error.code).toBe('CONVERSATION_MERGED')
      expect((await call('POST', `/api/v1/conversations/${c.id}/notes`, { token: agents.bo.token, body: { text: 'x' } })).json.error.code).toBe('CONVERSATION_MERGED')
      expect((await call('PATCH', `/api/v1/conversations/${b.id}/status`, { token: agents.bo.token, body: { status: 'open' } })).json.error.code).toBe('CONVERSATION_MERGED')
      expect((await call('POST', `/api/v1/conversations/${b.id}/merge`, { token: agents.bo.token, body: { from: [a.id] } })).json.error.code).toBe('CONVERSATION_MERGED')

      const entries = await audit()
      expect(entries.find((e) => e.action === 'conversation.merge')).toMatchObject({ targetId: a.id, actor: 'token:bo', detail: { from: [b.id, c.id], messages: 2, notes: 1 } })
      expect(entries.filter((e) => e.action === 'conversation.merged').map((e) => [e.targetId, e.detail.into])).toEqual(expect.arrayContaining([[b.id, a.id], [c.id, a.id]]))
    })

    it('threads new messages of a merged conversation into the survivor: by platform thread and by parent', async () => {
      const a = await conversationOf('who do I talk to about this?')
      const before = (await inbox()).length
      await ingest({ id: 'b2', thread: 't-b', text: 'any news on the bag?', at: '2026-12-01T13:00:00Z' })
      await ingest({ id: 'c2', parent: 'c1', text: 'hello? anyone?', at: '2026-12-01T14:00:00Z' })
      const after = await get(a.id)
      expect(after.messages.map((m: { externalId: string }) => m.externalId)).toEqual(['a1', 'b1', 'c1', 'b2', 'c2'])
      expect(after.preview).toBe('hello? anyone?')
      expect(await inbox()).toHaveLength(before)
    })

    it('splits chosen messages into a new conversation that later replies follow', async () => {
      const a = await conversationOf('hello? anyone?')
      const detail = await get(a.id)
      const pick = detail.messages.filter((m: { externalId: string }) => m.externalId === 'b1' || m.externalId === 'b2').map((m: { id: string }) => m.id)
      const base = `/api/v1/conversations/${a.id}/split?workspace=northwind`
      expect((await call('POST', base, { body: { messageIds: detail.messages.map((m: { id: string }) => m.id) } })).json.error.message).toContain('at least one message')
      const d = await conversationOf('lovely crew today')
      const foreign = (await get(d.id)).messages[0].id
      const strange = await call('POST', base, { body: { messageIds: [foreign] } })
      expect(strange.status).toBe(400)
      expect(strange.json.error.details.messageIds).toEqual([foreign])
      expect((await call('POST', `/api/v1/conversations/${a.id}/split`, { token: otherToken, body: { messageIds: pick } })).status).toBe(404)
      expect((await call('POST', base, { body: { messageIds: pick, version: 1 } })).json.error.code).toBe('CONFLICT')

      const split = await call('POST', base, { token: agents.bo.token, body: { messageIds: pick } })
      expect(split.status).toBe(201)
      expect(split.json.source).toMatchObject({ id: a.id, messageCount: 3 })
      expect(split.json.created).toMatchObject({ channel: 'webhook', messageCount: 2, preview: 'any news on the bag?', tags: ['baggage', 'refund', 'vip'], mergedInto: null })
      expect(split.json.created.contact.id).toBe(detail.contact.id)
      const created = split.json.created.id
      expect((await get(created)).messages.map((m: { externalId: string }) => m.externalId)).toEqual(['b1', 'b2'])
      await ingest({ id: 'b3', parent: 'b2', text: 'the bag arrived, thanks', at: '2026-12-01T15:00:00Z' })
      expect((await get(created)).messages.map((m: { externalId: string }) => m.externalId)).toEqual(['b1', 'b2', 'b3'])
      expect((await audit()).find((e) => e.action === 'conversation.split')).toMatchObject({ targetId: a.id, detail: { into: created, messageIds: pick } })
    })

    it('answers a merged conversation only on its own channel', async () => {
      const a = await conversationOf('hello? anyone?')
      const post = await call('POST', '/api/v1/ingest/bluesky?workspace=northwind', { body: jetstreamPost({ did: did(77), rkey: '3merge000001', text: 'Northwind lost my bag too' }) })
      expect(post.json.ingested).toBe(1)
      const bluesky = await conversationOf('Northwind lost my bag too')
      expect((await call('POST', `/api/v1/conversations/${a.id}/merge?workspace=northwind`, { body: { from: [bluesky.id] } })).status).toBe(200)
      const foreign = (await get(a.id)).messages.find((m: { channel: string }) => m.channel === 'bluesky')
      const refused = await call('POST', `/api/v1/conversations/${a.id}/replies?workspace=northwind`, { body: { text: 'sorry about that', inReplyTo: foreign.id } })
      expect(refused.status).toBe(422)
      expect(refused.json.error.code).toBe('CANNOT_SEND')
      expect(refused.json.error.message).toContain('no customer message')
    })

    it('shows a customer\'s conversations across channels with status and date, only to their workspace', async () => {
      const a = await conversationOf('hello? anyone?')
      const contactId = a.contact.id
      const contact = await call('GET', `/api/v1/contacts/${contactId}?workspace=northwind`, { token: agents.ana.token })
      expect(contact.status).toBe(200)
      expect(contact.json.identities).toEqual([expect.objectContaining({ channel: 'webhook', externalUserId: 'cust-1', handle: 'dana' })])
      const rows = contact.json.conversations
      expect(rows.map((r: { preview: string }) => r.preview)).toEqual(['the bag arrived, thanks', 'hello? anyone?'])
      expect(rows[0]).toMatchObject({ channel: 'webhook', status: expect.any(String), lastMessageAt: '2026-12-01T15:00:00.000Z' })
      expect((await call('GET', `/api/v1/contacts/${contactId}`, { token: otherToken })).status).toBe(404)
      expect((await call('GET', '/api/v1/contacts/nope', { token: agents.ana.token })).status).toBe(404)
    })

    it('documents the new routes in OpenAPI', async () => {
      const paths = Object.keys((await call('GET', '/docs/json', { token: null })).json.paths)
      expect(paths).toEqual(expect.arrayContaining([
        '/api/v1/conversations/{id}/tags', '/api/v1/conversations/{id}/tags/{tag}', '/api/v1/conversations/{id}/notes', '/api/v1/conversations/{id}/seen',
        '/api/v1/mentions/unseen', '/api/v1/conversations/{id}/merge', '/api/v1/conversations/{id}/split', '/api/v1/contacts/{id}',
      ]))
    })
  })
}

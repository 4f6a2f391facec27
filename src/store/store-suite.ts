// One behaviour suite for the store and the pipeline over it; runs on PGlite always and on a
// PostgreSQL server in the integration suite. Payloads are written here in Jetstream's format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryBus } from '../bus/memory.ts'
import { subjects, type ConversationEvent } from '../bus/index.ts'
import { splitUnits } from '../pipeline/framing.ts'
import { ingestNow } from '../pipeline/ingest.ts'
import { createRunner, type Runner } from '../pipeline/runner.ts'
import { did, jetstreamDelete, jetstreamLike, jetstreamPost, postUri, xStreamTweet } from '../testing/payloads.ts'
import type { Store } from './index.ts'
import { migrate } from './migrate.ts'
import { listConversationMessages } from './queries/messages.ts'
import type { Workspace } from './queries/workspaces.ts'

export function storeSuite(name: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): void {
  describe(`store and pipeline: ${name}`, () => {
    let store: Store
    let cleanup: () => Promise<void>
    let runner: Runner
    let ws: Workspace
    let other: Workspace
    const bus = createMemoryBus()
    const events: ConversationEvent[] = []

    beforeAll(async () => {
      ;({ store, cleanup } = await open())
      runner = createRunner(store, bus)
      ws = await store.workspaces.ensure('northwind', 'Northwind Air')
      other = await store.workspaces.ensure('contoso', 'Contoso Mobile')
      bus.subscribe(subjects.conversationAll, (m) => events.push(m.data as ConversationEvent))
    })
    afterAll(async () => {
      await bus.close()
      await store?.close()
      await cleanup?.()
    })

    const ingest = (lines: string[], workspace = ws) => ingestNow(store, runner, workspace.id, 'bluesky', splitUnits(lines.join('\n'), 'jsonl'))

    it('applies migrations once', async () => {
      expect(await migrate(store.db)).toEqual([])
      const { rows } = await store.db.query<{ version: string }>('select version from schema_migration')
      expect(rows.map((r) => r.version)).toContain('0001_init')
    })

    it('creates workspaces idempotently, each with a default queue', async () => {
      const again = await store.workspaces.ensure('northwind', 'Other name')
      expect(again.id).toBe(ws.id)
      expect((await store.queues.defaultFor(ws.id))?.name).toBe('Inbox')
    })

    it('appends to the inbound log in order and claims each row once', async () => {
      const ids = await store.inbound.append(ws.id, 'bluesky', [{ body: 'a', origin: 'line 1' }, { body: 'b\u0000c', origin: null }])
      expect(ids).toHaveLength(2)
      expect(BigInt(ids[1]!)).toBeGreaterThan(BigInt(ids[0]!))
      const claimed = await store.transaction((tx) => tx.inbound.claim({ ids, limit: 10 }))
      expect(claimed.map((r) => r.body)).toEqual(['a', 'b\uFFFDc'])
      await store.inbound.markDone(ids)
      expect(await store.transaction((tx) => tx.inbound.claim({ ids, limit: 10 }))).toEqual([])
    })

    it('threads a post and its replies into one conversation, once, whatever the replays', async () => {
      const alice = did(1)
      const bob = did(2)
      const lines = [
        jetstreamPost({ did: alice, rkey: '3root0000001', text: 'third time this month my Northwind flight is delayed. never again' }),
        jetstreamPost({ did: bob, rkey: '3reply000001', text: 'same here, lost my bag too', reply: { rootRkey: '3root0000001', rootDid: alice } }),
        jetstreamLike(bob, '3like0000001'),
      ]
      const first = await ingest(lines)
      expect(first).toMatchObject({ units: 3, ingested: 2, duplicates: 0, skipped: 1, rejected: [] })
      const second = await ingest(lines)
      expect(second).toMatchObject({ ingested: 0, duplicates: 2 })

      const page = await store.conversations.list(ws.id, {}, 'priority', 50, null)
      const convo = page.items.find((c) => c.threadKey === postUri(alice, '3root0000001'))!
      expect(convo.messageCount).toBe(2)
      expect(convo.priority).toBeGreaterThan(0)
      expect(convo.intent).toBe('complaint')
      expect(convo.sentiment).toBe('negative')
      expect(convo.priorityReasons.map((r) => r.label)).toContain('negative complaint')
      expect(convo.riskFlags).toEqual(['churn'])
      expect(convo.queue?.name).toBe('Inbox')
      const routed = await store.db.query<{ reason: string; actor: string }>('select reason, actor from assignment where conversation_id = $1', [convo.id])
      expect(routed.rows).toEqual([{ reason: 'default queue: no routing rule yet', actor: 'pipeline' }])
      const messages = await listConversationMessages(store.db, convo.id, 10)
      expect(messages.map((m) => m.externalId)).toEqual([postUri(alice, '3root0000001'), postUri(bob, '3reply000001')])
      expect(messages[1]!.parentExternalId).toBe(postUri(alice, '3root0000001'))
      expect(events.some((e) => e.conversationId === convo.id && e.type === 'conversation.created')).toBe(true)
    })

    it('processes a batch in arrival order across a power of ten in ids (numeric, not text, order)', async () => {
      // ids 9 and 10 sort the other way round as text; push the log past a power of ten first
      await store.db.query("select setval(pg_get_serial_sequence('inbound_log', 'id'), 99998)")
      const fay = did(30)
      const summary = await ingest([
        jetstreamPost({ did: fay, rkey: '3order000001', text: 'first version' }),
        jetstreamPost({ did: fay, rkey: '3order000001', text: 'second version', operation: 'update' }),
        jetstreamPost({ did: fay, rkey: '3order000001', text: 'third version', operation: 'update' }),
      ])
      expect(summary).toMatchObject({ ingested: 1, updated: 2 })
      const { rows } = await store.db.query<{ text: string }>('select text from message where external_id = $1', [postUri(fay, '3order000001')])
      expect(rows[0]!.text).toBe('third version')
      for (let i = 0; i < 12; i++) await store.audit.record({ workspaceId: ws.id, actor: 'test', action: `step.${i}`, targetType: 't', targetId: String(i) })
      expect((await store.audit.list(ws.id, 3)).map((e) => e.action)).toEqual(['step.11', 'step.10', 'step.9'])
    })

    it('keeps the audit log append-only: updates, deletes and truncation are refused; a deleted workspace takes its rows', async () => {
      const gone = await store.workspaces.ensure('audit-gone', 'Gone Ltd')
      await store.audit.record({ workspaceId: gone.id, actor: 'test', action: 'kept.1', targetType: 't', targetId: '1' })
      await expect(store.db.query(`update audit_log set actor = 'someone else' where workspace_id = $1`, [gone.id])).rejects.toThrow(/append-only: UPDATE refused/)
      await expect(store.db.query('delete from audit_log where workspace_id = $1', [gone.id])).rejects.toThrow(/append-only: DELETE refused/)
      await expect(store.db.query('truncate audit_log')).rejects.toThrow(/append-only: TRUNCATE refused/)
      expect((await store.audit.list(gone.id, 5)).map((e) => [e.action, e.actor])).toEqual([['kept.1', 'test']])
      await store.db.query('delete from workspace where id = $1', [gone.id])
      const { rows } = await store.db.query<{ n: number }>('select count(*)::int as n from audit_log where workspace_id = $1', [gone.id])
      expect(rows[0]!.n).toBe(0)
    })

    it('dedupes, edits and threads within one batch too', async () => {
      const erin = did(9)
      const post = jetstreamPost({ did: erin, rkey: '3batch000001', text: 'my Northwind bag never arrived' })
      const summary = await ingest([
        post,
        post,
        jetstreamPost({ did: did(10), rkey: '3batch000002', text: 'same for me', reply: { rootRkey: '3batch000001', rootDid: erin } }),
        jetstreamPost({ did: erin, rkey: '3batch000001', text: 'my Northwind bag never arrived. day 3', operation: 'update' }),
        jetstreamDelete(did(10), '3batch000002'),
      ])
      expect(summary).toMatchObject({ ingested: 2, duplicates: 1, updated: 1, deleted: 1, rejected: [] })
      const convo = (await store.conversations.list(ws.id, {}, 'recent', 200, null)).items.find((c) => c.threadKey === postUri(erin, '3batch000001'))!
      expect(convo).toMatchObject({ messageCount: 1, preview: 'my Northwind bag never arrived. day 3' })
    })

    it('applies edits and deletes to the stored message and the conversation', async () => {
      const carol = did(3)
      await ingest([jetstreamPost({ did: carol, rkey: '3edit0000001', text: 'where is my refund?' })])
      const edited = await ingest([jetstreamPost({ did: carol, rkey: '3edit0000001', text: 'where is my refund? 3 weeks now', operation: 'update' })])
      expect(edited).toMatchObject({ updated: 1 })
      const convo = (await store.conversations.list(ws.id, {}, 'recent', 50, null)).items.find((c) => c.threadKey === postUri(carol, '3edit0000001'))!
      let [msg] = await listConversationMessages(store.db, convo.id, 10)
      expect(msg!.text).toBe('where is my refund? 3 weeks now')
      expect(msg!.editedAt).not.toBeNull()

      expect(await ingest([jetstreamDelete(carol, '3edit0000001')])).toMatchObject({ deleted: 1 })
      expect(await ingest([jetstreamDelete(carol, '3edit0000001')])).toMatchObject({ deleted: 0, skipped: 1 })
      ;[msg] = await listConversationMessages(store.db, convo.id, 10)
      expect(msg!.deletedAt).not.toBeNull()
      expect(msg!.text).toBe('')
      const after = await store.conversations.get(ws.id, convo.id)
      expect(after).toMatchObject({ messageCount: 0, priority: 0 })
    })

    it('rejects a malformed line with its line number and lets the rest in', async () => {
      const summary = await ingest([
        jetstreamPost({ did: did(4), rkey: '3good0000001', text: 'question: can I bring my dog on board?' }),
        '{"did": "did:plc:broken", "kind": "commit", ',
        jetstreamPost({ did: did(4), rkey: '3good0000002', text: 'and a cat?' }),
      ])
      expect(summary.ingested).toBe(2)
      expect(summary.rejected).toEqual([{ origin: 'line 2', reason: 'MALFORMED_JSON', detail: expect.any(String) }])
      const dead = await store.deadLetters.list(ws.id, 10)
      expect(dead[0]).toMatchObject({ reason: 'MALFORMED_JSON', body: '{"did": "did:plc:broken", "kind": "commit", ' })
    })

    it('stores hostile text intact: NUL, emoji, RTL, lone surrogates, very long', async () => {
      const texts = ['nul\u0000inside', '🔥🔥 worst airline 🔥', 'مرحبا Northwind', 'lone \uD800 surrogate', 'x'.repeat(19_000), "'; drop table message; --"]
      const lines = texts.map((text, i) => jetstreamPost({ did: did(5), rkey: `3hostile0000${i}`, text }))
      const summary = await ingest(lines)
      expect(summary).toMatchObject({ ingested: texts.length, rejected: [] })
      const { rows } = await store.db.query<{ text: string }>(
        `select text from message where workspace_id = $1 and external_id like $2 order by external_id`,
        [ws.id, `at://${did(5)}/%`],
      )
      expect(rows.map((r) => r.text)).toEqual(['nul\uFFFDinside', '🔥🔥 worst airline 🔥', 'مرحبا Northwind', 'lone \uFFFD surrogate', 'x'.repeat(19_000), "'; drop table message; --"])
    })

    it('keeps workspaces apart', async () => {
      await ingest([jetstreamPost({ did: did(6), rkey: '3other000001', text: 'contoso roaming in Japan?' })], other)
      const mine = await store.conversations.list(ws.id, {}, 'priority', 200, null)
      const theirs = await store.conversations.list(other.id, {}, 'priority', 200, null)
      expect(theirs.items).toHaveLength(1)
      expect(mine.items.some((c) => c.id === theirs.items[0]!.id)).toBe(false)
      expect(await store.conversations.get(ws.id, theirs.items[0]!.id)).toBeNull()
    })

    it('pages through the inbox by priority with a cursor, without gaps or repeats', async () => {
      const lines = Array.from({ length: 23 }, (_, i) =>
        jetstreamPost({ did: did(100 + i), rkey: `3page0000${String(i).padStart(3, '0')}`, text: i % 3 === 0 ? 'flight delayed again, refund?' : `nice trip ${i}` }))
      await ingest(lines, other)
      const seen: string[] = []
      let cursor = null
      let scores: number[] = []
      for (let round = 0; round < 10; round++) {
        const page = await store.conversations.list(other.id, {}, 'priority', 5, cursor)
        seen.push(...page.items.map((c) => c.id))
        scores = scores.concat(page.items.map((c) => c.priority))
        if (page.nextCursor === null) break
        const { decodeCursor } = await import('./queries/conversations.ts')
        cursor = decodeCursor(page.nextCursor)
      }
      expect(seen).toHaveLength(24)
      expect(new Set(seen).size).toBe(24)
      expect(scores).toEqual([...scores].sort((a, b) => b - a))
    })

    it('resolves a status race with one winner by version', async () => {
      const [c] = (await store.conversations.list(ws.id, {}, 'priority', 1, null)).items
      const results = await Promise.all([
        store.conversations.setStatus(ws.id, c!.id, 'pending', c!.version),
        store.conversations.setStatus(ws.id, c!.id, 'resolved', c!.version),
      ])
      expect(results.filter(Boolean)).toHaveLength(1)
    })

    it('reopens a resolved conversation when the customer writes again', async () => {
      const dave = did(7)
      await ingest([jetstreamPost({ did: dave, rkey: '3reopen00001', text: 'my bag is still missing' })])
      const convo = (await store.conversations.list(ws.id, {}, 'recent', 200, null)).items.find((c) => c.threadKey === postUri(dave, '3reopen00001'))!
      expect(await store.conversations.setStatus(ws.id, convo.id, 'resolved', null)).toBe(true)
      await ingest([jetstreamPost({ did: dave, rkey: '3reopen00002', text: 'hello?? still nothing', reply: { rootRkey: '3reopen00001' } })])
      expect((await store.conversations.get(ws.id, convo.id))?.status).toBe('open')
    })

    it('listens: keeps posts a rule matches and replies in their threads, drops and counts the rest', async () => {
      const brand = await store.workspaces.ensure('listening', 'Listening brand')
      const rule = await store.listening.create(brand.id, { name: 'brand', query: '"northwind" AND NOT from:northwindair', tags: ['brand'], enabled: true })
      const traveller = did(20)
      const summary = await ingest([
        jetstreamPost({ did: traveller, rkey: '3listen00001', text: 'third time this month my Northwind flight is delayed and nobody tells us anything. never again' }),
        jetstreamPost({ did: did(21), rkey: '3listen00002', text: 'me too, every single time', reply: { rootRkey: '3listen00001', rootDid: traveller } }),
        jetstreamPost({ did: did(22), rkey: '3listen00003', text: 'lovely sunset over the harbour' }),
      ], brand)
      expect(summary).toMatchObject({ ingested: 2, unmatched: 1 })
      const [convo] = (await store.conversations.list(brand.id, {}, 'priority', 10, null)).items
      expect(convo!.messageCount).toBe(2)
      const messages = await listConversationMessages(store.db, convo!.id, 10)
      expect(messages.map((m) => m.listeningMatches)).toEqual([[rule!.id], []])
      expect(await store.listening.dropped(brand.id)).toEqual([{ channel: 'bluesky', day: expect.any(String), dropped: 1 }])
      const strangers = await store.db.query('select 1 from identity where workspace_id = $1 and external_user_id = $2', [brand.id, did(22)])
      expect(strangers.rows).toEqual([]) // a dropped post leaves no contact behind
    })

    it('raises priority as a post takes off, with velocity and forecast in the reasons', async () => {
      const tweet = { id: '1861000000000000001', authorId: '2244994945', username: 'gatewatcher', text: 'the Northwind gate agent at KEF just screamed at an elderly man. absolutely disgusting' }
      const xIngest = (line: string) => ingestNow(store, runner, ws.id, 'x-twitter', splitUnits(line, 'jsonl'))
      await xIngest(xStreamTweet({ ...tweet, reposts: 0 }))
      await new Promise((r) => setTimeout(r, 20))
      await xIngest(xStreamTweet({ ...tweet, reposts: 40 }))
      const before = (await store.conversations.list(ws.id, { channel: 'x-twitter' }, 'priority', 10, null)).items.find((c) => c.threadKey === tweet.id)!
      await new Promise((r) => setTimeout(r, 20))
      expect(await xIngest(xStreamTweet({ ...tweet, reposts: 300 }))).toMatchObject({ updated: 1 })
      const after = (await store.conversations.get(ws.id, before.id))!
      expect(after.priority).toBeGreaterThan(before.priority)
      expect(after.priorityReasons.find((r) => r.code === 'velocity')?.label).toMatch(/^amplification: 300 reposts in 1 min, forecast .+\+$/)
    })

    it('keeps agents\' corrections with who and when, and gives the latest per message to training', async () => {
      const [c] = (await store.conversations.list(ws.id, {}, 'priority', 1, null)).items
      const [m] = await listConversationMessages(store.db, c!.id, 1)
      await store.transaction((tx) => tx.corrections.correct(ws.id, m!.id, 'intent', 'question', 'token:ana'))
      const second = await store.transaction((tx) => tx.corrections.correct(ws.id, m!.id, 'intent', 'complaint', 'token:bo'))
      expect(second).toMatchObject({ field: 'intent', oldValue: 'question', newValue: 'complaint', actor: 'token:bo' })
      expect(await store.corrections.forTraining(ws.id)).toEqual([{ text: m!.text, field: 'intent', label: 'complaint' }])
      expect(await store.corrections.forTraining(other.id)).toEqual([])
      expect(await store.transaction((tx) => tx.corrections.correct(other.id, m!.id, 'intent', 'spam', 'x'))).toBeNull()
    })

    it('sweeps inbound rows whose nudge was lost', async () => {
      await store.inbound.append(ws.id, 'bluesky', [{ body: jetstreamPost({ did: did(8), rkey: '3sweep000001', text: 'anyone there?' }), origin: null }])
      expect(await store.inbound.countPending()).toBe(1)
      expect(await runner.sweep(0)).toBe(1)
      expect(await store.inbound.countPending()).toBe(0)
    })
  })
}

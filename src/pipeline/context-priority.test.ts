// Waiting and repeat-contact points on a real server (PGlite, in-process bus): computed when messages
// arrive, grown by the SLA watch as the clock moves, removed by a reply, and weighted per workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

const minuteMs = 60_000
type Reason = { code: string; label: string; points: number }

describe('conversation-level priority contributions', () => {
  let server: TestServer
  let call: ApiCall
  const customer = { id: 'repeat-rita', name: 'Rita' }
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * minuteMs).toISOString()
  const ingest = (events: object[]) => call('POST', '/api/v1/ingest/webhook', { body: JSON.stringify({ events }), type: 'application/json' })
  const conversationWith = async (text: string) => eventually(async () => {
    const list = await call('GET', '/api/v1/conversations?limit=100')
    return list.json.items.find((c: { preview: string }) => c.preview === text) as { id: string; priority: number; priorityReasons: Reason[] } | undefined
  }, `conversation "${text}"`)

  beforeAll(async () => {
    server = await startTestServer()
    await server.earshot.slaWatch.stop() // the tests move its clock themselves; no periodic pass in between
    call = apiClient(server)
  })
  afterAll(async () => { await server?.close() })

  it('counts the contact\'s conversations this week and the wait, with reasons that add up', async () => {
    expect((await ingest([
      { id: 'r1', type: 'message', author: customer, text: 'my bag did not arrive in Dublin', created_at: at(3 * 24 * 60), thread_id: 'rita-1' },
      { id: 'r2', type: 'message', author: customer, text: 'still no news about the bag', created_at: at(2 * 24 * 60), thread_id: 'rita-2' },
      { id: 'r3', type: 'message', author: customer, text: 'third time asking about my bag', created_at: at(190), thread_id: 'rita-3' },
    ])).status).toBe(200)
    const third = await conversationWith('third time asking about my bag')
    const repeat = third.priorityReasons.find((r) => r.code === 'repeat')
    expect(repeat).toEqual({ code: 'repeat', label: '3rd contact this week', points: 6 })
    // posted 3 h ago but received now: the wait counts from when Earshot had it (as the SLA clocks do)
    expect(third.priorityReasons.find((r) => r.code === 'slaAge')).toBeUndefined()
    await server.earshot.slaWatch.tick(new Date(Date.now() + 190 * minuteMs))
    const waited = await conversationWith('third time asking about my bag')
    expect(waited.priorityReasons.find((r) => r.code === 'slaAge')?.label).toMatch(/^waiting 3 h 1\d min$/)
    expect(waited.priority).toBe(Math.max(0, Math.min(100, waited.priorityReasons.reduce((s, r) => s + r.points, 0))))
    expect(third.priority).toBe(Math.max(0, Math.min(100, third.priorityReasons.reduce((s, r) => s + r.points, 0))))
    const first = await conversationWith('my bag did not arrive in Dublin')
    expect(first.priorityReasons.find((r) => r.code === 'repeat')).toBeUndefined() // 3 days ago it was the first
    expect((await conversationWith('still no news about the bag')).priorityReasons.find((r) => r.code === 'repeat')?.label).toBe('2nd contact this week')
  })

  it('the SLA watch grows the waiting points as time passes, without a new message', async () => {
    const before = (await conversationWith('third time asking about my bag')).priorityReasons.find((r) => r.code === 'slaAge')!
    await server.earshot.slaWatch.tick(new Date(Date.now() + 10 * 60 * minuteMs))
    const after = (await conversationWith('third time asking about my bag')).priorityReasons.find((r) => r.code === 'slaAge')!
    expect(after.points).toBeGreaterThan(before.points)
    expect(after.label).toMatch(/^waiting 10 h/)
  })

  it('a reply ends the wait; weights scale or remove the contributions', async () => {
    const conv = await conversationWith('third time asking about my bag')
    expect((await ingest([{ id: 'r3-reply', type: 'message', author: { id: 'brand', name: 'Northwind' }, direction: 'out', text: 'Sorry Rita, on it', created_at: at(1), thread_id: 'rita-3', parent_id: 'r3' }])).status).toBe(200)
    await eventually(async () => {
      const c = (await call('GET', `/api/v1/conversations/${conv.id}`)).json as { priorityReasons: Reason[] }
      return c.priorityReasons.some((r) => r.code === 'slaAge') ? undefined : c
    }, 'the wait gone after the reply')
    const put = await call('PUT', '/api/v1/settings/priority-weights', { body: { weights: { repeat: 0, slaAge: 2 } } })
    expect(put.status, put.text).toBe(200)
    await new Promise((r) => setTimeout(r, 2_100)) // the runner re-reads weights every 2 s
    await ingest([{ id: 'r4', type: 'message', author: customer, text: 'fourth message about the bag', created_at: at(200), thread_id: 'rita-4' }])
    await conversationWith('fourth message about the bag')
    await server.earshot.slaWatch.tick(new Date(Date.now() + 200 * minuteMs))
    const fourth = await conversationWith('fourth message about the bag')
    expect(fourth.priorityReasons.find((r) => r.code === 'repeat')).toBeUndefined()
    const w = fourth.priorityReasons.find((r) => r.code === 'slaAge')!
    expect(w.points % 2).toBe(0)
    expect(w.points).toBeGreaterThan(0)
  })
})

// The optional LLM end to end: a real server (PGlite, in-process bus) with EARSHOT_LLM_URL pointing at the
// fake chat-completions endpoint. Unsure messages are refined after commit and audited; sure ones never
// leave; a failing endpoint leaves the local answer; drafts come back for agents; without a URL, 503.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'
import { enrich } from '../triage/index.ts'
import { llmConfigFromEnv, needsRefinement } from '../triage/llm/client.ts'
import { startFakeLlm, type FakeLlm } from '../triage/llm/fake.ts'

const unsure = 'that was an experience at the northwind desk, thanks i guess'
const sure = 'Thanks for the lovely flight, great crew'
const customer = (id: string) => ({ id, name: `Customer ${id}` })

describe('LLM refinement and drafts (EARSHOT_LLM_URL set)', () => {
  let fake: FakeLlm
  let server: TestServer
  let call: ApiCall
  beforeAll(async () => {
    fake = await startFakeLlm({ apiKey: 'sk-test' })
    server = await startTestServer({ llm: llmConfigFromEnv({ EARSHOT_LLM_URL: fake.url, EARSHOT_LLM_API_KEY: 'sk-test', EARSHOT_LLM_MODEL: 'fake-1' }) })
    call = apiClient(server)
  })
  afterAll(async () => { await server?.close(); await fake?.close() })

  const messageOf = async (text: string) => {
    const list = await call('GET', '/api/v1/conversations?limit=50')
    const conv = list.json.items.find((c: { preview: string }) => c.preview === text)
    if (conv === undefined) return undefined
    const one = await call('GET', `/api/v1/conversations/${conv.id}`)
    return { conversation: one.json, message: one.json.messages[0] }
  }

  it('refines an unsure message after commit, re-scores it and audits the change; a sure one is never sent', async () => {
    expect(needsRefinement(enrich(unsure))).toBe(true) // the local model is unsure: its answer is what the LLM refines
    expect(needsRefinement(enrich(sure))).toBe(false)
    const before = fake.requests.length
    const res = await call('POST', '/api/v1/ingest/webhook', { body: JSON.stringify({ events: [
      { id: 'u1', type: 'message', author: customer('ann'), text: unsure, created_at: new Date().toISOString() },
      { id: 's1', type: 'message', author: customer('bob'), text: sure, created_at: new Date().toISOString() },
    ] }), type: 'application/json' })
    expect(res.status, res.text).toBe(200)
    const refined = await eventually(async () => { const m = await messageOf(unsure); return m?.message.intent === 'praise' ? m : undefined }, 'the refined message')
    expect(refined.message.sentiment).toBe('positive')
    expect(refined.message.priorityReasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'intent', label: 'praise' })]))
    expect(fake.requests.slice(before).map((r) => r.user)).toEqual([unsure])
    expect(fake.requests.at(-1)!.auth).toBe('Bearer sk-test')
    const audit = await call('GET', '/api/v1/audit?limit=50')
    expect(audit.text).toContain('triage.llm')
    expect((await messageOf(sure))!.message.intent).toBe(enrich(sure).intent)
  })

  it('keeps the local answer when the endpoint fails', async () => {
    const text = 'northwind crew today, something else'
    expect(needsRefinement(enrich(text))).toBe(true)
    fake.script('500')
    const before = fake.requests.length
    await call('POST', '/api/v1/ingest/webhook', { body: JSON.stringify({ id: 'f1', type: 'message', author: customer('cat'), text, created_at: new Date().toISOString() }), type: 'application/json' })
    const m = await eventually(() => messageOf(text), 'the message')
    await eventually(async () => (fake.requests.length > before ? true : undefined), 'the call that failed')
    expect(fake.requests.slice(before).map((r) => r.user)).toEqual([text])
    expect(m.message.intent).toBe(enrich(text).intent)
    expect(m.message.sentiment).toBe(enrich(text).sentiment)
  })

  it('drafts a reply with personal data masked; unknown conversations are 404', async () => {
    const text = 'my card 4111 1111 1111 1111 was charged twice, call me on +44 7700 900123'
    await call('POST', '/api/v1/ingest/webhook', { body: JSON.stringify({ id: 'p1', type: 'message', author: customer('dan'), text, created_at: new Date().toISOString() }), type: 'application/json' })
    const m = await eventually(() => messageOf(text), 'the message')
    const draft = await call('POST', `/api/v1/conversations/${m.conversation.id}/draft`)
    expect(draft.status, draft.text).toBe(200)
    expect(draft.json).toMatchObject({ model: 'fake-1' })
    expect(draft.json.text.length).toBeGreaterThan(0)
    const sent = fake.requests.at(-1)!.user
    expect(sent).not.toContain('4111 1111 1111 1111')
    expect(sent).toContain('[card]')
    expect((await call('POST', '/api/v1/conversations/00000000-0000-0000-0000-000000000000/draft')).status).toBe(404)
    expect((await call('GET', '/api/v1/features')).json).toEqual({ llmDrafts: true })
  })
})

describe('without EARSHOT_LLM_URL', () => {
  let server: TestServer
  beforeAll(async () => { server = await startTestServer() })
  afterAll(async () => { await server?.close() })
  it('the draft route answers 503 LLM_DISABLED', async () => {
    const call = apiClient(server)
    await call('POST', '/api/v1/ingest/webhook', { body: JSON.stringify({ id: 'n1', type: 'message', author: customer('eve'), text: 'where is my bag', created_at: new Date().toISOString() }), type: 'application/json' })
    const conv = await eventually(async () => (await call('GET', '/api/v1/conversations')).json.items[0], 'a conversation')
    const res = await call('POST', `/api/v1/conversations/${conv.id}/draft`)
    expect(res.status).toBe(503)
    expect(res.json.error.code).toBe('LLM_DISABLED')
    expect((await call('GET', '/api/v1/features')).json, 'the app hides its draft button').toEqual({ llmDrafts: false })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLlmClient, llmConfigFromEnv, mapBounded, needsRefinement, type LlmConfig } from './client.ts'
import { startFakeLlm, type FakeLlm } from './fake.ts'
import { Lru } from './cache.ts'

let fake: FakeLlm
beforeAll(async () => { fake = await startFakeLlm({ apiKey: 'sk-test', slowMs: 1_500, retryAfterSeconds: 2 }) })
afterAll(async () => { await fake.close() })

const configFor = (over: Partial<LlmConfig> = {}): LlmConfig => ({ ...llmConfigFromEnv({ EARSHOT_LLM_URL: fake.url, EARSHOT_LLM_API_KEY: 'sk-test', EARSHOT_LLM_MODEL: 'fake-1' })!, ...over })

describe('llmConfigFromEnv', () => {
  it('is null without EARSHOT_LLM_URL (the LLM is off) and completes the URL', () => {
    expect(llmConfigFromEnv({})).toBeNull()
    expect(llmConfigFromEnv({ EARSHOT_LLM_URL: '  ' })).toBeNull()
    expect(llmConfigFromEnv({ EARSHOT_LLM_URL: 'http://h:1/v1' })!.url).toBe('http://h:1/v1/chat/completions')
    expect(llmConfigFromEnv({ EARSHOT_LLM_URL: 'http://h:1' })!.url).toBe('http://h:1/v1/chat/completions')
    expect(llmConfigFromEnv({ EARSHOT_LLM_URL: 'http://h:1/api/v1/chat/completions/' })!.url).toBe('http://h:1/api/v1/chat/completions')
    expect(() => llmConfigFromEnv({ EARSHOT_LLM_URL: 'ftp://h' })).toThrow(/http/)
    expect(() => llmConfigFromEnv({ EARSHOT_LLM_URL: 'http://h', EARSHOT_LLM_MAX_CALLS_PER_HOUR: '-1' })).toThrow(/MAX_CALLS/)
  })
})

describe('LLM client against the fake endpoint', () => {
  it('classifies with Bearer auth and the model name, then answers the same text from its cache', async () => {
    const c = createLlmClient(configFor())
    const before = fake.requests.length
    const a = await c.classify('thank you so much, give her a raise')
    expect(a).toEqual({ source: 'llm', triage: { sentiment: 'positive', intent: 'praise', confidence: 0.9 } })
    expect(fake.requests.at(-1)).toMatchObject({ auth: 'Bearer sk-test', model: 'fake-1' })
    expect(await c.classify('thank you so much, give her a raise')).toMatchObject({ source: 'cache' })
    expect(fake.requests.length).toBe(before + 1)
    expect(c.stats()).toMatchObject({ calls: 1, cacheHits: 1 })
  })

  it('a wrong key, a 500, HTML and a chatty answer all fall back to the local model', async () => {
    expect(await createLlmClient(configFor({ apiKey: 'wrong' })).classify('a')).toEqual({ source: 'local', reason: 'http' })
    const c = createLlmClient(configFor())
    fake.script('500', 'not_json', 'garbage')
    expect(await c.classify('b')).toEqual({ source: 'local', reason: 'http' })
    expect(await c.classify('b')).toEqual({ source: 'local', reason: 'bad_answer' })
    expect(await c.classify('b')).toEqual({ source: 'local', reason: 'bad_answer' })
    expect(await c.classify('b')).toMatchObject({ source: 'llm' })
  })

  it('a slow answer times out', async () => {
    const c = createLlmClient(configFor({ timeoutMs: 200 }))
    fake.script('slow')
    expect(await c.classify('slow one')).toEqual({ source: 'local', reason: 'timeout' })
  })

  it('a 429 pauses calls until its retry-after', async () => {
    let t = 1_000_000
    const c = createLlmClient(configFor(), () => t)
    fake.script('429')
    const n = fake.requests.length
    expect(await c.classify('c')).toEqual({ source: 'local', reason: 'rate_limited' })
    expect(await c.classify('c')).toEqual({ source: 'local', reason: 'paused' })
    expect(fake.requests.length).toBe(n + 1)
    expect(c.stats().pausedUntil).not.toBeNull()
    t += 2_001
    expect(await c.classify('c')).toMatchObject({ source: 'llm' })
  })

  it('caps calls per hour (cache hits are free)', async () => {
    let t = 5_000_000
    const c = createLlmClient(configFor({ maxCallsPerHour: 2 }), () => t)
    expect(await c.classify('d1')).toMatchObject({ source: 'llm' })
    expect(await c.classify('d2')).toMatchObject({ source: 'llm' })
    expect(await c.classify('d3')).toEqual({ source: 'local', reason: 'budget' })
    expect(await c.classify('d1')).toMatchObject({ source: 'cache' })
    t += 3_600_001
    expect(await c.classify('d3')).toMatchObject({ source: 'llm' })
  })

  it('drafts a reply, and falls back with a reason', async () => {
    const c = createLlmClient(configFor())
    const d = await c.draftReply({ brand: 'Northwind Air', channel: 'x-twitter', messages: [{ direction: 'in', text: 'my bag is lost' }] })
    expect(d).toMatchObject({ ok: true, model: 'fake-1' })
    expect(fake.requests.at(-1)!.user).toContain('Customer: my bag is lost')
    fake.script('500')
    expect(await c.draftReply({ brand: null, channel: 'x-twitter', messages: [] })).toEqual({ ok: false, reason: 'http' })
  })
})

describe('helpers', () => {
  it('needsRefinement: unsure intent or a weak sentiment lean, never spam', () => {
    expect(needsRefinement({ sentiment: 'negative', sentimentScore: -0.8, intent: 'complaint', intentConfidence: 0.9 })).toBe(false)
    expect(needsRefinement({ sentiment: 'negative', sentimentScore: -0.8, intent: 'complaint', intentConfidence: 0.5 })).toBe(true)
    expect(needsRefinement({ sentiment: 'positive', sentimentScore: 0.1, intent: 'praise', intentConfidence: 0.9 })).toBe(true)
    expect(needsRefinement({ sentiment: 'neutral', sentimentScore: 0.1, intent: 'spam', intentConfidence: 0.1 })).toBe(false)
  })
  it('mapBounded keeps order and never exceeds its concurrency', async () => {
    let inFlight = 0
    let peak = 0
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (x) => { inFlight++; peak = Math.max(peak, inFlight); await new Promise((r) => setTimeout(r, x)); inFlight--; return x * 10 })
    expect(out).toEqual([50, 10, 40, 20, 30])
    expect(peak).toBe(2)
  })
  it('Lru evicts the least recently used', () => {
    const l = new Lru<number>(2)
    l.set('a', 1); l.set('b', 2); l.get('a'); l.set('c', 3)
    expect(l.get('b')).toBeUndefined()
    expect(l.get('a')).toBe(1)
    expect(l.size).toBe(2)
  })
})

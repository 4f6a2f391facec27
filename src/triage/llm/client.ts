// Optional LLM refinement through an OpenAI-compatible `/v1/chat/completions` endpoint
// (EARSHOT_LLM_URL, EARSHOT_LLM_MODEL). Never required: without EARSHOT_LLM_URL there is no client.
// Every call has a timeout; answers are cached by text hash (LRU); calls are capped per hour; a 429
// pauses calls until its retry-after; any error or bad answer falls back to the local model.
import { createHash } from 'node:crypto'
import type { Intent, Sentiment } from '../../core/triage-facts.ts'
import { Lru } from './cache.ts'
import { completionText, parseDraft, parseTriageAnswer, type LlmTriage } from './parse.ts'

export interface LlmConfig {
  /** chat-completions URL (a base ending in /v1, or the server root, gets /chat/completions added) */
  url: string
  model: string
  apiKey: string | null
  timeoutMs: number
  maxCallsPerHour: number
  cacheSize: number
}

export const llmDefaults = { model: 'local', timeoutMs: 4_000, maxCallsPerHour: 300, cacheSize: 5_000 } as const
/** A 429 without a usable retry-after pauses calls this long. */
const pauseMsDefault = 30_000
const pauseMsMax = 10 * 60_000
const textCharsMax = 2_000

function positiveInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`)
  return n
}

/** The client's settings from the environment; null when EARSHOT_LLM_URL is not set (the LLM is off). */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv): LlmConfig | null {
  const base = env.EARSHOT_LLM_URL?.trim()
  if (!base) return null
  let u: URL
  try { u = new URL(base) } catch { throw new Error(`EARSHOT_LLM_URL is not a URL: ${base}`) }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`EARSHOT_LLM_URL must be http(s): ${base}`)
  const path = u.pathname.replace(/\/+$/u, '')
  u.pathname = path.endsWith('/chat/completions') ? path : path.endsWith('/v1') ? `${path}/chat/completions` : `${path}/v1/chat/completions`
  return {
    url: u.toString(),
    model: env.EARSHOT_LLM_MODEL?.trim() || llmDefaults.model,
    apiKey: env.EARSHOT_LLM_API_KEY?.trim() || null,
    timeoutMs: positiveInt(env.EARSHOT_LLM_TIMEOUT_MS, 'EARSHOT_LLM_TIMEOUT_MS', llmDefaults.timeoutMs),
    maxCallsPerHour: positiveInt(env.EARSHOT_LLM_MAX_CALLS_PER_HOUR, 'EARSHOT_LLM_MAX_CALLS_PER_HOUR', llmDefaults.maxCallsPerHour),
    cacheSize: Math.max(1, positiveInt(env.EARSHOT_LLM_CACHE_SIZE, 'EARSHOT_LLM_CACHE_SIZE', llmDefaults.cacheSize)),
  }
}

export type LlmOutcome =
  | { source: 'llm' | 'cache'; triage: LlmTriage }
  | { source: 'local'; reason: 'budget' | 'paused' | 'timeout' | 'http' | 'rate_limited' | 'bad_answer' | 'network' }

export interface DraftInput {
  brand: string | null
  channel: string
  /** oldest first */
  messages: { direction: 'in' | 'out'; text: string }[]
}

export type DraftOutcome = { ok: true; text: string; model: string } | { ok: false; reason: string }

export interface LlmStats { calls: number; cacheHits: number; fallbacks: number; callsLastHour: number; pausedUntil: string | null }

export interface LlmClient {
  readonly config: LlmConfig
  /** Sentiment and intent for one message; `source: 'local'` means keep the local model's answer. */
  classify(text: string): Promise<LlmOutcome>
  /** A suggested reply for an agent to edit; never sent by itself. */
  draftReply(input: DraftInput): Promise<DraftOutcome>
  stats(): LlmStats
}

const TRIAGE_PROMPT = 'You triage customer messages sent to a brand on social media. Answer with one JSON object and nothing else: ' +
  '{"sentiment": "negative"|"neutral"|"positive", "intent": "complaint"|"question"|"praise"|"idea"|"spam"|"other", "confidence": number between 0 and 1}. ' +
  'intent: complaint = reports a problem or dissatisfaction; question = asks for information or help; praise = thanks or compliments; ' +
  'idea = suggests a feature or change; spam = ads, scams or abuse; other = none of these.'

const DRAFT_PROMPT = 'You draft a reply for a customer-service agent. Write only the reply text: short (at most 3 sentences), polite, ' +
  'specific to the customer\'s last message, no promises of refunds or compensation, no personal data, no made-up facts. ' +
  'If details are needed, ask the customer to send them in a private message.'

export function createLlmClient(config: LlmConfig, now: () => number = Date.now): LlmClient {
  const cache = new Lru<LlmTriage>(config.cacheSize)
  const callTimes: number[] = []
  let pausedUntil = 0
  let calls = 0
  let cacheHits = 0
  let fallbacks = 0

  function budgetLeft(): boolean {
    const hourAgo = now() - 3_600_000
    while (callTimes.length > 0 && callTimes[0]! <= hourAgo) callTimes.shift()
    return callTimes.length < config.maxCallsPerHour
  }

  type Raw = { ok: true; content: string } | { ok: false; reason: 'budget' | 'paused' | 'timeout' | 'http' | 'rate_limited' | 'bad_answer' | 'network' }

  async function complete(system: string, user: string, maxTokens: number): Promise<Raw> {
    if (now() < pausedUntil) return { ok: false, reason: 'paused' }
    if (!budgetLeft()) return { ok: false, reason: 'budget' }
    callTimes.push(now())
    calls++
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (config.apiKey !== null) headers.authorization = `Bearer ${config.apiKey}`
    let res: Response
    try {
      res = await fetch(config.url, {
        method: 'POST', headers, signal: AbortSignal.timeout(config.timeoutMs),
        body: JSON.stringify({ model: config.model, temperature: 0, max_tokens: maxTokens, messages: [{ role: 'system', content: system }, { role: 'user', content: user }] }),
      })
    } catch (e) {
      return { ok: false, reason: (e as { name?: string }).name === 'TimeoutError' ? 'timeout' : 'network' }
    }
    if (res.status === 429) {
      const after = Number(res.headers.get('retry-after'))
      pausedUntil = now() + (Number.isFinite(after) && after > 0 ? Math.min(after * 1000, pauseMsMax) : pauseMsDefault)
      await res.body?.cancel()
      return { ok: false, reason: 'rate_limited' }
    }
    if (!res.ok) { await res.body?.cancel(); return { ok: false, reason: 'http' } }
    let body: unknown
    try { body = await res.json() } catch (e) {
      return { ok: false, reason: (e as { name?: string }).name === 'TimeoutError' ? 'timeout' : 'bad_answer' }
    }
    const content = completionText(body)
    return content === null ? { ok: false, reason: 'bad_answer' } : { ok: true, content }
  }

  return {
    config,
    async classify(text) {
      const t = text.length > textCharsMax ? text.slice(0, textCharsMax) : text
      const key = createHash('sha256').update(config.model).update('\u0000').update(t).digest('base64url')
      const hit = cache.get(key)
      if (hit !== undefined) { cacheHits++; return { source: 'cache', triage: hit } }
      const raw = await complete(TRIAGE_PROMPT, t, 60)
      if (!raw.ok) { fallbacks++; return { source: 'local', reason: raw.reason } }
      const triage = parseTriageAnswer(raw.content)
      if (triage === null) { fallbacks++; return { source: 'local', reason: 'bad_answer' } }
      cache.set(key, triage)
      return { source: 'llm', triage }
    },
    async draftReply(input) {
      const transcript = input.messages.slice(-10)
        .map((m) => `${m.direction === 'in' ? 'Customer' : 'Us'}: ${m.text.length > 600 ? m.text.slice(0, 600) + '…' : m.text}`).join('\n')
      const raw = await complete(DRAFT_PROMPT, `Brand: ${input.brand ?? 'the brand'}; channel: ${input.channel}.\n${transcript}\nDraft our next reply.`, 200)
      if (!raw.ok) return { ok: false, reason: raw.reason }
      const text = parseDraft(raw.content)
      return text === null ? { ok: false, reason: 'bad_answer' } : { ok: true, text, model: config.model }
    },
    stats() {
      budgetLeft()
      return { calls, cacheHits, fallbacks, callsLastHour: callTimes.length, pausedUntil: pausedUntil > now() ? new Date(pausedUntil).toISOString() : null }
    },
  }
}

/** Refinable: the local model is unsure (calibrated intent confidence or a weak sentiment lean). */
export const refineConfidenceMin = 0.6
export function needsRefinement(t: { sentiment: Sentiment; sentimentScore: number; intent: Intent; intentConfidence: number }): boolean {
  if (t.intent === 'spam') return false
  return t.intentConfidence < refineConfidenceMin || (t.sentiment !== 'neutral' && Math.abs(t.sentimentScore) < 0.25)
}

/** The LLM's answer as stored triage: the score is signed confidence (the LLM gives no probabilities). */
export function triageFromLlm(a: LlmTriage): { sentiment: Sentiment; sentimentScore: number; intent: Intent; intentConfidence: number } {
  const c = Math.round(a.confidence * 1e4) / 1e4
  return { sentiment: a.sentiment, sentimentScore: a.sentiment === 'negative' ? -c : a.sentiment === 'positive' ? c : 0, intent: a.intent, intentConfidence: c }
}

/** Runs `fn` over items with at most `concurrency` in flight; results in input order. */
export async function mapBounded<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]!) }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  return out
}

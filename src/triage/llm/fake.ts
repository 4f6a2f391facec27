// A local OpenAI-compatible chat-completions server for tests: Bearer auth, scripted failures (429 with
// retry-after, 500, slow answers, malformed content) and an answer function over the request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type FakeBehaviour = 'ok' | '429' | '500' | 'slow' | 'garbage' | 'not_json'

export interface FakeRequest { auth: string | null; model: string; system: string; user: string }

export interface FakeLlm {
  /** base URL ending in /v1 (what EARSHOT_LLM_URL takes) */
  url: string
  requests: FakeRequest[]
  /** behaviours for the next requests, in order; afterwards 'ok' */
  script(...b: FakeBehaviour[]): void
  close(): Promise<void>
}

export interface FakeLlmOptions {
  apiKey?: string
  /** the assistant's content for a request (default: a keyword triage answer, or a fixed draft) */
  answer?: (req: FakeRequest) => string
  slowMs?: number
  retryAfterSeconds?: number
}

/** Keyword triage, so tests can tell the fake's answer from the local model's. */
export function keywordAnswer(req: FakeRequest): string {
  if (req.system.includes('draft a reply')) return 'Sorry to hear that. Could you send us your booking reference in a private message so we can look into it?'
  const t = req.user.toLowerCase()
  if (t.includes('thank') || t.includes('raise')) return JSON.stringify({ sentiment: 'positive', intent: 'praise', confidence: 0.9 })
  if (t.includes('?')) return JSON.stringify({ sentiment: 'neutral', intent: 'question', confidence: 0.85 })
  return JSON.stringify({ sentiment: 'negative', intent: 'complaint', confidence: 0.8 })
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => { size += c.length; if (size > 1_000_000) req.destroy(); else chunks.push(c) })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(typeof body === 'string' ? body : JSON.stringify(body))
}

export async function startFakeLlm(opts: FakeLlmOptions = {}): Promise<FakeLlm> {
  const requests: FakeRequest[] = []
  const queue: FakeBehaviour[] = []
  const answer = opts.answer ?? keywordAnswer
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } })
      const auth = req.headers.authorization ?? null
      if (opts.apiKey !== undefined && auth !== `Bearer ${opts.apiKey}`) return send(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } })
      let body: { model?: unknown; messages?: Array<{ role?: unknown; content?: unknown }> }
      try { body = JSON.parse(await readBody(req)) as typeof body } catch { return send(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } }) }
      const messages = Array.isArray(body.messages) ? body.messages : []
      const text = (role: string): string => messages.filter((m) => m.role === role).map((m) => String(m.content ?? '')).join('\n')
      const r: FakeRequest = { auth, model: typeof body.model === 'string' ? body.model : '', system: text('system'), user: text('user') }
      requests.push(r)
      const behaviour = queue.shift() ?? 'ok'
      if (behaviour === '429') return send(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit_exceeded' } }, { 'retry-after': String(opts.retryAfterSeconds ?? 1) })
      if (behaviour === '500') return send(res, 500, { error: { message: 'The server had an error', type: 'server_error' } })
      if (behaviour === 'not_json') return send(res, 200, '<html>bad gateway</html>', { 'content-type': 'text/html' })
      const content = behaviour === 'garbage' ? 'Sure! The sentiment is probably negative.' : answer(r)
      const reply = {
        id: `chatcmpl-${requests.length}`, object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: r.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: Math.ceil((r.system.length + r.user.length) / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: 0 },
      }
      if (behaviour === 'slow') {
        const t = setTimeout(() => { timers.delete(t); if (!res.destroyed) send(res, 200, reply) }, opts.slowMs ?? 2_000)
        timers.add(t)
        return
      }
      send(res, 200, reply)
    })().catch(() => { if (!res.headersSent) send(res, 500, { error: { message: 'fake failed' } }) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...b) => { queue.push(...b) },
    async close() {
      for (const t of timers) clearTimeout(t)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

// The kit each channel's fake.ts builds on: a local HTTP server with routes, a request log,
// a per-window rate limit that sends the platform's own headers and 429s, and fault injection
// (fail the next requests with 429/5xx, or do the work and then hang so the client times out
// without knowing whether it posted). Fakes attach WebSocket servers to `server` when needed.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeRequest {
  method: string
  path: string
  query: URLSearchParams
  /** Lower-case names. */
  headers: Readonly<Record<string, string | undefined>>
  body: Buffer
}

export interface FakeReply {
  status?: number
  headers?: Record<string, string>
  /** Objects are sent as JSON, strings as text/plain unless a content-type header says otherwise. */
  body?: unknown
  /** Takes over the response (streams: NDJSON, SSE). The server does not end it. */
  stream?: (res: ServerResponse, req: IncomingMessage) => void
}

export type FakeHandler = (req: FakeRequest, params: Readonly<Record<string, string>>) => FakeReply | Promise<FakeReply>

export interface FakeRoute {
  method: string
  /** Literal segments and `:name` parameters, e.g. `/2/tweets/:id/hidden`. */
  path: string
  handler: FakeHandler
}

export interface RateLimit {
  limit: number
  windowMs: number
  /** The platform's headers for the current window (names and units differ per platform). */
  headers(limit: number, remaining: number, resetAtMs: number): Record<string, string>
}

export interface FailOptions {
  status: number
  headers?: Record<string, string>
  body?: unknown
  /** How many requests fail (default 1). */
  times?: number
  /** Only requests whose path starts with this (default: any). */
  pathPrefix?: string
}

export interface FakeServer {
  url: string
  server: Server
  /** Every request received, in order (including failed and rate-limited ones). */
  requests: FakeRequest[]
  failNext(options: FailOptions): void
  /**
   * The next matching request is handled (its side effect happens) but no response is sent until the
   * server closes: the client times out not knowing whether it posted.
   */
  hangAfterNext(pathPrefix?: string): void
  close(): Promise<void>
}

interface Fault {
  kind: 'fail' | 'hang'
  remaining: number
  pathPrefix: string
  reply: FakeReply
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/')
  const got = path.split('/')
  if (want.length !== got.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string
    const g = got[i] as string
    if (w.startsWith(':')) {
      if (g === '') return null
      params[w.slice(1)] = decodeURIComponent(g)
    } else if (w !== g) return null
  }
  return params
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function write(res: ServerResponse, reply: FakeReply, extraHeaders: Record<string, string>): void {
  const headers: Record<string, string> = { ...extraHeaders, ...reply.headers }
  let payload = ''
  if (reply.body !== undefined) {
    if (typeof reply.body === 'string') {
      payload = reply.body
      headers['content-type'] ??= 'text/plain; charset=utf-8'
    } else {
      payload = JSON.stringify(reply.body)
      headers['content-type'] ??= 'application/json; charset=utf-8'
    }
  }
  res.writeHead(reply.status ?? 200, headers)
  res.end(payload)
}

export async function startFakeServer(options: { routes: FakeRoute[]; rateLimit?: RateLimit }): Promise<FakeServer> {
  const requests: FakeRequest[] = []
  const faults: Fault[] = []
  const hung: ServerResponse[] = []
  let windowStart = Date.now()
  let used = 0

  function takeFault(path: string): Fault | undefined {
    const fault = faults.find((f) => f.remaining > 0 && path.startsWith(f.pathPrefix))
    if (fault !== undefined) fault.remaining--
    return fault
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake.local')
      const headers: Record<string, string | undefined> = {}
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v
      const fakeReq: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body: await readBody(req) }
      requests.push(fakeReq)

      let limitHeaders: Record<string, string> = {}
      if (options.rateLimit !== undefined) {
        const { limit, windowMs } = options.rateLimit
        const now = Date.now()
        if (now - windowStart >= windowMs) {
          windowStart = now
          used = 0
        }
        used++
        limitHeaders = options.rateLimit.headers(limit, Math.max(0, limit - used), windowStart + windowMs)
        if (used > limit) return write(res, { status: 429, body: { error: 'rate limit exceeded' } }, limitHeaders)
      }

      const fault = takeFault(fakeReq.path)
      if (fault?.kind === 'fail') return write(res, fault.reply, limitHeaders)

      for (const route of options.routes) {
        if (route.method !== fakeReq.method) continue
        const params = matchPath(route.path, fakeReq.path)
        if (params === null) continue
        const reply = await route.handler(fakeReq, params)
        if (fault?.kind === 'hang') {
          hung.push(res)
          return
        }
        if (reply.stream !== undefined) {
          res.writeHead(reply.status ?? 200, { ...limitHeaders, ...reply.headers })
          reply.stream(res, req)
          return
        }
        return write(res, reply, limitHeaders)
      }
      write(res, { status: 404, body: { error: `no fake route for ${fakeReq.method} ${fakeReq.path}` } }, limitHeaders)
    })().catch((err: unknown) => {
      if (!res.headersSent) write(res, { status: 500, body: { error: String(err) } }, {})
      else res.destroy()
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    server,
    requests,
    failNext(o) {
      faults.push({ kind: 'fail', remaining: o.times ?? 1, pathPrefix: o.pathPrefix ?? '', reply: { status: o.status, headers: o.headers, body: o.body ?? { error: `injected ${o.status}` } } })
    },
    hangAfterNext(pathPrefix = '') {
      faults.push({ kind: 'hang', remaining: 1, pathPrefix, reply: {} })
    },
    async close() {
      for (const res of hung) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

// Test support: a feed host on fake-http.ts. Serves each document at its path with an ETag and a
// Last-Modified, answers conditional GETs with 304, and can refuse with 429/503 + Retry-After.
//
//   const fake = await startFeedFake({ feeds: { '/feed.xml': rssText, '/post/1/feed/': commentsXml } })
//   fake.url('/feed.xml')                      // absolute URL for settings.feeds
//   fake.setFeed('/feed.xml', newerXml)        // a new version: new ETag and Last-Modified
//   fake.rateLimitNext('/feed.xml', 1)         // next request: 429 with Retry-After: 1
//   fake.requests                              // every request (headers: user-agent, if-none-match …)
//   fake.redirectingFetch                      // a fetch sending every http(s) URL to this fake (same path
//                                              // and query), for fixture feeds whose links name real hosts
//   await fake.close()
//
// Documents are strings (sent as UTF-8) or Buffers (sent as they are, for other encodings).
// Unknown paths are 404. With `userAgentRequired`, requests without a User-Agent get 403.
import { createHash } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { startFakeServer, type FakeReply, type FakeRequest, type FakeRoute } from '../fake-http.ts'

export interface FeedFakeOptions {
  feeds: Record<string, string | Buffer>
  /** Content-Type sent with every document (default application/xml without charset). */
  contentType?: string
  userAgentRequired?: boolean
}

export interface FeedFake {
  /** Base URL, e.g. http://127.0.0.1:4321 */
  baseUrl: string
  url(path: string): string
  requests: FakeRequest[]
  /** Replaces (or adds) the document at `path`; its ETag and Last-Modified change. */
  setFeed(path: string, document: string | Buffer): void
  /** The next request to `path` is refused with this status and Retry-After (seconds). */
  rateLimitNext(path: string, retryAfterSeconds: number, status?: 429 | 503): void
  /** How many 200s (full documents) each path has served. */
  served: Map<string, number>
  redirectingFetch: typeof fetch
  close(): Promise<void>
}

interface Served {
  bytes: Buffer
  etag: string
  lastModified: string
}

export async function startFeedFake(options: FeedFakeOptions): Promise<FeedFake> {
  const documents = new Map<string, Served>()
  const served = new Map<string, number>()
  // Last-Modified has one-second resolution: each new version is dated one second later.
  let clock = Math.floor(Date.now() / 1000) * 1000 - 3_600_000
  const version = (document: string | Buffer): Served => {
    const bytes = typeof document === 'string' ? Buffer.from(document, 'utf8') : document
    clock += 1000
    return { bytes, etag: `"${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}"`, lastModified: new Date(clock).toUTCString() }
  }
  for (const [path, document] of Object.entries(options.feeds)) documents.set(path, version(document))

  const routes: FakeRoute[] = []
  const server = await startFakeServer({ routes })
  // fake-http matches routes segment by segment; feeds live at any depth, so one route per path.
  const route = (path: string) => {
    if (routes.some((r) => r.path === path)) return
    routes.push({ method: 'GET', path, handler: (req) => serve(req, path) })
  }
  for (const path of documents.keys()) route(path)

  function serve(req: FakeRequest, path: string): FakeReply {
    if (options.userAgentRequired === true && (req.headers['user-agent'] ?? '') === '') return { status: 403, body: 'a User-Agent is required' }
    const doc = documents.get(path)
    if (doc === undefined) return { status: 404, body: 'not found' }
    const validators = { etag: doc.etag, 'last-modified': doc.lastModified }
    const inm = req.headers['if-none-match']
    const ims = req.headers['if-modified-since']
    const fresh = inm !== undefined
      ? inm.split(',').map((t) => t.trim()).includes(doc.etag)
      : ims !== undefined && Date.parse(ims) >= Date.parse(doc.lastModified)
    if (fresh) return { status: 304, headers: validators }
    served.set(path, (served.get(path) ?? 0) + 1)
    return {
      status: 200,
      headers: { ...validators, 'content-type': options.contentType ?? 'application/xml', 'content-length': String(doc.bytes.length) },
      stream: (res: ServerResponse) => res.end(doc.bytes),
    }
  }

  const baseUrl = server.url
  const redirectingFetch: typeof fetch = (input, init) => {
    const target = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    return fetch(`${baseUrl}${target.pathname}${target.search}`, init)
  }

  return {
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    requests: server.requests,
    setFeed(path, document) {
      documents.set(path, version(document))
      route(path)
    },
    rateLimitNext(path, retryAfterSeconds, status = 429) {
      server.failNext({ status, headers: { 'retry-after': String(retryAfterSeconds) }, body: 'slow down', pathPrefix: path })
    },
    served,
    redirectingFetch,
    close: () => server.close(),
  }
}

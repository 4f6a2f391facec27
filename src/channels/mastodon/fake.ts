// A local Mastodon instance for tests (this channel's, the outbox worker's, end-to-end).
//
//   const fake = await startMastodonFake({ accessToken: 'tok', notifications, statuses })
//   account.settings.apiBaseUrl = fake.url            // also the streaming server
//   … run the source or send …
//   fake.posted        // every status created by POST /api/v1/statuses (replays of an Idempotency-Key are not new)
//   fake.edits / fake.deleted / fake.favourited
//   fake.addNotification(n); fake.pushStreamEvent('notification', JSON.stringify(n)); fake.endStreams()
//   fake.failNext({ status: 503 }); fake.hangAfterNext('/api/v1/statuses')
//   await fake.close()
//
// Behaves like Mastodon 4: bearer token on every route (401 `{"error":"The access token is invalid"}`),
// GET /api/v1/notifications newest first with `types[]`/`exclude_types[]`, `max_id`/`since_id`/`min_id`,
// `limit` (default 40, max 80) and the `Link` header (rel="next" with max_id only when the page is
// full, rel="prev" with min_id whenever it is not empty); POST /api/v1/statuses with an
// Idempotency-Key (the same key within the TTL returns the same status), 404 for an unknown
// `in_reply_to_id`, 422 for blank or over-long text; PUT/DELETE /api/v1/statuses/:id (own statuses
// only, else 404), POST /api/v1/statuses/:id/favourite, GET /api/v1/statuses/:id,
// GET /api/v1/accounts/verify_credentials, and SSE on GET /api/v1/streaming/user (`:)` on connect,
// then `streamSse`, then `:thump` heartbeats). X-RateLimit-Limit/Remaining/Reset (ISO) on every
// answer, 429 past the limit (300 per 5 minutes unless configured).
import type { ServerResponse } from 'node:http'
import { startFakeServer, type FailOptions, type FakeReply, type FakeRequest, type FakeServer } from '../fake-http.ts'
import { compareIds } from './ids.ts'
import { sseBlock } from './sse.ts'

export type MastodonEntity = Record<string, unknown>

export interface MastodonFakeAccount {
  id: string
  username: string
  acct: string
  display_name: string
}

export interface MastodonFakeOptions {
  accessToken: string
  /** The brand's own account: verify_credentials answers with it and it authors what is posted. */
  account?: MastodonFakeAccount
  /** Statuses on the instance (parents to reply to, to favourite …). Notification statuses are added too. */
  statuses?: MastodonEntity[]
  /** Notifications, in any order; served newest first like Mastodon. */
  notifications?: MastodonEntity[]
  /** SSE text written to each streaming client after it connects (e.g. streaming_user.sse.txt). */
  streamSse?: string
  /** Interval of `:thump` heartbeats on open streams (default 15 s). */
  heartbeatMs?: number
  /** Requests per window (default 300 per 5 minutes), or false for no limit. */
  rateLimit?: { limit: number; windowMs: number } | false
  /** How long an Idempotency-Key is remembered (Mastodon: 1 hour). */
  idempotencyTtlMs?: number
  /** Characters allowed in a status (Mastodon default 500). */
  statusCharsMax?: number
}

export interface PostedStatus {
  id: string
  status: string
  in_reply_to_id: string | null
  visibility: string
  idempotencyKey: string | null
  /** The full status entity as returned. */
  entity: MastodonEntity
}

export interface MastodonFake {
  url: string
  server: FakeServer
  requests: FakeRequest[]
  posted: PostedStatus[]
  edits: { id: string; status: string }[]
  deleted: string[]
  favourited: string[]
  /** Every status the instance knows, by id (given, notified and posted). */
  statuses: Map<string, MastodonEntity>
  addNotification(notification: MastodonEntity): void
  /** Writes one event to every open stream. */
  pushStreamEvent(event: string, data: string): void
  /** Ends every open stream (a restart of the streaming server: clients must reconnect). */
  endStreams(): void
  /** How many streams were opened so far. */
  streamConnections(): number
  failNext(options: FailOptions): void
  hangAfterNext(pathPrefix?: string): void
  close(): Promise<void>
}

export const defaultFakeAccount: MastodonFakeAccount = { id: '109000000000000001', username: 'brand', acct: 'brand', display_name: 'Brand Support' }

const notificationsLimitDefault = 40
const visibilities = new Set(['public', 'unlisted', 'private', 'direct'])

export async function startMastodonFake(options: MastodonFakeOptions): Promise<MastodonFake> {
  const account = options.account ?? defaultFakeAccount
  const ttlMs = options.idempotencyTtlMs ?? 3_600_000
  const charsMax = options.statusCharsMax ?? 500
  const statuses = new Map<string, MastodonEntity>()
  const notifications: MastodonEntity[] = []
  const idempotency = new Map<string, { at: number; id: string }>()
  const posted: PostedStatus[] = []
  const edits: { id: string; status: string }[] = []
  const deleted: string[] = []
  const favourited: string[] = []
  const streams = new Set<ServerResponse>()
  let streamCount = 0
  let sequence = 0
  let baseUrl = ''

  for (const s of options.statuses ?? []) if (typeof s['id'] === 'string') statuses.set(s['id'], s)
  const addNotification = (n: MastodonEntity) => {
    notifications.push(n)
    const status = n['status']
    if (typeof status === 'object' && status !== null && typeof (status as MastodonEntity)['id'] === 'string') {
      statuses.set((status as MastodonEntity)['id'] as string, status as MastodonEntity)
    }
  }
  for (const n of options.notifications ?? []) addNotification(n)

  const unauthorized: FakeReply = { status: 401, body: { error: 'The access token is invalid' } }
  const authorized = (req: FakeRequest) => req.headers['authorization'] === `Bearer ${options.accessToken}`
  const notFound: FakeReply = { status: 404, body: { error: 'Record not found' } }

  function nextId(): string {
    sequence++
    return ((BigInt(Date.now()) << 16n) + BigInt(sequence)).toString()
  }

  function accountEntity(): MastodonEntity {
    return { ...account, url: `${baseUrl}/@${account.username}`, followers_count: 1200, following_count: 10, statuses_count: posted.length, bot: false, locked: false }
  }

  function ownStatus(id: string): MastodonEntity | null {
    const status = statuses.get(id)
    const author = status?.['account'] as MastodonEntity | undefined
    return status !== undefined && author?.['id'] === account.id ? status : null
  }

  function listNotifications(req: FakeRequest): FakeReply {
    const q = req.query
    const types = q.getAll('types[]')
    const excluded = q.getAll('exclude_types[]')
    const limitParam = q.get('limit')
    const limit = limitParam === null ? notificationsLimitDefault : Math.min(Math.abs(Math.trunc(Number(limitParam))) || 0, notificationsLimitDefault * 2)
    const maxId = q.get('max_id')
    const sinceId = q.get('since_id')
    const minId = q.get('min_id')
    let candidates = notifications
      .filter((n) => typeof n['id'] === 'string')
      .filter((n) => (types.length === 0 || types.includes(String(n['type']))) && !excluded.includes(String(n['type'])))
      .filter((n) => maxId === null || compareIds(n['id'] as string, maxId) < 0)
      .filter((n) => sinceId === null || compareIds(n['id'] as string, sinceId) > 0)
      .filter((n) => minId === null || compareIds(n['id'] as string, minId) > 0)
      .sort((a, b) => compareIds(b['id'] as string, a['id'] as string))
    // min_id pages forward: the items just after min_id (oldest end), still served newest first.
    candidates = minId !== null ? candidates.slice(-limit) : candidates.slice(0, limit)
    const headers: Record<string, string> = {}
    const links: string[] = []
    const pageUrl = (extra: Record<string, string>) => {
      const params = new URLSearchParams()
      if (limitParam !== null) params.set('limit', String(limit))
      for (const t of types) params.append('types[]', t)
      for (const t of excluded) params.append('exclude_types[]', t)
      for (const [k, v] of Object.entries(extra)) params.set(k, v)
      return `${baseUrl}/api/v1/notifications?${params.toString()}`
    }
    const newest = candidates[0]
    const oldest = candidates.at(-1)
    if (oldest !== undefined && candidates.length === limit) links.push(`<${pageUrl({ max_id: oldest['id'] as string })}>; rel="next"`)
    if (newest !== undefined) links.push(`<${pageUrl({ min_id: newest['id'] as string })}>; rel="prev"`)
    if (links.length > 0) headers['link'] = links.join(', ')
    return { headers, body: candidates }
  }

  function postStatus(req: FakeRequest): FakeReply {
    const body = requestBody(req)
    const key = req.headers['idempotency-key'] ?? null
    const now = Date.now()
    if (key !== null) {
      const seen = idempotency.get(key)
      if (seen !== undefined && now - seen.at < ttlMs) {
        const same = statuses.get(seen.id)
        if (same !== undefined) return { body: same }
      }
    }
    const text = typeof body['status'] === 'string' ? body['status'] : ''
    const invalid = textProblem(text)
    if (invalid !== null) return invalid
    const visibility = typeof body['visibility'] === 'string' ? body['visibility'] : 'public'
    if (!visibilities.has(visibility)) return { status: 422, body: { error: `Validation failed: Visibility is not included in the list` } }
    const parentId = typeof body['in_reply_to_id'] === 'string' && body['in_reply_to_id'] !== '' ? body['in_reply_to_id'] : null
    const parent = parentId === null ? undefined : statuses.get(parentId)
    if (parentId !== null && parent === undefined) return { status: 404, body: { error: 'The status you are trying to reply to does not appear to exist.' } }
    const id = nextId()
    const entity: MastodonEntity = {
      id,
      created_at: new Date(now).toISOString(),
      in_reply_to_id: parentId,
      in_reply_to_account_id: parent === undefined ? null : (parent['account'] as MastodonEntity | undefined)?.['id'] ?? null,
      sensitive: false,
      spoiler_text: typeof body['spoiler_text'] === 'string' ? body['spoiler_text'] : '',
      visibility,
      language: 'en',
      uri: `${baseUrl}/users/${account.username}/statuses/${id}`,
      url: `${baseUrl}/@${account.username}/${id}`,
      replies_count: 0,
      reblogs_count: 0,
      favourites_count: 0,
      edited_at: null,
      content: `<p>${escapeHtml(text)}</p>`,
      reblog: null,
      account: accountEntity(),
      media_attachments: [],
      mentions: mentionsIn(text),
      tags: [],
      emojis: [],
      card: null,
      poll: null,
    }
    statuses.set(id, entity)
    if (key !== null) idempotency.set(key, { at: now, id })
    posted.push({ id, status: text, in_reply_to_id: parentId, visibility, idempotencyKey: key, entity })
    return { body: entity }
  }

  function textProblem(text: string): FakeReply | null {
    if (text.trim() === '') return { status: 422, body: { error: "Validation failed: Text can't be blank" } }
    if ([...text].length > charsMax) return { status: 422, body: { error: `Validation failed: Text character limit of ${charsMax} exceeded` } }
    return null
  }

  function mentionsIn(text: string): MastodonEntity[] {
    const found: MastodonEntity[] = []
    for (const match of text.matchAll(/(?:^|\s)@([A-Za-z0-9_]+(?:@[A-Za-z0-9.-]+)?)/g)) {
      const acct = match[1] ?? ''
      found.push({ id: `acct:${acct}`, username: acct.split('@')[0], acct, url: `${baseUrl}/@${acct}` })
    }
    return found
  }

  function openStream(): FakeReply {
    return {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' },
      stream(res) {
        streamCount++
        streams.add(res)
        res.write(':)\n')
        if (options.streamSse !== undefined) res.write(options.streamSse.endsWith('\n') ? options.streamSse : `${options.streamSse}\n`)
        const heartbeat = setInterval(() => res.write(':thump\n'), options.heartbeatMs ?? 15_000)
        heartbeat.unref()
        res.on('close', () => {
          clearInterval(heartbeat)
          streams.delete(res)
        })
      },
    }
  }

  const guard = (handler: (req: FakeRequest, params: Readonly<Record<string, string>>) => FakeReply) =>
    (req: FakeRequest, params: Readonly<Record<string, string>>): FakeReply => (authorized(req) ? handler(req, params) : unauthorized)

  const rateLimit = options.rateLimit === false ? undefined : {
    limit: options.rateLimit?.limit ?? 300,
    windowMs: options.rateLimit?.windowMs ?? 300_000,
    headers: (limit: number, remaining: number, resetAtMs: number) => ({
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': new Date(resetAtMs).toISOString(),
    }),
  }

  const server = await startFakeServer({
    rateLimit,
    routes: [
      { method: 'GET', path: '/api/v1/accounts/verify_credentials', handler: guard(() => ({ body: accountEntity() })) },
      { method: 'GET', path: '/api/v1/notifications', handler: guard(listNotifications) },
      { method: 'GET', path: '/api/v1/streaming/health', handler: () => ({ body: 'OK' }) },
      { method: 'GET', path: '/api/v1/streaming/user', handler: guard(openStream) },
      { method: 'POST', path: '/api/v1/statuses', handler: guard(postStatus) },
      { method: 'GET', path: '/api/v1/statuses/:id', handler: guard((_req, p) => ({ body: statuses.get(p['id'] ?? '') ?? notFound.body, status: statuses.has(p['id'] ?? '') ? 200 : 404 })) },
      {
        method: 'PUT', path: '/api/v1/statuses/:id', handler: guard((req, p) => {
          const id = p['id'] ?? ''
          const status = ownStatus(id)
          if (status === null) return notFound
          const text = requestBody(req)['status']
          const problem = textProblem(typeof text === 'string' ? text : '')
          if (problem !== null) return problem
          const updated = { ...status, content: `<p>${escapeHtml(text as string)}</p>`, edited_at: new Date().toISOString() }
          statuses.set(id, updated)
          edits.push({ id, status: text as string })
          return { body: updated }
        }),
      },
      {
        method: 'DELETE', path: '/api/v1/statuses/:id', handler: guard((_req, p) => {
          const id = p['id'] ?? ''
          const status = ownStatus(id)
          if (status === null) return notFound
          statuses.delete(id)
          deleted.push(id)
          return { body: { ...status, text: posted.find((s) => s.id === id)?.status ?? '' } }
        }),
      },
      {
        method: 'POST', path: '/api/v1/statuses/:id/favourite', handler: guard((_req, p) => {
          const id = p['id'] ?? ''
          const status = statuses.get(id)
          if (status === undefined) return notFound
          if (status['favourited'] === true) return { body: status }
          const liked = { ...status, favourited: true, favourites_count: (typeof status['favourites_count'] === 'number' ? status['favourites_count'] : 0) + 1 }
          statuses.set(id, liked)
          favourited.push(id)
          return { body: liked }
        }),
      },
    ],
  })
  baseUrl = server.url

  return {
    url: server.url,
    server,
    requests: server.requests,
    posted,
    edits,
    deleted,
    favourited,
    statuses,
    addNotification,
    pushStreamEvent(event, data) {
      for (const res of streams) res.write(sseBlock(event, data))
    },
    endStreams() {
      for (const res of streams) res.end()
      streams.clear()
    },
    streamConnections: () => streamCount,
    failNext: (o) => server.failNext(o),
    hangAfterNext: (prefix) => server.hangAfterNext(prefix),
    close: () => server.close(),
  }
}

/** Mastodon takes JSON or form bodies. */
function requestBody(req: FakeRequest): Record<string, unknown> {
  const text = req.body.toString('utf8')
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const value: unknown = JSON.parse(text)
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
    } catch {
      return {}
    }
  }
  return Object.fromEntries(new URLSearchParams(text))
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '<br />')
}

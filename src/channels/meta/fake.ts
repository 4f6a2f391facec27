// A local Graph API for tests of the Facebook and Instagram channels, the outbox worker and the
// end-to-end suite.
//
//   const graph = await startGraphFake({ pageId: '111', igUserId: '178', pageAccessToken: 'tok', appSecret: 'sec' })
//   account.settings.apiBaseUrl = graph.url              // the client adds /v21.0/… itself
//   graph.seedFromWebhook(body)                           // the comments a webhook announced now exist
//   const { headers, rawBody } = signedWebhook(body, 'sec') // deliver it to /api/v1/webhooks/facebook/:id
//   … send …
//   graph.writes        // every successful write, in order: { method, objectId, edge, params, resultId }
//   graph.commentsOn(x) // comments/replies under a post, media or comment (seeded and posted)
//   graph.messages      // Messenger / Instagram sends: recipient, messaging_type, text
//
// Behaves like Graph where the channels depend on it:
// - versioned paths only (`/v21.0/…`, any `/vNN.N/`); `GET /me`, `GET /{id}`,
//   `GET|POST /{id}/comments` (Facebook), `GET|POST /{id}/replies` (Instagram),
//   `POST /{page-or-ig-id}/messages`, `POST /{ig-id}/mentions`, `POST /{id}/likes`,
//   `POST /{id}` (is_hidden / hide / message edit), `DELETE /{id}`; params from the query, a JSON
//   body or a form body;
// - the token as `Authorization: Bearer|OAuth` or `access_token`; a missing or wrong token answers
//   HTTP 401 with Graph error 104 / 190; a wrong `appsecret_proof` answers error 100;
// - listings page like Graph: `limit` (default 25, max 100), `after`/`before` cursors,
//   `paging.cursors` and `paging.next` (only when there is a next page), `order=reverse_chronological`;
// - removed objects (`removeObject`, DELETE) answer error 100/33 "does not exist";
// - `closeWindow(customerId)`: sends to that customer fail with the 24-hour window error
//   (Messenger 10/2018278 HTTP 400, Instagram 10/2534022 HTTP 403);
// - `rateLimit`: over the per-window budget every call fails with Graph throttling (code 32 by
//   default, HTTP 400) and `x-app-usage` / `x-business-use-case-usage` headers on every answer;
// - `failNext`: the next calls fail with a given Graph error; `hangAfterNext`: the next matching call
//   takes effect but never answers (the client times out not knowing).
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { NormalizedMessage } from '../../core/model.ts'
import { parseFacebookPayload } from '../facebook/parse.ts'
import { parseInstagramPayload } from '../instagram/parse.ts'
import { startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from '../fake-http.ts'
import { decodeJson, isRecord, stringAt, type JsonRecord } from '../wire.ts'
import { readMetaRef } from './raw.ts'
import { signBody } from './verify.ts'

export interface GraphFakeOptions {
  pageId: string
  pageName?: string
  igUserId?: string
  igUsername?: string
  pageAccessToken: string
  /** When set, an `appsecret_proof` sent with a call must be HMAC-SHA256(appSecret, token). */
  appSecret?: string
  /** Comments that exist before the test starts (also see `seedFromWebhook`). */
  comments?: GraphFakeCommentSeed[]
  /** Per-window call budget; over it, Graph's throttling error. */
  rateLimit?: GraphFakeRateLimit
  /** Clock for created_time of new comments (default: the wall clock). */
  now?: () => Date
}

export interface GraphFakeRateLimit {
  limit: number
  windowMs: number
  /** Graph error code for the throttle: 4 app, 17 user, 32 Page (default), 613 API-specific. */
  code?: 4 | 17 | 32 | 613
  /** HTTP status of the throttle answer (Graph uses 400 mostly, 403/429 at times). Default 400. */
  status?: number
}

export interface GraphFakeCommentSeed {
  id: string
  /** The object commented on: a post id, an IG media id or (for a reply) the parent comment id. */
  parentId: string
  fromId: string
  /** Facebook `from.name` or Instagram `username`. */
  fromName?: string | null
  message: string
  createdTime?: Date
  platform?: 'facebook' | 'instagram'
}

export interface GraphFakeComment {
  id: string
  parentId: string
  fromId: string
  fromName: string | null
  message: string
  createdTime: Date
  hidden: boolean
  platform: 'facebook' | 'instagram'
}

export interface GraphFakeMessage {
  messageId: string
  /** The Page id or IG account id the message was sent from. */
  senderId: string
  recipient: { id: string | null; commentId: string | null; postId: string | null }
  messagingType: string | null
  tag: string | null
  text: string
}

export interface GraphFakeWrite {
  method: 'POST' | 'DELETE'
  /** The id in the path (`/{objectId}/{edge}`). */
  objectId: string
  edge: string | null
  /** Query, JSON body and form body merged (the token and appsecret_proof removed). */
  params: Readonly<Record<string, unknown>>
  /** The id Graph answered with (new comment id, message_id), null for success-only answers. */
  resultId: string | null
}

export interface GraphFakeError {
  code: number
  subcode?: number
  message?: string
  /** HTTP status (default 400). */
  status?: number
  /** How many calls fail (default 1). */
  times?: number
  /** Only calls on this object id (the first path segment after the version). */
  objectId?: string
  /** Only calls with this method. */
  method?: 'GET' | 'POST' | 'DELETE'
}

export interface GraphFake {
  /** Base URL to put in `settings.apiBaseUrl`. */
  url: string
  server: FakeServer
  writes: GraphFakeWrite[]
  messages: GraphFakeMessage[]
  /** Comments and replies directly under `parentId`, oldest first. */
  commentsOn(parentId: string): GraphFakeComment[]
  comment(id: string): GraphFakeComment | undefined
  addComment(seed: GraphFakeCommentSeed): GraphFakeComment
  /** Registers the comments/posts a Facebook or Instagram webhook body announces. Returns how many. */
  seedFromWebhook(body: string): number
  removeObject(id: string): void
  closeWindow(customerId: string): void
  failNext(error: GraphFakeError): void
  hangAfterNext(pathPrefix?: string): void
  close(): Promise<void>
}

/** Signs a webhook body like Meta does; `rawBody` is what to POST, `headers` go with it. */
export function signedWebhook(body: string | object, appSecret: string): { headers: Record<string, string>; rawBody: Buffer } {
  const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8')
  return { rawBody, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(appSecret, rawBody) } }
}

/** A Graph error answer. */
export function graphErrorReply(status: number, code: number, message: string, subcode?: number, type = 'OAuthException'): FakeReply {
  const error: Record<string, unknown> = { message, type, code, fbtrace_id: `Afake${code}${subcode ?? ''}` }
  if (subcode !== undefined) error['error_subcode'] = subcode
  return { status, body: { error } }
}

const pageSizeDefault = 25
const pageSizeMax = 100

function notFound(id: string, method: string): FakeReply {
  return graphErrorReply(400, 100, `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, 33, 'GraphMethodException')
}

function paramsOf(req: FakeRequest): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [k, v] of req.query) params[k] = v
  const text = req.body.toString('utf8')
  const type = req.headers['content-type'] ?? ''
  if (text !== '' && type.includes('application/json')) {
    const decoded = decodeJson(text)
    if (decoded.ok && isRecord(decoded.value)) Object.assign(params, decoded.value)
  } else if (text !== '') {
    for (const [k, v] of new URLSearchParams(text)) params[k] = v
  }
  // Form-encoded Graph params carry objects as JSON text (recipient={"id":"…"}).
  for (const key of ['recipient', 'message']) {
    const value = params[key]
    if (typeof value === 'string' && value.startsWith('{')) {
      const decoded = decodeJson(value)
      if (decoded.ok && isRecord(decoded.value)) params[key] = decoded.value
    }
  }
  delete params['access_token']
  delete params['appsecret_proof']
  return params
}

function tokenOf(req: FakeRequest): string | null {
  const auth = req.headers['authorization']
  const match = auth === undefined ? null : /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth.trim())
  return match?.[1] ?? req.query.get('access_token')
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function isoGraphTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+0000')
}

export async function startGraphFake(options: GraphFakeOptions): Promise<GraphFake> {
  const now = options.now ?? (() => new Date())
  const comments = new Map<string, GraphFakeComment>()
  const removed = new Set<string>()
  const closedWindows = new Set<string>()
  const faults: (GraphFakeError & { remaining: number })[] = []
  const writes: GraphFakeWrite[] = []
  const messages: GraphFakeMessage[] = []
  let seq = 0
  let windowStart = Date.now()
  let used = 0

  function addComment(seed: GraphFakeCommentSeed): GraphFakeComment {
    const comment: GraphFakeComment = {
      id: seed.id, parentId: seed.parentId, fromId: seed.fromId, fromName: seed.fromName ?? null, message: seed.message,
      createdTime: seed.createdTime ?? now(), hidden: false, platform: seed.platform ?? 'facebook',
    }
    comments.set(comment.id, comment)
    removed.delete(comment.id)
    return comment
  }
  for (const seed of options.comments ?? []) addComment(seed)

  function commentsOn(parentId: string): GraphFakeComment[] {
    return [...comments.values()].filter((c) => c.parentId === parentId).sort((a, b) => a.createdTime.getTime() - b.createdTime.getTime())
  }

  function seedFromMessages(parsed: readonly NormalizedMessage[]): number {
    let count = 0
    for (const m of parsed) {
      const ref = readMetaRef(m.raw)
      if (ref?.kind !== 'comment' || m.op === 'delete') continue
      const platform = m.channel === 'instagram' ? 'instagram' : 'facebook'
      addComment({
        id: ref.commentId, parentId: ref.parentCommentId ?? ref.postId, fromId: ref.fromId ?? 'unknown', platform,
        fromName: m.author?.handle ?? m.author?.displayName ?? null, message: m.text, createdTime: m.createdAt,
      })
      count++
    }
    return count
  }

  function usageHeaders(): Record<string, string> {
    if (options.rateLimit === undefined) return {}
    const { limit, windowMs } = options.rateLimit
    const percent = Math.min(100, Math.round((used / Math.max(1, limit)) * 100))
    const minutes = used > limit ? Math.max(1, Math.ceil((windowStart + windowMs - Date.now()) / 60_000)) : 0
    const usage = { call_count: percent, total_cputime: Math.round(percent / 2), total_time: Math.round(percent / 2) }
    return {
      'x-app-usage': JSON.stringify(usage),
      'x-business-use-case-usage': JSON.stringify({ [options.pageId]: [{ type: 'pages', ...usage, estimated_time_to_regain_access: minutes }] }),
    }
  }

  /** Checks shared by every call; a reply means the call stops here. */
  function gate(req: FakeRequest, version: string, objectId: string): FakeReply | null {
    if (!/^v\d{1,3}\.\d{1,3}$/.test(version)) return graphErrorReply(400, 2500, `Unknown path components: /${version}/${objectId}`)
    const token = tokenOf(req)
    if (token === null || token === '') return graphErrorReply(401, 104, 'An access token is required to request this resource.')
    if (!sameText(token, options.pageAccessToken)) return graphErrorReply(401, 190, 'Invalid OAuth access token - Cannot parse access token')
    const proof = req.query.get('appsecret_proof')
    if (proof !== null && options.appSecret !== undefined) {
      const expected = createHmac('sha256', options.appSecret).update(token).digest('hex')
      if (!sameText(proof, expected)) return graphErrorReply(400, 100, 'Invalid appsecret_proof provided in the API argument', undefined, 'GraphMethodException')
    }
    if (options.rateLimit !== undefined) {
      if (Date.now() - windowStart >= options.rateLimit.windowMs) {
        windowStart = Date.now()
        used = 0
      }
      used++
      if (used > options.rateLimit.limit) {
        const code = options.rateLimit.code ?? 32
        const text = code === 4 ? 'Application request limit reached' : code === 17 ? 'User request limit reached' : code === 613 ? 'Calls to this api have exceeded the rate limit.' : 'Page request limit reached'
        return graphErrorReply(options.rateLimit.status ?? 400, code, `(#${code}) ${text}`)
      }
    }
    const fault = faults.find((f) => f.remaining > 0 && (f.objectId === undefined || f.objectId === objectId) && (f.method === undefined || f.method === req.method))
    if (fault !== undefined) {
      fault.remaining--
      return graphErrorReply(fault.status ?? 400, fault.code, fault.message ?? `(#${fault.code}) injected error`, fault.subcode)
    }
    if (removed.has(objectId)) return notFound(objectId, req.method)
    return null
  }

  function withUsage(reply: FakeReply): FakeReply {
    return { ...reply, headers: { ...usageHeaders(), ...reply.headers } }
  }

  function listing(req: FakeRequest, version: string, path: string, items: JsonRecord[]): FakeReply {
    const limitAsked = Number(req.query.get('limit') ?? pageSizeDefault)
    const limit = Number.isInteger(limitAsked) && limitAsked > 0 ? Math.min(limitAsked, pageSizeMax) : pageSizeDefault
    const ordered = req.query.get('order') === 'reverse_chronological' ? [...items].reverse() : items
    const cursorIndex = (cursor: string | null) => (cursor === null ? null : Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^idx:/, '')))
    const after = cursorIndex(req.query.get('after'))
    const before = cursorIndex(req.query.get('before'))
    let start = after !== null && Number.isInteger(after) ? after + 1 : 0
    if (before !== null && Number.isInteger(before)) start = Math.max(0, before - limit)
    const page = ordered.slice(start, start + limit)
    const cursor = (i: number) => Buffer.from(`idx:${i}`).toString('base64url')
    const body: Record<string, unknown> = { data: page }
    if (page.length > 0) {
      const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + page.length - 1) } }
      if (start + page.length < ordered.length) {
        const next = new URL(`${fake.url}/${version}/${path}`)
        for (const [k, v] of req.query) if (k !== 'after' && k !== 'before') next.searchParams.set(k, v)
        next.searchParams.set('limit', String(limit))
        next.searchParams.set('after', cursor(start + page.length - 1))
        paging['next'] = next.toString()
      }
      body['paging'] = paging
    }
    return { body }
  }

  function facebookView(c: GraphFakeComment): JsonRecord {
    return { id: c.id, message: c.message, from: { id: c.fromId, ...(c.fromName === null ? {} : { name: c.fromName }) }, created_time: isoGraphTime(c.createdTime), is_hidden: c.hidden }
  }

  function instagramView(c: GraphFakeComment): JsonRecord {
    return { id: c.id, text: c.message, timestamp: isoGraphTime(c.createdTime), from: { id: c.fromId, username: c.fromName ?? '' }, username: c.fromName ?? '', hidden: c.hidden }
  }

  function record(write: GraphFakeWrite, reply: FakeReply): FakeReply {
    writes.push(write)
    return reply
  }

  /** `via` is the call as made when it differs from `/{parentId}/{edge}` (IG mention replies). */
  function newComment(parentId: string, params: Record<string, unknown>, platform: 'facebook' | 'instagram', via?: { objectId: string; edge: string }): FakeReply {
    const message = typeof params['message'] === 'string' ? params['message'] : ''
    if (message.trim() === '') return graphErrorReply(400, 100, '(#100) The parameter message is required', undefined, 'GraphMethodException')
    seq++
    const fromId = platform === 'instagram' ? options.igUserId ?? options.pageId : options.pageId
    const fromName = platform === 'instagram' ? options.igUsername ?? null : options.pageName ?? null
    const id = platform === 'instagram' ? String(18_000_000_000_000_000n + BigInt(seq)) : `${parentId.split('_')[0]}_${9_000_000_000 + seq}`
    addComment({ id, parentId, fromId, fromName, message, platform })
    const call = via ?? { objectId: parentId, edge: platform === 'instagram' ? 'replies' : 'comments' }
    return record({ method: 'POST', ...call, params, resultId: id }, { body: { id } })
  }

  function sendMessage(senderId: string, params: Record<string, unknown>): FakeReply {
    const instagram = senderId === options.igUserId
    const recipient = isRecord(params['recipient']) ? params['recipient'] : {}
    const message = isRecord(params['message']) ? params['message'] : {}
    const to = { id: stringAt(recipient, 'id'), commentId: stringAt(recipient, 'comment_id'), postId: stringAt(recipient, 'post_id') }
    const text = stringAt(message, 'text') ?? ''
    if (to.id === null && to.commentId === null && to.postId === null) return graphErrorReply(400, 100, '(#100) param recipient must be non-empty.')
    if (text === '') return graphErrorReply(400, 100, '(#100) Must send either message or state')
    const messagingType = typeof params['messaging_type'] === 'string' ? params['messaging_type'] : null
    if (!instagram && to.id !== null && messagingType === null) return graphErrorReply(400, 100, '(#100) param messaging_type is required')
    const privateTarget = to.commentId ?? to.postId
    if (privateTarget !== null && removed.has(privateTarget)) return notFound(privateTarget, 'POST')
    const customer = to.id ?? (to.commentId === null ? null : comments.get(to.commentId)?.fromId ?? null)
    if (to.id !== null && closedWindows.has(to.id)) {
      return instagram
        ? graphErrorReply(403, 10, 'This message is sent outside of allowed window.', 2534022, 'IGApiException')
        : graphErrorReply(400, 10, '(#10) This message is sent outside of allowed window.', 2018278)
    }
    seq++
    const messageId = instagram ? Buffer.from(`ig_message_item:${seq}`).toString('base64url') : `m_fake${seq}`
    messages.push({ messageId, senderId, recipient: to, messagingType, tag: typeof params['tag'] === 'string' ? params['tag'] : null, text })
    return record({ method: 'POST', objectId: senderId, edge: 'messages', params, resultId: messageId }, { body: { recipient_id: customer ?? `psid_for_${privateTarget ?? ''}`, message_id: messageId } })
  }

  async function handle(req: FakeRequest, p: Readonly<Record<string, string>>): Promise<FakeReply> {
    const version = p['version'] ?? ''
    const objectId = p['id'] ?? ''
    const edge = p['edge'] ?? null
    const blocked = gate(req, version, objectId)
    if (blocked !== null) return withUsage(blocked)
    return withUsage(await route(req, version, objectId, edge))
  }

  function route(req: FakeRequest, version: string, objectId: string, edge: string | null): FakeReply {
    const params = paramsOf(req)
    const own = objectId === options.pageId || objectId === 'me' || (options.igUserId !== undefined && objectId === options.igUserId)
    const existing = comments.get(objectId)
    if (req.method === 'GET' && edge === null) {
      if (objectId === 'me' || objectId === options.pageId) return { body: { id: options.pageId, name: options.pageName ?? 'Fake Page' } }
      if (objectId === options.igUserId) return { body: { id: options.igUserId, username: options.igUsername ?? 'fake_business' } }
      if (existing === undefined) return notFound(objectId, 'GET')
      return { body: existing.platform === 'instagram' ? instagramView(existing) : facebookView(existing) }
    }
    if (req.method === 'GET' && edge === 'comments') return listing(req, version, `${objectId}/comments`, commentsOn(objectId).map(facebookView))
    if (req.method === 'GET' && edge === 'replies') return listing(req, version, `${objectId}/replies`, commentsOn(objectId).map(instagramView))
    if (req.method === 'POST' && edge === 'comments') return newComment(objectId, params, 'facebook')
    if (req.method === 'POST' && edge === 'replies') return newComment(objectId, params, 'instagram')
    if (req.method === 'POST' && edge === 'messages') return own ? sendMessage(objectId === 'me' ? options.pageId : objectId, params) : notFound(objectId, 'POST')
    if (req.method === 'POST' && edge === 'mentions' && objectId === options.igUserId) {
      const mediaId = typeof params['media_id'] === 'string' ? params['media_id'] : ''
      if (mediaId === '') return graphErrorReply(400, 100, '(#100) The parameter media_id is required')
      const parent = typeof params['comment_id'] === 'string' ? params['comment_id'] : mediaId
      return newComment(parent, params, 'instagram', { objectId, edge: 'mentions' })
    }
    if (req.method === 'POST' && edge === 'likes') return record({ method: 'POST', objectId, edge, params, resultId: null }, { body: { success: true } })
    if (req.method === 'POST' && edge === null) return updateObject(objectId, existing, params)
    if (req.method === 'DELETE' && edge === null) {
      comments.delete(objectId)
      removed.add(objectId)
      return record({ method: 'DELETE', objectId, edge: null, params, resultId: null }, { body: { success: true } })
    }
    return graphErrorReply(400, 100, `Unsupported ${req.method.toLowerCase()} request on /${objectId}${edge === null ? '' : `/${edge}`}`, undefined, 'GraphMethodException')
  }

  function updateObject(objectId: string, existing: GraphFakeComment | undefined, params: Record<string, unknown>): FakeReply {
    const flag = params['is_hidden'] ?? params['hide']
    if (flag !== undefined) {
      if (existing !== undefined) existing.hidden = flag === true || flag === 'true'
    } else if (typeof params['message'] === 'string') {
      if (existing !== undefined) existing.message = params['message']
    } else {
      return graphErrorReply(400, 100, '(#100) No fields to update')
    }
    return record({ method: 'POST', objectId, edge: null, params, resultId: null }, { body: { success: true } })
  }

  const server = await startFakeServer({
    routes: ['GET', 'POST', 'DELETE'].flatMap((method) => [
      { method, path: '/:version/:id', handler: handle },
      { method, path: '/:version/:id/:edge', handler: handle },
    ]),
  })

  const fake: GraphFake = {
    url: server.url,
    server,
    writes,
    messages,
    commentsOn,
    comment: (id) => comments.get(id),
    addComment,
    seedFromWebhook(body) {
      const parsed = [parseFacebookPayload({ body }), parseInstagramPayload({ body })]
      return seedFromMessages(parsed.flatMap((r) => (r.ok ? r.messages : [])))
    },
    removeObject(id) {
      comments.delete(id)
      removed.add(id)
    },
    closeWindow(customerId) {
      closedWindows.add(customerId)
    },
    failNext(error) {
      faults.push({ ...error, remaining: error.times ?? 1 })
    },
    hangAfterNext(pathPrefix) {
      server.hangAfterNext(pathPrefix)
    },
    close: () => server.close(),
  }
  return fake
}

// A local X API v2 for tests (source, send, outbox worker, end-to-end). Built on fake-http.ts.
//
//   const x = await startXFake({ brandUserId: '1500…', accessToken: 'user-token', bearerToken: 'app-token',
//                                tweets: [mention1, mention2], users: [customer] })
//   account.settings.apiBaseUrl = x.url
//   … run the code under test …
//   x.posted     Tweets created through POST /2/tweets (text, inReplyToTweetId): assert threading here
//   x.dms        DMs sent through POST /2/dm_conversations/with/:participant_id/messages
//   x.hidden     PUT /2/tweets/:id/hidden calls;  x.deleted  ids deleted through DELETE /2/tweets/:id
//   x.requests, x.failNext(…), x.hangAfterNext(…)   from fake-http.ts
//   x.addMention(tweet), x.pushStreamLine(line)       new traffic while a source runs
//
// Routes (paths, auth and answers as X has them):
//   GET    /2/users/me                                    user token → {data:{id,name,username}}
//   GET    /2/users/:id/mentions                          Tweets in `tweets`, newest first
//   GET    /2/users/:id/tweets                            the brand's Tweets (`brandTweets` + posted)
//          both: since_id, until_id, start_time, end_time, max_results (5–100, default 10),
//          pagination_token ← meta.next_token, expansions=author_id,referenced_tweets.id,
//          tweet.fields / user.fields (only id, text, edit_history_tweet_ids and id, name, username
//          are served unless asked for, like X)
//   GET    /2/tweets/search/stream                        app-only bearer; NDJSON "\r\n" lines from
//          `streamLines` with blank keep-alives; closes after `streamLinesPerConnection` lines
//   POST   /2/tweets {text, reply?:{in_reply_to_tweet_id}} → 201 {data:{id,text}}; 403 on duplicate
//          text and on replies to `goneTweetIds`/deleted Tweets (X's own messages)
//   POST   /2/dm_conversations/with/:participant_id/messages {text} → 201 {data:{dm_conversation_id,dm_event_id}}
//   GET    /2/dm_conversations/with/:participant_id/dm_events  the DMs sent, newest first
//   PUT    /2/tweets/:id/hidden {hidden}                  → {data:{hidden}}
//   DELETE /2/tweets/:id                                  → {data:{deleted:true}}; 403 for others' Tweets
// Without the right bearer token every route answers 401; the rate limit (when set) sends
// x-rate-limit-limit/-remaining/-reset (epoch seconds) and 429s.
//
// Test helpers for webhooks: `deliverXWebhook` POSTs an Account Activity body signed like X does,
// `checkXCrc` runs X's CRC check against a URL. `xFakeFeedFromFixtures` builds options from the
// shared fixture files.
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { startFakeServer, type FakeReply, type FakeRequest, type FakeRoute, type FakeServer } from '../fake-http.ts'
import { isRecord, type JsonRecord } from '../wire.ts'
import { dmConversationId } from './ids.ts'
import { crcResponseBody, signatureHeader, xSignature } from './verify.ts'

/** A v2 Tweet with every field the fake may serve (filtered per request). `id` and `text` are required. */
export type XFakeTweet = JsonRecord & { id: string; text: string }
/** A v2 User with every field the fake may serve. */
export type XFakeUser = JsonRecord & { id: string; username: string; name: string }

export interface XFakeOptions {
  brandUserId: string
  brandUsername?: string
  /** Tweets mentioning the brand (served by /2/users/:brandUserId/mentions), any order. */
  tweets?: XFakeTweet[]
  /** Authors (and the brand), expanded into includes.users. */
  users?: XFakeUser[]
  /** Tweets the brand made earlier (served by /2/users/:brandUserId/tweets with the ones posted here). */
  brandTweets?: XFakeTweet[]
  /** User-context token: posting, DMs, hide, delete, /2/users/me, reads. */
  accessToken: string
  /** App-only token: the filtered stream (user tokens get X's 403 there) and reads. */
  bearerToken?: string
  /** Only used by the webhook helpers' callers; kept here so a test has one place for the app's secrets. */
  consumerSecret?: string
  /** Raw lines the filtered stream sends in order, shared by all connections. */
  streamLines?: string[]
  /** End a stream connection after this many lines (the client must reconnect for the rest). */
  streamLinesPerConnection?: number
  /** Keep-alive interval of the stream (X: 20 s). Default 50 ms. */
  keepAliveMs?: number
  rateLimit?: { limit: number; windowMs: number }
  /** Tweets "deleted or not visible": replies to them get X's 403. */
  goneTweetIds?: string[]
  /** Users whose DMs are closed: DMs to them get X's 403. */
  dmClosedUserIds?: string[]
}

export interface PostedTweet {
  id: string
  text: string
  inReplyToTweetId: string | null
  /** The JSON body as received. */
  body: unknown
}

export interface SentDm {
  dmEventId: string
  dmConversationId: string
  participantId: string
  text: string
}

export interface XFake extends FakeServer {
  posted: PostedTweet[]
  dms: SentDm[]
  hidden: { tweetId: string; hidden: boolean }[]
  deleted: string[]
  addMention(tweet: XFakeTweet): void
  pushStreamLine(line: string): void
  /** Stream connections accepted so far (reconnects included). */
  streamConnections(): number
}

const defaultTweetFields = ['id', 'text', 'edit_history_tweet_ids']
const defaultUserFields = ['id', 'name', 'username']
const defaultDmFields = ['id', 'event_type', 'text']

function problem(status: number, title: string, detail: string, type = 'about:blank'): FakeReply {
  return { status, body: { title, detail, type, status } }
}

const unauthorized = problem(401, 'Unauthorized', 'Unauthorized')

function invalid(message: string): FakeReply {
  return { status: 400, body: { errors: [{ message }], title: 'Invalid Request', detail: 'One or more parameters to your request was invalid.', type: 'https://api.twitter.com/2/problems/invalid-request' } }
}

function byIdDesc(a: { id: string }, b: { id: string }): number {
  const x = BigInt(a.id)
  const y = BigInt(b.id)
  return x === y ? 0 : x > y ? -1 : 1
}

function pick(obj: JsonRecord, fields: readonly string[]): JsonRecord {
  const out: Record<string, unknown> = {}
  for (const f of fields) if (f in obj) out[f] = obj[f]
  return out
}

function listParam(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
}

function isDigits(value: string | null): value is string {
  return value !== null && /^\d{1,20}$/.test(value)
}

function jsonBody(req: FakeRequest): JsonRecord | null {
  try {
    const value: unknown = JSON.parse(req.body.toString('utf8'))
    return isRecord(value) ? value : null
  } catch {
    return null
  }
}

const pageTokenPrefix = 'xfake1'

function pageToken(lastId: string): string {
  return Buffer.from(`${pageTokenPrefix}:${lastId}`).toString('base64url')
}

function pageTokenLastId(token: string): string | null {
  const [prefix, id] = Buffer.from(token, 'base64url').toString('utf8').split(':')
  return prefix === pageTokenPrefix && isDigits(id ?? null) ? (id as string) : null
}

/** A page of id-ordered items the way X pages timelines: newest first, `meta.next_token` while more remain. */
function timelinePage<T extends { id: string }>(items: readonly T[], query: URLSearchParams, timeOf: (item: T) => string | null):
  { page: T[]; meta: JsonRecord } | FakeReply {
  const maxResults = query.has('max_results') ? Number(query.get('max_results')) : 10
  if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 100) {
    return invalid(`The \`max_results\` query parameter value [${query.get('max_results')}] is not between 5 and 100`)
  }
  for (const name of ['since_id', 'until_id']) {
    if (query.has(name) && !isDigits(query.get(name))) return invalid(`The \`${name}\` query parameter value [${query.get(name)}] is not valid`)
  }
  const token = query.get('pagination_token')
  const after = token === null ? null : pageTokenLastId(token)
  if (token !== null && after === null) return invalid(`The \`pagination_token\` query parameter value [${token}] is not valid`)
  const since = query.get('since_id')
  const until = query.get('until_id')
  const startMs = query.has('start_time') ? Date.parse(query.get('start_time') ?? '') : null
  const endMs = query.has('end_time') ? Date.parse(query.get('end_time') ?? '') : null
  if (Number.isNaN(startMs) || Number.isNaN(endMs)) return invalid('start_time/end_time must be RFC 3339 timestamps')
  const matching = [...items].sort(byIdDesc).filter((item) => {
    const id = BigInt(item.id)
    if (since !== null && id <= BigInt(since)) return false
    if (until !== null && id >= BigInt(until)) return false
    if (after !== null && id >= BigInt(after)) return false
    const at = timeOf(item)
    const ms = at === null ? null : Date.parse(at)
    if (startMs !== null && ms !== null && ms < startMs) return false
    if (endMs !== null && ms !== null && ms > endMs) return false
    return true
  })
  const page = matching.slice(0, maxResults)
  const first = page[0]
  const last = page.at(-1)
  if (first === undefined || last === undefined) return { page, meta: { result_count: 0 } }
  const meta: Record<string, unknown> = { result_count: page.length, newest_id: first.id, oldest_id: last.id }
  if (matching.length > page.length) meta['next_token'] = pageToken(last.id)
  return { page, meta }
}

function isReply(value: unknown): value is FakeReply {
  return isRecord(value) && !('page' in value)
}

/** What the fake X knows and what it was asked to do. */
interface XWorld {
  options: XFakeOptions
  brand: XFakeUser
  users: Map<string, XFakeUser>
  mentions: XFakeTweet[]
  /** Seeded and posted; deleted ones stay here and are listed in `deleted`. */
  brandTweets: XFakeTweet[]
  gone: Set<string>
  dmClosed: Set<string>
  posted: PostedTweet[]
  dms: SentDm[]
  dmEvents: (JsonRecord & { id: string; participantId: string })[]
  hidden: { tweetId: string; hidden: boolean }[]
  deleted: string[]
  streamQueue: string[]
  streamWaiters: Set<() => void>
  streamConnections: number
  lastId: bigint
  url: string
}

function worldOf(options: XFakeOptions): XWorld {
  const brand: XFakeUser = options.users?.find((u) => u.id === options.brandUserId)
    ?? { id: options.brandUserId, username: options.brandUsername ?? 'brand', name: options.brandUsername ?? 'Brand' }
  const mentions = [...(options.tweets ?? [])]
  const brandTweets = [...(options.brandTweets ?? [])]
  return {
    options, brand, mentions, brandTweets,
    users: new Map<string, XFakeUser>([[brand.id, brand], ...(options.users ?? []).map((u) => [u.id, u] as const)]),
    gone: new Set(options.goneTweetIds ?? []),
    dmClosed: new Set(options.dmClosedUserIds ?? []),
    posted: [], dms: [], dmEvents: [], hidden: [], deleted: [],
    streamQueue: [...(options.streamLines ?? [])],
    streamWaiters: new Set(),
    streamConnections: 0,
    lastId: [...mentions, ...brandTweets].reduce((max, t) => (isDigits(t.id) && BigInt(t.id) > max ? BigInt(t.id) : max), 1_800_000_000_000_000_000n),
    url: '',
  }
}

function nextId(w: XWorld): string {
  w.lastId += 1n + BigInt(Math.floor(Math.random() * 1000))
  return w.lastId.toString()
}

function knownTweet(w: XWorld, id: string): XFakeTweet | undefined {
  return w.mentions.find((t) => t.id === id) ?? w.brandTweets.find((t) => t.id === id)
}

function tokenOf(req: FakeRequest): string | null {
  const auth = req.headers['authorization'] ?? ''
  return auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null
}

/** The user token always; the app-only token too where X serves reads with it (`appOnly`). */
function authorised(w: XWorld, req: FakeRequest, appOnly: boolean): boolean {
  const token = tokenOf(req)
  const { accessToken, bearerToken } = w.options
  return token !== null && (token === accessToken || (appOnly && bearerToken !== undefined && token === bearerToken))
}

function tweetsBody(w: XWorld, tweets: readonly XFakeTweet[], meta: JsonRecord, query: URLSearchParams): JsonRecord {
  if (tweets.length === 0) return { meta }
  const tweetFields = [...defaultTweetFields, ...listParam(query, 'tweet.fields')]
  const userFields = [...defaultUserFields, ...listParam(query, 'user.fields')]
  const expansions = listParam(query, 'expansions')
  const includes: Record<string, unknown> = {}
  if (expansions.includes('author_id')) {
    const authors = [...new Set(tweets.map((t) => t['author_id']).filter((id): id is string => typeof id === 'string'))]
    const found = authors.map((id) => w.users.get(id)).filter((u): u is XFakeUser => u !== undefined)
    if (found.length > 0) includes['users'] = found.map((u) => pick(u, userFields))
  }
  if (expansions.includes('referenced_tweets.id')) {
    const refIds = tweets.flatMap((t) => (Array.isArray(t['referenced_tweets']) ? t['referenced_tweets'] : []))
      .map((r: unknown) => (isRecord(r) && typeof r['id'] === 'string' ? r['id'] : null))
    const found = [...new Set(refIds)].map((id) => (id === null ? undefined : knownTweet(w, id))).filter((t): t is XFakeTweet => t !== undefined)
    if (found.length > 0) includes['tweets'] = found.map((t) => pick(t, tweetFields))
  }
  return { data: tweets.map((t) => pick(t, tweetFields)), ...(Object.keys(includes).length > 0 ? { includes } : {}), meta }
}

function timeline(w: XWorld, items: readonly XFakeTweet[], req: FakeRequest): FakeReply {
  const result = timelinePage(items, req.query, (t) => (typeof t['created_at'] === 'string' ? t['created_at'] : null))
  if (isReply(result)) return result
  return { body: tweetsBody(w, result.page, result.meta, req.query) }
}

function brandTimeline(w: XWorld, req: FakeRequest, userId: string): FakeReply {
  const exclude = listParam(req.query, 'exclude')
  const own = userId !== w.brand.id ? [] : w.brandTweets.filter((t) => {
    const refs = Array.isArray(t['referenced_tweets']) ? t['referenced_tweets'].filter(isRecord) : []
    if (w.deleted.includes(t.id)) return false
    if (exclude.includes('replies') && refs.some((r) => r['type'] === 'replied_to')) return false
    if (exclude.includes('retweets') && refs.some((r) => r['type'] === 'retweeted')) return false
    return true
  })
  return timeline(w, own, req)
}

function streamTo(w: XWorld, res: ServerResponse): void {
  w.streamConnections++
  res.flushHeaders()
  let sent = 0
  const perConnection = w.options.streamLinesPerConnection ?? Number.POSITIVE_INFINITY
  const pump = () => {
    if (res.writableEnded || res.destroyed) return
    while (w.streamQueue.length > 0 && sent < perConnection) {
      const line = w.streamQueue.shift() as string
      sent++
      // Split each line over two writes: clients must join chunks (and half UTF-8 characters).
      const bytes = Buffer.from(`${line}\r\n`, 'utf8')
      const cut = Math.floor(bytes.length / 2)
      res.write('\r\n')
      res.write(bytes.subarray(0, cut))
      res.write(bytes.subarray(cut))
    }
    if (sent >= perConnection) res.end()
  }
  const keepAlive = setInterval(() => {
    if (!res.writableEnded) res.write('\r\n')
  }, w.options.keepAliveMs ?? 50)
  w.streamWaiters.add(pump)
  res.on('close', () => {
    clearInterval(keepAlive)
    w.streamWaiters.delete(pump)
  })
  pump()
}

function openStream(w: XWorld, req: FakeRequest): FakeReply {
  const token = tokenOf(req)
  if (token !== null && token === w.options.accessToken) {
    return problem(403, 'Unsupported Authentication', 'Authenticating with OAuth 2.0 User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 Application-Only].', 'https://api.twitter.com/2/problems/unsupported-authentication')
  }
  if (token === null || token !== w.options.bearerToken) return unauthorized
  return { headers: { 'content-type': 'application/json; charset=utf-8' }, stream: (res) => streamTo(w, res) }
}

function createTweet(w: XWorld, req: FakeRequest): FakeReply {
  const body = jsonBody(req)
  const text = body === null ? null : body['text']
  if (body === null || typeof text !== 'string' || text === '') return invalid('$.text: is missing but it is required')
  if ([...text].length > 280) return invalid('$.text: Tweet text is too long')
  const reply = isRecord(body['reply']) ? body['reply'] : null
  const rawParentId = reply === null ? null : reply['in_reply_to_tweet_id']
  if (reply !== null && (typeof rawParentId !== 'string' || !isDigits(rawParentId))) return invalid('$.reply.in_reply_to_tweet_id: is missing but it is required')
  const parentId = typeof rawParentId === 'string' ? rawParentId : null
  if (parentId !== null && (w.gone.has(parentId) || w.deleted.includes(parentId))) {
    return problem(403, 'Forbidden', 'You attempted to reply to a Tweet that is deleted or not visible to you.')
  }
  if (w.brandTweets.some((t) => t.text === text && !w.deleted.includes(t.id))) {
    return problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.')
  }
  const id = nextId(w)
  const parent = parentId === null ? undefined : knownTweet(w, parentId)
  const conversationId = typeof parent?.['conversation_id'] === 'string' ? parent['conversation_id'] : parentId ?? id
  w.brandTweets.push({
    id, text, author_id: w.brand.id, created_at: new Date().toISOString(), conversation_id: conversationId, edit_history_tweet_ids: [id],
    ...(parentId !== null ? { referenced_tweets: [{ type: 'replied_to', id: parentId }] } : {}),
    ...(typeof parent?.['author_id'] === 'string' ? { in_reply_to_user_id: parent['author_id'] } : {}),
  })
  w.posted.push({ id, text, inReplyToTweetId: parentId, body })
  return { status: 201, headers: { location: `${w.url}/2/tweets/${id}` }, body: { data: { id, text } } }
}

function sendDm(w: XWorld, req: FakeRequest, participantId: string): FakeReply {
  const body = jsonBody(req)
  const text = body === null ? null : body['text']
  if (typeof text !== 'string' || text === '') return invalid('$.text: is missing but it is required')
  if (!isDigits(participantId)) return invalid(`The \`participant_id\` path parameter value [${participantId}] is not valid`)
  if (w.dmClosed.has(participantId)) return problem(403, 'Forbidden', 'You cannot send messages to this user.')
  const dmEventId = nextId(w)
  const conversationId = dmConversationId(w.brand.id, participantId)
  w.dms.push({ dmEventId, dmConversationId: conversationId, participantId, text })
  w.dmEvents.push({ id: dmEventId, participantId, event_type: 'MessageCreate', text, sender_id: w.brand.id, dm_conversation_id: conversationId, created_at: new Date().toISOString() })
  return { status: 201, body: { data: { dm_conversation_id: conversationId, dm_event_id: dmEventId } } }
}

function dmEventsWith(w: XWorld, req: FakeRequest, participantId: string): FakeReply {
  const events = w.dmEvents.filter((e) => e.participantId === participantId)
  const result = timelinePage(events, req.query, (e) => (typeof e['created_at'] === 'string' ? e['created_at'] : null))
  if (isReply(result)) return result
  const fields = [...defaultDmFields, ...listParam(req.query, 'dm_event.fields')]
  return { body: result.page.length === 0 ? { meta: result.meta } : { data: result.page.map((e) => pick(e, fields)), meta: result.meta } }
}

function hideReply(w: XWorld, req: FakeRequest, tweetId: string): FakeReply {
  const body = jsonBody(req)
  if (body === null || typeof body['hidden'] !== 'boolean') return invalid('$.hidden: is missing but it is required')
  w.hidden.push({ tweetId, hidden: body['hidden'] })
  return { body: { data: { hidden: body['hidden'] } } }
}

function deleteTweet(w: XWorld, tweetId: string): FakeReply {
  if (!w.brandTweets.some((t) => t.id === tweetId)) return problem(403, 'Forbidden', 'You are not allowed to delete this Tweet.')
  if (!w.deleted.includes(tweetId)) w.deleted.push(tweetId)
  return { body: { data: { deleted: true } } }
}

/** `appOnly`: the route also takes the app-only token. */
function route(w: XWorld, method: string, path: string, appOnly: boolean, handle: (req: FakeRequest, params: Readonly<Record<string, string>>) => FakeReply): FakeRoute {
  return { method, path, handler: (req, params) => (authorised(w, req, appOnly) ? handle(req, params) : unauthorized) }
}

function routesOf(w: XWorld): FakeRoute[] {
  return [
    route(w, 'GET', '/2/users/me', false, () => ({ body: { data: pick(w.brand, defaultUserFields) } })),
    route(w, 'GET', '/2/users/:id/mentions', true, (req, { id }) => timeline(w, id === w.brand.id ? w.mentions : [], req)),
    route(w, 'GET', '/2/users/:id/tweets', true, (req, { id = '' }) => brandTimeline(w, req, id)),
    { method: 'GET', path: '/2/tweets/search/stream', handler: (req) => openStream(w, req) },
    route(w, 'POST', '/2/tweets', false, (req) => createTweet(w, req)),
    route(w, 'POST', '/2/dm_conversations/with/:participantId/messages', false, (req, { participantId = '' }) => sendDm(w, req, participantId)),
    route(w, 'GET', '/2/dm_conversations/with/:participantId/dm_events', false, (req, { participantId = '' }) => dmEventsWith(w, req, participantId)),
    route(w, 'PUT', '/2/tweets/:id/hidden', false, (req, { id = '' }) => hideReply(w, req, id)),
    route(w, 'DELETE', '/2/tweets/:id', false, (_req, { id = '' }) => deleteTweet(w, id)),
  ]
}

export async function startXFake(options: XFakeOptions): Promise<XFake> {
  const w = worldOf(options)
  const fake = await startFakeServer({
    routes: routesOf(w),
    rateLimit: options.rateLimit === undefined ? undefined : {
      ...options.rateLimit,
      headers: (limit, remaining, resetAtMs) => ({
        'x-rate-limit-limit': String(limit),
        'x-rate-limit-remaining': String(remaining),
        'x-rate-limit-reset': String(Math.ceil(resetAtMs / 1000)),
      }),
    },
  })
  w.url = fake.url
  return {
    ...fake,
    posted: w.posted,
    dms: w.dms,
    hidden: w.hidden,
    deleted: w.deleted,
    addMention(tweet) {
      w.mentions.push(tweet)
      if (isDigits(tweet.id) && BigInt(tweet.id) > w.lastId) w.lastId = BigInt(tweet.id)
    },
    pushStreamLine(line) {
      w.streamQueue.push(line)
      for (const pump of w.streamWaiters) pump()
    },
    streamConnections: () => w.streamConnections,
  }
}

// ---------------------------------------------------------------------------------------------
// Webhook helpers: what X does against our server.

/** POSTs an Account Activity body to `url`, signed with the consumer secret the way X signs it. */
export async function deliverXWebhook(url: string, body: unknown, consumerSecret: string, fetchFn: typeof fetch = fetch): Promise<Response> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  return fetchFn(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', [signatureHeader]: xSignature(consumerSecret, Buffer.from(raw, 'utf8')) },
    body: raw,
  })
}

/** X's CRC check: GET `url?crc_token=<random>` and compare the answer's response_token. */
export async function checkXCrc(url: string, consumerSecret: string, fetchFn: typeof fetch = fetch): Promise<boolean> {
  const token = randomUUID()
  const target = new URL(url)
  target.searchParams.set('crc_token', token)
  const res = await fetchFn(target, { method: 'GET' })
  if (res.status !== 200) return false
  try {
    const answer: unknown = await res.json()
    const expected: unknown = JSON.parse(crcResponseBody(consumerSecret, token))
    return isRecord(answer) && isRecord(expected) && answer['response_token'] === expected['response_token']
  } catch {
    return false
  }
}

// ---------------------------------------------------------------------------------------------
// Feeding the fake from ../shared/fixtures/platforms/x-twitter (tests pass a reader for that folder).

/** The mentions cassette is @Twitter's (`GET /2/users/783214/mentions`). */
export const fixtureBrandUserId = '783214'

export interface XFixtureFeed {
  brandUserId: string
  brandUsername: string
  tweets: XFakeTweet[]
  users: XFakeUser[]
  streamLines: string[]
}

function isTweet(value: unknown): value is XFakeTweet {
  return isRecord(value) && typeof value['id'] === 'string' && typeof value['text'] === 'string'
}

function isUser(value: unknown): value is XFakeUser {
  return isRecord(value) && typeof value['id'] === 'string' && typeof value['username'] === 'string' && typeof value['name'] === 'string'
}

/**
 * Mentions from `v2_http_users_mentions.json` (10 Tweets, default fields) and `v2_mentions_tweet.jsonl`
 * (with includes.users); stream lines from `v2_streaming_output_with_error.jsonl` (7 Tweets, then a
 * truncated line).
 */
export function xFakeFeedFromFixtures(readFile: (file: string) => string): XFixtureFeed {
  const tweets: XFakeTweet[] = []
  const users: XFakeUser[] = []
  const cassette: unknown = JSON.parse(readFile('v2_http_users_mentions.json'))
  const interactions = isRecord(cassette) && Array.isArray(cassette['interactions']) ? cassette['interactions'] : []
  for (const interaction of interactions) {
    const response = isRecord(interaction) && isRecord(interaction['response']) ? interaction['response'] : null
    const body = response !== null && isRecord(response['body']) ? response['body'] : null
    if (body !== null && Array.isArray(body['data'])) tweets.push(...body['data'].filter(isTweet))
  }
  for (const line of readFile('v2_mentions_tweet.jsonl').split(/\r?\n/)) {
    if (line.trim() === '') continue
    const page: unknown = JSON.parse(line)
    if (!isRecord(page)) continue
    if (Array.isArray(page['data'])) tweets.push(...page['data'].filter(isTweet))
    const includes = isRecord(page['includes']) ? page['includes'] : null
    if (includes !== null && Array.isArray(includes['users'])) users.push(...includes['users'].filter(isUser))
  }
  const streamLines = readFile('v2_streaming_output_with_error.jsonl').split(/\r?\n/).filter((l) => l !== '')
  return { brandUserId: fixtureBrandUserId, brandUsername: 'Twitter', tweets, users, streamLines }
}

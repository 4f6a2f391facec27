// A local Bluesky for tests: the Jetstream WebSocket (`/subscribe`) and the PDS/AppView XRPC
// endpoints the channel uses, on one 127.0.0.1 port.
//
//   const fake = await startBlueskyFake({ events: lines, handle: 'brand.example.com', appPassword: 'pw' })
//   account.settings = { handle: fake.handle, pdsUrl: fake.url, appViewUrl: fake.url, jetstreamUrl: fake.jetstreamUrl }
//   account.secrets = { appPassword: fake.appPassword }
//   … run the source / send …
//   fake.posts()        // app.bsky.feed.post records created by createRecord (text, reply.root/parent, facets)
//   fake.records()      // every record created and not deleted (posts, likes)
//   fake.subscriptions  // the query of each /subscribe connection (cursor, wantedCollections …)
//   fake.http           // request log, failNext, hangAfterNext (from fake-http.ts)
//   await fake.close()
//
// Jetstream: `events` is the history (JSON lines as Jetstream sends them). Like the real service, a
// subscriber without `cursor` gets only events pushed after it connected (`push`); with `cursor`
// it first gets every history event with time_us >= cursor. wantedCollections (exact or `prefix.*`)
// and wantedDids filter; identity/account events pass the collection filter. `dropAfterFrames(n)`
// cuts the next connection after n frames, `dropConnections()` cuts all, `refuseNextSubscribe`
// answers the next upgrade with e.g. a 429.
//
// XRPC: com.atproto.server.createSession, com.atproto.repo.createRecord (a taken rkey answers 500
// like the current PDS, or 409 RecordAlreadyExists with `duplicateRkey: 'conflict'`), getRecord,
// deleteRecord, com.atproto.identity.resolveHandle, app.bsky.actor.getProfiles (≤ 25 actors).
// Writes need `Authorization: Bearer <accessJwt>` (401 without; 400 ExpiredToken after
// `expireTokens()`). Every answer carries ratelimit-limit/-remaining/-reset(epoch s)/-policy; past
// the limit, 429.
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { startFakeServer, type FakeReply, type FakeRequest, type FakeServer } from '../fake-http.ts'
import { decodeJson, idAt, isRecord, numberAt, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { utf8Length } from './facets.ts'
import { atUri } from './refs.ts'
import { graphemeCount } from '../../core/text.ts'
import { postGraphemesMax } from './send.ts'
import { tidFrom, tidPattern } from './tid.ts'

export interface FakeProfile {
  did: string
  handle: string
  displayName?: string
  followersCount?: number
}

export interface BlueskyFakeOptions {
  /** Jetstream history, one JSON line per event (a line that is not JSON is sent as a garbled frame when replayed). */
  events?: readonly string[]
  /** The brand account (default brand.example.com / did:plc:brandbrandbrandbrandbran). */
  handle?: string
  did?: string
  appPassword?: string
  /** Other handles resolveHandle knows: handle → did. */
  handles?: Readonly<Record<string, string>>
  /** Profiles getProfiles knows. */
  profiles?: readonly FakeProfile[]
  rateLimit?: { limit: number; windowMs: number }
  accessJwtLifetimeMs?: number
  duplicateRkey?: 'server-error' | 'conflict'
}

export interface FakeRecord {
  uri: string
  cid: string
  repo: string
  collection: string
  rkey: string
  value: JsonRecord
}

export interface BlueskyFake {
  /** http://127.0.0.1:port: use as pdsUrl and appViewUrl. */
  url: string
  /** ws://127.0.0.1:port: use as jetstreamUrl. */
  jetstreamUrl: string
  handle: string
  did: string
  appPassword: string
  http: FakeServer
  /** The query of each /subscribe connection, in order. */
  subscriptions: URLSearchParams[]
  sessionsCreated(): number
  /** Records created through createRecord and not deleted, optionally of one collection. */
  records(collection?: string): FakeRecord[]
  posts(): FakeRecord[]
  /** Appends to the history and sends to the matching live subscribers. */
  push(line: string): void
  openConnections(): number
  dropConnections(): void
  dropAfterFrames(frames: number): void
  /** Queues a refusal: the next /subscribe upgrade (after earlier queued ones) gets this status instead of 101. */
  refuseNextSubscribe(status: number, headers?: Record<string, string>): void
  /** Tokens issued so far answer 400 ExpiredToken from now on. */
  expireTokens(): void
  /** Tokens stop working and createSession refuses the app password (401). */
  revokeAppPassword(): void
  /** Marks a post as deleted on the network: getRecord and replies to it answer "Could not locate record". */
  deletePost(uri: string): void
  close(): Promise<void>
}

interface HistoryEntry {
  line: string
  event: JsonRecord | null
  timeUs: number | null
}

const base32 = 'abcdefghijklmnopqrstuvwxyz234567'

function fakeCid(value: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(value)).digest()
  let bits = 0
  let acc = 0
  let out = 'bafyrei'
  for (const byte of hash) {
    acc = (acc << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += base32[(acc >> (bits - 5)) & 31]
      bits -= 5
    }
  }
  return out
}

function xrpcError(status: number, error: string, message: string): FakeReply {
  return { status, body: { error, message } }
}

function jsonBody(req: FakeRequest): JsonRecord | null {
  const decoded = decodeJson(req.body.toString('utf8'))
  return decoded.ok && isRecord(decoded.value) ? decoded.value : null
}

function historyEntry(line: string): HistoryEntry {
  const decoded = decodeJson(line)
  const event = decoded.ok && isRecord(decoded.value) ? decoded.value : null
  return { line, event, timeUs: event === null ? null : numberAt(event, 'time_us') }
}

function collectionMatches(wanted: readonly string[], collection: string | null): boolean {
  if (wanted.length === 0) return true
  if (collection === null) return false
  return wanted.some((w) => (w.endsWith('.*') ? collection.startsWith(w.slice(0, -1)) : w === collection))
}

function wantedBy(query: URLSearchParams, entry: HistoryEntry): boolean {
  if (entry.event === null) return true
  const dids = query.getAll('wantedDids')
  if (dids.length > 0 && !dids.includes(stringAt(entry.event, 'did') ?? '')) return false
  if (stringAt(entry.event, 'kind') !== 'commit') return true
  const commit = recordAt(entry.event, 'commit')
  return collectionMatches(query.getAll('wantedCollections'), commit === null ? null : stringAt(commit, 'collection'))
}

export async function startBlueskyFake(options: BlueskyFakeOptions = {}): Promise<BlueskyFake> {
  const handle = options.handle ?? 'brand.example.com'
  const did = options.did ?? 'did:plc:brandbrandbrandbrandbran'
  let appPassword: string | null = options.appPassword ?? 'fake-app-pass-word'
  const jwtLifetimeMs = options.accessJwtLifetimeMs ?? 2 * 60 * 60_000
  const handles = new Map<string, string>(Object.entries(options.handles ?? {}).map(([h, d]) => [h.toLowerCase(), d]))
  handles.set(handle.toLowerCase(), did)
  const profiles = new Map((options.profiles ?? []).map((p) => [p.did, p]))

  const history: HistoryEntry[] = []
  /** Posts seen in the history (for getRecord of a customer's post) and records created here. */
  const network = new Map<string, FakeRecord>()
  const gone = new Set<string>()
  const created: FakeRecord[] = []
  const tokens = new Map<string, 'valid' | 'expired'>()
  let sessions = 0
  let tokenSeq = 0

  function remember(entry: HistoryEntry): void {
    const e = entry.event
    const commit = e === null ? null : recordAt(e, 'commit')
    const repo = e === null ? null : idAt(e, 'did')
    if (commit === null || repo === null) return
    const collection = stringAt(commit, 'collection') ?? ''
    const rkey = stringAt(commit, 'rkey') ?? ''
    const uri = atUri(repo, collection, rkey)
    if (stringAt(commit, 'operation') === 'delete') {
      network.delete(uri)
      gone.add(uri)
      return
    }
    const value = recordAt(commit, 'record')
    const cid = idAt(commit, 'cid')
    if (value !== null && cid !== null) network.set(uri, { uri, cid, repo, collection, rkey, value })
  }
  for (const line of options.events ?? []) {
    const entry = historyEntry(line)
    history.push(entry)
    remember(entry)
  }

  function issueToken(): string {
    const nowS = Math.floor(Date.now() / 1000)
    const header = Buffer.from(JSON.stringify({ typ: 'at+jwt', alg: 'ES256K' })).toString('base64url')
    const claims = Buffer.from(JSON.stringify({ scope: 'com.atproto.appPass', sub: did, iat: nowS, exp: nowS + Math.ceil(jwtLifetimeMs / 1000), jti: ++tokenSeq })).toString('base64url')
    const token = `${header}.${claims}.${Buffer.from(`sig${tokenSeq}`).toString('base64url')}`
    tokens.set(token, 'valid')
    return token
  }

  /** null when authorised, else the error reply. */
  function authError(req: FakeRequest): FakeReply | null {
    const header = req.headers.authorization ?? ''
    if (!header.startsWith('Bearer ')) return xrpcError(401, 'AuthenticationRequired', 'Authentication Required')
    const state = tokens.get(header.slice('Bearer '.length))
    if (state === undefined) return xrpcError(401, 'InvalidToken', 'Bad token scope')
    if (state === 'expired') return xrpcError(400, 'ExpiredToken', 'Token has expired')
    return null
  }

  function ownRepo(repo: string | null): boolean {
    return repo === did || (repo !== null && repo.toLowerCase() === handle.toLowerCase())
  }

  function createRecord(req: FakeRequest): FakeReply {
    const denied = authError(req)
    if (denied !== null) return denied
    const body = jsonBody(req)
    if (body === null) return xrpcError(400, 'InvalidRequest', 'Request body must be a JSON object')
    const collection = stringAt(body, 'collection')
    const record = recordAt(body, 'record')
    if (!ownRepo(stringAt(body, 'repo'))) return xrpcError(400, 'InvalidRequest', 'repo must be the authenticated account')
    if (collection === null || record === null) return xrpcError(400, 'InvalidRequest', 'Input must have the properties "collection", "record"')
    if (stringAt(record, '$type') !== collection) return xrpcError(400, 'InvalidRequest', `Invalid $type: expected ${collection}`)
    const rkey = stringAt(body, 'rkey') ?? tidFrom(Date.now() * 1000, tokenSeq)
    if (!tidPattern.test(rkey)) return xrpcError(400, 'InvalidRequest', `Invalid record key: ${rkey}`)
    if (collection === 'app.bsky.feed.post') {
      const problem = postProblem(record)
      if (problem !== null) return problem
    }
    const uri = atUri(did, collection, rkey)
    if (network.has(uri)) {
      return options.duplicateRkey === 'conflict'
        ? xrpcError(409, 'RecordAlreadyExists', `Record already exists: ${uri}`)
        : xrpcError(500, 'InternalServerError', 'Internal Server Error')
    }
    const stored: FakeRecord = { uri, cid: fakeCid(record), repo: did, collection, rkey, value: record }
    network.set(uri, stored)
    created.push(stored)
    return { body: { uri, cid: stored.cid, commit: { cid: fakeCid(uri), rev: rkey }, validationStatus: 'valid' } }
  }

  function postProblem(record: JsonRecord): FakeReply | null {
    const text = stringAt(record, 'text')
    if (text === null) return xrpcError(400, 'InvalidRequest', 'Record/text must be a string')
    if (graphemeCount(text) > postGraphemesMax) return xrpcError(400, 'InvalidRequest', `Record/text must not be longer than ${postGraphemesMax} graphemes`)
    if (stringAt(record, 'createdAt') === null) return xrpcError(400, 'InvalidRequest', 'Record must have the property "createdAt"')
    const reply = recordAt(record, 'reply')
    if (reply !== null) {
      for (const key of ['root', 'parent'] as const) {
        const ref = recordAt(reply, key)
        const uri = ref === null ? null : idAt(ref, 'uri')
        if (ref === null || uri === null || idAt(ref, 'cid') === null) return xrpcError(400, 'InvalidRequest', `Record/reply/${key} must be a strongRef`)
        if (gone.has(uri)) return xrpcError(400, 'InvalidRequest', `Could not locate record: ${uri}`)
      }
    }
    const facets = record.facets
    if (facets !== undefined) {
      if (!Array.isArray(facets)) return xrpcError(400, 'InvalidRequest', 'Record/facets must be an array')
      const length = utf8Length(text)
      for (const facet of facets as unknown[]) {
        const index = isRecord(facet) ? recordAt(facet, 'index') : null
        const start = index === null ? null : numberAt(index, 'byteStart')
        const end = index === null ? null : numberAt(index, 'byteEnd')
        if (start === null || end === null || start < 0 || end < start || end > length) return xrpcError(400, 'InvalidRequest', 'Record/facets: bad byte range')
      }
    }
    return null
  }

  function getRecord(req: FakeRequest): FakeReply {
    const repoParam = req.query.get('repo') ?? ''
    const repo = ownRepo(repoParam) ? did : handles.get(repoParam.toLowerCase()) ?? repoParam
    const uri = atUri(repo, req.query.get('collection') ?? '', req.query.get('rkey') ?? '')
    const found = network.get(uri)
    if (found === undefined) return xrpcError(400, 'RecordNotFound', `Could not locate record: ${uri}`)
    return { body: { uri: found.uri, cid: found.cid, value: found.value } }
  }

  function deleteRecord(req: FakeRequest): FakeReply {
    const denied = authError(req)
    if (denied !== null) return denied
    const body = jsonBody(req)
    if (body === null || !ownRepo(stringAt(body, 'repo'))) return xrpcError(400, 'InvalidRequest', 'repo must be the authenticated account')
    const uri = atUri(did, stringAt(body, 'collection') ?? '', stringAt(body, 'rkey') ?? '')
    network.delete(uri)
    return { body: { commit: { cid: fakeCid(`delete ${uri}`), rev: tidFrom(Date.now() * 1000, 0) } } }
  }

  function createSession(req: FakeRequest): FakeReply {
    const body = jsonBody(req)
    const identifier = body === null ? null : stringAt(body, 'identifier')
    const password = body === null ? null : stringAt(body, 'password')
    if (identifier === null || password === null) return xrpcError(400, 'InvalidRequest', 'Input must have the properties "identifier", "password"')
    if (!ownRepo(identifier) || appPassword === null || password !== appPassword) {
      return xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password')
    }
    sessions++
    return { body: { accessJwt: issueToken(), refreshJwt: `refresh-${sessions}`, handle, did, active: true } }
  }

  function resolveHandle(req: FakeRequest): FakeReply {
    const found = handles.get((req.query.get('handle') ?? '').toLowerCase())
    return found === undefined ? xrpcError(400, 'InvalidRequest', 'Unable to resolve handle') : { body: { did: found } }
  }

  function getProfiles(req: FakeRequest): FakeReply {
    const actors = req.query.getAll('actors')
    if (actors.length === 0) return xrpcError(400, 'InvalidRequest', 'Error: Params must have the property "actors"')
    if (actors.length > 25) return xrpcError(400, 'InvalidRequest', 'Error: actors must not have more than 25 elements')
    const views = actors.flatMap((actor) => {
      const p = profiles.get(actor) ?? [...profiles.values()].find((q) => q.handle === actor)
      return p === undefined ? [] : [{
        did: p.did, handle: p.handle, displayName: p.displayName, followersCount: p.followersCount ?? 0, followsCount: 0, postsCount: 0,
        indexedAt: '2026-01-01T00:00:00.000Z', createdAt: '2025-01-01T00:00:00.000Z', labels: [],
      }]
    })
    return { body: { profiles: views } }
  }

  const rateLimit = options.rateLimit
  const http = await startFakeServer({
    routes: [
      { method: 'POST', path: '/xrpc/com.atproto.server.createSession', handler: createSession },
      { method: 'POST', path: '/xrpc/com.atproto.repo.createRecord', handler: createRecord },
      { method: 'POST', path: '/xrpc/com.atproto.repo.deleteRecord', handler: deleteRecord },
      { method: 'GET', path: '/xrpc/com.atproto.repo.getRecord', handler: getRecord },
      { method: 'GET', path: '/xrpc/com.atproto.identity.resolveHandle', handler: resolveHandle },
      { method: 'GET', path: '/xrpc/app.bsky.actor.getProfiles', handler: getProfiles },
    ],
    rateLimit: rateLimit === undefined ? undefined : {
      ...rateLimit,
      headers: (limit, remaining, resetAtMs) => ({
        'ratelimit-limit': String(limit),
        'ratelimit-remaining': String(remaining),
        'ratelimit-reset': String(Math.ceil(resetAtMs / 1000)),
        'ratelimit-policy': `${limit};w=${Math.ceil(rateLimit.windowMs / 1000)}`,
      }),
    },
  })

  // ---- Jetstream ----
  const wss = new WebSocketServer({ noServer: true })
  const live = new Map<WebSocket, { query: URLSearchParams; sent: number; dropAfter: number | null }>()
  const subscriptions: URLSearchParams[] = []
  let nextDropAfter: number | null = null
  const refusals: { status: number; headers: Record<string, string> }[] = []

  function sendFrame(ws: WebSocket, line: string): void {
    const conn = live.get(ws)
    if (conn === undefined || (conn.dropAfter !== null && conn.sent >= conn.dropAfter)) return
    conn.sent++
    const cut = conn.dropAfter !== null && conn.sent >= conn.dropAfter
    // Cut only once the frame left, so the client really received `dropAfter` frames.
    ws.send(line, () => {
      if (cut) ws.terminate()
    })
  }

  http.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://fake.local')
    if (url.pathname !== '/subscribe') {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
      return
    }
    subscriptions.push(url.searchParams)
    const refusal = refusals.shift()
    if (refusal !== undefined) {
      const { status, headers } = refusal
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
      socket.end(`HTTP/1.1 ${status} Refused\r\n${lines}connection: close\r\ncontent-length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      live.set(ws, { query: url.searchParams, sent: 0, dropAfter: nextDropAfter })
      nextDropAfter = null
      ws.on('close', () => live.delete(ws))
      ws.on('error', () => live.delete(ws))
      const cursor = url.searchParams.get('cursor')
      if (cursor !== null && /^\d+$/.test(cursor)) {
        const from = Number(cursor)
        for (const entry of history) {
          if ((entry.timeUs === null || entry.timeUs >= from) && wantedBy(url.searchParams, entry)) sendFrame(ws, entry.line)
        }
      }
    })
  })

  return {
    url: http.url,
    jetstreamUrl: http.url.replace(/^http/, 'ws'),
    handle,
    did,
    get appPassword() {
      return appPassword ?? ''
    },
    http,
    subscriptions,
    sessionsCreated: () => sessions,
    records: (collection) => created.filter((r) => network.get(r.uri) === r && (collection === undefined || r.collection === collection)),
    posts: () => created.filter((r) => network.get(r.uri) === r && r.collection === 'app.bsky.feed.post'),
    push(line) {
      const entry = historyEntry(line)
      history.push(entry)
      remember(entry)
      for (const [ws, conn] of live) if (wantedBy(conn.query, entry)) sendFrame(ws, line)
    },
    openConnections: () => live.size,
    dropConnections() {
      for (const ws of live.keys()) ws.terminate()
    },
    dropAfterFrames(frames) {
      nextDropAfter = frames
    },
    refuseNextSubscribe(status, headers = {}) {
      refusals.push({ status, headers })
    },
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 'expired')
    },
    revokeAppPassword() {
      appPassword = null
      tokens.clear()
    },
    deletePost(uri) {
      network.delete(uri)
      gone.add(uri)
    },
    async close() {
      for (const ws of live.keys()) ws.terminate()
      wss.close()
      await http.close()
    },
  }
}

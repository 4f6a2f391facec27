// A local Reddit for tests: `startRedditFake(options)` serves the token endpoint and the OAuth API
// on one loopback URL (use it as both `settings.authUrl` and `settings.apiBaseUrl`).
//
//   const reddit = await startRedditFake({ clientId: 'id', clientSecret: 'secret', username: 'acme_care', password: 'pw',
//     listings: { '/r/acme/new': posts, '/r/acme/comments': comments, '/message/mentions': mentions } })
//   … run the source or the sender against reddit.url …
//   reddit.comments   // every comment created through /api/comment: { thingId, text, name, linkId, userAgent }
//   reddit.edits      // /api/editusertext calls that changed a comment: { thingId, text }
//   reddit.deletions  // fullnames deleted through /api/del
//   await reddit.close()
//
// What it does like Reddit:
// - `POST /api/v1/access_token`: HTTP Basic clientId:clientSecret (401 otherwise); grant_type=password
//   (username + password) or refresh_token; a wrong grant answers 200 {"error":"invalid_grant"}.
// - Every other route needs `Authorization: bearer <issued token>` (401 otherwise; `revokeTokens()`
//   kills the issued ones).
// - Listings (`options.listings`, newest first; `addThings` puts newer ones on top) paginate with
//   `after`/`before` fullnames and `limit` (default 25, max 100) and answer `after`, `before`, `dist`;
//   an `after`/`before` fullname that is not in the listing gives an empty page, as on Reddit.
// - `x-ratelimit-used/-remaining/-reset` (reset in seconds; fractional below one second so tests
//   can use short windows) on every answer when `rateLimit` is set, and 429 beyond the limit.
// - `POST /api/comment` (thing_id, text): creates a comment by `username` (also listed at
//   `/user/<username>/comments` and, when the listing exists, `/r/<sub>/comments`), or answers
//   `json.errors` DELETED_COMMENT / THREAD_LOCKED / TOO_LONG / NO_TEXT like Reddit (see `deleteThing`, `lockThing`).
// - `POST /api/editusertext`, `POST /api/del` on our own things; `GET /api/info?id=`, `GET /api/v1/me`.
// Not served: `/comments/:id` trees, private messages, voting, moderation.
import { startFakeServer, type FailOptions, type FakeReply, type FakeRequest, type FakeServer } from '../fake-http.ts'

export interface RedditThingWire {
  kind: string
  data: Record<string, unknown>
}

export interface RedditFakeOptions {
  clientId: string
  clientSecret: string
  /** The account's username: the author of everything posted through the fake. */
  username: string
  /** Accepted for grant_type=password (with `username`). */
  password?: string
  /** Accepted for grant_type=refresh_token. */
  refreshToken?: string
  /** Listing path (`/r/acme/new`, `/r/acme/comments`, `/message/mentions`, `/user/<name>/comments`) → things, newest first. */
  listings?: Record<string, RedditThingWire[]>
  rateLimit?: { limit: number; windowMs: number }
  /** `expires_in` of issued tokens (default 86 400 s, Reddit's). */
  tokenTtlS?: number
}

export interface PostedComment {
  /** The fullname answered (`thing_id`). */
  thingId: string
  text: string
  /** Fullname of the new comment. */
  name: string
  linkId: string
  userAgent: string | null
}

export interface RedditFake {
  /** Base URL for both `authUrl` and `apiBaseUrl`. */
  url: string
  server: FakeServer
  requests: FakeRequest[]
  comments: PostedComment[]
  edits: { thingId: string; text: string }[]
  deletions: string[]
  /** How many access tokens were issued. */
  tokensIssued(): number
  /** Puts newer things on top of a listing (creating it if needed). */
  addThings(path: string, things: RedditThingWire[]): void
  /** Marks a thing deleted: its body/author read `[deleted]`; replies to it get DELETED_COMMENT. */
  deleteThing(fullname: string): void
  /** Replies to this thing (or anything in this post) get THREAD_LOCKED. */
  lockThing(fullname: string): void
  /** Invalidates every issued token: the next API call gets 401. */
  revokeTokens(): void
  failNext(options: FailOptions): void
  hangAfterNext(pathPrefix?: string): void
  close(): Promise<void>
}

const newIdBase = parseInt('zz00000', 36)

function resetSeconds(resetAtMs: number): string {
  const ms = Math.max(0, resetAtMs - Date.now())
  return ms >= 1000 ? String(Math.ceil(ms / 1000)) : (ms / 1000).toFixed(3)
}

function nameOf(thing: RedditThingWire): string {
  const name = thing.data.name
  return typeof name === 'string' ? name : `${thing.kind}_${String(thing.data.id)}`
}

function listingReply(children: RedditThingWire[], after: string | null, before: string | null): FakeReply {
  return { body: { kind: 'Listing', data: { after, dist: children.length, modhash: null, geo_filter: '', children, before } } }
}

/** Reddit's listing pagination over a newest-first array. */
export function listingPage(all: readonly RedditThingWire[], query: URLSearchParams): FakeReply {
  const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? '25') || 25))
  const after = query.get('after')
  const before = query.get('before')
  let start = 0
  let end = all.length
  if (after !== null && after !== '') {
    const at = all.findIndex((t) => nameOf(t) === after)
    if (at < 0) return listingReply([], null, null)
    start = at + 1
    end = Math.min(all.length, start + limit)
  } else if (before !== null && before !== '') {
    const at = all.findIndex((t) => nameOf(t) === before)
    if (at < 0) return listingReply([], null, null)
    end = at
    start = Math.max(0, end - limit)
  } else {
    end = Math.min(all.length, limit)
  }
  const children = all.slice(start, end)
  const first = children[0]
  const last = children.at(-1)
  return listingReply(children, last !== undefined && end < all.length ? nameOf(last) : null, first !== undefined && start > 0 ? nameOf(first) : null)
}

function formOf(req: FakeRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'))
}

function jsonErrors(code: string, message: string, field: string): FakeReply {
  return { body: { json: { errors: [[code, message, field]] } } }
}

export async function startRedditFake(options: RedditFakeOptions): Promise<RedditFake> {
  const listings = new Map<string, RedditThingWire[]>()
  const things = new Map<string, RedditThingWire>()
  const locked = new Set<string>()
  const tokens = new Set<string>()
  let issued = 0
  let created = 0
  const comments: PostedComment[] = []
  const edits: { thingId: string; text: string }[] = []
  const deletions: string[] = []
  const ownListing = `/user/${options.username}/comments`

  function addThings(path: string, given: RedditThingWire[]): void {
    // Copies: edits and deletes change the fake's things, never the caller's fixtures.
    const added = given.map((thing) => things.get(nameOf(thing)) ?? structuredClone(thing))
    listings.set(path, [...added, ...(listings.get(path) ?? [])])
    for (const thing of added) things.set(nameOf(thing), thing)
  }
  for (const [path, list] of Object.entries(options.listings ?? {})) addThings(path, list)

  function authorized(req: FakeRequest): boolean {
    const match = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')
    return match !== null && tokens.has(match[1]!)
  }
  const unauthorized: FakeReply = { status: 401, headers: { 'www-authenticate': 'Bearer realm="reddit", error="invalid_token"' }, body: { message: 'Unauthorized', error: 401 } }

  function withAuth(handler: (req: FakeRequest, params: Readonly<Record<string, string>>) => FakeReply) {
    return (req: FakeRequest, params: Readonly<Record<string, string>>): FakeReply => (authorized(req) ? handler(req, params) : unauthorized)
  }

  function token(req: FakeRequest): FakeReply {
    const expected = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`
    if (req.headers.authorization !== expected) return { status: 401, body: { message: 'Unauthorized', error: 401 } }
    const form = formOf(req)
    const grant = form.get('grant_type')
    const passwordOk = grant === 'password' && options.password !== undefined && form.get('username') === options.username && form.get('password') === options.password
    const refreshOk = grant === 'refresh_token' && options.refreshToken !== undefined && form.get('refresh_token') === options.refreshToken
    if (!passwordOk && !refreshOk) return { body: { error: 'invalid_grant' } }
    issued++
    const accessToken = `fake-reddit-token-${issued}`
    tokens.add(accessToken)
    return { body: { access_token: accessToken, token_type: 'bearer', expires_in: options.tokenTtlS ?? 86_400, scope: '*' } }
  }

  function isGoneThing(thing: RedditThingWire | undefined): boolean {
    return thing !== undefined && (thing.data.body === '[deleted]' || thing.data.selftext === '[deleted]' || thing.data.author === '[deleted]')
  }

  function linkOf(parentId: string): string {
    if (parentId.startsWith('t3_')) return parentId
    const link = things.get(parentId)?.data.link_id
    return typeof link === 'string' ? link : 't3_0'
  }

  function comment(req: FakeRequest): FakeReply {
    const form = formOf(req)
    const thingId = form.get('thing_id') ?? ''
    const text = form.get('text') ?? ''
    const parent = things.get(thingId)
    if (!/^t[13]_[0-9a-z]+$/.test(thingId)) return jsonErrors('INVALID_THING_ID', 'that thing cannot be replied to', 'parent')
    if (isGoneThing(parent)) return jsonErrors('DELETED_COMMENT', 'that comment has been deleted', 'parent')
    const linkId = linkOf(thingId)
    if (locked.has(thingId) || locked.has(linkId)) return jsonErrors('THREAD_LOCKED', 'Comments are locked.', 'parent')
    if (text.trim() === '') return jsonErrors('NO_TEXT', 'we need something here', 'text')
    if (text.length > 10_000) return jsonErrors('TOO_LONG', 'this is too long (max: 10000)', 'text')
    created++
    const id = (newIdBase + created).toString(36)
    const subreddit = typeof parent?.data.subreddit === 'string' ? parent.data.subreddit : 'test'
    const thing: RedditThingWire = {
      kind: 't1',
      data: {
        id, name: `t1_${id}`, author: options.username, body: text, parent_id: thingId, link_id: linkId, subreddit,
        permalink: `/r/${subreddit}/comments/${linkId.slice(3)}/_/${id}/`, created_utc: Math.floor(Date.now() / 1000), edited: false,
        score: 1, ups: 1, replies: '', likes: true,
      },
    }
    addThings(ownListing, [thing])
    if (listings.has(`/r/${subreddit}/comments`)) addThings(`/r/${subreddit}/comments`, [thing])
    comments.push({ thingId, text, name: `t1_${id}`, linkId, userAgent: req.headers['user-agent'] ?? null })
    return { body: { json: { errors: [], data: { things: [thing] } } } }
  }

  function editUserText(req: FakeRequest): FakeReply {
    const form = formOf(req)
    const thingId = form.get('thing_id') ?? ''
    const text = form.get('text') ?? ''
    const thing = things.get(thingId)
    if (thing === undefined || isGoneThing(thing)) return jsonErrors('DELETED_COMMENT', 'that comment has been deleted', 'thing_id')
    if (thing.data.author !== options.username) return { status: 403, body: { message: 'Forbidden', error: 403 } }
    if (text.length > 10_000) return jsonErrors('TOO_LONG', 'this is too long (max: 10000)', 'text')
    thing.data[thing.kind === 't3' ? 'selftext' : 'body'] = text
    thing.data.edited = Date.now() / 1000
    edits.push({ thingId, text })
    return { body: { json: { errors: [], data: { things: [thing] } } } }
  }

  function del(req: FakeRequest): FakeReply {
    const id = formOf(req).get('id') ?? ''
    const thing = things.get(id)
    if (thing !== undefined && thing.data.author === options.username) {
      deleteThing(id)
      deletions.push(id)
    }
    return { body: {} }
  }

  function deleteThing(fullname: string): void {
    const thing = things.get(fullname)
    if (thing === undefined) return
    thing.data.author = '[deleted]'
    thing.data[thing.kind === 't3' ? 'selftext' : 'body'] = '[deleted]'
  }

  function info(req: FakeRequest): FakeReply {
    const ids = (req.query.get('id') ?? '').split(',')
    const found = ids.map((id) => things.get(id)).filter((t): t is RedditThingWire => t !== undefined)
    return listingReply(found, null, null)
  }

  const listingRoute = (req: FakeRequest): FakeReply => listingPage(listings.get(req.path) ?? [], req.query)

  const server = await startFakeServer({
    routes: [
      { method: 'POST', path: '/api/v1/access_token', handler: token },
      { method: 'GET', path: '/api/v1/me', handler: withAuth(() => ({ body: { name: options.username, id: 'fakeuser' } })) },
      { method: 'GET', path: '/r/:sub/new', handler: withAuth(listingRoute) },
      { method: 'GET', path: '/r/:sub/comments', handler: withAuth(listingRoute) },
      { method: 'GET', path: '/message/mentions', handler: withAuth(listingRoute) },
      { method: 'GET', path: '/user/:name/comments', handler: withAuth(listingRoute) },
      { method: 'GET', path: '/api/info', handler: withAuth(info) },
      { method: 'POST', path: '/api/comment', handler: withAuth(comment) },
      { method: 'POST', path: '/api/editusertext', handler: withAuth(editUserText) },
      { method: 'POST', path: '/api/del', handler: withAuth(del) },
    ],
    ...(options.rateLimit === undefined ? {} : {
      rateLimit: {
        ...options.rateLimit,
        headers: (limit: number, remaining: number, resetAtMs: number) => ({
          'x-ratelimit-used': String(limit - remaining),
          'x-ratelimit-remaining': remaining.toFixed(1),
          'x-ratelimit-reset': resetSeconds(resetAtMs),
        }),
      },
    }),
  })

  return {
    url: server.url,
    server,
    requests: server.requests,
    comments,
    edits,
    deletions,
    tokensIssued: () => issued,
    addThings,
    deleteThing,
    lockThing: (fullname) => void locked.add(fullname),
    revokeTokens: () => tokens.clear(),
    failNext: (o) => server.failNext(o),
    hangAfterNext: (prefix) => server.hangAfterNext(prefix),
    close: () => server.close(),
  }
}

// A local Google Business Profile for tests: `startGoogleReviewsFake(options)` serves the OAuth
// token endpoint and the v4 reviews API on one loopback URL (use it as both `settings.tokenUrl`
// and `settings.apiBaseUrl`).
//
//   const google = await startGoogleReviewsFake({ location: 'accounts/1/locations/2', reviews,
//     clientId: 'id', clientSecret: 'secret', refreshToken: 'refresh' })
//   … run the source or the sender against google.url …
//   google.replies        // every PUT …/reply: { reviewName, comment }
//   google.replyDeletions // every DELETE …/reply that removed a reply: review names
//   google.review(id)     // the review as it is now (reviewReply set by PUT, removed by DELETE)
//   await google.close()
//
// Like Google:
// - `POST /token` (form grant_type=refresh_token, client_id, client_secret, refresh_token):
//   401 invalid_client for wrong app credentials, 400 invalid_grant for a wrong refresh token.
// - Every API route needs `Authorization: Bearer <issued token>`: 401 UNAUTHENTICATED otherwise.
// - `GET /v4/{location}/reviews?pageSize&pageToken&orderBy`: updateTime desc (the default and the
//   only order served), pageSize ≤ 50 (default 50), an opaque `nextPageToken`, `averageRating`,
//   `totalReviewCount`; a bad pageToken is 400 INVALID_ARGUMENT; an unknown location 404.
// - `PUT /v4/{review}/reply {"comment"}` creates or replaces the reply (400 for an empty or
//   too long comment), `DELETE /v4/{review}/reply`; unknown reviews are 404 NOT_FOUND.
// - `rateLimit`: 429 RESOURCE_EXHAUSTED beyond the limit, with Retry-After (seconds; fractional
//   below one second so tests can use short windows). Google sends no rate-limit headers otherwise.
import { startFakeServer, type FailOptions, type FakeReply, type FakeRequest, type FakeServer } from '../fake-http.ts'
import { timeKey } from './reviews.ts'

export interface GoogleReviewsFakeOptions {
  /** `accounts/{id}/locations/{id}` served. */
  location: string
  /** Review objects as Google returns them (each needs `reviewId` and `updateTime`; `name` is filled in). */
  reviews?: Record<string, unknown>[]
  clientId: string
  clientSecret: string
  refreshToken: string
  rateLimit?: { limit: number; windowMs: number }
  /** `expires_in` of issued tokens (default 3 599 s, Google's). */
  tokenTtlS?: number
}

export interface GoogleReviewsFake {
  /** Base URL for both `tokenUrl` and `apiBaseUrl`. */
  url: string
  server: FakeServer
  requests: FakeRequest[]
  replies: { reviewName: string; comment: string }[]
  replyDeletions: string[]
  tokensIssued(): number
  /** The stored review (a copy), or undefined. */
  review(reviewId: string): Record<string, unknown> | undefined
  /** Adds reviews or replaces those with the same reviewId (an edit: give a later updateTime). */
  upsertReviews(reviews: Record<string, unknown>[]): void
  revokeTokens(): void
  failNext(options: FailOptions): void
  hangAfterNext(pathPrefix?: string): void
  close(): Promise<void>
}

function googleError(code: number, status: string, message: string): FakeReply {
  return { status: code, body: { error: { code, message, status } } }
}

function retryAfterSeconds(resetAtMs: number): string {
  const ms = Math.max(0, resetAtMs - Date.now())
  return ms >= 1000 ? String(Math.ceil(ms / 1000)) : (ms / 1000).toFixed(3)
}

export async function startGoogleReviewsFake(options: GoogleReviewsFakeOptions): Promise<GoogleReviewsFake> {
  const reviews = new Map<string, Record<string, unknown>>()
  const tokens = new Set<string>()
  const replies: { reviewName: string; comment: string }[] = []
  const replyDeletions: string[] = []
  let issued = 0

  function upsertReviews(given: Record<string, unknown>[]): void {
    for (const review of given) {
      const copy = structuredClone(review)
      const id = String(copy.reviewId)
      copy.name = `${options.location}/reviews/${id}`
      reviews.set(id, copy)
    }
  }
  upsertReviews(options.reviews ?? [])

  function token(req: FakeRequest): FakeReply {
    const form = new URLSearchParams(req.body.toString('utf8'))
    if (form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Unauthorized' } }
    }
    if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== options.refreshToken) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } }
    }
    issued++
    const accessToken = `ya29.fake-google-token-${issued}`
    tokens.add(accessToken)
    return { body: { access_token: accessToken, expires_in: options.tokenTtlS ?? 3_599, scope: 'https://www.googleapis.com/auth/business.manage', token_type: 'Bearer' } }
  }

  function withAuth(handler: (req: FakeRequest, params: Readonly<Record<string, string>>) => FakeReply) {
    return (req: FakeRequest, params: Readonly<Record<string, string>>): FakeReply => {
      const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')
      if (match === null || !tokens.has(match[1]!)) {
        return { ...googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'), headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' } }
      }
      return handler(req, params)
    }
  }

  function locationOf(params: Readonly<Record<string, string>>): string {
    return `accounts/${params.account}/locations/${params.location}`
  }

  function list(req: FakeRequest, params: Readonly<Record<string, string>>): FakeReply {
    if (locationOf(params) !== options.location) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.')
    const pageSize = Math.min(50, Math.max(1, Number(req.query.get('pageSize') ?? '50') || 50))
    const orderBy = req.query.get('orderBy')
    if (orderBy !== null && orderBy !== 'updateTime desc') return googleError(400, 'INVALID_ARGUMENT', `orderBy ${orderBy} is not served by the fake`)
    let offset = 0
    const pageToken = req.query.get('pageToken')
    if (pageToken !== null && pageToken !== '') {
      const decoded = Number(Buffer.from(pageToken, 'base64url').toString('utf8').replace(/^offset:/, ''))
      if (!Number.isSafeInteger(decoded) || decoded < 0) return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.')
      offset = decoded
    }
    const all = [...reviews.values()].sort((a, b) => ((timeKey(String(b.updateTime)) ?? '') > (timeKey(String(a.updateTime)) ?? '') ? 1 : -1))
    const page = all.slice(offset, offset + pageSize)
    const stars: Record<string, number> = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 }
    const rated = all.map((r) => stars[String(r.starRating)] ?? 0).filter((n) => n > 0)
    const body: Record<string, unknown> = { averageRating: rated.length === 0 ? 0 : Math.round((rated.reduce((a, b) => a + b, 0) / rated.length) * 10) / 10, totalReviewCount: all.length }
    if (page.length > 0) body.reviews = page
    if (offset + pageSize < all.length) body.nextPageToken = Buffer.from(`offset:${offset + pageSize}`).toString('base64url')
    return { body }
  }

  function reviewFor(params: Readonly<Record<string, string>>): Record<string, unknown> | undefined {
    return locationOf(params) === options.location ? reviews.get(params.review!) : undefined
  }

  function putReply(req: FakeRequest, params: Readonly<Record<string, string>>): FakeReply {
    const review = reviewFor(params)
    if (review === undefined) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.')
    let comment: unknown = null
    try {
      comment = (JSON.parse(req.body.toString('utf8')) as { comment?: unknown }).comment
    } catch {
      comment = null
    }
    if (typeof comment !== 'string' || comment.trim() === '' || Buffer.byteLength(comment) > 4_096) {
      return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.')
    }
    const reply = { comment, updateTime: new Date().toISOString() }
    review.reviewReply = reply
    replies.push({ reviewName: String(review.name), comment })
    return { body: reply }
  }

  function deleteReply(_req: FakeRequest, params: Readonly<Record<string, string>>): FakeReply {
    const review = reviewFor(params)
    if (review === undefined) return googleError(404, 'NOT_FOUND', 'Requested entity was not found.')
    if (review.reviewReply !== undefined) {
      delete review.reviewReply
      replyDeletions.push(String(review.name))
    }
    return { body: {} }
  }

  const reviewPath = '/v4/accounts/:account/locations/:location/reviews/:review'
  const server = await startFakeServer({
    routes: [
      { method: 'POST', path: '/token', handler: token },
      { method: 'GET', path: '/v4/accounts/:account/locations/:location/reviews', handler: withAuth(list) },
      { method: 'GET', path: reviewPath, handler: withAuth((_req, params) => reviewFor(params) === undefined ? googleError(404, 'NOT_FOUND', 'Requested entity was not found.') : { body: reviewFor(params) }) },
      { method: 'PUT', path: `${reviewPath}/reply`, handler: withAuth(putReply) },
      { method: 'DELETE', path: `${reviewPath}/reply`, handler: withAuth(deleteReply) },
    ],
    ...(options.rateLimit === undefined ? {} : {
      rateLimit: {
        ...options.rateLimit,
        headers: (_limit: number, remaining: number, resetAtMs: number): Record<string, string> => (remaining === 0 ? { 'retry-after': retryAfterSeconds(resetAtMs) } : {}),
      },
    }),
  })

  return {
    url: server.url,
    server,
    requests: server.requests,
    replies,
    replyDeletions,
    tokensIssued: () => issued,
    review: (id) => {
      const review = reviews.get(id)
      return review === undefined ? undefined : structuredClone(review)
    },
    upsertReviews,
    revokeTokens: () => tokens.clear(),
    failNext: (o) => server.failNext(o),
    hangAfterNext: (prefix) => server.hangAfterNext(prefix),
    close: () => server.close(),
  }
}

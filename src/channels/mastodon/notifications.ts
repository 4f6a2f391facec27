// Mention notifications since a cursor, every page: GET /api/v1/notifications?types[]=mention&min_id=<cursor>
// answers the page just after the cursor (served newest first); its Link rel="prev" (min_id = the
// page's newest id) leads to the next newer page. Walking forward like this, the cursor can be saved
// after every page and a restart never leaves a gap (`since_id` would answer the *newest* page and
// skip whatever lies between it and the cursor when more than one page arrived).
// Each notification is emitted as its own unit, oldest first, so parents are stored before replies.
import { fetchWithTimeout, retryAfterMs } from '../http.ts'
import type { SourceContext } from '../types.ts'
import { isRecord, stringAt } from '../wire.ts'
import { authHeaders, exhaustedWaitMs, instanceUrl, parseLinkHeader, rateLimitReset } from './api.ts'
import { compareIds, isStatusId, newestId } from './ids.ts'

export const notificationsPageLimit = 40
/** A poll stops after this many pages and goes on from its saved cursor next time. */
const pagesPerPassMax = 500
const rateLimitedAttemptsMax = 5
/** When a 429 carries no reset, wait a whole Mastodon window. */
const fallbackRateLimitWaitMs = 300_000

export interface NotificationsCursor {
  /** Id of the newest mention notification emitted. */
  notificationsSinceId: string
}

export function cursorId(cursor: unknown): string | null {
  if (typeof cursor === 'string') return isStatusId(cursor) ? cursor : null
  if (isRecord(cursor)) {
    const id = stringAt(cursor, 'notificationsSinceId')
    return isStatusId(id) ? id : null
  }
  return null
}

export class AuthRejectedError extends Error {
  constructor(status: number, detail: string) {
    super(`Mastodon rejected the access token (HTTP ${status})${detail === '' ? '' : `: ${detail}`}`)
    this.name = 'AuthRejectedError'
  }
}

/** Waits out a drained rate-limit window before the next request instead of running into 429s. */
export class RateGate {
  private waitMs = 0

  async beforeRequest(ctx: SourceContext): Promise<void> {
    if (this.waitMs <= 0) return
    ctx.log.info({ waitMs: this.waitMs }, 'mastodon rate limit used up: waiting for the reset')
    const wait = this.waitMs
    this.waitMs = 0
    await ctx.sleep(wait)
  }

  afterResponse(res: Response, ctx: SourceContext): void {
    this.waitMs = exhaustedWaitMs(res.headers, ctx.now())
  }
}

/** GET with the bearer token; on 429 waits until the reset (Retry-After or X-RateLimit-Reset) and asks again. */
export async function getJson(ctx: SourceContext, url: string, gate: RateGate): Promise<{ res: Response; body: unknown }> {
  for (let attempt = 0; attempt < rateLimitedAttemptsMax; attempt++) {
    await gate.beforeRequest(ctx)
    const res = await fetchWithTimeout(ctx.fetch, url, { headers: authHeaders(ctx.account), signal: ctx.signal })
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers, ctx.now(), rateLimitReset) ?? fallbackRateLimitWaitMs
      ctx.log.warn({ url, waitMs: wait }, 'mastodon answered 429: waiting for the reset')
      await res.body?.cancel()
      await ctx.sleep(wait)
      continue
    }
    gate.afterResponse(res, ctx)
    const text = await res.text()
    if (res.status === 401 || res.status === 403) throw new AuthRejectedError(res.status, text.slice(0, 300))
    if (!res.ok) throw new Error(`GET ${new URL(url).pathname} answered HTTP ${res.status}: ${text.slice(0, 300)}`)
    try {
      return { res, body: JSON.parse(text) as unknown }
    } catch {
      throw new Error(`GET ${new URL(url).pathname} answered HTTP ${res.status} with a body that is not JSON`)
    }
  }
  throw new Error(`GET ${new URL(url).pathname}: still rate limited after ${rateLimitedAttemptsMax} attempts`)
}

/**
 * Emits every mention notification after `sinceId`, page by page, saving the cursor after each
 * page's emit. Without a cursor (first run) only the newest page is taken: no history backfill.
 * Returns the cursor id reached.
 */
export async function catchUpNotifications(ctx: SourceContext, sinceId: string | null, gate: RateGate): Promise<string | null> {
  const base = `${instanceUrl(ctx.account)}/api/v1/notifications`
  let cursor = sinceId
  let params = new URLSearchParams({ 'types[]': 'mention', limit: String(notificationsPageLimit) })
  if (cursor !== null) params.set('min_id', cursor)
  for (let page = 0; page < pagesPerPassMax; page++) {
    const { res, body } = await getJson(ctx, `${base}?${params.toString()}`, gate)
    if (!Array.isArray(body)) throw new Error('GET /api/v1/notifications did not answer an array')
    if (body.length === 0) break
    const ordered = [...body].sort((a, b) => compareIds(idOf(a) ?? '', idOf(b) ?? ''))
    const newest = newestId(ordered.map(idOf).filter((id): id is string => id !== null), cursor)
    await ctx.emit(ordered.map((item) => ({ body: JSON.stringify(item), origin: `GET /api/v1/notifications ${params.toString()}` })))
    if (newest !== null && newest !== cursor) {
      cursor = newest
      await ctx.saveCursor({ notificationsSinceId: cursor } satisfies NotificationsCursor)
    }
    // min_id pages end at the newest notification: a page that is not full is the last one.
    if (sinceId === null || body.length < notificationsPageLimit) break
    const prev = parseLinkHeader(res.headers.get('link'))['prev']
    if (prev === undefined) break
    params = linkParams(prev, cursor)
  }
  return cursor
}

/** The query of a Link target, applied to our own base URL (the instance may link with its public host). */
function linkParams(link: string, cursor: string | null): URLSearchParams {
  let params: URLSearchParams
  try {
    params = new URL(link).searchParams
  } catch {
    params = new URLSearchParams()
  }
  if (!params.has('min_id') && cursor !== null) params.set('min_id', cursor)
  if (!params.has('types[]')) params.append('types[]', 'mention')
  return params
}

function idOf(item: unknown): string | null {
  if (!isRecord(item)) return null
  const id = stringAt(item, 'id')
  return isStatusId(id) ? id : null
}

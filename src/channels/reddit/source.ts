// Polls the account's Reddit listings: `/r/<sub>/new` (posts) and `/r/<sub>/comments` (comments)
// for each subreddit in settings.subreddits, and `/message/mentions` (username mentions).
//
// Cursor: `{ "<listing path>": "<newest fullname seen>" }`. Listings are newest first; a pass pages
// back with `after` until it meets a fullname no newer than the cursor's (ids only grow, so a
// deleted cursor thing does not send the pass to the end of the listing), then emits the pages
// oldest first, saving the cursor after each emit: a crash mid-backfill resumes at the gap. The first
// pass of a listing reads only its newest page (no cursor: nothing was missed).
// Rate limit: `x-ratelimit-remaining` at 0 waits `x-ratelimit-reset` seconds; a 429 waits the same
// and asks again (bounded).
import { bodyText, retryAfterMs } from '../http.ts'
import type { Source, SourceContext } from '../types.ts'
import { arrayAt, idAt, isRecord, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { redditCall, redditReset, redditSettingsOf, type RedditSettings } from './client.ts'
import { isFullname, isNewerThan, isSubredditName } from './things.ts'
import { redditUnitBody } from './unit.ts'

export const redditPollIntervalMs = 60_000
/** Reddit listings stop at about 1,000 things: 10 pages of 100. */
export const listingPagesMax = 10
export const listingPageSize = 100
const rateLimitedAttemptsMax = 4
/** Used when a 429 carries no reset header. */
const rateLimitWaitMsDefault = 5_000

export type RedditCursor = Record<string, string>

interface Page {
  /** The Listing as Reddit sent it, with only the things newer than the cursor. */
  listing: JsonRecord
  newest: string
}

/** Tracks Reddit's per-client window between requests of one pass. */
interface RateWindow {
  remaining: number | null
  resetMs: number | null
}

export function listingPathsOf(settings: RedditSettings): string[] {
  const subs = settings.subreddits.filter(isSubredditName)
  return [...subs.flatMap((sub) => [`/r/${sub}/new`, `/r/${sub}/comments`]), '/message/mentions']
}

export function cursorOf(value: unknown): RedditCursor {
  const cursor: RedditCursor = {}
  if (!isRecord(value)) return cursor
  for (const [listing, fullname] of Object.entries(value)) if (typeof fullname === 'string' && isFullname(fullname)) cursor[listing] = fullname
  return cursor
}

async function poll(ctx: SourceContext): Promise<void> {
  const settings = redditSettingsOf(ctx.account)
  const cursor = cursorOf(ctx.cursor)
  const window: RateWindow = { remaining: null, resetMs: null }
  for (const path of listingPathsOf(settings)) {
    const pages = await newPages(ctx, window, path, cursor[path] ?? null)
    for (const page of pages.reverse()) {
      await ctx.emit([{ body: redditUnitBody({ listing: path, username: settings.username, rawJson: true }, page.listing), origin: `reddit ${path}` }])
      cursor[path] = page.newest
      await ctx.saveCursor({ ...cursor })
    }
  }
}

/** Newest first: every page down to the cursor (or only the newest page without one). */
async function newPages(ctx: SourceContext, window: RateWindow, path: string, seen: string | null): Promise<Page[]> {
  const pages: Page[] = []
  let after: string | null = null
  for (let pageNo = 0; pageNo < listingPagesMax; pageNo++) {
    const listing = await fetchListing(ctx, window, path, after)
    if (listing === null) return pages
    const data = recordAt(listing, 'data')!
    const children = arrayAt(data, 'children')
    const fresh: unknown[] = []
    let reachedSeen = false
    for (const child of children) {
      const name = fullnameOf(child)
      if (seen !== null && name !== null && name.slice(0, 3) === seen.slice(0, 3) && !isNewerThan(name, seen)) {
        reachedSeen = true
        break
      }
      fresh.push(child)
    }
    const newest = fresh.map(fullnameOf).find((name): name is string => name !== null)
    if (newest !== undefined) pages.push({ listing: { ...listing, data: { ...data, children: fresh } }, newest })
    after = stringAt(data, 'after')
    if (seen === null || reachedSeen || after === null || children.length === 0) return pages
  }
  ctx.log.warn({ path, pages: listingPagesMax }, 'reddit listing ends before the cursor: things older than this may be missed')
  return pages
}

function fullnameOf(child: unknown): string | null {
  const data = isRecord(child) ? recordAt(child, 'data') : null
  const name = data === null ? null : idAt(data, 'name')
  return isFullname(name) ? name : null
}

/** One Listing page; null when the listing cannot be read (private or banned subreddit): the others go on. */
async function fetchListing(ctx: SourceContext, window: RateWindow, path: string, after: string | null): Promise<JsonRecord | null> {
  for (let attempt = 1; attempt <= rateLimitedAttemptsMax; attempt++) {
    if (window.remaining !== null && window.remaining < 1 && window.resetMs !== null) {
      ctx.log.info({ path, waitMs: window.resetMs }, 'reddit rate limit used up: waiting for the reset')
      await ctx.sleep(window.resetMs)
      window.remaining = null
    }
    const query: Record<string, string> = { limit: String(listingPageSize), ...(after === null ? {} : { after }) }
    const call = await redditCall(ctx, { method: 'GET', path, query })
    if (!call.ok) throw new Error(`reddit ${path}: ${call.failure.reason}`)
    const { res } = call
    noteWindow(window, res.headers, ctx.now())
    if (res.status === 429) {
      await res.body?.cancel()
      const waitMs = retryAfterMs(res.headers, ctx.now(), redditReset) ?? rateLimitWaitMsDefault
      ctx.log.warn({ path, waitMs, attempt }, 'reddit 429: waiting for the reset')
      await ctx.sleep(waitMs)
      window.remaining = null
      continue
    }
    if (res.status === 403 || res.status === 404) {
      ctx.log.warn({ path, status: res.status, body: await bodyText(res, 300) }, 'reddit listing not readable: skipped this pass')
      return null
    }
    if (!res.ok) throw new Error(`reddit ${path}: HTTP ${res.status} ${await bodyText(res, 300)}`)
    const body: unknown = await res.json().catch(() => null)
    if (!isRecord(body) || body.kind !== 'Listing' || recordAt(body, 'data') === null) throw new Error(`reddit ${path}: the answer is not a Listing`)
    return body
  }
  throw new Error(`reddit ${path}: still rate limited after ${rateLimitedAttemptsMax} attempts`)
}

function noteWindow(window: RateWindow, headers: Headers, now: Date): void {
  const remaining = Number(headers.get('x-ratelimit-remaining') ?? Number.NaN)
  window.remaining = Number.isFinite(remaining) ? remaining : null
  // Only the reset header: a Retry-After on a 200 would not describe the window.
  const reset = headers.get(redditReset.name)
  window.resetMs = reset === null ? null : retryAfterMs(new Headers({ [redditReset.name]: reset }), now, redditReset)
}

export const redditSource: Source = { kind: 'poll', intervalMs: redditPollIntervalMs, poll }

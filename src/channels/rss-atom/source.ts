// Feed polling: each URL in settings.feeds (newline- or comma-separated) is fetched with a
// conditional GET (If-None-Match / If-Modified-Since from the cursor; 304 → nothing emitted) and
// a 200 is emitted whole as one unit (parse reads every item; the pipeline dedupes on guid/id).
// Comment feeds (wfw:commentRss, Atom rel="replies") are fetched when their announced count
// changed; feeds that announce no counts get the comment feeds of their newest items re-read
// (conditionally) whenever the feed document itself changed.
// A feed's validators advance only once its changed comment feeds were all read, so a failure
// there makes the next poll fetch the feed again instead of a 304 that would hide them.
import { fetchWithTimeout, retryAfterMs } from '../http.ts'
import type { Source, SourceContext } from '../types.ts'
import { isRecord, stringAt } from '../wire.ts'
import { commentLinks, type CommentLink } from './comment-links.ts'
import { decodeFeedBytes } from './feed-bytes.ts'
import { feedCharsMax } from './parse.ts'

export interface FeedState {
  etag: string | null
  lastModified: string | null
  /** Comment feed URL → the count announced when it was last read (main feeds only). */
  commentCounts: Record<string, number | null>
}

/** Feed URL (configured feeds and their comment feeds) → its state. */
export type FeedCursor = Record<string, FeedState>

export interface FeedSourceOptions {
  intervalMs: number
  timeoutMs: number
  /** Longest Retry-After (429/503) waited for inside a poll; longer ones skip the feed until the next poll. */
  retryWaitMsMax: number
  /** Retries of one feed after a 429/503 within one poll. */
  retriesMax: number
  /** Comment feeds read per feed and poll; the rest wait for the next poll. */
  commentFeedsPerPollMax: number
  /** Items whose comment feeds are re-read when the feed gives no counts. */
  uncountedCommentFeedsMax: number
}

export const defaultFeedSourceOptions: FeedSourceOptions = {
  intervalMs: 15 * 60_000, timeoutMs: 20_000, retryWaitMsMax: 60_000, retriesMax: 2, commentFeedsPerPollMax: 30, uncountedCommentFeedsMax: 10,
}

export const defaultUserAgent = 'Earshot/0.1 (feed reader; +https://github.com/earshot-hub/earshot)'
const feedsMax = 100

export function feedUrls(setting: string | undefined): string[] {
  const urls = (setting ?? '').split(/[\n,]+/).map((s) => s.trim()).filter((s) => /^https?:\/\/\S+$/i.test(s))
  return [...new Set(urls)].slice(0, feedsMax)
}

export function readFeedCursor(value: unknown): FeedCursor {
  const cursor: FeedCursor = {}
  if (!isRecord(value)) return cursor
  for (const [url, state] of Object.entries(value)) {
    if (!isRecord(state)) continue
    const counts: Record<string, number | null> = {}
    if (isRecord(state.commentCounts)) {
      for (const [link, count] of Object.entries(state.commentCounts)) {
        if (count === null || (typeof count === 'number' && Number.isSafeInteger(count))) counts[link] = count
      }
    }
    cursor[url] = { etag: stringAt(state, 'etag'), lastModified: stringAt(state, 'lastModified'), commentCounts: counts }
  }
  return cursor
}

export function createFeedSource(options: Partial<FeedSourceOptions> = {}): Source {
  const o = { ...defaultFeedSourceOptions, ...options }
  return { kind: 'poll', intervalMs: o.intervalMs, poll: (ctx) => pollFeeds(ctx, o) }
}

export const feedSource = createFeedSource()

type Fetched =
  | { kind: 'document'; text: string; etag: string | null; lastModified: string | null }
  | { kind: 'unchanged' }
  | { kind: 'failed'; reason: string }

async function pollFeeds(ctx: SourceContext, o: FeedSourceOptions): Promise<void> {
  const previous = readFeedCursor(ctx.cursor)
  const urls = feedUrls(ctx.account.settings.feeds)
  const next: FeedCursor = {}
  for (const url of urls) {
    if (ctx.signal.aborted) return
    const state = previous[url] ?? { etag: null, lastModified: null, commentCounts: {} }
    const fetched = await fetchFeed(ctx, o, url, state)
    if (fetched.kind === 'failed') {
      ctx.log.warn({ account: ctx.account.id, url, reason: fetched.reason }, 'feed poll failed')
      continue
    }
    if (fetched.kind === 'unchanged') continue
    await ctx.emit([{ body: fetched.text, origin: url }])
    const links = commentLinks(fetched.text, url)
    const comments = await readComments(ctx, o, links, state, previous, next)
    next[url] = {
      etag: comments.complete ? fetched.etag : state.etag,
      lastModified: comments.complete ? fetched.lastModified : state.lastModified,
      commentCounts: comments.counts,
    }
    await ctx.saveCursor(prunedCursor(urls, previous, next))
  }
  await ctx.saveCursor(prunedCursor(urls, previous, next))
}

/** The configured feeds and the comment feeds they still link; the newest state of each. */
function prunedCursor(urls: readonly string[], previous: FeedCursor, next: FeedCursor): FeedCursor {
  const cursor: FeedCursor = {}
  for (const url of urls) {
    const state = next[url] ?? previous[url]
    if (state === undefined) continue
    cursor[url] = state
    for (const link of Object.keys(state.commentCounts)) {
      const linked = next[link] ?? previous[link]
      if (linked !== undefined) cursor[link] = linked
    }
  }
  return cursor
}

/** Reads the comment feeds that changed; `complete` is false when one failed or the cap was hit. */
async function readComments(
  ctx: SourceContext, o: FeedSourceOptions, links: readonly CommentLink[], state: FeedState, previous: FeedCursor, next: FeedCursor,
): Promise<{ counts: Record<string, number | null>; complete: boolean }> {
  const counts: Record<string, number | null> = {}
  let complete = true
  let reads = 0
  for (const [index, { url, count }] of links.entries()) {
    const known = Object.hasOwn(state.commentCounts, url) ? state.commentCounts[url] : undefined
    const changed = count === null ? index < o.uncountedCommentFeedsMax : count !== (known ?? 0)
    if (!changed) {
      if (known !== undefined) counts[url] = known
      else if (count !== null) counts[url] = count
      continue
    }
    if (reads >= o.commentFeedsPerPollMax || ctx.signal.aborted) {
      complete = false
      if (known !== undefined) counts[url] = known
      continue
    }
    reads += 1
    const commentState = previous[url] ?? { etag: null, lastModified: null, commentCounts: {} }
    const fetched = await fetchFeed(ctx, o, url, commentState)
    if (fetched.kind === 'failed') {
      ctx.log.warn({ account: ctx.account.id, url, reason: fetched.reason }, 'comment feed poll failed')
      complete = false
      if (known !== undefined) counts[url] = known
      continue
    }
    if (fetched.kind === 'document') {
      await ctx.emit([{ body: fetched.text, origin: url }])
      next[url] = { etag: fetched.etag, lastModified: fetched.lastModified, commentCounts: {} }
    }
    counts[url] = count
  }
  return { counts, complete }
}

/** One conditional GET, waiting out short 429/503 Retry-Afters. */
async function fetchFeed(ctx: SourceContext, o: FeedSourceOptions, url: string, state: FeedState): Promise<Fetched> {
  const headers: Record<string, string> = {
    'user-agent': ctx.account.settings.userAgent?.trim() || defaultUserAgent,
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
  }
  if (state.etag !== null) headers['if-none-match'] = state.etag
  if (state.lastModified !== null) headers['if-modified-since'] = state.lastModified
  for (let attempt = 0; ; attempt++) {
    let res: Response
    try {
      res = await fetchWithTimeout(ctx.fetch, url, { headers, signal: ctx.signal, timeoutMs: o.timeoutMs, redirect: 'follow' })
    } catch (err) {
      return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) }
    }
    if (res.status === 304) return { kind: 'unchanged' }
    if (res.status === 429 || res.status === 503) {
      await res.body?.cancel()
      const waitMs = retryAfterMs(res.headers, ctx.now())
      if (attempt >= o.retriesMax || waitMs === null || waitMs > o.retryWaitMsMax) {
        return { kind: 'failed', reason: `HTTP ${res.status}, retry after ${waitMs === null ? '?' : `${waitMs} ms`}` }
      }
      try {
        await ctx.sleep(waitMs)
      } catch {
        return { kind: 'failed', reason: 'aborted' }
      }
      continue
    }
    if (!res.ok) {
      await res.body?.cancel()
      return { kind: 'failed', reason: `HTTP ${res.status}` }
    }
    const bytes = new Uint8Array(await res.arrayBuffer())
    if (bytes.length > feedCharsMax * 4) return { kind: 'failed', reason: `${bytes.length} bytes is too large` }
    return { kind: 'document', text: decodeFeedBytes(bytes, res.headers.get('content-type')), etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified') }
  }
}

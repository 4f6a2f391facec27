// Mentions polling: GET /2/users/:id/mentions since the last Tweet seen, every page, newest first.
// Each page body is emitted as one unit (parse.ts reads `{data, includes, meta}`).
//
// The cursor makes a crash mid-walk harmless. X pages from the newest Tweet down to since_id, so
// the newest id may only become since_id once the walk reached the bottom; until then the cursor
// records how far down it got, and the next pass fetches the rest with until_id:
//   { sinceId: "<newest id of the last full walk>" | null,
//     backfill: { newestId: "<top of the unfinished walk>", untilId: "<oldest id emitted so far>" } | null }
// The filtered stream (the account setting `stream: on`) lives in stream.ts.
import { bodyText, fetchWithTimeout, retryAfterMs } from '../http.ts'
import type { Source, SourceContext } from '../types.ts'
import { isRecord, stringAt } from '../wire.ts'
import { apiBaseUrl, apiUrl, tweetReadQuery, xRateLimitReset } from './fields.ts'
import { isXId } from './ids.ts'

export { createFilteredStream, filteredStream } from './stream.ts'

export interface MentionsCursor {
  sinceId: string | null
  backfill: { newestId: string; untilId: string } | null
}

export interface MentionsSourceOptions {
  intervalMs: number
  /** Pages per pass; the rest is fetched by the next pass (the cursor says where to go on). */
  pageCountMax: number
  /** 429s answered per pass before the pass gives up (the supervisor backs off). */
  rateLimitWaitsMax: number
  /** Wait after a 429 without a reset header. */
  rateLimitFallbackMs: number
  /** Longest wait for a rate-limit reset (X windows are 15 minutes). */
  rateLimitWaitMsMax: number
}

const defaults: MentionsSourceOptions = {
  intervalMs: 60_000,
  pageCountMax: 10,
  rateLimitWaitsMax: 3,
  rateLimitFallbackMs: 60_000,
  rateLimitWaitMsMax: 16 * 60_000,
}

/** Reads a stored cursor leniently: a bare id string (older format) or the object above. */
export function mentionsCursorOf(stored: unknown): MentionsCursor {
  if (typeof stored === 'string') return { sinceId: isXId(stored) ? stored : null, backfill: null }
  if (!isRecord(stored)) return { sinceId: null, backfill: null }
  const sinceId = stringAt(stored, 'sinceId')
  const backfill = isRecord(stored['backfill']) ? stored['backfill'] : null
  const newestId = backfill === null ? null : stringAt(backfill, 'newestId')
  const untilId = backfill === null ? null : stringAt(backfill, 'untilId')
  return {
    sinceId: isXId(sinceId) ? sinceId : null,
    backfill: isXId(newestId) && isXId(untilId) ? { newestId, untilId } : null,
  }
}

interface PageMeta {
  newestId: string | null
  oldestId: string | null
  nextToken: string | null
  hasData: boolean
}

function pageMetaOf(text: string): PageMeta | null {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return null
  }
  if (!isRecord(body)) return null
  const meta = isRecord(body['meta']) ? body['meta'] : {}
  const newestId = stringAt(meta, 'newest_id')
  const oldestId = stringAt(meta, 'oldest_id')
  const nextToken = stringAt(meta, 'next_token')
  return {
    newestId: isXId(newestId) ? newestId : null,
    oldestId: isXId(oldestId) ? oldestId : null,
    nextToken: nextToken === '' ? null : nextToken,
    hasData: Array.isArray(body['data']) && body['data'].length > 0,
  }
}

/** GET with X's rate limit honoured: on 429 waits until x-rate-limit-reset, then asks again. */
async function getPage(url: string, token: string, ctx: SourceContext, o: MentionsSourceOptions): Promise<{ text: string; headers: Headers }> {
  for (let waits = 0; ; waits++) {
    const res = await fetchWithTimeout(ctx.fetch, url, { method: 'GET', headers: { authorization: `Bearer ${token}` }, signal: ctx.signal })
    if (res.ok) return { text: await res.text(), headers: res.headers }
    const detail = await bodyText(res, 300)
    if (res.status !== 429 || waits >= o.rateLimitWaitsMax) throw new Error(`X mentions: HTTP ${res.status} ${detail}`)
    const waitMs = Math.min(retryAfterMs(res.headers, ctx.now(), xRateLimitReset) ?? o.rateLimitFallbackMs, o.rateLimitWaitMsMax)
    ctx.log.warn({ status: 429, waitMs }, 'X mentions rate-limited; waiting for the reset')
    await ctx.sleep(waitMs)
  }
}

/** When a page used the last request of the window, waits for the reset before the next page. */
async function waitIfExhausted(headers: Headers, ctx: SourceContext, o: MentionsSourceOptions): Promise<void> {
  if (headers.get('x-rate-limit-remaining') !== '0') return
  const waitMs = retryAfterMs(headers, ctx.now(), xRateLimitReset)
  if (waitMs !== null && waitMs > 0) await ctx.sleep(Math.min(waitMs, o.rateLimitWaitMsMax))
}

async function pollMentions(ctx: SourceContext, o: MentionsSourceOptions): Promise<void> {
  const userId = ctx.account.settings['userId'] ?? ''
  const token = ctx.account.secrets['accessToken'] || ctx.account.secrets['bearerToken'] || ''
  if (!isXId(userId)) throw new Error('X account has no numeric userId setting')
  if (token === '') throw new Error('X account has no accessToken or bearerToken secret')
  const cursor = mentionsCursorOf(ctx.cursor)
  const base = apiBaseUrl(ctx.account.settings)
  // A walk left unfinished keeps its top and goes on below the oldest Tweet it emitted.
  let newestId = cursor.backfill?.newestId ?? null
  const untilId = cursor.backfill?.untilId ?? null
  let paginationToken: string | null = null

  for (let page = 0; page < o.pageCountMax; page++) {
    const query: Record<string, string> = { ...tweetReadQuery, max_results: '100' }
    if (cursor.sinceId !== null) query['since_id'] = cursor.sinceId
    if (untilId !== null) query['until_id'] = untilId
    if (paginationToken !== null) query['pagination_token'] = paginationToken
    const { text, headers } = await getPage(apiUrl(base, `/2/users/${userId}/mentions`, query), token, ctx, o)
    const meta = pageMetaOf(text)
    if (meta === null) throw new Error('X mentions: the answer is not a JSON object')
    if (meta.hasData) await ctx.emit([{ body: text, origin: `mentions ${userId} page ${page + 1}` }])
    newestId ??= meta.newestId
    if (meta.nextToken === null || meta.oldestId === null) {
      if (newestId !== null) await ctx.saveCursor({ sinceId: newestId, backfill: null } satisfies MentionsCursor)
      return
    }
    if (newestId !== null) {
      await ctx.saveCursor({ sinceId: cursor.sinceId, backfill: { newestId, untilId: meta.oldestId } } satisfies MentionsCursor)
    }
    paginationToken = meta.nextToken
    await waitIfExhausted(headers, ctx, o)
  }
  ctx.log.info({ pages: o.pageCountMax }, 'X mentions: page limit reached; the next pass goes on')
}

export function createMentionsSource(options: Partial<MentionsSourceOptions> = {}): Source & { kind: 'poll' } {
  const o: MentionsSourceOptions = { ...defaults, ...options }
  return { kind: 'poll', intervalMs: o.intervalMs, poll: (ctx) => pollMentions(ctx, o) }
}

export const mentionsSource = createMentionsSource()

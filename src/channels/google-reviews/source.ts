// Polls one location's reviews, newest update first (`orderBy=updateTime desc`, 50 a page), down
// to the cursor: `{ "updateTime": "<newest updateTime seen>" }`. The pages are emitted oldest first
// (each page one unit, holding only reviews newer than the cursor) and the cursor is saved after
// each emit, so a crash mid-backfill resumes at the gap. The first pass reads the whole history
// (bounded by `reviewPagesMax`). 429 / RESOURCE_EXHAUSTED waits Retry-After and asks again.
import { bodyText, retryAfterMs } from '../http.ts'
import type { Source, SourceContext } from '../types.ts'
import { arrayAt, isRecord, stringAt, type JsonRecord } from '../wire.ts'
import { googleCall, googleSettingsOf, googleStatusOf } from './client.ts'
import { isLocationName, timeKey } from './reviews.ts'

export const reviewsPollIntervalMs = 5 * 60_000
export const reviewsPageSize = 50
/** 5 000 reviews: more than nearly any single location has. */
export const reviewPagesMax = 100
const rateLimitedAttemptsMax = 4
const rateLimitWaitMsDefault = 10_000

export interface ReviewsCursor {
  updateTime: string
}

export function cursorOf(value: unknown): ReviewsCursor | null {
  if (!isRecord(value)) return null
  const updateTime = stringAt(value, 'updateTime')
  return updateTime !== null && timeKey(updateTime) !== null ? { updateTime } : null
}

interface Page {
  body: JsonRecord
  newestUpdateTime: string
}

async function poll(ctx: SourceContext): Promise<void> {
  const settings = googleSettingsOf(ctx.account)
  if (!isLocationName(settings.location)) throw new Error('google-reviews: settings.location must be accounts/{id}/locations/{id}')
  const cursor = cursorOf(ctx.cursor)
  const seenKey = cursor === null ? null : timeKey(cursor.updateTime)
  const pages: Page[] = []
  let pageToken: string | null = null
  for (let pageNo = 0; ; pageNo++) {
    if (pageNo === reviewPagesMax) {
      ctx.log.warn({ pages: reviewPagesMax }, 'google-reviews: stopped paging before the cursor')
      break
    }
    const url = new URL(`${settings.apiBaseUrl}/v4/${settings.location}/reviews`)
    url.searchParams.set('pageSize', String(reviewsPageSize))
    url.searchParams.set('orderBy', 'updateTime desc')
    if (pageToken !== null) url.searchParams.set('pageToken', pageToken)
    const body = await fetchPage(ctx, url.toString())
    const reviews = arrayAt(body, 'reviews').filter(isRecord)
    const fresh = reviews.filter((r) => seenKey === null || (timeKey(stringAt(r, 'updateTime')) ?? '') > seenKey)
    const newest = fresh.map((r) => stringAt(r, 'updateTime')).filter((t): t is string => timeKey(t) !== null)
      .sort((a, b) => (timeKey(b)! > timeKey(a)! ? 1 : -1))[0]
    if (newest !== undefined) pages.push({ body: { ...body, reviews: fresh }, newestUpdateTime: newest })
    pageToken = stringAt(body, 'nextPageToken')
    if (fresh.length < reviews.length || pageToken === null || pageToken === '' || reviews.length === 0) break
  }
  for (const page of pages.reverse()) {
    await ctx.emit([{ body: JSON.stringify(page.body), origin: `google-reviews ${settings.location}` }])
    const saved = cursorOf(ctx.cursor)
    // A page may end older than the cursor's time only if the listing order changed under us: never go back.
    const keep = saved !== null && timeKey(saved.updateTime)! >= timeKey(page.newestUpdateTime)! ? saved.updateTime : page.newestUpdateTime
    await ctx.saveCursor({ updateTime: keep })
  }
}

async function fetchPage(ctx: SourceContext, url: string): Promise<JsonRecord> {
  for (let attempt = 1; attempt <= rateLimitedAttemptsMax; attempt++) {
    const call = await googleCall(ctx, 'GET', url)
    if (!call.ok) throw new Error(`google-reviews: ${call.failure.reason}`)
    const { res } = call
    const text = await bodyText(res, 10_000_000)
    let body: unknown = null
    try {
      body = JSON.parse(text)
    } catch {
      body = null
    }
    if (res.status === 429 || googleStatusOf(body) === 'RESOURCE_EXHAUSTED') {
      const waitMs = retryAfterMs(res.headers, ctx.now()) ?? rateLimitWaitMsDefault
      ctx.log.warn({ waitMs, attempt }, 'google-reviews: rate limited, waiting')
      await ctx.sleep(waitMs)
      continue
    }
    if (!res.ok) throw new Error(`google-reviews: HTTP ${res.status} ${text.slice(0, 300)}`)
    if (!isRecord(body)) throw new Error('google-reviews: the reviews answer is not a JSON object')
    return body
  }
  throw new Error(`google-reviews: still rate limited after ${rateLimitedAttemptsMax} attempts`)
}

export const googleReviewsSource: Source = { kind: 'poll', intervalMs: reviewsPollIntervalMs, poll }

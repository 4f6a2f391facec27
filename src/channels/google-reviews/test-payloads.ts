// Reviews written for the tests in the documented Business Profile v4 format, plus an account and
// contexts pointed at the fake, so every path runs without ../shared.
import { randomUUID } from 'node:crypto'
import type { AccountRuntime, ChannelLog, RawEvent, SendContext, SourceContext } from '../types.ts'
import type { GoogleReviewsFake } from './fake.ts'

export const location = 'accounts/1023/locations/4567'
export const credentials = { clientId: 'gclient', clientSecret: 'gsecret', refreshToken: 'grefresh' }

export function review(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `${location}/reviews/${id}`, reviewId: id,
    reviewer: { displayName: `Reviewer ${id}`, profilePhotoUrl: `https://lh3.googleusercontent.com/a-/${id}` },
    starRating: 'THREE', comment: `review ${id}`, createTime: '2024-05-01T10:00:00.123456Z', updateTime: '2024-05-01T10:00:00.123456Z',
    ...fields,
  }
}

/** Reviews r001 … updated one minute apart, the highest number the newest. */
export function reviewsUpdated(from: number, to: number): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = []
  for (let n = from; n <= to; n++) {
    const at = new Date(Date.UTC(2024, 4, 1) + n * 60_000).toISOString()
    list.push(review(`r${String(n).padStart(3, '0')}`, { createTime: at, updateTime: at }))
  }
  return list
}

export function accountFor(fake: GoogleReviewsFake, settings: Record<string, string> = {}, secrets: Record<string, string> = {}): AccountRuntime {
  return {
    id: randomUUID(), workspaceId: 'ws-1', channel: 'google-reviews', name: 'shop',
    settings: { apiBaseUrl: fake.url, tokenUrl: fake.url, location, ...settings },
    secrets: { ...credentials, ...secrets },
  }
}

const silentLog: ChannelLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }

export interface RecordingSourceContext extends SourceContext {
  emitted: RawEvent[][]
  saved: unknown[]
  sleeps: number[]
}

export function sourceContext(account: AccountRuntime, cursor: unknown, emit?: (units: RawEvent[]) => Promise<void>): RecordingSourceContext {
  const ctx: RecordingSourceContext = {
    account, cursor, emitted: [], saved: [], sleeps: [],
    async saveCursor(next) {
      ctx.saved.push(next)
      ctx.cursor = next
    },
    async emit(units) {
      await emit?.(units)
      ctx.emitted.push(units)
    },
    fetch, signal: new AbortController().signal, log: silentLog, now: () => new Date(),
    async sleep(ms) {
      ctx.sleeps.push(ms)
      await new Promise((resolve) => setTimeout(resolve, ms))
    },
  }
  return ctx
}

export function sendContext(account: AccountRuntime, timeoutMs = 5_000): SendContext {
  return { account, fetch, signal: AbortSignal.timeout(timeoutMs), now: () => new Date() }
}

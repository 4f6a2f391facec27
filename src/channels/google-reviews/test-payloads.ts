// Reviews written for the tests in the documented Business Profile v4 format, plus an account and
// contexts pointed at the fake, so every path runs without ../shared.
import { randomUUID } from 'node:crypto'
import type { AccountRuntime } from '../types.ts'
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

export { sendContext, silentLog, sourceContext, type RecordingSourceContext } from '../testing.ts'

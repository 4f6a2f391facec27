// Test support for this folder's source/send tests: own payloads in X's v2 format and a
// SourceContext that records what a source emits, saves and waits for.
import { setTimeout as delay } from 'node:timers/promises'
import type { AccountRuntime, ChannelLog, RawEvent, SourceContext } from '../types.ts'
import type { XFakeTweet, XFakeUser } from './fake.ts'

export const brandId = '1500000000000000001'
export const brandHandle = 'AcmeHelp'
export const accessToken = 'user-context-token'
export const bearerToken = 'app-only-token'
export const consumerSecret = 'consumer-secret'

export const brandUser: XFakeUser = { id: brandId, username: brandHandle, name: 'Acme Support', verified: true, public_metrics: { followers_count: 90_000 } }

export function customer(n: number): XFakeUser {
  return { id: String(1_400_000_000_000_000_000n + BigInt(n)), username: `customer_${n}`, name: `Customer ${n}`, verified: false, public_metrics: { followers_count: n } }
}

/** A mention of the brand by customer(n % 7), ids ascending with n, one minute apart. */
export function mention(n: number, over: Partial<XFakeTweet> = {}): XFakeTweet {
  const id = String(1_800_000_000_000_000_000n + BigInt(n) * 1_000n)
  return {
    id, text: `@${brandHandle} help number ${n}`, author_id: customer(n % 7).id, conversation_id: id, lang: 'en',
    created_at: new Date(Date.UTC(2024, 5, 1, 12) + n * 60_000).toISOString(), edit_history_tweet_ids: [id],
    public_metrics: { retweet_count: 0, reply_count: 0, like_count: n % 3, quote_count: 0 },
    ...over,
  }
}

export const customers: XFakeUser[] = Array.from({ length: 7 }, (_, n) => customer(n))

export function xAccount(apiBaseUrl: string, settings: Record<string, string> = {}, secrets: Record<string, string> = {}): AccountRuntime {
  return {
    id: 'acc-x', workspaceId: 'ws-1', channel: 'x-twitter', name: 'Acme on X',
    settings: { apiBaseUrl, userId: brandId, handle: brandHandle, ...settings },
    secrets: { accessToken, bearerToken, consumerSecret, ...secrets },
  }
}

export interface RecordingContext {
  ctx: SourceContext
  emitted: RawEvent[]
  cursors: unknown[]
  sleeps: number[]
  logs: { level: string; msg: string; obj: object }[]
  abort: AbortController
}

/**
 * A SourceContext that records. `sleep` records the wait asked for and really waits at most
 * `sleepCapMs` (so a 60 s reset can be asserted without waiting for it).
 */
export function recordingContext(account: AccountRuntime, options: { cursor?: unknown; sleepCapMs?: number; onEmit?: (units: RawEvent[], all: RawEvent[]) => void | Promise<void> } = {}): RecordingContext {
  const emitted: RawEvent[] = []
  const cursors: unknown[] = []
  const sleeps: number[] = []
  const logs: RecordingContext['logs'] = []
  const abort = new AbortController()
  const log = (level: string) => (obj: object, msg?: string) => void logs.push({ level, msg: msg ?? '', obj })
  const channelLog: ChannelLog = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
  const ctx: SourceContext = {
    account,
    cursor: options.cursor ?? null,
    async saveCursor(cursor) {
      cursors.push(cursor)
      ctx.cursor = cursor
    },
    async emit(units) {
      await options.onEmit?.(units, emitted)
      emitted.push(...units)
    },
    fetch,
    signal: abort.signal,
    log: channelLog,
    now: () => new Date(),
    async sleep(ms) {
      sleeps.push(ms)
      await delay(Math.min(ms, options.sleepCapMs ?? 10), undefined, { signal: abort.signal })
    },
  }
  return { ctx, emitted, cursors, sleeps, logs, abort }
}

// Test support: a Reddit account pointed at the fake, and source/send contexts that record what
// the channel emitted, saved and slept.
import { randomUUID } from 'node:crypto'
import type { AccountRuntime, ChannelLog, RawEvent, SendContext, SourceContext } from '../types.ts'
import type { RedditFake } from './fake.ts'

export const credentials = { clientId: 'client-1', clientSecret: 'secret-1', username: 'acme_care', password: 'hunter2' }
export const userAgent = 'earshot-test/0.1 (by /u/acme_care)'

export function accountFor(fake: RedditFake, settings: Record<string, string> = {}, secrets: Record<string, string> = {}): AccountRuntime {
  return {
    id: randomUUID(), workspaceId: 'ws-1', channel: 'reddit', name: 'acme',
    settings: { apiBaseUrl: fake.url, authUrl: fake.url, subreddits: 'acme', username: credentials.username, userAgent, ...settings },
    secrets: { clientId: credentials.clientId, clientSecret: credentials.clientSecret, password: credentials.password, ...secrets },
  }
}

export const silentLog: ChannelLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }

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

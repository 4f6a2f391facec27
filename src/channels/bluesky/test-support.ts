// Shared by this folder's tests only: accounts pointed at the fake, send and source contexts.
import { randomUUID } from 'node:crypto'
import type { AccountRuntime, ChannelLog, OutboundRequest, OutboundTarget, RawEvent, SendContext, SourceContext } from '../types.ts'
import type { BlueskyFake } from './fake.ts'

/** A fresh account id each time: the session cache is keyed by it. */
export function fakeAccount(fake: BlueskyFake, settings: Record<string, string> = {}, secrets: Record<string, string> = {}): AccountRuntime {
  return {
    id: randomUUID(),
    workspaceId: 'ws-test',
    channel: 'bluesky',
    name: 'Brand on Bluesky',
    settings: { handle: fake.handle, pdsUrl: fake.url, appViewUrl: fake.url, jetstreamUrl: fake.jetstreamUrl, ...settings },
    secrets: { appPassword: fake.appPassword, ...secrets },
  }
}

export function sendContext(account: AccountRuntime, timeoutMs = 5_000): SendContext {
  return { account, fetch, signal: AbortSignal.timeout(timeoutMs), now: () => new Date() }
}

export function outbound(target: OutboundTarget, fields: Partial<OutboundRequest> = {}): OutboundRequest {
  return { action: 'reply', text: 'Thanks, we are on it!', idempotencyKey: randomUUID(), target, ownExternalId: null, ...fields }
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  obj: object
  msg: string | undefined
}

export interface SourceHarness {
  ctx: SourceContext
  /** Every unit emitted, in order. */
  units: RawEvent[]
  /** Batch sizes, in order. */
  batches: number[]
  cursors: unknown[]
  /** 'emit:n' and 'save:cursor' in the order they happened. */
  order: string[]
  sleeps: number[]
  logs: LogLine[]
  abort(): void
  /** Polls until the predicate holds (fails the test after timeoutMs). */
  waitFor(what: string, predicate: () => boolean, timeoutMs?: number): Promise<void>
}

export interface HarnessOptions {
  cursor?: unknown
  /** Makes emit fail this many times (before committing anything). */
  emitFailures?: number
  /** Sleeps are recorded, then shortened to at most this (ms). */
  sleepMsMax?: number
}

export function sourceHarness(account: AccountRuntime, o: HarnessOptions = {}): SourceHarness {
  const controller = new AbortController()
  const units: RawEvent[] = []
  const batches: number[] = []
  const cursors: unknown[] = []
  const order: string[] = []
  const sleeps: number[] = []
  const logs: LogLine[] = []
  let failuresLeft = o.emitFailures ?? 0
  const logAt = (level: LogLine['level']) => (obj: object, msg?: string) => void logs.push({ level, obj, msg })
  const log: ChannelLog = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') }
  const ctx: SourceContext = {
    account,
    cursor: o.cursor ?? null,
    async saveCursor(cursor) {
      order.push(`save:${String(cursor)}`)
      cursors.push(cursor)
    },
    async emit(batch) {
      await new Promise((r) => setTimeout(r, 5))
      if (failuresLeft > 0) {
        failuresLeft--
        throw new Error('store unavailable')
      }
      units.push(...batch)
      batches.push(batch.length)
      order.push(`emit:${batch.length}`)
    },
    fetch,
    signal: controller.signal,
    log,
    now: () => new Date(),
    sleep(ms) {
      sleeps.push(ms)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, Math.min(ms, o.sleepMsMax ?? 20))
        controller.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(new Error('aborted'))
        }, { once: true })
      })
    },
  }
  return {
    ctx, units, batches, cursors, order, sleeps, logs,
    abort: () => controller.abort(),
    async waitFor(what, predicate, timeoutMs = 3_000) {
      const until = Date.now() + timeoutMs
      while (!predicate()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
  }
}

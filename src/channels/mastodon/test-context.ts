// Account runtimes and send/source contexts pointed at a fake instance. Test support only.
import type { AccountRuntime, OutboundRequest, OutboundTarget, RawEvent, SendContext, SourceContext } from '../types.ts'
import type { NormalizedMessage } from '../../core/model.ts'

export const token = 'test-access-token'

export function accountFor(url: string, settings: Record<string, string> = {}, secrets: Record<string, string> = { accessToken: token }): AccountRuntime {
  return { id: 'acc-1', workspaceId: 'ws-1', channel: 'mastodon', name: 'brand', settings: { apiBaseUrl: url, acct: 'brand', ...settings }, secrets }
}

export function sendContext(account: AccountRuntime, signal: AbortSignal = new AbortController().signal): SendContext {
  return { account, fetch, signal, now: () => new Date() }
}

export function targetOf(message: NormalizedMessage): OutboundTarget {
  return {
    externalId: message.externalId,
    parentExternalId: message.parentExternalId,
    threadExternalId: message.threadExternalId,
    visibility: message.visibility,
    authorExternalId: message.author?.externalUserId ?? null,
    authorHandle: message.author?.handle ?? null,
    raw: message.raw,
    createdAt: message.createdAt,
  }
}

export function request(action: OutboundRequest['action'], target: OutboundTarget, text = '', extra: Partial<OutboundRequest> = {}): OutboundRequest {
  return { action, text, idempotencyKey: `key-${Math.random().toString(36).slice(2)}`, target, ownExternalId: null, ...extra }
}

export interface SourceHarness {
  ctx: SourceContext
  emitted: RawEvent[]
  saved: unknown[]
  sleeps: number[]
  abort: AbortController
  /** The next this-many emit calls fail (a store outage). */
  failNextEmits: number
}

/** A SourceContext recording emits, saved cursors and sleeps; sleeps really wait (tests keep them short). */
export function sourceHarness(account: AccountRuntime, cursor: unknown = null, options: { failEmitAfter?: number; maxSleepMs?: number } = {}): SourceHarness {
  const emitted: RawEvent[] = []
  const saved: unknown[] = []
  const sleeps: number[] = []
  const abort = new AbortController()
  const harness = { emitted, saved, sleeps, abort, failNextEmits: 0 } as Omit<SourceHarness, 'ctx'> & { ctx?: SourceContext }
  const ctx: SourceContext = {
    account,
    cursor,
    async saveCursor(next) {
      saved.push(next)
      ctx.cursor = next
    },
    async emit(units) {
      if (harness.failNextEmits > 0) {
        harness.failNextEmits--
        throw new Error('store down')
      }
      if (options.failEmitAfter !== undefined && emitted.length + units.length > options.failEmitAfter) throw new Error('store down')
      emitted.push(...units)
    },
    fetch,
    signal: abort.signal,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => new Date(),
    sleep(ms) {
      sleeps.push(ms)
      const wait = Math.min(ms, options.maxSleepMs ?? ms)
      return new Promise((resolve, reject) => {
        if (abort.signal.aborted) return reject(abort.signal.reason)
        const timer = setTimeout(resolve, wait)
        abort.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(abort.signal.reason)
        }, { once: true })
      })
    },
  }
  harness.ctx = ctx
  return harness as SourceHarness
}

// Delivers outgoing event webhooks from the event_delivery queue: claims due rows with a lease, POSTs
// the stored JSON body (the same bytes on every retry) signed like the generic webhook channel
// (X-Earshot-Timestamp + X-Earshot-Signature over "<timestamp>.<body>"), with the event id as
// Idempotency-Key so receivers can dedupe. 2xx: delivered. Anything else (a refusal, a timeout, a
// redirect, which is never followed): retried with backoff until attemptsMax, then failed. At least once.
import { createPassLoop } from '../outbox/pass-loop.ts'
import type { SecretBox } from '../accounts/secret-box.ts'
import { signedHeaders } from '../channels/webhook/signature.ts'
import { bodyText, retryAfterMs } from '../channels/http.ts'
import { retryDelayMs, type BackoffPolicy } from '../outbox/backoff.ts'
import type { Store } from '../store/index.ts'
import type { DeliveryAttempt, DeliveryRow } from '../store/queries/event-webhooks.ts'
import { checkResolvedHost, checkWebhookUrl, type HostLookup } from './url.ts'

export const eventUserAgent = 'Earshot-Events/1'
export const eventBackoffDefault: BackoffPolicy = { baseMs: 5_000, capMs: 60 * 60_000, attemptsMax: 12 }

export interface EventWorkerOptions {
  store: Store
  secretBox: SecretBox
  log?: (line: string) => void
  fetch?: typeof fetch
  backoff?: BackoffPolicy
  pollMs?: number
  leaseMs?: number
  /** Deadline of one POST. */
  timeoutMs?: number
  /** False: loopback/private addresses are refused at delivery too, literal or resolved (EARSHOT_WEBHOOKS_PRIVATE=0). */
  allowPrivateNetwork?: boolean
  /** Host name resolution for that check (tests pass their own). */
  lookup?: HostLookup
  now?: () => Date
}

export interface EventWorker {
  start(): void
  kick(): void
  /** Delivers everything due now; for tests. Returns how many deliveries were attempted. */
  drain(): Promise<number>
  stop(): Promise<void>
}

/** The headers of one attempt: signature over the exact body with a fresh timestamp, ids for deduping. */
export function deliveryHeaders(d: Pick<DeliveryRow, 'id' | 'eventId' | 'eventType'>, secret: string, body: string, now: Date): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': eventUserAgent,
    'idempotency-key': d.eventId,
    'x-earshot-event-id': d.eventId,
    'x-earshot-event': d.eventType,
    'x-earshot-delivery': d.id,
    ...signedHeaders(secret, body, now),
  }
}

export function createEventWorker(opts: EventWorkerOptions): EventWorker {
  const { store, secretBox } = opts
  const log = opts.log ?? (() => undefined)
  const backoff = opts.backoff ?? eventBackoffDefault
  const pollMs = opts.pollMs ?? 1_000
  const leaseMs = opts.leaseMs ?? 60_000
  const timeoutMs = opts.timeoutMs ?? 10_000
  const fetchFn = opts.fetch ?? fetch
  const now = opts.now ?? (() => new Date())
  const stopping = new AbortController()

  async function attempt(d: DeliveryRow): Promise<void> {
    const started = Date.now()
    const done = (status: number | null, error: string | null): DeliveryAttempt => ({ at: new Date(started).toISOString(), status, error, ms: Date.now() - started })
    const target = await store.eventWebhooks.target(d.webhookId)
    if (target === null || !target.enabled) {
      await store.eventWebhooks.markFailed(d.id, done(null, 'the webhook was disabled or deleted'))
      return
    }
    const check = checkWebhookUrl(target.url, { allowPrivateNetwork: opts.allowPrivateNetwork ?? true })
    if (!check.ok) {
      await store.eventWebhooks.markFailed(d.id, done(null, `refused URL: ${check.reason}`))
      return
    }
    let secret: string
    try {
      secret = secretBox.open(target.secretEnc).secret ?? ''
    } catch (err) {
      await store.eventWebhooks.markFailed(d.id, done(null, err instanceof Error ? err.message : String(err)))
      return
    }
    const body = JSON.stringify(d.payload)
    let status: number | null = null
    let error: string | null = null
    let wait: number | null = null
    const resolved = opts.allowPrivateNetwork === false ? await checkResolvedHost(check.url, opts.lookup) : { ok: true as const }
    if (!resolved.ok && resolved.permanent) {
      await store.eventWebhooks.markFailed(d.id, done(null, `refused URL: ${resolved.reason}`))
      return
    }
    if (!resolved.ok) error = resolved.reason
    else try {
      const res = await fetchFn(check.url, {
        method: 'POST', headers: deliveryHeaders(d, secret, body, now()), body, redirect: 'manual',
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)]),
      })
      status = res.status
      const text = await bodyText(res, 300)
      if (res.status >= 200 && res.status < 300) {
        await store.eventWebhooks.markDelivered(d.id, done(status, null))
        return
      }
      error = res.status >= 300 && res.status < 400 ? `HTTP ${res.status}: redirects are not followed` : `HTTP ${res.status}${text === '' ? '' : `: ${text}`}`
      wait = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers, now()) : null
    } catch (err) {
      error = err instanceof Error ? (err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err.message) : String(err)
    }
    if (d.attempts >= backoff.attemptsMax) {
      await store.eventWebhooks.markFailed(d.id, done(status, `${d.attempts} attempts; last: ${error}`))
      log(`event delivery ${d.id}: failed after ${d.attempts} attempts: ${error}`)
      return
    }
    const delay = retryDelayMs(d.attempts, wait, backoff)
    await store.eventWebhooks.markRetry(d.id, done(status, error), delay)
  }

  async function runOnce(): Promise<number> {
    let handled = 0
    for (let round = 0; round < 1_000; round++) {
      if (stopping.signal.aborted) break
      const rows = await store.eventWebhooks.claimDue(10, leaseMs)
      if (rows.length === 0) break
      // one receiver being slow does not hold up the others
      await Promise.all(rows.map((d) => attempt(d).catch((err: unknown) => log(`event delivery ${d.id}: ${err instanceof Error ? err.message : String(err)}`))))
      handled += rows.length
    }
    return handled
  }

  return createPassLoop({ runOnce, pollMs, stopping, log, name: 'event webhooks' })
}

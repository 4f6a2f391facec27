// Streaming intake: SSE on GET /api/v1/streaming/user (the account's home timeline and
// notifications). Runs until the signal aborts; every (re)connection first polls the mention
// notifications since the cursor (notifications.ts), so nothing said while disconnected is lost.
// `:thump` heartbeats keep the connection alive; silence longer than idleTimeoutMs means a dead
// connection and a reconnect. Reconnects back off exponentially.
//
// Units emitted are WebSocket-form events `{"stream":["user"],"event":…,"payload":"<data>","for_acct":…}`
// (parse.ts reads them; `for_acct` marks the brand's own statuses 'out'). Emitted: mention
// notifications, the brand's own new statuses (`update`), edits (`status.update`) of the brand's
// statuses or of statuses mentioning it, and every `delete` (a bare id says nothing about whose).
// Home-timeline posts of followed accounts, other notification types and filters_changed are not.
// A garbled event is emitted as it is (the parser parks it as a dead letter); it never ends the stream.
import { retryAfterMs } from '../http.ts'
import type { RawEvent, Source, SourceContext } from '../types.ts'
import { arrayAt, decodeJson, isRecord, recordAt, stringAt } from '../wire.ts'
import { authHeaders, exhaustedWaitMs, instanceHost, instanceUrl, rateLimitReset, streamingUrl } from './api.ts'
import { isStatusId, newestId, sameAcct } from './ids.ts'
import { AuthRejectedError, RateGate, catchUpNotifications, cursorId, getJson, type NotificationsCursor } from './notifications.ts'
import { SseDecoder, type SseEvent } from './sse.ts'

export interface StreamingOptions {
  /** No byte (not even a heartbeat) for this long: the connection is dead. Mastodon sends `:thump` every 15 s or so. */
  idleTimeoutMs: number
  /** Waiting for the response headers of the stream request. */
  connectTimeoutMs: number
  backoffMinMs: number
  backoffMaxMs: number
}

export const defaultStreamingOptions: StreamingOptions = { idleTimeoutMs: 90_000, connectTimeoutMs: 15_000, backoffMinMs: 1_000, backoffMaxMs: 60_000 }

export function createStreamingSource(options: Partial<StreamingOptions> = {}): Source & { kind: 'stream' } {
  const opts: StreamingOptions = { ...defaultStreamingOptions, ...options }
  return {
    kind: 'stream',
    async run(ctx) {
      const state: StreamState = { cursor: cursorId(ctx.cursor), brandAcct: await brandAcct(ctx), gate: new RateGate() }
      let failures = 0
      while (!ctx.signal.aborted) {
        let waitMs: number | null = null
        try {
          const outcome = await streamOnce(ctx, state, opts)
          if (outcome.kind === 'rate-limited') waitMs = outcome.waitMs
          failures = outcome.kind === 'ended' && outcome.receivedBytes ? 0 : failures + 1
        } catch (err) {
          if (ctx.signal.aborted) return
          // A revoked token does not heal by retrying: the supervisor marks the account unhealthy.
          if (err instanceof AuthRejectedError) throw err
          failures++
          ctx.log.warn({ err: err instanceof Error ? err.message : String(err), failures }, 'mastodon stream failed: reconnecting')
        }
        try {
          await ctx.sleep(waitMs ?? backoffMs(failures, opts))
        } catch {
          return
        }
      }
    },
  }
}

export const streamingSource = createStreamingSource()

interface StreamState {
  cursor: string | null
  brandAcct: string | null
  gate: RateGate
}

type StreamOutcome = { kind: 'ended'; receivedBytes: boolean } | { kind: 'rate-limited'; waitMs: number }

export function backoffMs(failures: number, opts: StreamingOptions): number {
  return Math.min(opts.backoffMaxMs, opts.backoffMinMs * 2 ** Math.min(failures, 20))
}

async function streamOnce(ctx: SourceContext, state: StreamState, opts: StreamingOptions): Promise<StreamOutcome> {
  const connection = new AbortController()
  const stopOnAbort = () => connection.abort()
  ctx.signal.addEventListener('abort', stopOnAbort, { once: true })
  const connectTimer = setTimeout(() => connection.abort(), opts.connectTimeoutMs)
  try {
    const res = await ctx.fetch(`${streamingUrl(ctx.account)}/api/v1/streaming/user`, {
      headers: { ...authHeaders(ctx.account), accept: 'text/event-stream' },
      signal: connection.signal,
    })
    clearTimeout(connectTimer)
    if (res.status === 429) {
      await res.body?.cancel()
      return { kind: 'rate-limited', waitMs: retryAfterMs(res.headers, ctx.now(), rateLimitReset) ?? exhaustedWaitMs(res.headers, ctx.now()) }
    }
    if (res.status === 401 || res.status === 403) throw new AuthRejectedError(res.status, (await res.text()).slice(0, 300))
    if (!res.ok || res.body === null) throw new Error(`streaming answered HTTP ${res.status}`)
    // Connected first, then caught up: whatever happens in between is buffered by the connection.
    state.cursor = await catchUpNotifications(ctx, state.cursor, state.gate)
    return { kind: 'ended', receivedBytes: await readEvents(ctx, state, res.body, connection, opts) }
  } finally {
    clearTimeout(connectTimer)
    ctx.signal.removeEventListener('abort', stopOnAbort)
    connection.abort()
  }
}

/** Reads until the server ends the stream, it goes silent, or the signal aborts. True when anything arrived. */
async function readEvents(ctx: SourceContext, state: StreamState, body: ReadableStream<Uint8Array>, connection: AbortController, opts: StreamingOptions): Promise<boolean> {
  const decoder = new SseDecoder()
  const text = new TextDecoder()
  const reader = body.getReader()
  let received = false
  let idleTimer = setTimeout(() => connection.abort(), opts.idleTimeoutMs)
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>
      try {
        chunk = await reader.read()
      } catch (err) {
        if (ctx.signal.aborted) throw err
        ctx.log.info({ err: err instanceof Error ? err.message : String(err) }, 'mastodon stream closed')
        break
      }
      clearTimeout(idleTimer)
      if (chunk.done) break
      received = true
      idleTimer = setTimeout(() => connection.abort(), opts.idleTimeoutMs)
      // An emit that fails ends this connection as a failure; the catch-up on reconnect re-reads the mentions.
      for (const event of decoder.push(text.decode(chunk.value, { stream: true }))) await handleEvent(ctx, state, event)
    }
  } finally {
    clearTimeout(idleTimer)
    reader.releaseLock()
  }
  return received
}

async function handleEvent(ctx: SourceContext, state: StreamState, event: SseEvent): Promise<void> {
  const unit = unitFor(event, state.brandAcct, instanceHost(ctx.account))
  if (unit === null) return
  await ctx.emit([unit])
  if (event.event !== 'notification') return
  const decoded = decodeJson(event.data)
  const id = decoded.ok && isRecord(decoded.value) ? stringAt(decoded.value, 'id') : null
  if (!isStatusId(id)) return
  const newest = newestId([id], state.cursor)
  if (newest === state.cursor) return
  state.cursor = newest
  await ctx.saveCursor({ notificationsSinceId: id } satisfies NotificationsCursor)
}

/** The unit to emit for one event, or null for events that are not for us. */
export function unitFor(event: SseEvent, brandAcct: string | null, host: string | null): RawEvent | null {
  const unit = (): RawEvent => ({
    body: JSON.stringify({ stream: ['user'], event: event.event, payload: event.data, ...(brandAcct === null ? {} : { for_acct: brandAcct }) }),
    origin: `streaming user ${event.event}`,
  })
  if (event.event === 'delete') return unit()
  if (event.event !== 'notification' && event.event !== 'update' && event.event !== 'status.update') return null
  const decoded = decodeJson(event.data)
  if (!decoded.ok || !isRecord(decoded.value)) return unit()
  const entity = decoded.value
  if (event.event === 'notification') return stringAt(entity, 'type') === 'mention' ? unit() : null
  const ours = (acct: string | null) => brandAcct !== null && acct !== null && sameAcct(acct, brandAcct, host)
  const authorAcct = stringAt(recordAt(entity, 'account') ?? {}, 'acct')
  if (event.event === 'update') return ours(authorAcct) ? unit() : null
  const mentionsBrand = arrayAt(entity, 'mentions').some((m) => isRecord(m) && ours(stringAt(m, 'acct')))
  return brandAcct === null || ours(authorAcct) || mentionsBrand ? unit() : null
}

/** The brand's acct: the `acct` setting, else asked once from verify_credentials (null if that fails). */
async function brandAcct(ctx: SourceContext): Promise<string | null> {
  const configured = ctx.account.settings['acct']?.trim() ?? ''
  if (configured !== '') return configured.replace(/^@/, '')
  try {
    const { body } = await getJson(ctx, `${instanceUrl(ctx.account)}/api/v1/accounts/verify_credentials`, new RateGate())
    return isRecord(body) ? stringAt(body, 'acct') : null
  } catch (err) {
    if (err instanceof AuthRejectedError) throw err
    ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'mastodon: brand acct unknown; own statuses are not streamed')
    return null
  }
}

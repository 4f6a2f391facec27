// Jetstream intake: one WebSocket per account to `/subscribe`, each text frame is one unit (the
// JSON line parse reads). Frames are batched (up to batchSizeMax or batchWindowMs) before `emit`;
// the cursor is the highest `time_us` emitted, saved after emit resolved. On (re)connect we ask for
// `cursor - 5 s`: Jetstream is at-least-once and the pipeline dedupes, so replaying a few seconds
// is cheaper than losing any. Reconnects use exponential backoff; a 429 on the upgrade waits for
// the reset the server names. A garbled frame is logged and skipped, never fatal.
import WebSocket from 'ws'
import { retryAfterMs } from '../http.ts'
import type { RawEvent, Source, SourceContext } from '../types.ts'
import { decodeJson, isRecord, numberAt } from '../wire.ts'
import { jetstreamLineCharsMax } from './parse.ts'
import { rateLimitReset } from './xrpc.ts'

export const defaultJetstreamUrl = 'wss://jetstream2.us-east.bsky.network'
export const wantedCollectionsDefault = ['app.bsky.feed.post'] as const
/** How far back a reconnect resumes from the saved cursor (µs). */
export const cursorRewindUs = 5_000_000
/** Jetstream accepts at most this many wantedDids. */
const wantedDidsMax = 10_000

export interface JetstreamSourceOptions {
  batchSizeMax: number
  batchWindowMs: number
  backoffMsMin: number
  backoffMsMax: number
  /** A ping goes out this often; no pong by the next ping means the connection is dead. */
  pingIntervalMs: number
  handshakeTimeoutMs: number
  /** Frames buffered while an emit is slow before the socket is paused. */
  pendingFramesMax: number
}

export const jetstreamSourceDefaults: JetstreamSourceOptions = {
  batchSizeMax: 200,
  batchWindowMs: 250,
  backoffMsMin: 1_000,
  backoffMsMax: 30_000,
  pingIntervalMs: 30_000,
  handshakeTimeoutMs: 10_000,
  pendingFramesMax: 5_000,
}

export interface SubscribeParams {
  jetstreamUrl: string
  wantedCollections: readonly string[]
  wantedDids: readonly string[]
  /** µs; null for a live tail. */
  cursorUs: number | null
}

/** The `/subscribe` URL (wantedCollections and wantedDids repeat). Accepts a base with or without `/subscribe`. */
export function subscribeUrl(p: SubscribeParams): string {
  const base = p.jetstreamUrl.replace(/\/+$/, '').replace(/\/subscribe$/, '')
  const query = new URLSearchParams()
  for (const c of p.wantedCollections) query.append('wantedCollections', c)
  for (const d of p.wantedDids.slice(0, wantedDidsMax)) query.append('wantedDids', d)
  query.set('maxMessageSizeBytes', String(jetstreamLineCharsMax))
  if (p.cursorUs !== null) query.set('cursor', String(Math.max(0, p.cursorUs)))
  return `${base}/subscribe?${query.toString()}`
}

/** `settings.wantedDids`: DIDs separated by commas or whitespace. */
export function wantedDidsOf(setting: string | undefined): string[] {
  return (setting ?? '').split(/[\s,]+/).filter((d) => d.startsWith('did:'))
}

/** A saved cursor (number or numeric string) → µs, null when absent or unusable. */
export function cursorFromSaved(saved: unknown): number | null {
  const n = typeof saved === 'string' && /^\d{1,17}$/.test(saved) ? Number(saved) : saved
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : null
}

export function resumeCursorUs(savedUs: number | null): number | null {
  return savedUs === null ? null : Math.max(0, savedUs - cursorRewindUs)
}

export function backoffMs(failures: number, o: Pick<JetstreamSourceOptions, 'backoffMsMin' | 'backoffMsMax'>): number {
  return Math.min(o.backoffMsMax, o.backoffMsMin * 2 ** Math.min(failures, 20))
}

export type Frame = { ok: true; body: string; timeUs: number } | { ok: false; reason: string }

/** A WebSocket message → one unit, if it is a Jetstream event (a JSON object with an integer time_us). */
export function readFrame(data: WebSocket.RawData, isBinary: boolean): Frame {
  if (isBinary) return { ok: false, reason: 'binary frame (compression is not requested)' }
  const body = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8')
  if (body.length > jetstreamLineCharsMax) return { ok: false, reason: `frame of ${body.length} chars` }
  const decoded = decodeJson(body)
  if (!decoded.ok) return { ok: false, reason: `not JSON: ${decoded.detail}` }
  const timeUs = isRecord(decoded.value) ? numberAt(decoded.value, 'time_us') : null
  if (timeUs === null || !Number.isSafeInteger(timeUs) || timeUs <= 0) return { ok: false, reason: 'no integer time_us' }
  return { ok: true, body, timeUs }
}

interface ConnectionEnd {
  framesEmitted: number
  /** From a 429 on the upgrade: how long the server asked us to wait. */
  waitMs: number | null
  reason: string
}

/** State that outlives one connection. */
interface StreamState {
  savedCursorUs: number | null
}

/** One connection: receive, batch, emit, save the cursor; resolves when the connection is over (flushed unless aborted). */
function streamOnce(ctx: SourceContext, url: string, state: StreamState, o: JetstreamSourceOptions): Promise<ConnectionEnd> {
  return new Promise((resolve) => {
    const pending: { body: string; timeUs: number }[] = []
    let emitting: Promise<void> | null = null
    let emitFailed = false
    let framesEmitted = 0
    let ended = false
    let waitMs: number | null = null
    let awaitingPong = false

    const ws = new WebSocket(url, { handshakeTimeout: o.handshakeTimeoutMs, maxPayload: jetstreamLineCharsMax * 4 })
    const batchTimer = setInterval(() => flush(), o.batchWindowMs)
    const pingTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return
      if (awaitingPong) return ws.terminate()
      awaitingPong = true
      ws.ping()
    }, o.pingIntervalMs)

    function flush(): void {
      if (emitting !== null || pending.length === 0 || emitFailed || ctx.signal.aborted) return
      const batch = pending.splice(0, o.batchSizeMax)
      const units: RawEvent[] = batch.map((f) => ({ body: f.body, origin: `jetstream time_us=${f.timeUs}` }))
      const batchMaxUs = batch.reduce((m, f) => Math.max(m, f.timeUs), 0)
      emitting = (async () => {
        await ctx.emit(units)
        const cursorUs = Math.max(state.savedCursorUs ?? 0, batchMaxUs)
        await ctx.saveCursor(cursorUs)
        state.savedCursorUs = cursorUs
        framesEmitted += batch.length
      })().catch((err: unknown) => {
        // Not committed: drop what is buffered and reconnect from the saved cursor, which replays it.
        emitFailed = true
        pending.length = 0
        ctx.log.error({ err: err instanceof Error ? err.message : String(err) }, 'jetstream: emit failed; reconnecting from the saved cursor')
        ws.terminate()
      }).finally(() => {
        emitting = null
        if (ws.isPaused && pending.length < o.pendingFramesMax / 2) ws.resume()
        if (pending.length >= o.batchSizeMax) flush()
      })
    }

    async function end(reason: string): Promise<void> {
      if (ended) return
      ended = true
      clearInterval(batchTimer)
      clearInterval(pingTimer)
      ctx.signal.removeEventListener('abort', onAbort)
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate()
      // Emit what arrived before the close, so a reconnect does not have to replay it.
      while (!ctx.signal.aborted && !emitFailed) {
        if (emitting !== null) await emitting
        else if (pending.length > 0) flush()
        else break
      }
      if (emitting !== null) await emitting
      resolve({ framesEmitted, waitMs, reason })
    }

    function onAbort(): void {
      void end('aborted')
    }
    ctx.signal.addEventListener('abort', onAbort)
    if (ctx.signal.aborted) return void end('aborted')

    ws.on('open', () => ctx.log.info({ url }, 'jetstream: connected'))
    ws.on('pong', () => {
      awaitingPong = false
    })
    ws.on('message', (data, isBinary) => {
      if (ended || emitFailed) return
      const frame = readFrame(data, isBinary)
      if (!frame.ok) return ctx.log.warn({ reason: frame.reason }, 'jetstream: skipped a garbled frame')
      pending.push({ body: frame.body, timeUs: frame.timeUs })
      if (pending.length >= o.batchSizeMax) flush()
      if (pending.length >= o.pendingFramesMax && !ws.isPaused) ws.pause()
    })
    ws.on('unexpected-response', (_req, res) => {
      const headers = new Headers()
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v)
      if (res.statusCode === 429) waitMs = retryAfterMs(headers, ctx.now(), rateLimitReset)
      res.resume()
      void end(`upgrade refused with HTTP ${res.statusCode ?? '?'}`)
    })
    ws.on('error', (err) => void end(`error: ${err.message}`))
    ws.on('close', (code) => void end(`closed with code ${code}`))
  })
}

export type StreamSource = Extract<Source, { kind: 'stream' }>

export function createJetstreamSource(options: Partial<JetstreamSourceOptions> = {}): StreamSource {
  const o: JetstreamSourceOptions = { ...jetstreamSourceDefaults, ...options }
  return {
    kind: 'stream',
    async run(ctx) {
      const settings = ctx.account.settings
      const state: StreamState = { savedCursorUs: cursorFromSaved(ctx.cursor) }
      let failures = 0
      while (!ctx.signal.aborted) {
        const url = subscribeUrl({
          jetstreamUrl: settings.jetstreamUrl ?? defaultJetstreamUrl,
          wantedCollections: wantedCollectionsDefault,
          wantedDids: wantedDidsOf(settings.wantedDids),
          cursorUs: resumeCursorUs(state.savedCursorUs),
        })
        const ended = await streamOnce(ctx, url, state, o)
        if (ctx.signal.aborted) return
        failures = ended.framesEmitted > 0 ? 0 : failures + 1
        const waitMs = ended.waitMs ?? backoffMs(Math.max(0, failures - 1), o)
        ctx.log.warn({ reason: ended.reason, waitMs }, 'jetstream: connection ended; reconnecting')
        try {
          await ctx.sleep(waitMs)
        } catch {
          return
        }
      }
    },
  }
}

export const jetstreamSource: StreamSource = createJetstreamSource()

// The filtered stream: GET /2/tweets/search/stream (app-only bearer token), one JSON object per
// "\r\n"-terminated line, blank lines as keep-alives (every ~20 s). Each Tweet line is emitted
// as one unit. Rules are managed on X (POST /2/tweets/search/stream/rules), not here.
//
// Reconnects follow X's guidance: network errors, stalls and closed connections back off
// linearly (250 ms steps up to 16 s), HTTP errors exponentially (5 s up to 320 s), 429s until
// x-rate-limit-reset (else exponentially from 1 min). 401/403 end the run: the credentials must change.
// X offers no resume cursor on this endpoint (backfill_minutes is not on every access level), so none is saved.
import { bodyText, retryAfterMs } from '../http.ts'
import type { Source, SourceContext } from '../types.ts'
import { isRecord } from '../wire.ts'
import { apiBaseUrl, apiUrl, tweetReadQuery, xRateLimitReset } from './fields.ts'

export interface FilteredStreamOptions {
  networkBackoffStepMs: number
  networkBackoffMsMax: number
  httpBackoffStartMs: number
  httpBackoffMsMax: number
  rateLimitBackoffStartMs: number
  /** No byte (not even a keep-alive) for this long: the connection is dead; reconnect. X: 20 s keep-alives. */
  stallMs: number
  /** Deadline for the response headers of one connection attempt. */
  connectTimeoutMs: number
  /** A line longer than this is dropped (a Tweet line with expansions is a few kB). */
  lineCharsMax: number
}

const defaults: FilteredStreamOptions = {
  networkBackoffStepMs: 250,
  networkBackoffMsMax: 16_000,
  httpBackoffStartMs: 5_000,
  httpBackoffMsMax: 320_000,
  rateLimitBackoffStartMs: 60_000,
  stallMs: 90_000,
  connectTimeoutMs: 30_000,
  lineCharsMax: 1_000_000,
}

type Disconnect =
  | { kind: 'network'; receivedAny: boolean; reason: string }
  | { kind: 'http'; status: number; headers: Headers; detail: string }

class EmitFailed extends Error {
  constructor(cause: unknown) {
    super(`X stream: emit failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'EmitFailed'
  }
}

type LineVerdict = 'keep-alive' | 'garbled' | 'error-object' | 'unit'

/** What one stream line is; pure. */
export function classifyStreamLine(line: string): LineVerdict {
  if (line.trim() === '') return 'keep-alive'
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return 'garbled'
  }
  if (!isRecord(value)) return 'garbled'
  if (!('data' in value) && Array.isArray(value['errors'])) return 'error-object'
  return 'unit'
}

/** Splits a growing text buffer into complete lines ("\r\n" or "\n"); returns the unfinished rest. */
export function takeLines(buffer: string): { lines: string[]; rest: string } {
  const parts = buffer.split('\n')
  const rest = parts.pop() ?? ''
  return { lines: parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)), rest }
}

async function handleLine(line: string, ctx: SourceContext): Promise<void> {
  const verdict = classifyStreamLine(line)
  if (verdict === 'unit') return ctx.emit([{ body: line, origin: 'x filtered stream' }])
  if (verdict === 'garbled') ctx.log.warn({ line: line.slice(0, 200) }, 'X stream: garbled line skipped')
  if (verdict === 'error-object') ctx.log.warn({ line: line.slice(0, 1_000) }, 'X stream: error object from X')
}

/** One connection: reads lines until the server closes, the stream stalls or the run is aborted. */
async function connectOnce(ctx: SourceContext, token: string, o: FilteredStreamOptions): Promise<Disconnect> {
  const connection = new AbortController()
  const signal = AbortSignal.any([ctx.signal, connection.signal])
  let stallTimer = setTimeout(() => connection.abort(new Error('no answer')), o.connectTimeoutMs)
  const armStall = () => {
    clearTimeout(stallTimer)
    stallTimer = setTimeout(() => connection.abort(new Error(`stalled: nothing for ${o.stallMs} ms`)), o.stallMs)
  }
  let receivedAny = false
  try {
    const url = apiUrl(apiBaseUrl(ctx.account.settings), '/2/tweets/search/stream', tweetReadQuery)
    const res = await ctx.fetch(url, { method: 'GET', headers: { authorization: `Bearer ${token}` }, signal })
    if (!res.ok || res.body === null) return { kind: 'http', status: res.status, headers: res.headers, detail: await bodyText(res, 300) }
    armStall()
    const reader = res.body.getReader()
    const decoder = new TextDecoder('utf-8')
    let buffer = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      armStall()
      receivedAny = true
      const { lines, rest } = takeLines(buffer + decoder.decode(value, { stream: true }))
      buffer = rest
      if (buffer.length > o.lineCharsMax) {
        ctx.log.warn({ chars: buffer.length }, 'X stream: over-long line dropped')
        buffer = ''
      }
      for (const line of lines) {
        try {
          await handleLine(line, ctx)
        } catch (err) {
          // The pipeline refused the unit (store down …): that is not a stream problem to reconnect from.
          throw new EmitFailed(err)
        }
      }
    }
    return { kind: 'network', receivedAny, reason: 'connection closed by X' }
  } catch (err) {
    if (ctx.signal.aborted || err instanceof EmitFailed) throw err
    const reason = connection.signal.aborted ? String((connection.signal.reason as Error | undefined)?.message ?? 'aborted') : err instanceof Error ? err.message : String(err)
    return { kind: 'network', receivedAny, reason }
  } finally {
    clearTimeout(stallTimer)
    connection.abort(new Error('done'))
  }
}

interface Backoff {
  network: number
  http: number
  rateLimit: number
}

/** How long to wait before the next connection, or null when retrying is pointless. */
function delayAfter(d: Disconnect, tries: Backoff, o: FilteredStreamOptions, now: Date): number | null {
  if (d.kind === 'network') {
    tries.network = d.receivedAny ? 1 : tries.network + 1
    tries.http = 0
    tries.rateLimit = 0
    return Math.min(o.networkBackoffStepMs * tries.network, o.networkBackoffMsMax)
  }
  if (d.status === 401 || d.status === 403) return null
  if (d.status === 429) {
    tries.rateLimit++
    return retryAfterMs(d.headers, now, xRateLimitReset) ?? o.rateLimitBackoffStartMs * 2 ** Math.min(tries.rateLimit - 1, 6)
  }
  tries.http++
  return Math.min(o.httpBackoffStartMs * 2 ** Math.min(tries.http - 1, 10), o.httpBackoffMsMax)
}

async function runFilteredStream(ctx: SourceContext, o: FilteredStreamOptions): Promise<void> {
  const token = ctx.account.secrets['bearerToken'] ?? ''
  if (token === '') throw new Error('X filtered stream needs the app-only bearerToken secret')
  const tries: Backoff = { network: 0, http: 0, rateLimit: 0 }
  while (!ctx.signal.aborted) {
    let disconnect: Disconnect
    try {
      disconnect = await connectOnce(ctx, token, o)
    } catch (err) {
      if (ctx.signal.aborted) return
      throw err
    }
    const delayMs = delayAfter(disconnect, tries, o, ctx.now())
    if (delayMs === null && disconnect.kind === 'http') throw new Error(`X filtered stream: HTTP ${disconnect.status} ${disconnect.detail}`)
    ctx.log.info({ ...disconnect, headers: undefined, delayMs }, 'X stream disconnected; reconnecting')
    try {
      await ctx.sleep(delayMs ?? 0)
    } catch {
      return
    }
  }
}

export function createFilteredStream(options: Partial<FilteredStreamOptions> = {}): Source & { kind: 'stream' } {
  const o: FilteredStreamOptions = { ...defaults, ...options }
  return { kind: 'stream', run: (ctx) => runFilteredStream(ctx, o) }
}

/** Started by the server instead of (or next to) mentions polling when the account setting `stream` is 'on'. */
export const filteredStream = createFilteredStream()

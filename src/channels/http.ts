// HTTP helpers for the channels' send.ts and source.ts: a fetch with a deadline, and the mapping
// of platform failures (429 with reset headers, 5xx, revoked tokens, deleted parents) onto
// SendResult, so every channel retries and gives up the same way.
import type { SendFailureCode, SendResult } from './types.ts'

export const requestTimeoutMs = 10_000

export class HttpTimeoutError extends Error {
  constructor(url: string, ms: number) {
    super(`no answer from ${new URL(url).host} within ${ms} ms`)
    this.name = 'HttpTimeoutError'
  }
}

/** fetch with a deadline that also honours the caller's signal. Throws HttpTimeoutError on the deadline. */
export async function fetchWithTimeout(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit & { timeoutMs?: number; signal?: AbortSignal },
): Promise<Response> {
  const ms = init.timeoutMs ?? requestTimeoutMs
  const deadline = AbortSignal.timeout(ms)
  const signal = init.signal === undefined ? deadline : AbortSignal.any([init.signal, deadline])
  try {
    return await fetchFn(url, { ...init, signal })
  } catch (err) {
    if (deadline.aborted && !(init.signal?.aborted ?? false)) throw new HttpTimeoutError(url, ms)
    throw err
  }
}

/** How a platform says when its rate-limit window resets. */
export interface ResetHeader {
  name: string
  /** `epoch-s`: X and Mastodon-style absolute times; `seconds`: Reddit's seconds until reset; `iso`: a date. */
  unit: 'epoch-s' | 'seconds' | 'iso'
}

/** Milliseconds to wait before retrying, from Retry-After or the platform's reset header; null if neither says. */
export function retryAfterMs(headers: Headers, now: Date, reset?: ResetHeader): number | null {
  const retryAfter = headers.get('retry-after')
  if (retryAfter !== null) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
    const at = Date.parse(retryAfter)
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime())
  }
  if (reset === undefined) return null
  const value = headers.get(reset.name)
  if (value === null) return null
  if (reset.unit === 'iso') {
    const at = Date.parse(value)
    return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
  }
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) return null
  return reset.unit === 'seconds' ? Math.round(n * 1000) : Math.max(0, Math.round(n * 1000 - now.getTime()))
}

/** Reads a body as text without throwing, bounded so an error page cannot flood a log. */
export async function bodyText(res: Response, max = 2_000): Promise<string> {
  try {
    const text = await res.text()
    return text.length > max ? `${text.slice(0, max)}…` : text
  } catch {
    return ''
  }
}

/**
 * The usual meaning of a failed platform response. Channels with platform-specific error codes
 * (Meta's 10/551 window errors, X's 403 duplicate) check those first and fall back to this.
 */
export function failureFromStatus(status: number, headers: Headers, detail: string, now: Date, reset?: ResetHeader): SendResult & { ok: false } {
  const reason = `HTTP ${status}${detail === '' ? '' : `: ${detail}`}`
  if (status === 429 || status === 408 || status >= 500) {
    // Platforms send their window's reset on every answer; it says when to retry only after a 429.
    return { ok: false, retryable: true, retryAfterMs: retryAfterMs(headers, now, status === 429 ? reset : undefined), reason }
  }
  const code: SendFailureCode = status === 401 ? 'AUTH_REVOKED' : status === 404 || status === 410 ? 'PARENT_GONE' : 'REJECTED'
  return { ok: false, retryable: false, code, reason }
}

/** A network error or timeout: the request may or may not have reached the platform. */
export function failureFromError(err: unknown): SendResult & { ok: false } {
  const reason = err instanceof Error ? err.message : String(err)
  return { ok: false, retryable: true, retryAfterMs: null, reason }
}

// Graph API failures → SendResult. Graph answers most errors with HTTP 400 and says what went
// wrong in `{"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}}`, so
// the code decides before the status does.
import { failureFromStatus, retryAfterMs } from '../http.ts'
import type { SendResult } from '../types.ts'
import { decodeJson, isRecord, numberAt, recordAt, stringAt } from '../wire.ts'

export interface GraphError {
  code: number | null
  subcode: number | null
  message: string
  isTransient: boolean
  fbtraceId: string | null
}

/** Token expired/revoked (190 and its subcodes), session invalid (102), token missing (104). */
const authCodes = new Set([102, 104, 190])
/** App (4), user (17), Page (32), API-specific (613) and business-use-case (80001–80014) throttling. */
const rateLimitCodes = new Set([4, 17, 32, 613])
/** Unknown (1) and temporarily unavailable (2) are Meta's transient server errors. */
const transientCodes = new Set([1, 2])
/** Messenger "outside of allowed window" (2018278), Instagram's (2534022). */
const windowSubcodes = new Set([2018278, 2534022])
/** 551: "This person isn't available right now" – the customer cannot be messaged (window/blocked). */
const windowCodes = new Set([551])

function isRateLimit(code: number | null): boolean {
  return code !== null && (rateLimitCodes.has(code) || (code >= 80001 && code <= 80014))
}

export function readGraphError(bodyText: string): GraphError | null {
  const decoded = decodeJson(bodyText)
  if (!decoded.ok || !isRecord(decoded.value)) return null
  const error = recordAt(decoded.value, 'error')
  if (error === null) return null
  return {
    code: numberAt(error, 'code'),
    subcode: numberAt(error, 'error_subcode'),
    message: (stringAt(error, 'message') ?? '').slice(0, 500),
    isTransient: error['is_transient'] === true,
    fbtraceId: stringAt(error, 'fbtrace_id'),
  }
}

/**
 * When Graph says access comes back: the largest `estimated_time_to_regain_access` (minutes) in
 * `x-business-use-case-usage`, else Retry-After. `x-app-usage` only gives percentages: null then.
 */
export function retryAfterFromUsage(headers: Headers, now: Date): number | null {
  const usage = headers.get('x-business-use-case-usage')
  let minutesMax: number | null = null
  if (usage !== null) {
    const decoded = decodeJson(usage)
    if (decoded.ok && isRecord(decoded.value)) {
      for (const perObject of Object.values(decoded.value)) {
        if (!Array.isArray(perObject)) continue
        for (const item of perObject) {
          const minutes = isRecord(item) ? numberAt(item, 'estimated_time_to_regain_access') : null
          if (minutes !== null && minutes >= 0 && (minutesMax === null || minutes > minutesMax)) minutesMax = minutes
        }
      }
    }
  }
  if (minutesMax !== null && minutesMax > 0) return Math.round(minutesMax * 60_000)
  return retryAfterMs(headers, now)
}

function describe(status: number, error: GraphError): string {
  const sub = error.subcode === null ? '' : `/${error.subcode}`
  return `HTTP ${status}, Graph error ${error.code ?? '?'}${sub}: ${error.message}${error.fbtraceId === null ? '' : ` (fbtrace_id ${error.fbtraceId})`}`
}

/** Maps a failed Graph response; falls back to the generic status mapping when the body is not a Graph error. */
export function failureFromGraph(status: number, headers: Headers, bodyText: string, now: Date): SendResult & { ok: false } {
  const error = readGraphError(bodyText)
  if (error === null) return failureFromStatus(status, headers, bodyText.slice(0, 300), now)
  const reason = describe(status, error)
  const { code, subcode } = error
  if (isRateLimit(code)) return { ok: false, retryable: true, retryAfterMs: retryAfterFromUsage(headers, now), reason }
  if ((subcode !== null && windowSubcodes.has(subcode)) || (code !== null && windowCodes.has(code))) {
    return { ok: false, retryable: false, code: 'WINDOW_CLOSED', reason }
  }
  if (code !== null && authCodes.has(code)) return { ok: false, retryable: false, code: 'AUTH_REVOKED', reason }
  // 100 "Object with ID … does not exist" (subcode 33): the comment/post was deleted or hidden from us.
  if (code === 100 && (subcode === 33 || /does not exist/i.test(error.message))) return { ok: false, retryable: false, code: 'PARENT_GONE', reason }
  if (error.isTransient || (code !== null && transientCodes.has(code)) || status >= 500) {
    return { ok: false, retryable: true, retryAfterMs: retryAfterMs(headers, now), reason }
  }
  return { ok: false, retryable: false, code: 'REJECTED', reason }
}

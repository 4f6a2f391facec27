// The XRPC edge shared by send.ts, profiles.ts and testConnection: base URLs, one call with a
// deadline, reading `{error, message}` bodies, and mapping atproto failures onto SendResult.
import { bodyText, failureFromStatus, fetchWithTimeout, type ResetHeader } from '../http.ts'
import type { AccountRuntime, SendResult } from '../types.ts'
import { decodeJson, isRecord, stringAt } from '../wire.ts'

export const defaultPdsUrl = 'https://bsky.social'
export const defaultAppViewUrl = 'https://public.api.bsky.app'
/** atproto services send `ratelimit-limit/-remaining/-reset` (epoch seconds) and `ratelimit-policy`. */
export const rateLimitReset: ResetHeader = { name: 'ratelimit-reset', unit: 'epoch-s' }

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

export function pdsUrlOf(account: AccountRuntime): string {
  return trimSlash(account.settings.pdsUrl ?? account.settings.apiBaseUrl ?? defaultPdsUrl)
}

export function appViewUrlOf(account: AccountRuntime): string {
  return trimSlash(account.settings.appViewUrl ?? defaultAppViewUrl)
}

export interface XrpcCall {
  fetch: typeof fetch
  signal: AbortSignal
  baseUrl: string
  nsid: string
  query?: URLSearchParams
  body?: unknown
  accessJwt?: string
}

export interface XrpcResponse {
  status: number
  headers: Headers
  /** The decoded JSON body, or null when it was not JSON. */
  json: unknown
  /** XRPC error name (`ExpiredToken`, `RecordNotFound` …) on failures. */
  error: string | null
  /** Short text for failure reasons. */
  detail: string
}

/** One XRPC request (GET with `query`, POST with `body`). Throws only on network errors and timeouts. */
export async function callXrpc(call: XrpcCall): Promise<XrpcResponse> {
  const query = call.query === undefined || call.query.size === 0 ? '' : `?${call.query.toString()}`
  const headers: Record<string, string> = { accept: 'application/json' }
  if (call.accessJwt !== undefined) headers.authorization = `Bearer ${call.accessJwt}`
  if (call.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetchWithTimeout(call.fetch, `${call.baseUrl}/xrpc/${call.nsid}${query}`, {
    method: call.body === undefined ? 'GET' : 'POST',
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    signal: call.signal,
  })
  const text = await bodyText(res, 100_000)
  const decoded = decodeJson(text)
  const json = decoded.ok ? decoded.value : null
  const error = isRecord(json) ? stringAt(json, 'error') : null
  const message = isRecord(json) ? stringAt(json, 'message') : null
  const detail = [error, message].filter((s) => s !== null && s !== '').join(': ') || text.slice(0, 300)
  return { status: res.status, headers: res.headers, json, error, detail }
}

/** The access token is stale (refresh the session once and try again). */
export function isStaleToken(res: XrpcResponse): boolean {
  return res.status === 401 || (res.status === 400 && (res.error === 'ExpiredToken' || res.error === 'InvalidToken'))
}

/** The record asked for (or replied to) does not exist: `RecordNotFound` / "Could not locate record". */
export function isRecordMissing(res: XrpcResponse): boolean {
  return res.status === 400 && (res.error === 'RecordNotFound' || /could not locate record/i.test(res.detail))
}

export function failureFromXrpc(res: XrpcResponse, now: Date): SendResult & { ok: false } {
  if (isRecordMissing(res)) return { ok: false, retryable: false, code: 'PARENT_GONE', reason: `HTTP ${res.status}: ${res.detail}` }
  if (isStaleToken(res) || res.error === 'AccountTakedown' || res.error === 'AuthenticationRequired') {
    return { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: `HTTP ${res.status}: ${res.detail}` }
  }
  return failureFromStatus(res.status, res.headers, res.detail, now, rateLimitReset)
}

// The one place the Meta channels talk to the Graph API: URL building (base URL and version from
// the account settings), the Page token as a Bearer header plus `appsecret_proof` when the app
// secret is known, one attempt with a deadline, and failure mapping.
import { createHmac } from 'node:crypto'
import { bodyText, failureFromError, fetchWithTimeout } from '../http.ts'
import type { AccountRuntime, SendContext, SendResult } from '../types.ts'
import { decodeJson, isRecord, type JsonRecord } from '../wire.ts'
import { failureFromGraph } from './graph-errors.ts'

export const graphBaseUrlDefault = 'https://graph.facebook.com'
export const graphVersionDefault = 'v21.0'

export function graphVersionOf(account: AccountRuntime): string {
  const version = account.settings['graphVersion'] ?? ''
  return /^v\d{1,3}\.\d{1,3}$/.test(version) ? version : graphVersionDefault
}

/** `segments` are encoded one by one: an id from a stored payload can never add path components. */
export function graphUrl(account: AccountRuntime, segments: readonly string[], query: Readonly<Record<string, string>> = {}): string {
  const base = (account.settings['apiBaseUrl'] ?? '').trim() || graphBaseUrlDefault
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') throw new Error(`not a Graph path segment: "${segment}"`)
  }
  const path = segments.map((s) => encodeURIComponent(s)).join('/')
  const url = new URL(`${base.replace(/\/+$/, '')}/${graphVersionOf(account)}/${path}`)
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
  const appSecret = account.secrets['appSecret'] ?? ''
  const token = account.secrets['pageAccessToken'] ?? ''
  // Apps with "Require App Secret" refuse calls without it; the others accept it.
  if (appSecret !== '' && token !== '') url.searchParams.set('appsecret_proof', appSecretProof(appSecret, token))
  return url.toString()
}

export function appSecretProof(appSecret: string, accessToken: string): string {
  return createHmac('sha256', appSecret).update(accessToken).digest('hex')
}

export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE'
  /** Path segments below the version, e.g. `['123_456', 'comments']`. */
  path: readonly string[]
  query?: Readonly<Record<string, string>>
  /** Sent as JSON. */
  body?: Readonly<Record<string, unknown>>
}

export type GraphAnswer = { ok: true; json: JsonRecord } | { ok: false; failure: SendResult & { ok: false } }

/** One request. A 2xx whose body is not a JSON object answers `{}` (callers check the fields they need). */
export async function callGraph(ctx: SendContext, call: GraphCall): Promise<GraphAnswer> {
  const token = ctx.account.secrets['pageAccessToken'] ?? ''
  if (token === '') return { ok: false, failure: { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: 'no pageAccessToken configured' } }
  let url: string
  try {
    url = graphUrl(ctx.account, call.path, call.query)
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err)
    return { ok: false, failure: { ok: false, retryable: false, code: 'REJECTED', reason: `cannot build the Graph URL (apiBaseUrl "${ctx.account.settings['apiBaseUrl'] ?? ''}"): ${detail}` } }
  }
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' }
  if (call.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetchWithTimeout(ctx.fetch, url, {
      method: call.method, headers, signal: ctx.signal, ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    })
  } catch (err) {
    return { ok: false, failure: failureFromError(err) }
  }
  const text = await bodyText(res, 200_000)
  if (!res.ok) return { ok: false, failure: failureFromGraph(res.status, res.headers, text, ctx.now()) }
  const decoded = decodeJson(text)
  return { ok: true, json: decoded.ok && isRecord(decoded.value) ? decoded.value : {} }
}

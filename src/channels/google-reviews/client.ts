// Authenticated calls to the Business Profile API: an access token from the OAuth 2 refresh-token
// grant (scope business.manage), cached until shortly before it expires, and Google's JSON errors
// (`{"error":{"code","status","message"}}`) mapped onto send failures.
import { bodyText, failureFromError, failureFromStatus, fetchWithTimeout, retryAfterMs } from '../http.ts'
import { AccessTokenCache, callWithToken, type CallResult, type Failure, type TokenResult } from '../oauth.ts'
import type { AccountRuntime, SendContext } from '../types.ts'
import { isRecord, numberAt, recordAt, stringAt } from '../wire.ts'

export const googleApiUrl = 'https://mybusiness.googleapis.com'
export const googleTokenUrl = 'https://oauth2.googleapis.com'

export type { CallResult, Failure, TokenResult }

export interface GoogleSettings {
  apiBaseUrl: string
  tokenUrl: string
  /** `accounts/{accountId}/locations/{locationId}`, or null when not configured. */
  location: string | null
}

export function googleSettingsOf(account: AccountRuntime): GoogleSettings {
  const s = account.settings
  const location = (s.location ?? '').trim().replace(/^\/+|\/+$/g, '')
  return {
    apiBaseUrl: (s.apiBaseUrl ?? googleApiUrl).replace(/\/+$/, ''),
    tokenUrl: (s.tokenUrl ?? googleTokenUrl).replace(/\/+$/, ''),
    location: location === '' ? null : location,
  }
}

/** What a call needs: the send context (sources pass theirs, which has the same fields). */
export type RequestContext = SendContext

const tokens = new AccessTokenCache()

function cacheKey(account: AccountRuntime, settings: GoogleSettings): string {
  return AccessTokenCache.key(account.id, settings.tokenUrl, [account.secrets.clientId, account.secrets.clientSecret, account.secrets.refreshToken])
}

export function forgetToken(account: AccountRuntime): void {
  tokens.forget(cacheKey(account, googleSettingsOf(account)))
}

export async function accessToken(ctx: RequestContext): Promise<TokenResult> {
  const settings = googleSettingsOf(ctx.account)
  const key = cacheKey(ctx.account, settings)
  const cached = tokens.get(key, ctx.now())
  if (cached !== null) return { ok: true, token: cached, fresh: false }
  const { clientId, clientSecret, refreshToken } = ctx.account.secrets
  if (clientId === undefined || clientId === '' || refreshToken === undefined || refreshToken === '') {
    return { ok: false, failure: { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: 'missing clientId or refreshToken' } }
  }
  let res: Response
  try {
    res = await fetchWithTimeout(ctx.fetch, `${settings.tokenUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret ?? '', refresh_token: refreshToken }).toString(),
      signal: ctx.signal,
    })
  } catch (err) {
    return { ok: false, failure: failureFromError(err) }
  }
  const body: unknown = await res.json().catch(() => null)
  const token = isRecord(body) ? stringAt(body, 'access_token') : null
  if (res.status === 400 || res.status === 401 || (res.ok && (token === null || token === ''))) {
    // invalid_grant (refresh token revoked or expired), invalid_client (wrong app credentials).
    const error = isRecord(body) ? `${String(body.error ?? '')} ${stringAt(body, 'error_description') ?? ''}`.trim() : ''
    return { ok: false, failure: { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: `token: HTTP ${res.status} ${error}`.trim() } }
  }
  if (!res.ok || token === null || !isRecord(body)) return { ok: false, failure: failureFromStatus(res.status, res.headers, 'token endpoint', ctx.now()) }
  tokens.set(key, token, numberAt(body, 'expires_in'), ctx.now())
  return { ok: true, token, fresh: true }
}

/** One authenticated call; a 401 on a cached token is retried once with a new token. */
export async function googleCall(ctx: RequestContext, method: 'GET' | 'PUT' | 'DELETE', url: string, json?: unknown): Promise<CallResult> {
  return callWithToken(() => accessToken(ctx), () => forgetToken(ctx.account), (token) => fetchWithTimeout(ctx.fetch, url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    signal: ctx.signal,
  }))
}

/** `{"error":{"status":"RESOURCE_EXHAUSTED"}}` and friends. */
export function googleStatusOf(body: unknown): string | null {
  const error = isRecord(body) ? recordAt(body, 'error') : null
  return error === null ? null : stringAt(error, 'status')
}

/** A failed answer as a send failure: Google's status names first, then the HTTP status. */
export async function failureOf(res: Response, now: Date): Promise<Failure> {
  const text = await bodyText(res, 500)
  let status: string | null = null
  try {
    status = googleStatusOf(JSON.parse(text))
  } catch {
    status = null
  }
  if (status === 'RESOURCE_EXHAUSTED') return { ok: false, retryable: true, retryAfterMs: retryAfterMs(res.headers, now), reason: `HTTP ${res.status}: ${text}` }
  if (status === 'PERMISSION_DENIED' || status === 'UNAUTHENTICATED') return { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: `HTTP ${res.status}: ${text}` }
  if (status === 'NOT_FOUND') return { ok: false, retryable: false, code: 'PARENT_GONE', reason: `HTTP ${res.status}: ${text}` }
  return failureFromStatus(res.status, res.headers, text, now)
}

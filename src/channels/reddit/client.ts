// Authenticated requests to Reddit's OAuth API: the account's settings with their defaults, an
// access token from the script-app password grant or a refresh token (cached until it expires), and
// the unique descriptive User-Agent Reddit requires on every request.
import { bodyText, failureFromError, failureFromStatus, fetchWithTimeout, type ResetHeader } from '../http.ts'
import { AccessTokenCache, callWithToken, type CallResult, type Failure, type TokenResult } from '../oauth.ts'
import type { AccountRuntime, SendContext } from '../types.ts'
import { isRecord, numberAt, stringAt } from '../wire.ts'

export const redditApiUrl = 'https://oauth.reddit.com'
export const redditAuthUrl = 'https://www.reddit.com'
/** Reddit's reset header counts seconds until the window ends. */
export const redditReset: ResetHeader = { name: 'x-ratelimit-reset', unit: 'seconds' }

export interface RedditSettings {
  apiBaseUrl: string
  authUrl: string
  userAgent: string
  username: string | null
  subreddits: string[]
}

export function redditSettingsOf(account: AccountRuntime): RedditSettings {
  const s = account.settings
  const username = s.username !== undefined && s.username.trim() !== '' ? s.username.trim().replace(/^\/?u\//, '') : null
  return {
    apiBaseUrl: trimSlash(s.apiBaseUrl ?? redditApiUrl),
    authUrl: trimSlash(s.authUrl ?? redditAuthUrl),
    userAgent: s.userAgent !== undefined && s.userAgent.trim() !== '' ? s.userAgent : `earshot/0.1 (by /u/${username ?? 'unknown'})`,
    username,
    subreddits: (s.subreddits ?? '').split(',').map((sub) => sub.trim().replace(/^\/?r\//, '')).filter((sub) => sub !== ''),
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}

export type { CallResult, Failure, TokenResult }

const tokens = new AccessTokenCache()

/** One cache entry per account and credentials: changed secrets never reuse an old token. */
function cacheKey(account: AccountRuntime, settings: RedditSettings): string {
  const { clientId, clientSecret, password, refreshToken } = account.secrets
  return AccessTokenCache.key(account.id, settings.authUrl, [clientId, clientSecret, password, refreshToken, settings.username])
}

export function forgetToken(account: AccountRuntime): void {
  tokens.forget(cacheKey(account, redditSettingsOf(account)))
}

/** What a call needs: the send context (sources pass theirs, which has the same fields). */
export type RequestContext = SendContext

function grantOf(account: AccountRuntime, settings: RedditSettings): URLSearchParams | null {
  const { password, refreshToken } = account.secrets
  if (refreshToken !== undefined && refreshToken !== '') return new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken })
  if (password !== undefined && password !== '' && settings.username !== null) {
    return new URLSearchParams({ grant_type: 'password', username: settings.username, password })
  }
  return null
}

export async function accessToken(ctx: RequestContext): Promise<TokenResult> {
  const settings = redditSettingsOf(ctx.account)
  const key = cacheKey(ctx.account, settings)
  const cached = tokens.get(key, ctx.now())
  if (cached !== null) return { ok: true, token: cached, fresh: false }
  const { clientId, clientSecret } = ctx.account.secrets
  const grant = grantOf(ctx.account, settings)
  if (clientId === undefined || clientId === '' || grant === null) {
    return { ok: false, failure: { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: 'missing clientId, or password with username, or refreshToken' } }
  }
  let res: Response
  try {
    res = await fetchWithTimeout(ctx.fetch, `${settings.authUrl}/api/v1/access_token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret ?? ''}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': settings.userAgent,
      },
      body: grant.toString(),
      signal: ctx.signal,
    })
  } catch (err) {
    return { ok: false, failure: failureFromError(err) }
  }
  if (!res.ok) return { ok: false, failure: failureFromStatus(res.status, res.headers, `token: ${await bodyText(res, 300)}`, ctx.now(), redditReset) }
  const body: unknown = await res.json().catch(() => null)
  const token = isRecord(body) ? stringAt(body, 'access_token') : null
  if (!isRecord(body) || token === null || token === '') {
    // Reddit answers a wrong password or a revoked refresh token with 200 {"error": "invalid_grant"}.
    const error = isRecord(body) ? String(body.error ?? 'no access_token') : 'unreadable token response'
    return { ok: false, failure: { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: `token: ${error}` } }
  }
  tokens.set(key, token, numberAt(body, 'expires_in'), ctx.now())
  return { ok: true, token, fresh: true }
}

export interface RedditCall {
  method: 'GET' | 'POST'
  path: string
  query?: Record<string, string>
  form?: Record<string, string>
}

/**
 * One authenticated call with `raw_json=1`. A 401 on a cached token means the token died early:
 * it is dropped and the call made once more with a new one (the first never reached Reddit's handler).
 */
export async function redditCall(ctx: RequestContext, call: RedditCall): Promise<CallResult> {
  const settings = redditSettingsOf(ctx.account)
  const url = new URL(`${settings.apiBaseUrl}${call.path}`)
  url.searchParams.set('raw_json', '1')
  for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v)
  return callWithToken(() => accessToken(ctx), () => forgetToken(ctx.account), (token) => fetchWithTimeout(ctx.fetch, url.toString(), {
    method: call.method,
    headers: {
      authorization: `bearer ${token}`,
      'user-agent': settings.userAgent,
      ...(call.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(call.form === undefined ? {} : { body: new URLSearchParams(call.form).toString() }),
    signal: ctx.signal,
  }))
}

// Authenticated requests to Reddit's OAuth API: the account's settings with their defaults, an
// access token from the script-app password grant or a refresh token (cached until it expires), and
// the unique descriptive User-Agent Reddit requires on every request.
import { createHash } from 'node:crypto'
import { bodyText, failureFromError, failureFromStatus, fetchWithTimeout, type ResetHeader } from '../http.ts'
import type { AccountRuntime, SendResult } from '../types.ts'
import { isRecord, numberAt, stringAt } from '../wire.ts'

export const redditApiUrl = 'https://oauth.reddit.com'
export const redditAuthUrl = 'https://www.reddit.com'
/** Reddit's reset header counts seconds until the window ends. */
export const redditReset: ResetHeader = { name: 'x-ratelimit-reset', unit: 'seconds' }
/** Tokens are renewed this long before Reddit says they expire. */
const tokenMarginMs = 60_000

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

export type Failure = SendResult & { ok: false }
export type TokenResult = { ok: true; token: string; fresh: boolean } | { ok: false; failure: Failure }

interface CachedToken {
  token: string
  expiresAtMs: number
}

const tokens = new Map<string, CachedToken>()

/** One cache entry per account and credentials: changed secrets never reuse an old token. */
function cacheKey(account: AccountRuntime, settings: RedditSettings): string {
  const secrets = JSON.stringify([account.secrets.clientId, account.secrets.clientSecret, account.secrets.password, account.secrets.refreshToken, settings.username])
  return `${account.id}|${settings.authUrl}|${createHash('sha256').update(secrets).digest('hex')}`
}

export function forgetToken(account: AccountRuntime): void {
  tokens.delete(cacheKey(account, redditSettingsOf(account)))
}

export interface RequestContext {
  account: AccountRuntime
  fetch: typeof fetch
  signal: AbortSignal
  now(): Date
}

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
  const cached = tokens.get(key)
  if (cached !== undefined && cached.expiresAtMs > ctx.now().getTime()) return { ok: true, token: cached.token, fresh: false }
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
  const expiresInS = numberAt(body, 'expires_in') ?? 3_600
  tokens.set(key, { token, expiresAtMs: ctx.now().getTime() + Math.max(0, expiresInS * 1000 - tokenMarginMs) })
  return { ok: true, token, fresh: true }
}

export interface RedditCall {
  method: 'GET' | 'POST'
  path: string
  query?: Record<string, string>
  form?: Record<string, string>
}

export type CallResult = { ok: true; res: Response } | { ok: false; failure: Failure }

/**
 * One authenticated call with `raw_json=1`. A 401 on a cached token means the token died early:
 * it is dropped and the call made once more with a new one (the first never reached Reddit's handler).
 */
export async function redditCall(ctx: RequestContext, call: RedditCall): Promise<CallResult> {
  const settings = redditSettingsOf(ctx.account)
  const url = new URL(`${settings.apiBaseUrl}${call.path}`)
  url.searchParams.set('raw_json', '1')
  for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v)
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = await accessToken(ctx)
    if (!token.ok) return token
    let res: Response
    try {
      res = await fetchWithTimeout(ctx.fetch, url.toString(), {
        method: call.method,
        headers: {
          authorization: `bearer ${token.token}`,
          'user-agent': settings.userAgent,
          ...(call.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(call.form === undefined ? {} : { body: new URLSearchParams(call.form).toString() }),
        signal: ctx.signal,
      })
    } catch (err) {
      return { ok: false, failure: failureFromError(err) }
    }
    if (res.status === 401 && !token.fresh) {
      forgetToken(ctx.account)
      await res.body?.cancel()
      continue
    }
    return { ok: true, res }
  }
  return { ok: false, failure: { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: 'HTTP 401 with a new token' } }
}

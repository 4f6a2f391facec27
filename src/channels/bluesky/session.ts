// App-password sessions (com.atproto.server.createSession), cached per account until the access
// token expires. createSession is rate-limited hard (tens per 5 min per account), so every send
// reuses the cached token and only a stale-token answer (401, 400 ExpiredToken) makes a new one.
import { failureFromError } from '../http.ts'
import type { AccountRuntime, SendResult } from '../types.ts'
import { idAt, isRecord, numberAt, stringAt } from '../wire.ts'
import { callXrpc, failureFromXrpc, pdsUrlOf } from './xrpc.ts'

export interface BlueskySession {
  accessJwt: string
  did: string
  handle: string
  expiresAtMs: number
}

export interface SessionContext {
  account: AccountRuntime
  fetch: typeof fetch
  signal: AbortSignal
  now(): Date
}

export type SessionResult = { ok: true; session: BlueskySession } | { ok: false; failure: SendResult & { ok: false } }

/** Stop using a token this long before its `exp`, so it does not expire in flight. */
const expiryMarginMs = 60_000
/** When the token's `exp` cannot be read. */
const fallbackLifetimeMs = 15 * 60_000

const sessions = new Map<string, BlueskySession>()

function cacheKey(account: AccountRuntime): string {
  return `${account.id}\n${pdsUrlOf(account)}\n${account.settings.handle ?? ''}`
}

/** `exp` (seconds) from a JWT's payload, without checking the signature (the PDS does that). */
export function jwtExpiryMs(jwt: string): number | null {
  const payload = jwt.split('.')[1]
  if (payload === undefined) return null
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    const exp = isRecord(claims) ? numberAt(claims, 'exp') : null
    return exp === null ? null : exp * 1000
  } catch {
    return null
  }
}

export function forgetSession(account: AccountRuntime): void {
  sessions.delete(cacheKey(account))
}

/** The cached session, or a new one. `fresh` skips the cache (after a stale-token answer, or to test credentials). */
export async function getSession(ctx: SessionContext, fresh = false): Promise<SessionResult> {
  const key = cacheKey(ctx.account)
  const cached = sessions.get(key)
  if (!fresh && cached !== undefined && cached.expiresAtMs > ctx.now().getTime()) return { ok: true, session: cached }
  sessions.delete(key)
  const identifier = ctx.account.settings.handle
  const password = ctx.account.secrets.appPassword
  if (identifier === undefined || identifier === '' || password === undefined || password === '') {
    return { ok: false, failure: { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: 'settings.handle and secrets.appPassword are required' } }
  }
  let res
  try {
    res = await callXrpc({ fetch: ctx.fetch, signal: ctx.signal, baseUrl: pdsUrlOf(ctx.account), nsid: 'com.atproto.server.createSession', body: { identifier, password } })
  } catch (err) {
    return { ok: false, failure: failureFromError(err) }
  }
  if (res.status !== 200) {
    // createSession answers a wrong password with 401 AuthenticationRequired: the admin must fix it.
    const failure = failureFromXrpc(res, ctx.now())
    return { ok: false, failure: res.status === 400 && !failure.retryable ? { ...failure, code: 'AUTH_REVOKED' } : failure }
  }
  const body = isRecord(res.json) ? res.json : {}
  const accessJwt = idAt(body, 'accessJwt')
  const did = idAt(body, 'did')
  if (accessJwt === null || did === null) {
    return { ok: false, failure: { ok: false, retryable: true, retryAfterMs: null, reason: 'createSession answered without accessJwt/did' } }
  }
  const nowMs = ctx.now().getTime()
  const expiresAtMs = (jwtExpiryMs(accessJwt) ?? nowMs + fallbackLifetimeMs) - expiryMarginMs
  const session: BlueskySession = { accessJwt, did, handle: stringAt(body, 'handle') ?? identifier, expiresAtMs }
  if (expiresAtMs > nowMs) sessions.set(key, session)
  return { ok: true, session }
}

// OAuth 2 access tokens for the polling channels (Reddit, Google): cached per account and
// credentials until shortly before they expire, and authenticated calls that drop a cached token
// the platform refuses (it died early) and try once more with a new one.
import { createHash } from 'node:crypto'
import { failureFromError } from './http.ts'
import type { SendResult } from './types.ts'

export type Failure = SendResult & { ok: false }
export type TokenResult = { ok: true; token: string; fresh: boolean } | { ok: false; failure: Failure }
export type CallResult = { ok: true; res: Response } | { ok: false; failure: Failure }

/** Tokens are renewed this long before the platform says they expire. */
const tokenMarginMs = 60_000
const expiresInDefaultS = 3_600

export class AccessTokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAtMs: number }>()

  /** One entry per account, token endpoint and credentials: changed secrets never reuse an old token. */
  static key(accountId: string, tokenUrl: string, credentials: readonly unknown[]): string {
    return `${accountId}|${tokenUrl}|${createHash('sha256').update(JSON.stringify(credentials)).digest('hex')}`
  }

  get(key: string, now: Date): string | null {
    const cached = this.tokens.get(key)
    return cached !== undefined && cached.expiresAtMs > now.getTime() ? cached.token : null
  }

  /** `expiresInS`: the token answer's `expires_in`, null when it gave none. */
  set(key: string, token: string, expiresInS: number | null, now: Date): void {
    const lifetimeMs = (expiresInS ?? expiresInDefaultS) * 1000 - tokenMarginMs
    this.tokens.set(key, { token, expiresAtMs: now.getTime() + Math.max(0, lifetimeMs) })
  }

  forget(key: string): void {
    this.tokens.delete(key)
  }
}

/**
 * One authenticated call. A 401 on a cached token means it died early: it is forgotten and the call
 * made once more with a new one (the refused request never reached the platform's handler).
 */
export async function callWithToken(
  getToken: () => Promise<TokenResult>,
  forgetToken: () => void,
  request: (token: string) => Promise<Response>,
): Promise<CallResult> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = await getToken()
    if (!token.ok) return token
    let res: Response
    try {
      res = await request(token.token)
    } catch (err) {
      return { ok: false, failure: failureFromError(err) }
    }
    if (res.status === 401 && !token.fresh) {
      forgetToken()
      await res.body?.cancel()
      continue
    }
    return { ok: true, res }
  }
  return { ok: false, failure: { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: 'HTTP 401 with a new token' } }
}

// What every Mastodon request shares: the instance URL from the account, the bearer token, and
// how the rate-limit headers read (300 requests per 5 minutes; X-RateLimit-Reset is an ISO date).
import type { ResetHeader } from '../http.ts'
import type { AccountRuntime } from '../types.ts'

/** Mastodon is federated: every account lives on its own instance. This default is only a placeholder. */
export const defaultInstanceUrl = 'https://mastodon.social'

export const rateLimitReset: ResetHeader = { name: 'x-ratelimit-reset', unit: 'iso' }

export function instanceUrl(account: AccountRuntime): string {
  const configured = account.settings['apiBaseUrl']?.trim() ?? ''
  return (configured === '' ? defaultInstanceUrl : configured).replace(/\/+$/, '')
}

/** The streaming server; Mastodon serves it on the instance host unless `configuration.urls.streaming` says otherwise. */
export function streamingUrl(account: AccountRuntime): string {
  const configured = account.settings['streamingUrl']?.trim() ?? ''
  return configured === '' ? instanceUrl(account) : configured.replace(/\/+$/, '').replace(/^ws(s?):/, 'http$1:')
}

export function instanceHost(account: AccountRuntime): string | null {
  try {
    return new URL(instanceUrl(account)).host
  } catch {
    return null
  }
}

export function accessToken(account: AccountRuntime): string {
  return account.secrets['accessToken'] ?? ''
}

export function authHeaders(account: AccountRuntime): Record<string, string> {
  return { authorization: `Bearer ${accessToken(account)}`, accept: 'application/json' }
}

/** Milliseconds until the window resets when the instance says no requests are left; 0 otherwise. */
export function exhaustedWaitMs(headers: Headers, now: Date): number {
  const remaining = headers.get('x-ratelimit-remaining')
  if (remaining === null || Number(remaining) > 0) return 0
  const reset = Date.parse(headers.get('x-ratelimit-reset') ?? '')
  return Number.isNaN(reset) ? 0 : Math.max(0, reset - now.getTime())
}

/** `Link: <url>; rel="next", <url>; rel="prev"` → { next: url, prev: url }. */
export function parseLinkHeader(value: string | null): Record<string, string> {
  const links: Record<string, string> = {}
  if (value === null) return links
  for (const part of value.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part)
    if (match === null) continue
    const rel = /\brel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '')
    if (rel?.[1] !== undefined && match[1] !== undefined) {
      for (const name of rel[1].trim().split(/\s+/)) links[name.toLowerCase()] = match[1]
    }
  }
  return links
}

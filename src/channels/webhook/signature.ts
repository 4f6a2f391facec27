// The signature both directions of the generic webhook use:
// `X-Earshot-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Earshot-Timestamp>." + raw body)>`.
// Signing the timestamp with the body lets a receiver refuse replays older than the tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const signatureHeader = 'x-earshot-signature'
export const timestampHeader = 'x-earshot-timestamp'
/** A delivery whose timestamp is further than this from the receiver's clock is refused (replay). */
export const timestampToleranceSeconds = 300

/** `sha256=<hex>` over `timestamp + "." + body`. */
export function signPayload(secret: string, timestampSeconds: string, body: Buffer | string): string {
  const hmac = createHmac('sha256', secret)
  hmac.update(`${timestampSeconds}.`)
  hmac.update(body)
  return `sha256=${hmac.digest('hex')}`
}

/** Constant-time comparison of a received header against the expected signature. */
export function signatureMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(received.trim(), 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Unix seconds as sent in X-Earshot-Timestamp: digits only, nothing else accepted. */
export function timestampSecondsOf(header: string | undefined): number | null {
  if (header === undefined || !/^\d{1,12}$/.test(header.trim())) return null
  return Number(header.trim())
}

/** The two headers a signed request carries. */
export function signedHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000))
  return { 'X-Earshot-Timestamp': timestamp, 'X-Earshot-Signature': signPayload(secret, timestamp, body) }
}

// Inbound deliveries to POST /api/v1/webhooks/webhook/:accountId must be signed with the account's
// `signingSecret` (see signature.ts) and be at most five minutes old. VerifyWebhook has no clock,
// so the factory takes one; the exported verifier reads the system clock.
import type { AccountRuntime, VerifyWebhook, WebhookRequest, WebhookVerdict } from '../types.ts'
import { signatureHeader, signatureMatches, signPayload, timestampHeader, timestampSecondsOf, timestampToleranceSeconds } from './signature.ts'

export function createWebhookVerifier(nowMs: () => number = Date.now): VerifyWebhook {
  return function verifyWebhookDelivery(req: WebhookRequest, account: AccountRuntime): WebhookVerdict {
    if (req.method.toUpperCase() !== 'POST') return { kind: 'reject', status: 403, reason: 'deliveries are POSTed; there is no handshake' }
    const secret = account.secrets.signingSecret
    if (secret === undefined || secret === '') return { kind: 'reject', status: 403, reason: 'this account has no signingSecret configured' }
    const signature = req.headers[signatureHeader]
    const timestamp = timestampSecondsOf(req.headers[timestampHeader])
    if (signature === undefined || signature === '') return { kind: 'reject', status: 401, reason: 'missing X-Earshot-Signature' }
    if (timestamp === null) return { kind: 'reject', status: 401, reason: 'missing or malformed X-Earshot-Timestamp' }
    const skewSeconds = Math.abs(nowMs() / 1000 - timestamp)
    if (skewSeconds > timestampToleranceSeconds) return { kind: 'reject', status: 401, reason: `timestamp is ${Math.round(skewSeconds)} s away from our clock (tolerance ${timestampToleranceSeconds} s)` }
    // Signed over the header text exactly as sent (leading zeros included).
    const expected = signPayload(secret, (req.headers[timestampHeader] ?? '').trim(), req.rawBody)
    if (!signatureMatches(expected, signature)) return { kind: 'reject', status: 401, reason: 'signature does not match' }
    return { kind: 'accept' }
  }
}

export const verifyWebhookDelivery: VerifyWebhook = createWebhookVerifier()

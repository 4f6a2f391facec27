// X webhooks (Account Activity API and v2 webhooks): the CRC handshake and the signature of each
// POST. Both are HMAC-SHA256 keyed with the app's consumer secret, sent as "sha256=<base64>".
//   CRC:  GET ?crc_token=T  → 200 {"response_token":"sha256=" + base64(HMAC(secret, T))}
//   POST: x-twitter-webhooks-signature: sha256=base64(HMAC(secret, raw body bytes))
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AccountRuntime, VerifyWebhook, WebhookRequest, WebhookVerdict } from '../types.ts'

export const signatureHeader = 'x-twitter-webhooks-signature'

/** "sha256=" + base64 HMAC-SHA256: the form of both the CRC response token and the POST signature. */
export function xSignature(consumerSecret: string, message: string | Buffer): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(message).digest('base64')}`
}

/** The JSON body X expects in answer to a CRC GET. */
export function crcResponseBody(consumerSecret: string, crcToken: string): string {
  return JSON.stringify({ response_token: xSignature(consumerSecret, crcToken) })
}

function sameSignature(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(received, 'utf8')
  return a.length === b.length && timingSafeEqual(a, b)
}

export const verifyXWebhook: VerifyWebhook = (req: WebhookRequest, account: AccountRuntime): WebhookVerdict => {
  const secret = account.secrets['consumerSecret'] ?? ''
  if (secret === '') return { kind: 'reject', status: 403, reason: 'account has no consumerSecret' }
  const method = req.method.toUpperCase()
  if (method === 'GET') {
    const token = req.query['crc_token']
    if (token === undefined || token === '') return { kind: 'reject', status: 403, reason: 'GET without crc_token' }
    return { kind: 'respond', status: 200, contentType: 'application/json', body: crcResponseBody(secret, token) }
  }
  if (method !== 'POST') return { kind: 'reject', status: 403, reason: `unexpected method ${req.method}` }
  const received = req.headers[signatureHeader]
  if (received === undefined || received === '') return { kind: 'reject', status: 401, reason: `missing ${signatureHeader}` }
  if (!sameSignature(xSignature(secret, req.rawBody), received.trim())) {
    return { kind: 'reject', status: 401, reason: `bad ${signatureHeader}` }
  }
  return { kind: 'accept' }
}

// Meta webhook verification, shared by Facebook and Instagram accounts:
// - GET subscription handshake: `hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` → echo the
//   challenge as text/plain when the token equals the account's `verifyToken` secret, else 403.
// - POST deliveries: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, raw body)>` over the
//   bytes as received (Meta escapes non-ASCII as \uXXXX; re-serialised JSON would not match).
//   The legacy SHA-1 `X-Hub-Signature` alone is not accepted.
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AccountRuntime, VerifyWebhook, WebhookRequest, WebhookVerdict } from '../types.ts'

/** Meta's challenges are short integers; anything long is not a handshake we answer. */
const challengeLengthMax = 200

export function signBody(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`
}

function equalSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  // timingSafeEqual needs equal lengths; the length itself is not the secret worth hiding.
  return a.length === b.length && timingSafeEqual(a, b)
}

export const verifyMetaWebhook: VerifyWebhook = (req, account) => {
  if (req.method === 'GET') return verifyHandshake(req, account)
  if (req.method === 'POST') return verifySignature(req, account)
  return { kind: 'reject', status: 403, reason: `method ${req.method.slice(0, 10)} is not a Meta webhook` }
}

function verifyHandshake(req: WebhookRequest, account: AccountRuntime): WebhookVerdict {
  const expected = account.secrets['verifyToken'] ?? ''
  const mode = req.query['hub.mode']
  const token = req.query['hub.verify_token'] ?? ''
  const challenge = req.query['hub.challenge'] ?? ''
  if (expected === '') return { kind: 'reject', status: 403, reason: 'no verifyToken configured for this account' }
  if (mode !== 'subscribe') return { kind: 'reject', status: 403, reason: 'hub.mode is not subscribe' }
  if (!equalSecret(token, expected)) return { kind: 'reject', status: 403, reason: 'hub.verify_token does not match' }
  if (challenge === '' || challenge.length > challengeLengthMax) return { kind: 'reject', status: 403, reason: 'hub.challenge missing or too long' }
  return { kind: 'respond', status: 200, contentType: 'text/plain; charset=utf-8', body: challenge }
}

function verifySignature(req: WebhookRequest, account: AccountRuntime): WebhookVerdict {
  const appSecret = account.secrets['appSecret'] ?? ''
  if (appSecret === '') return { kind: 'reject', status: 403, reason: 'no appSecret configured for this account' }
  const header = req.headers['x-hub-signature-256']
  if (header === undefined || header === '') return { kind: 'reject', status: 401, reason: 'X-Hub-Signature-256 missing' }
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim())
  if (match === null) return { kind: 'reject', status: 401, reason: 'X-Hub-Signature-256 is not sha256=<64 hex>' }
  const given = Buffer.from((match[1] as string).toLowerCase(), 'hex')
  const expected = createHmac('sha256', appSecret).update(req.rawBody).digest()
  if (!timingSafeEqual(given, expected)) return { kind: 'reject', status: 403, reason: 'X-Hub-Signature-256 does not match the body' }
  return { kind: 'accept' }
}

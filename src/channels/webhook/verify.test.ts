import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { AccountRuntime, WebhookRequest } from '../types.ts'
import { createWebhookVerifier } from './verify.ts'

const secret = 'whsec_test_0123456789'
const account: AccountRuntime = { id: 'acc-1', workspaceId: 'ws-1', channel: 'webhook', name: 'CRM', settings: {}, secrets: { signingSecret: secret } }
const nowSeconds = 1_740_000_000
const verify = createWebhookVerifier(() => nowSeconds * 1000)
const body = Buffer.from('{"id":"m1","type":"message","author":{"id":"u"},"text":"héllo","created_at":"2025-03-01T10:15:00Z"}')

// Computed here independently of signature.ts: hex HMAC-SHA256 over "<timestamp>.<body>".
function sign(timestamp: string, raw: Buffer, key = secret): string {
  return `sha256=${createHmac('sha256', key).update(Buffer.concat([Buffer.from(`${timestamp}.`), raw])).digest('hex')}`
}

function request(headers: Record<string, string | undefined>, raw = body, method = 'POST'): WebhookRequest {
  return { method, query: {}, headers, rawBody: raw }
}

describe('webhook verify', () => {
  it('accepts a fresh, correctly signed delivery', () => {
    const ts = String(nowSeconds - 10)
    expect(verify(request({ 'x-earshot-timestamp': ts, 'x-earshot-signature': sign(ts, body) }), account)).toEqual({ kind: 'accept' })
  })

  it('matches a fixed vector', () => {
    // printf '1740000000.{"ping":1}' | openssl dgst -sha256 -hmac whsec_test_0123456789
    const raw = Buffer.from('{"ping":1}')
    const expected = 'sha256=0db540c2f2173382d23d183c8a3f812930a215d353df6259d81857437627345a'
    expect(sign('1740000000', raw)).toBe(expected)
    expect(verify(request({ 'x-earshot-timestamp': '1740000000', 'x-earshot-signature': expected }, raw), account).kind).toBe('accept')
  })

  it('accepts timestamps within five minutes either way', () => {
    for (const ts of [String(nowSeconds - 300), String(nowSeconds + 300)]) {
      expect(verify(request({ 'x-earshot-timestamp': ts, 'x-earshot-signature': sign(ts, body) }), account).kind).toBe('accept')
    }
  })

  const ts = String(nowSeconds)
  const cases: Array<[string, WebhookRequest, AccountRuntime, 401 | 403]> = [
    ['no signature', request({ 'x-earshot-timestamp': ts }), account, 401],
    ['no timestamp', request({ 'x-earshot-signature': sign(ts, body) }), account, 401],
    ['a non-numeric timestamp', request({ 'x-earshot-timestamp': '17e8', 'x-earshot-signature': sign('17e8', body) }), account, 401],
    ['a replay older than five minutes', request({ 'x-earshot-timestamp': String(nowSeconds - 301), 'x-earshot-signature': sign(String(nowSeconds - 301), body) }), account, 401],
    ['a timestamp from the future', request({ 'x-earshot-timestamp': String(nowSeconds + 301), 'x-earshot-signature': sign(String(nowSeconds + 301), body) }), account, 401],
    ['a signature with another secret', request({ 'x-earshot-timestamp': ts, 'x-earshot-signature': sign(ts, body, 'other') }), account, 401],
    ['a tampered body', request({ 'x-earshot-timestamp': ts, 'x-earshot-signature': sign(ts, body) }, Buffer.from(body.toString().replace('héllo', 'hello'))), account, 401],
    ['a signature over another timestamp', request({ 'x-earshot-timestamp': ts, 'x-earshot-signature': sign(String(nowSeconds - 1), body) }), account, 401],
    ['a base64 signature', request({ 'x-earshot-timestamp': ts, 'x-earshot-signature': `sha256=${createHmac('sha256', secret).update(`${ts}.`).update(body).digest('base64')}` }), account, 401],
    ['an account without signingSecret', request({ 'x-earshot-timestamp': ts, 'x-earshot-signature': sign(ts, body, '') }), { ...account, secrets: {} }, 403],
    ['a GET probe', request({}, Buffer.alloc(0), 'GET'), account, 403],
  ]
  it.each(cases)('rejects %s', (_name, req, acc, status) => {
    const verdict = verify(req, acc)
    expect(verdict).toMatchObject({ kind: 'reject', status })
  })

  it('signs the timestamp text as sent', () => {
    const padded = `0${nowSeconds}`
    expect(verify(request({ 'x-earshot-timestamp': padded, 'x-earshot-signature': sign(padded, body) }), account).kind).toBe('accept')
    expect(verify(request({ 'x-earshot-timestamp': padded, 'x-earshot-signature': sign(String(nowSeconds), body) }), account).kind).toBe('reject')
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { AccountRuntime, WebhookRequest } from '../types.ts'
import { crcResponseBody, signatureHeader, verifyXWebhook, xSignature } from './verify.ts'

warnIfNoShared()

function account(consumerSecret: string | undefined): AccountRuntime {
  return {
    id: 'acc-1', workspaceId: 'ws-1', channel: 'x-twitter', name: 'Acme on X', settings: {},
    secrets: consumerSecret === undefined ? {} : { consumerSecret },
  }
}

function request(over: Partial<WebhookRequest>): WebhookRequest {
  return { method: 'POST', query: {}, headers: {}, rawBody: Buffer.alloc(0), ...over }
}

const secret = 'app-consumer-secret'
const body = Buffer.from('{"for_user_id":"1500000000000000001","tweet_create_events":[]}')

describe('verifyXWebhook: CRC', () => {
  it('answers a CRC GET with the HMAC of the token as JSON', () => {
    // Computed independently: base64(HMAC-SHA256("test", "test")).
    expect(verifyXWebhook(request({ method: 'GET', query: { crc_token: 'test' } }), account('test'))).toEqual({
      kind: 'respond', status: 200, contentType: 'application/json',
      body: '{"response_token":"sha256=iM0hCLU0fZc885zfkFPX3UJwSHbYyam9ji0WglnT3fc="}',
    })
  })

  it('rejects a GET without a token and any request when the account has no consumer secret', () => {
    expect(verifyXWebhook(request({ method: 'GET' }), account(secret))).toMatchObject({ kind: 'reject', status: 403 })
    expect(verifyXWebhook(request({ method: 'GET', query: { crc_token: '' } }), account(secret))).toMatchObject({ kind: 'reject', status: 403 })
    expect(verifyXWebhook(request({ method: 'GET', query: { crc_token: 't' } }), account(undefined))).toMatchObject({ kind: 'reject', status: 403 })
    expect(verifyXWebhook(request({ method: 'POST', rawBody: body, headers: { [signatureHeader]: xSignature('', body) } }), account('')))
      .toMatchObject({ kind: 'reject', status: 403 })
  })

  it('rejects other methods', () => {
    expect(verifyXWebhook(request({ method: 'PUT', rawBody: body, headers: { [signatureHeader]: xSignature(secret, body) } }), account(secret)))
      .toMatchObject({ kind: 'reject', status: 403 })
  })
})

describe('verifyXWebhook: POST signatures', () => {
  it('accepts a body signed with the consumer secret', () => {
    const headers = { [signatureHeader]: xSignature(secret, body) }
    expect(verifyXWebhook(request({ rawBody: body, headers }), account(secret))).toEqual({ kind: 'accept' })
  })

  it('accepts the method in lower case', () => {
    const headers = { [signatureHeader]: xSignature(secret, body) }
    expect(verifyXWebhook(request({ method: 'post', rawBody: body, headers }), account(secret))).toEqual({ kind: 'accept' })
  })

  it('rejects a missing, empty, truncated, wrong-secret or tampered-body signature with 401', () => {
    const good = xSignature(secret, body)
    const cases: [Record<string, string>, Buffer][] = [
      [{}, body],
      [{ [signatureHeader]: '' }, body],
      [{ [signatureHeader]: good.slice(0, -2) }, body],
      [{ [signatureHeader]: good.replace('sha256=', 'sha1=') }, body],
      [{ [signatureHeader]: xSignature('other-secret', body) }, body],
      [{ [signatureHeader]: good }, Buffer.concat([body, Buffer.from(' ')])],
    ]
    for (const [headers, rawBody] of cases) {
      expect(verifyXWebhook(request({ rawBody, headers }), account(secret))).toMatchObject({ kind: 'reject', status: 401 })
    }
  })

  it('checks the raw bytes, not a re-serialisation of the JSON', () => {
    const pretty = Buffer.from('{ "for_user_id": "1500000000000000001", "tweet_create_events": [] }')
    const headers = { [signatureHeader]: xSignature(secret, body) }
    expect(verifyXWebhook(request({ rawBody: pretty, headers }), account(secret))).toMatchObject({ kind: 'reject' })
  })

  it('never throws and accepts only the exact signature, whatever the header', () => {
    fc.assert(fc.property(fc.string(), fc.uint8Array({ maxLength: 200 }), (header, bytes) => {
      const rawBody = Buffer.from(bytes)
      const verdict = verifyXWebhook(request({ rawBody, headers: { [signatureHeader]: header } }), account(secret))
      expect(verdict.kind === 'accept').toBe(header.trim() === xSignature(secret, rawBody))
    }), { numRuns: 300 })
  })
})

describe.skipIf(!hasSharedFixtures)('verifyXWebhook: shared vectors', () => {
  interface Vectors {
    upstream_signature_vectors: { consumer_secret: string; body: string; header: Record<string, string> }[]
    computed_crc_vectors: { consumer_secret: string; crc_token: string; expected_response_body: { response_token: string } }[]
  }
  const vectors = () => JSON.parse(readFixture('x-twitter', 'webhook_crc_and_signature_vectors.json')) as Vectors

  it('accepts every upstream signature vector and rejects it with another secret', () => {
    const { upstream_signature_vectors: cases } = vectors()
    expect(cases.length).toBeGreaterThan(0)
    for (const v of cases) {
      const req = request({ rawBody: Buffer.from(v.body, 'utf8'), headers: v.header })
      expect(verifyXWebhook(req, account(v.consumer_secret))).toEqual({ kind: 'accept' })
      expect(verifyXWebhook(req, account(`${v.consumer_secret}x`))).toMatchObject({ kind: 'reject', status: 401 })
    }
  })

  it('answers every CRC vector with the expected body', () => {
    const { computed_crc_vectors: cases } = vectors()
    expect(cases.length).toBeGreaterThan(0)
    for (const v of cases) {
      const verdict = verifyXWebhook(request({ method: 'GET', query: { crc_token: v.crc_token } }), account(v.consumer_secret))
      expect(verdict).toMatchObject({ kind: 'respond', status: 200, contentType: 'application/json' })
      expect(verdict.kind === 'respond' && JSON.parse(verdict.body)).toEqual(v.expected_response_body)
      expect(crcResponseBody(v.consumer_secret, v.crc_token)).toBe(verdict.kind === 'respond' ? verdict.body : '')
    }
  })
})

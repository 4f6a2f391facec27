// The fake must behave like X where the channel code depends on it; these tests pin that down.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { parseXPayload } from './parse.ts'
import { checkXCrc, deliverXWebhook, startXFake, type XFake } from './fake.ts'
import { accessToken, bearerToken, brandId, brandUser, consumerSecret, customers, mention, xAccount } from './testing.ts'
import { verifyXWebhook } from './verify.ts'

let x: XFake | null = null
let server: Server | null = null
afterEach(async () => {
  await x?.close()
  x = null
  await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())))
  server = null
})

async function get(path: string, token = accessToken): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${x?.url}${path}`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers }
}

describe('startXFake', () => {
  it('serves only the default fields unless asked, and expands authors on request', async () => {
    x = await startXFake({ brandUserId: brandId, users: [brandUser, ...customers], tweets: [mention(1)], accessToken })
    const bare = await get(`/2/users/${brandId}/mentions`)
    expect(bare.body).toEqual({ data: [{ id: mention(1).id, text: mention(1).text, edit_history_tweet_ids: [mention(1).id] }], meta: { result_count: 1, newest_id: mention(1).id, oldest_id: mention(1).id } })
    const full = await get(`/2/users/${brandId}/mentions?expansions=author_id&tweet.fields=author_id,created_at&user.fields=public_metrics`)
    expect(full.body['includes']).toEqual({ users: [{ id: customers[1]?.id, name: 'Customer 1', username: 'customer_1', public_metrics: { followers_count: 1 } }] })
  })

  it('pages like X: newest first, next_token while more remain, 400 on a bad token or page size', async () => {
    x = await startXFake({ brandUserId: brandId, tweets: Array.from({ length: 12 }, (_, n) => mention(n)), accessToken })
    const first = await get(`/2/users/${brandId}/mentions?max_results=5`)
    const meta = first.body['meta'] as Record<string, string>
    expect(meta).toMatchObject({ result_count: 5, newest_id: mention(11).id, oldest_id: mention(7).id })
    const second = await get(`/2/users/${brandId}/mentions?max_results=5&pagination_token=${meta['next_token']}`)
    expect((second.body['meta'] as Record<string, unknown>)['newest_id']).toBe(mention(6).id)
    expect((await get(`/2/users/${brandId}/mentions?since_id=${mention(9).id}`)).body['meta']).toEqual({ result_count: 2, newest_id: mention(11).id, oldest_id: mention(10).id })
    expect((await get(`/2/users/${brandId}/mentions?since_id=${mention(11).id}`)).body).toEqual({ meta: { result_count: 0 } })
    expect((await get(`/2/users/${brandId}/mentions?max_results=101`)).status).toBe(400)
    expect((await get(`/2/users/${brandId}/mentions?pagination_token=nonsense`)).status).toBe(400)
  })

  it('answers 401 without the right token and sends X rate-limit headers, then 429', async () => {
    x = await startXFake({ brandUserId: brandId, accessToken, bearerToken, rateLimit: { limit: 2, windowMs: 60_000 } })
    expect((await get('/2/users/me', 'wrong')).status).toBe(401)
    const ok = await get('/2/users/me')
    expect(ok.body).toEqual({ data: { id: brandId, name: 'Brand', username: 'brand' } })
    expect(ok.headers.get('x-rate-limit-limit')).toBe('2')
    expect(ok.headers.get('x-rate-limit-remaining')).toBe('0')
    expect(Number(ok.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000)
    expect((await get('/2/users/me')).status).toBe(429)
  })
})

describe('webhook helpers', () => {
  async function webhookServer(secret: string): Promise<{ url: string; received: string[] }> {
    const received: string[] = []
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://local')
        const headers: Record<string, string | undefined> = {}
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v
        const verdict = verifyXWebhook({ method: req.method ?? '', query: Object.fromEntries(url.searchParams), headers, rawBody: Buffer.concat(chunks) }, xAccount('', {}, { consumerSecret: secret }))
        if (verdict.kind === 'accept') received.push(Buffer.concat(chunks).toString('utf8'))
        if (verdict.kind === 'respond') res.writeHead(verdict.status, { 'content-type': verdict.contentType }).end(verdict.body)
        else res.writeHead(verdict.kind === 'accept' ? 200 : verdict.status).end()
      })
    })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/webhooks/x-twitter/acc-x`, received }
  }

  it('delivers a signed Account Activity body that verify accepts, and runs the CRC check', async () => {
    const hook = await webhookServer(consumerSecret)
    const body = { for_user_id: brandId, tweet_create_events: [{ id_str: '1800000000000000777', text: '@AcmeHelp hi', user: { id_str: customers[1]?.id, screen_name: 'customer_1' } }] }
    expect((await deliverXWebhook(hook.url, body, consumerSecret)).status).toBe(200)
    expect((await deliverXWebhook(hook.url, body, 'not-the-secret')).status).toBe(401)
    expect(hook.received).toHaveLength(1)
    const parsed = parseXPayload({ body: hook.received[0] ?? '' })
    expect(parsed.ok && parsed.messages.map((m) => m.externalId)).toEqual(['1800000000000000777'])
    expect(await checkXCrc(hook.url, consumerSecret)).toBe(true)
    expect(await checkXCrc(hook.url, 'not-the-secret')).toBe(false)
  })
})

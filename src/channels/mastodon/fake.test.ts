// The fake is used by other tests (outbox worker, end-to-end): its Mastodon behaviour is pinned here.
import { afterEach, describe, expect, it } from 'vitest'
import { parseLinkHeader } from './api.ts'
import { startMastodonFake, type MastodonFake } from './fake.ts'
import { token } from './test-context.ts'
import { mentionNotifications, statusEntity } from './test-payloads.ts'

let fake: MastodonFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

const auth = { authorization: `Bearer ${token}` }

async function ids(res: Response): Promise<string[]> {
  return ((await res.json()) as { id: string }[]).map((n) => n.id)
}

describe('startMastodonFake', () => {
  it('pages notifications like Mastodon: newest first, max_id/since_id/min_id, limit capped at 80, Link next only when full', async () => {
    fake = await startMastodonFake({ accessToken: token, notifications: mentionNotifications(100) })
    const get = (query: string) => fetch(`${fake?.url}/api/v1/notifications?${query}`, { headers: auth })

    const first = await get('limit=40')
    expect(await ids(first)).toEqual(Array.from({ length: 40 }, (_, i) => String(600 - i)))
    const links = parseLinkHeader(first.headers.get('link'))
    expect(new URL(links['next'] ?? '').searchParams.get('max_id')).toBe('561')
    expect(new URL(links['prev'] ?? '').searchParams.get('min_id')).toBe('600')

    expect(await ids(await get('since_id=590'))).toEqual(['600', '599', '598', '597', '596', '595', '594', '593', '592', '591'])
    // since_id takes the newest; min_id the ones just after it.
    expect((await ids(await get('since_id=500&limit=2')))).toEqual(['600', '599'])
    expect((await ids(await get('min_id=500&limit=2')))).toEqual(['502', '501'])
    expect((await ids(await get('max_id=503')))).toEqual(['502', '501'])
    expect(await ids(await get('limit=1000'))).toHaveLength(80)

    const last = await get('min_id=590')
    expect(Object.keys(parseLinkHeader(last.headers.get('link')))).toEqual(['prev'])
    const empty = await get('min_id=600')
    expect(await ids(empty)).toEqual([])
    expect(empty.headers.get('link')).toBeNull()
  })

  it('answers 401 with Mastodon\'s error body without the right bearer token, and sends rate-limit headers', async () => {
    fake = await startMastodonFake({ accessToken: token })
    const res = await fetch(`${fake.url}/api/v1/accounts/verify_credentials`, { headers: { authorization: 'Bearer nope' } })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'The access token is invalid' })
    expect(res.headers.get('x-ratelimit-limit')).toBe('300')
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBe(299)
    expect(Date.parse(res.headers.get('x-ratelimit-reset') ?? '')).toBeGreaterThan(Date.now())
  })

  it('returns the same status for a repeated Idempotency-Key within the TTL, and a new one after it', async () => {
    fake = await startMastodonFake({ accessToken: token, statuses: [statusEntity('7')], idempotencyTtlMs: 100 })
    const post = () => fetch(`${fake?.url}/api/v1/statuses`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'k1' }, body: JSON.stringify({ status: '@alice hi', in_reply_to_id: '7' }),
    }).then((r) => r.json() as Promise<{ id: string; in_reply_to_id: string; in_reply_to_account_id: string }>)
    const a = await post()
    const b = await post()
    expect(b.id).toBe(a.id)
    expect(a).toMatchObject({ in_reply_to_id: '7', in_reply_to_account_id: '110000000000000002' })
    expect(fake.posted).toHaveLength(1)
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect((await post()).id).not.toBe(a.id)
    expect(fake.posted).toHaveLength(2)
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { RawEvent } from '../types.ts'
import { startMastodonFake, type MastodonFake, type MastodonFakeOptions } from './fake.ts'
import { AuthRejectedError } from './notifications.ts'
import { parseMastodonPayload } from './parse.ts'
import { createStreamingSource, mastodonPollSource } from './source.ts'
import { sseBlock } from './sse.ts'
import { accountFor, sourceHarness, token, type SourceHarness } from './test-context.ts'
import { accountEntity, mentionNotification, mentionNotifications, statusEntity } from './test-payloads.ts'

warnIfNoShared()

let fake: MastodonFake | null = null
let running: SourceHarness | null = null
afterEach(async () => {
  running?.abort.abort()
  running = null
  await fake?.close()
  fake = null
})

async function start(options: Partial<MastodonFakeOptions> = {}): Promise<MastodonFake> {
  fake = await startMastodonFake({ accessToken: token, ...options })
  return fake
}

function poll(h: SourceHarness): Promise<void> {
  if (mastodonPollSource.kind !== 'poll') throw new Error('not a poll source')
  return mastodonPollSource.poll(h.ctx)
}

function messagesOf(units: RawEvent[]): NormalizedMessage[] {
  return units.flatMap((unit) => {
    const result = parseMastodonPayload(unit)
    expect(result.ok, unit.body.slice(0, 200)).toBe(true)
    return result.ok ? result.messages : []
  })
}

function notificationIds(h: SourceHarness): string[] {
  return h.emitted.map((u) => (JSON.parse(u.body) as { id: string }).id)
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i))

async function waitFor(what: string, condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('mastodon poll source', () => {
  it('on the first run takes only the newest page of mentions and saves its newest id', async () => {
    const f = await start({ notifications: mentionNotifications(100) })
    const h = sourceHarness(accountFor(f.url))
    await poll(h)
    expect(notificationIds(h)).toEqual(range(561, 600))
    expect(h.saved).toEqual([{ notificationsSinceId: '600' }])
    expect(f.requests).toHaveLength(1)
    expect(f.requests[0]?.query.getAll('types[]')).toEqual(['mention'])
    expect(f.requests[0]?.headers['authorization']).toBe(`Bearer ${token}`)
    expect(messagesOf(h.emitted)).toHaveLength(40)
  })

  it('backfills every page since the cursor, oldest first, following Link rel="prev", saving after each page', async () => {
    const f = await start({ notifications: mentionNotifications(100) })
    const h = sourceHarness(accountFor(f.url), { notificationsSinceId: '510' })
    await poll(h)
    expect(notificationIds(h)).toEqual(range(511, 600))
    expect(h.saved).toEqual([{ notificationsSinceId: '550' }, { notificationsSinceId: '590' }, { notificationsSinceId: '600' }])
    expect(f.requests.map((r) => r.query.get('min_id'))).toEqual(['510', '550', '590'])
    // The last page was not full: no extra request for an empty page.
    expect(f.requests).toHaveLength(3)
  })

  it('skips other notification types through types[]=mention', async () => {
    const status = statusEntity('112000000000000777')
    const f = await start({
      notifications: [...mentionNotifications(2), { id: '503', type: 'favourite', created_at: '2024-05-01T10:00:00Z', account: status['account'], status }],
    })
    const h = sourceHarness(accountFor(f.url), '500')
    await poll(h)
    expect(notificationIds(h)).toEqual(['501', '502'])
  })

  it('resumes after a restart from the saved cursor: nothing twice, nothing missed', async () => {
    const f = await start({ notifications: mentionNotifications(45) })
    const first = sourceHarness(accountFor(f.url), '500')
    await poll(first)
    expect(notificationIds(first)).toEqual(range(501, 545))
    for (const n of mentionNotifications(50, 545)) f.addNotification(n)
    const afterRestart = sourceHarness(accountFor(f.url), first.ctx.cursor)
    await poll(afterRestart)
    expect(notificationIds(afterRestart)).toEqual(range(546, 595))
    await poll(afterRestart)
    expect(afterRestart.emitted).toHaveLength(50)
  })

  it('saves the cursor only after emit resolved: a failed emit leaves the page to the next pass', async () => {
    const f = await start({ notifications: mentionNotifications(100) })
    const h = sourceHarness(accountFor(f.url), '500', { failEmitAfter: 50 })
    await expect(poll(h)).rejects.toThrow('store down')
    expect(h.saved).toEqual([{ notificationsSinceId: '540' }])
    const retry = sourceHarness(accountFor(f.url), h.ctx.cursor)
    await poll(retry)
    expect(notificationIds(retry)).toEqual(range(541, 600))
  })

  it('on 429 waits until X-RateLimit-Reset and asks again', async () => {
    const f = await start({ notifications: mentionNotifications(3) })
    const reset = new Date(Date.now() + 150).toISOString()
    f.failNext({ status: 429, headers: { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { error: 'Too many requests' } })
    const h = sourceHarness(accountFor(f.url), '500')
    const began = Date.now()
    await poll(h)
    expect(Date.now() - began).toBeGreaterThanOrEqual(100)
    expect(h.sleeps).toHaveLength(1)
    expect(h.sleeps[0]).toBeGreaterThan(50)
    expect(h.sleeps[0]).toBeLessThanOrEqual(150)
    expect(notificationIds(h)).toEqual(['501', '502', '503'])
    expect(f.requests).toHaveLength(2)
  })

  it('when X-RateLimit-Remaining reaches 0 waits for the reset before the next page instead of running into 429', async () => {
    const f = await start({ notifications: mentionNotifications(100), rateLimit: { limit: 2, windowMs: 300 } })
    const h = sourceHarness(accountFor(f.url), '500')
    await poll(h)
    expect(notificationIds(h)).toEqual(range(501, 600))
    expect(h.sleeps).toHaveLength(1)
    expect(h.sleeps[0]).toBeGreaterThan(0)
    expect(h.sleeps[0]).toBeLessThanOrEqual(300)
    expect(f.requests).toHaveLength(3)
  })

  it('fails the pass on a revoked token without saving anything', async () => {
    const f = await start({ notifications: mentionNotifications(3) })
    const h = sourceHarness(accountFor(f.url, {}, { accessToken: 'revoked' }), '500')
    await expect(poll(h)).rejects.toBeInstanceOf(AuthRejectedError)
    expect(h.saved).toEqual([])
  })
})

describe('mastodon streaming source', () => {
  const fastStream = { idleTimeoutMs: 2_000, connectTimeoutMs: 2_000, backoffMinMs: 20, backoffMaxMs: 100 }
  const brand = accountEntity('109000000000000001', 'brand')

  function run(h: SourceHarness, options: Partial<typeof fastStream> = {}): Promise<void> {
    running = h
    const source = createStreamingSource({ ...fastStream, ...options })
    return source.run(h.ctx)
  }

  it('catches up by polling since the cursor, then emits mentions, our own statuses, edits and deletes from the stream', async () => {
    const mention = mentionNotification('601', statusEntity('112000000000000601'))
    const sse = [
      ':thump\n',
      sseBlock('notification', JSON.stringify(mention)),
      sseBlock('notification', JSON.stringify({ id: '602', type: 'favourite', account: brand, status: statusEntity('1') })),
      sseBlock('update', JSON.stringify(statusEntity('112000000000000700', { content: '<p>someone we follow</p>', mentions: [] }))),
      sseBlock('update', JSON.stringify(statusEntity('112000000000000701', { account: brand, in_reply_to_id: '112000000000000601' }))),
      sseBlock('status.update', JSON.stringify(statusEntity('112000000000000601', { edited_at: '2024-05-01T10:09:00Z' }))),
      sseBlock('status.update', JSON.stringify(statusEntity('112000000000000702', { mentions: [] }))),
      sseBlock('delete', '112000000000000601'),
      'event: filters_changed\ndata: undefined\n\n',
    ].join('')
    const f = await start({ notifications: mentionNotifications(3), streamSse: sse, heartbeatMs: 50 })
    const h = sourceHarness(accountFor(f.url), '500')
    const done = run(h)
    await waitFor('stream events', () => h.emitted.length >= 7)
    const messages = messagesOf(h.emitted)
    expect(messages.map((m) => [m.op, m.externalId, m.direction])).toEqual([
      ['create', '112000000000000501', 'in'], ['create', '112000000000000502', 'in'], ['create', '112000000000000503', 'in'],
      ['create', '112000000000000601', 'in'],
      ['create', '112000000000000701', 'out'],
      ['update', '112000000000000601', 'in'],
      ['delete', '112000000000000601', 'in'],
    ])
    expect(h.saved.at(-1)).toEqual({ notificationsSinceId: '601' })
    expect(f.requests.find((r) => r.path === '/api/v1/streaming/user')?.headers['authorization']).toBe(`Bearer ${token}`)
    h.abort.abort()
    await done
  })

  it('reconnects when the stream ends and polls what it missed meanwhile', async () => {
    const f = await start({ notifications: mentionNotifications(1), heartbeatMs: 50 })
    const h = sourceHarness(accountFor(f.url), '500')
    const done = run(h)
    await waitFor('first catch-up', () => h.emitted.length === 1)
    f.addNotification(mentionNotification('777', statusEntity('112000000000000777')))
    f.endStreams()
    await waitFor('catch-up after the reconnect', () => h.emitted.length === 2)
    expect(f.streamConnections()).toBe(2)
    expect(h.saved.at(-1)).toEqual({ notificationsSinceId: '777' })
    f.pushStreamEvent('delete', '112000000000000777')
    await waitFor('event on the new connection', () => h.emitted.length === 3)
    h.abort.abort()
    await done
  })

  it('treats silence (no heartbeat) as a dead connection and reconnects', async () => {
    const f = await start({ heartbeatMs: 60_000 })
    const h = sourceHarness(accountFor(f.url), '500')
    const done = run(h, { idleTimeoutMs: 150 })
    await waitFor('a second connection', () => f.streamConnections() >= 2)
    h.abort.abort()
    await done
  })

  it('keeps reading after a garbled event (emitted as is, the parser parks it)', async () => {
    const f = await start({ heartbeatMs: 50 })
    const h = sourceHarness(accountFor(f.url), '500')
    const done = run(h)
    await waitFor('connected', () => f.streamConnections() === 1 && f.requests.some((r) => r.path === '/api/v1/notifications'))
    await new Promise((resolve) => setTimeout(resolve, 30))
    f.pushStreamEvent('notification', '{"id":"8')
    f.pushStreamEvent('notification', JSON.stringify(mentionNotification('801', statusEntity('112000000000000801'))))
    await waitFor('both events', () => h.emitted.length === 2)
    expect(parseMastodonPayload(h.emitted[0] as RawEvent)).toMatchObject({ ok: false, reason: 'MALFORMED_JSON' })
    expect(messagesOf([h.emitted[1] as RawEvent]).map((m) => m.externalId)).toEqual(['112000000000000801'])
    expect(f.streamConnections()).toBe(1)
    h.abort.abort()
    await done
  })

  it('a failed emit ends the connection; the catch-up after the reconnect delivers the mention', async () => {
    const f = await start({ heartbeatMs: 50 })
    const h = sourceHarness(accountFor(f.url), '500')
    const done = run(h)
    await waitFor('connected', () => f.streamConnections() === 1 && f.requests.some((r) => r.path === '/api/v1/notifications'))
    await new Promise((resolve) => setTimeout(resolve, 30))
    const mention = mentionNotification('901', statusEntity('112000000000000901'))
    f.addNotification(mention)
    h.failNextEmits = 1
    f.pushStreamEvent('notification', JSON.stringify(mention))
    await waitFor('redelivery', () => h.emitted.length === 1)
    expect(f.streamConnections()).toBe(2)
    expect(messagesOf(h.emitted).map((m) => m.externalId)).toEqual(['112000000000000901'])
    expect(h.saved).toEqual([{ notificationsSinceId: '901' }])
    h.abort.abort()
    await done
  })

  it('stops with the auth error when the token is revoked', async () => {
    const f = await start()
    const h = sourceHarness(accountFor(f.url, {}, { accessToken: 'revoked' }), '500')
    await expect(run(h)).rejects.toBeInstanceOf(AuthRejectedError)
  })

  it('waits for the reset when the stream request is rate limited', async () => {
    const f = await start({ heartbeatMs: 50 })
    f.failNext({ status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(Date.now() + 120).toISOString() }, pathPrefix: '/api/v1/streaming' })
    const h = sourceHarness(accountFor(f.url), '500')
    const done = run(h)
    await waitFor('connected after the wait', () => f.streamConnections() === 1)
    expect(h.sleeps[0]).toBeGreaterThan(20)
    expect(h.sleeps[0]).toBeLessThanOrEqual(120)
    h.abort.abort()
    await done
  })

  it('learns the brand acct from verify_credentials when the setting is empty', async () => {
    const f = await start({ heartbeatMs: 50, streamSse: sseBlock('update', JSON.stringify(statusEntity('112000000000000901', { account: brand }))) })
    const h = sourceHarness(accountFor(f.url, { acct: '' }), '500')
    const done = run(h)
    await waitFor('own status', () => h.emitted.length === 1)
    expect(messagesOf(h.emitted)[0]?.direction).toBe('out')
    expect(f.requests[0]?.path).toBe('/api/v1/accounts/verify_credentials')
    h.abort.abort()
    await done
  })

  it.skipIf(!hasSharedFixtures)('reads the shared streaming_user.sse.txt: the mention is emitted and becomes the cursor', async () => {
    const f = await start({ heartbeatMs: 50, streamSse: readFixture('mastodon', 'streaming_user.sse.txt') })
    const h = sourceHarness(accountFor(f.url, { acct: 'trwnh' }), '60000000')
    const done = run(h)
    await waitFor('the mention', () => h.saved.length === 1)
    // The reply by freon mentions someone else and is nobody's own status; the edit is by admin: neither is for us.
    expect(messagesOf(h.emitted).map((m) => m.externalId)).toEqual(['108914343542683797'])
    expect(h.saved).toEqual([{ notificationsSinceId: '68739215' }])
    h.abort.abort()
    await done
  })
})

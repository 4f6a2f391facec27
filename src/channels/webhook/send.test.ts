import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AccountRuntime, OutboundRequest, SendContext } from '../types.ts'
import { startWebhookReceiverFake, type WebhookReceiverFake } from './fake.ts'
import { pingReceiver, webhookSender } from './send.ts'
import { verifyWebhookDelivery } from './verify.ts'

const secret = 'whsec_send_test'
let receiver: WebhookReceiverFake

beforeEach(async () => {
  receiver = await startWebhookReceiverFake({ signingSecret: secret })
})
afterEach(async () => {
  await receiver.close()
})

function account(overrides: Partial<Pick<AccountRuntime, 'settings' | 'secrets'>> = {}): AccountRuntime {
  return {
    id: 'acc-1', workspaceId: 'ws-1', channel: 'webhook', name: 'CRM',
    settings: { outgoingUrl: receiver.url }, secrets: { signingSecret: secret }, ...overrides,
  }
}

function ctx(acc = account(), signal = new AbortController().signal): SendContext {
  return { account: acc, fetch, signal, now: () => new Date() }
}

function reply(overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    action: 'reply',
    text: 'Sorry about that, a new parcel is on its way.',
    idempotencyKey: 'outbox-1',
    ownExternalId: null,
    target: {
      externalId: 'ticket-42/msg-1', parentExternalId: null, threadExternalId: 'ticket-42', visibility: 'private',
      authorExternalId: 'cust-7', authorHandle: null, raw: { id: 'ticket-42/msg-1' }, createdAt: new Date('2025-03-01T10:15:00Z'),
    },
    ...overrides,
  }
}

describe('webhook send', () => {
  it('posts a signed reply with the threading fields and takes the receiver\'s id', async () => {
    const result = await webhookSender.send(reply(), ctx())
    expect(result).toEqual({ ok: true, externalId: 'rcv-1', url: null, raw: { id: 'rcv-1' } })
    expect(receiver.deliveries).toHaveLength(1)
    const [delivery] = receiver.deliveries
    expect(delivery?.body).toEqual({
      type: 'reply', idempotency_key: 'outbox-1', in_reply_to: 'ticket-42/msg-1', thread_id: 'ticket-42',
      text: 'Sorry about that, a new parcel is on its way.', visibility: 'private',
    })
    expect(delivery?.headers).toMatchObject({ 'idempotency-key': 'outbox-1', 'content-type': 'application/json', 'user-agent': 'Earshot-Webhook/1' })
  })

  it('signs exactly as inbound deliveries are verified', async () => {
    await webhookSender.send(reply(), ctx())
    const [posted] = receiver.requests
    if (posted === undefined) throw new Error('nothing posted')
    const asDelivery = { method: 'POST', query: {}, headers: posted.headers, rawBody: posted.body }
    expect(verifyWebhookDelivery(asDelivery, account())).toEqual({ kind: 'accept' })
    expect(verifyWebhookDelivery({ ...asDelivery, rawBody: Buffer.concat([posted.body, Buffer.from(' ')]) }, account()).kind).toBe('reject')
  })

  it('uses the target as the thread when it started one, and its visibility', async () => {
    const target = { ...reply().target, threadExternalId: null, visibility: 'public' as const }
    await webhookSender.send(reply({ target }), ctx())
    expect(receiver.deliveries[0]?.body).toMatchObject({ thread_id: 'ticket-42/msg-1', visibility: 'public' })
  })

  it('sends a dm privately', async () => {
    const target = { ...reply().target, visibility: 'public' as const }
    await webhookSender.send(reply({ action: 'dm', target }), ctx())
    expect(receiver.deliveries[0]?.body.visibility).toBe('private')
  })

  it('falls back to the idempotency key when the receiver answers without an id', async () => {
    await receiver.close()
    receiver = await startWebhookReceiverFake({ signingSecret: secret, answerWithId: false })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: true, externalId: 'outbox-1' })
  })

  it('after a timeout, a second attempt with the same key is delivered exactly once', async () => {
    receiver.hangAfterNext()
    const controller = new AbortController()
    const attempt = webhookSender.send(reply(), ctx(account(), controller.signal))
    setTimeout(() => controller.abort(new Error('outbox deadline')), 150)
    const first = await attempt
    expect(first).toMatchObject({ ok: false, retryable: true })
    expect(receiver.deliveries).toHaveLength(1)

    const second = await webhookSender.send(reply(), ctx())
    expect(second).toMatchObject({ ok: true, externalId: 'rcv-1' })
    expect(receiver.deliveries).toHaveLength(1)
    expect(receiver.requests.filter((r) => r.headers['idempotency-key'] === 'outbox-1')).toHaveLength(2)
  })

  it('is retryable on 5xx and on 429 with Retry-After', async () => {
    receiver.failNext({ status: 503 })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: false, retryable: true, retryAfterMs: null })
    receiver.failNext({ status: 429, retryAfterSeconds: 7 })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 })
    receiver.failNext({ status: 409, body: { error: 'in progress' } })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: false, retryable: true })
    expect(receiver.deliveries).toHaveLength(0)
  })

  it('maps a refused signature to AUTH_REVOKED', async () => {
    const result = await webhookSender.send(reply(), ctx(account({ secrets: { signingSecret: 'wrong' } })))
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED' })
    receiver.failNext({ status: 403 })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED' })
  })

  it('honours a failure code named by the receiver, else maps the status', async () => {
    receiver.failNext({ status: 422, body: { error: { code: 'WINDOW_CLOSED', message: 'chat ended' } } })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: false, retryable: false, code: 'WINDOW_CLOSED' })
    receiver.failNext({ status: 410, body: { code: 'NOT_A_CODE' } })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: false, retryable: false, code: 'PARENT_GONE' })
    receiver.failNext({ status: 400 })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
  })

  it('refuses without an outgoingUrl or secret, and for actions it cannot do', async () => {
    expect(await webhookSender.send(reply(), ctx(account({ settings: {} })))).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
    expect(await webhookSender.send(reply(), ctx(account({ secrets: {} })))).toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED' })
    expect(await webhookSender.send(reply({ action: 'like', text: '' }), ctx())).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
    expect(receiver.requests).toHaveLength(0)
  })

  it('is retryable when the receiver cannot be reached', async () => {
    const url = receiver.url
    await receiver.close()
    const result = await webhookSender.send(reply(), ctx(account({ settings: { outgoingUrl: url } })))
    expect(result).toMatchObject({ ok: false, retryable: true })
    receiver = await startWebhookReceiverFake({ signingSecret: secret })
  })

  it('tests the connection with a signed ping', async () => {
    expect(await pingReceiver(ctx())).toMatchObject({ ok: true })
    expect(receiver.pings).toBe(1)
    expect(receiver.deliveries).toHaveLength(0)
    expect(await pingReceiver(ctx(account({ secrets: { signingSecret: 'wrong' } })))).toMatchObject({ ok: false })
  })
})

describe('webhook receiver fake', () => {
  it('refuses unsigned and stale requests', async () => {
    const unsigned = await fetch(receiver.url, { method: 'POST', body: '{"type":"reply"}', headers: { 'idempotency-key': 'k' } })
    expect(unsigned.status).toBe(401)
    await receiver.close()
    receiver = await startWebhookReceiverFake({ signingSecret: secret, nowMs: () => Date.now() + 10 * 60_000 })
    expect(await webhookSender.send(reply(), ctx())).toMatchObject({ ok: false, code: 'AUTH_REVOKED' })
    expect(receiver.deliveries).toHaveLength(0)
  })
})

import { describe, expect, it } from 'vitest'
import type { OutboundRequest, SendContext } from '../types.ts'
import { WebchatHub, type VisitorSocket } from './hub.ts'
import { createWebchatSender, uuidV5, webchatReplyLengthMax } from './send.ts'

const visitorId = '3f2c1a9e-5b7d-4c8e-9a1f-0d2e4b6c8a10'
const ctx: SendContext = {
  account: { id: 'acc_1', workspaceId: 'ws', channel: 'webchat', name: 'Site', settings: {}, secrets: {} },
  fetch, signal: new AbortController().signal, now: () => new Date('2025-03-01T12:00:00Z'),
}

function request(overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    action: 'reply', text: 'Thanks, looking into it.', idempotencyKey: 'outbox-7', ownExternalId: null,
    target: {
      externalId: `${visitorId}:c1`, parentExternalId: null, threadExternalId: `webchat:acc_1:${visitorId}`, visibility: 'private',
      authorExternalId: visitorId, authorHandle: null, raw: { type: 'webchat.message', visitor_id: visitorId }, createdAt: new Date(),
    },
    ...overrides,
  }
}

function openSocket(): VisitorSocket & { sent: string[] } {
  const sent: string[] = []
  return { sent, isOpen: () => true, send: (t) => void sent.push(t) }
}

describe('uuidV5', () => {
  it('is a deterministic RFC 4122 version-5 UUID', () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') == 886313e1-3b8a-5372-9b90-0c9aee199e5d
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d')
    expect(uuidV5('outbox-7')).toBe(uuidV5('outbox-7'))
    expect(uuidV5('outbox-7')).not.toBe(uuidV5('outbox-8'))
    expect(uuidV5('outbox-7')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})

describe('webchat send', () => {
  it('delivers the reply frame to the visitor of the target, on the sending account', async () => {
    const hub = new WebchatHub()
    const socket = openSocket()
    hub.attach('acc_1', visitorId, socket)
    const result = await createWebchatSender(hub).send(request(), ctx)
    const id = uuidV5('outbox-7')
    expect(result).toEqual({ ok: true, externalId: id, url: null, raw: { visitorId, delivery: 'live' } })
    expect(socket.sent.map((t) => JSON.parse(t))).toEqual([{ type: 'reply', id, text: 'Thanks, looking into it.', at: '2025-03-01T12:00:00.000Z' }])
  })

  it('succeeds when the visitor is offline, and a retry of the same key is delivered once', async () => {
    const hub = new WebchatHub()
    const sender = createWebchatSender(hub)
    const first = await sender.send(request(), ctx)
    const retry = await sender.send(request(), ctx)
    expect(first).toMatchObject({ ok: true, raw: { delivery: 'queued' } })
    expect(retry).toMatchObject({ ok: true, raw: { delivery: 'duplicate' } })
    expect(first.ok && retry.ok && first.externalId === retry.externalId).toBe(true)
    const socket = openSocket()
    hub.attach('acc_1', visitorId, socket)
    expect(socket.sent).toHaveLength(1)
  })

  it('falls back to the stored author id when raw has no visitor id', async () => {
    const hub = new WebchatHub()
    const target = { ...request().target, raw: null }
    expect(await createWebchatSender(hub).send(request({ target }), ctx)).toMatchObject({ ok: true, raw: { visitorId } })
  })

  it('maps what it cannot send to permanent failures', async () => {
    const sender = createWebchatSender(new WebchatHub())
    const noVisitor = { ...request().target, raw: {}, authorExternalId: null }
    expect(await sender.send(request({ target: noVisitor }), ctx)).toMatchObject({ ok: false, retryable: false, code: 'PARENT_GONE' })
    expect(await sender.send(request({ text: 'x'.repeat(webchatReplyLengthMax + 1) }), ctx)).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
    expect(await sender.send(request({ text: '  ' }), ctx)).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
    expect(await sender.send(request({ action: 'hide', text: '' }), ctx)).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
  })
})

import Fastify, { type FastifyInstance } from 'fastify'
import websocket from '@fastify/websocket'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SendContext } from '../types.ts'
import { connectVisitorFake, type VisitorFake } from './fake.ts'
import { readVisitorFrame, visitorFrameBytesMax } from './frames.ts'
import { webchatGateway, withinRate } from './gateway.ts'
import { WebchatHub } from './hub.ts'
import { parseWebchatUnit } from './parse.ts'
import { createWebchatSender } from './send.ts'

const accountId = 'acc_gw'
let app: FastifyInstance
let baseUrl: string
let hub: WebchatHub
let stored: Array<{ accountId: string; body: string }>
let failStore: boolean
/** While set, onVisitorMessage waits for it: messages are received but not yet stored. */
let storeGate: Promise<void> | null
const visitors: VisitorFake[] = []

async function start(extra: { messagesPerMinuteMax?: number } = {}): Promise<void> {
  app = Fastify()
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  await app.register(webchatGateway({
    hub,
    isAccountOpen: async (id) => id !== 'acc_closed',
    async onVisitorMessage(id, body) {
      if (storeGate !== null) await storeGate
      if (failStore) throw new Error('store down')
      stored.push({ accountId: id, body })
    },
    ...extra,
  }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

async function visitor(options: { visitorId?: string; account?: string; waitForHello?: boolean } = {}): Promise<VisitorFake> {
  const v = await connectVisitorFake({ baseUrl, accountId: options.account ?? accountId, visitorId: options.visitorId, waitForHello: options.waitForHello })
  visitors.push(v)
  return v
}

function sendCtx(): SendContext {
  return { account: { id: accountId, workspaceId: 'ws', channel: 'webchat', name: 'Site', settings: {}, secrets: {} }, fetch, signal: new AbortController().signal, now: () => new Date('2025-03-01T12:00:00Z') }
}

beforeEach(async () => {
  hub = new WebchatHub()
  stored = []
  failStore = false
  storeGate = null
  await start()
})

afterEach(async () => {
  await Promise.all(visitors.splice(0).map((v) => v.close()))
  await app.close()
})

describe('webchat gateway', () => {
  it('stores a visitor message as a parseable unit and acknowledges it afterwards', async () => {
    const v = await visitor()
    expect(v.frames[0]).toEqual({ type: 'hello', visitorId: v.visitorId })
    const clientId = v.sendMessage('Do you ship to Norway?', { name: 'Ola', email: 'ola@example.no' })
    await v.waitFor((f) => f.type === 'ack' && f.clientId === clientId)
    expect(stored).toHaveLength(1)
    expect(stored[0]?.accountId).toBe(accountId)
    const parsed = parseWebchatUnit({ body: stored[0]?.body ?? '' })
    expect(parsed).toMatchObject({
      ok: true,
      messages: [{ externalId: `${v.visitorId}:${clientId}`, text: 'Do you ship to Norway?', visibility: 'private', threadExternalId: `webchat:${accountId}:${v.visitorId}`, author: { externalUserId: v.visitorId, displayName: 'Ola', handle: 'ola@example.no' } }],
    })
  })

  it('acknowledges only after the message is stored, in order', async () => {
    let openGate = () => undefined as void
    storeGate = new Promise<void>((resolve) => { openGate = resolve })
    const v = await visitor()
    const first = v.sendMessage('one')
    const second = v.sendMessage('two')
    await new Promise((r) => setTimeout(r, 50))
    expect(v.frames.filter((f) => f.type === 'ack')).toEqual([])
    openGate()
    await v.waitFor((f) => f.type === 'ack' && f.clientId === second)
    expect(v.frames.filter((f) => f.type === 'ack').map((f) => (f as { clientId: string }).clientId)).toEqual([first, second])
    expect(stored.map((s) => JSON.parse(s.body).text)).toEqual(['one', 'two'])
  })

  it('tells the visitor when a message could not be stored, and acks the re-send', async () => {
    failStore = true
    const v = await visitor()
    const clientId = v.sendMessage('hello?')
    await v.waitFor((f) => f.type === 'error' && f.clientId === clientId)
    expect(v.frames.at(-1)).toMatchObject({ type: 'error', code: 'NOT_STORED', clientId })
    failStore = false
    v.sendMessage('hello?', { clientId })
    await v.waitFor((f) => f.type === 'ack' && f.clientId === clientId)
    expect(stored).toHaveLength(1)
  })

  it('answers oversized, garbled and invalid frames with an error and stays usable', async () => {
    const v = await visitor()
    v.sendRaw(JSON.stringify({ type: 'message', clientId: 'big', text: 'x'.repeat(visitorFrameBytesMax) }))
    v.sendRaw('{not json')
    v.sendRaw(Buffer.from([1, 2, 3]))
    v.sendRaw(JSON.stringify({ type: 'message', clientId: 'c9', text: '   ' }))
    v.sendRaw(JSON.stringify({ type: 'typing' }))
    const ok = v.sendMessage('still here')
    await v.waitFor((f) => f.type === 'ack' && f.clientId === ok)
    const errors = v.frames.filter((f) => f.type === 'error').map((f) => [(f as { code: string }).code, (f as { clientId?: string }).clientId])
    expect(errors).toEqual([['TOO_LARGE', undefined], ['MALFORMED', undefined], ['MALFORMED', undefined], ['INVALID', 'c9'], ['INVALID', undefined]])
    expect(stored).toHaveLength(1)
  })

  it('delivers an agent reply live through send', async () => {
    const v = await visitor()
    const clientId = v.sendMessage('hi')
    await v.waitFor((f) => f.type === 'ack')
    const target = parseWebchatUnit({ body: stored[0]?.body ?? '' })
    if (!target.ok || target.messages[0] === undefined) throw new Error('no target')
    const m = target.messages[0]
    const sender = createWebchatSender(hub)
    const result = await sender.send({
      action: 'reply', text: 'Hello! How can we help?', idempotencyKey: 'ob-1', ownExternalId: null,
      target: { externalId: m.externalId, parentExternalId: null, threadExternalId: m.threadExternalId, visibility: 'private', authorExternalId: m.author?.externalUserId ?? null, authorHandle: null, raw: m.raw, createdAt: m.createdAt },
    }, sendCtx())
    expect(result).toMatchObject({ ok: true, raw: { delivery: 'live', visitorId: v.visitorId } })
    const reply = await v.waitFor((f) => f.type === 'reply')
    expect(reply).toEqual({ type: 'reply', id: result.ok ? result.externalId : '', text: 'Hello! How can we help?', at: '2025-03-01T12:00:00.000Z' })
    expect(clientId).toBeTypeOf('string')
  })

  it('queues replies while the visitor is away and delivers them once on reconnect', async () => {
    const first = await visitor()
    const visitorId = first.visitorId
    await first.close()
    await new Promise((r) => setTimeout(r, 30))
    expect(hub.isOnline(accountId, visitorId)).toBe(false)
    const sender = createWebchatSender(hub)
    const req = {
      action: 'reply' as const, text: 'We are back on Monday.', idempotencyKey: 'ob-2', ownExternalId: null,
      target: { externalId: `${visitorId}:c1`, parentExternalId: null, threadExternalId: null, visibility: 'private' as const, authorExternalId: visitorId, authorHandle: null, raw: { visitor_id: visitorId }, createdAt: new Date() },
    }
    expect(await sender.send(req, sendCtx())).toMatchObject({ ok: true, raw: { delivery: 'queued' } })
    expect(await sender.send(req, sendCtx())).toMatchObject({ ok: true, raw: { delivery: 'duplicate' } })

    const again = await visitor({ visitorId })
    const reply = await again.waitFor((f) => f.type === 'reply')
    expect(reply).toMatchObject({ text: 'We are back on Monday.' })
    expect(again.replies()).toHaveLength(1)
    expect(hub.queued(accountId, visitorId)).toEqual([])
    await again.close()
    const third = await visitor({ visitorId })
    await new Promise((r) => setTimeout(r, 30))
    expect(third.replies()).toEqual([])
  })

  it('delivers to every tab of the same visitor', async () => {
    const a = await visitor()
    const b = await visitor({ visitorId: a.visitorId })
    expect(hub.deliver(accountId, a.visitorId, { type: 'reply', id: 'r1', text: 'x', at: '2025-03-01T12:00:00Z' })).toBe('live')
    await a.waitFor((f) => f.type === 'reply')
    await b.waitFor((f) => f.type === 'reply')
  })

  it('closes sockets with a bad visitor id or an unknown account', async () => {
    const bad = await visitor({ visitorId: 'x', waitForHello: false })
    expect(await bad.closed).toBe(4400)
    expect(bad.frames[0]).toMatchObject({ type: 'error', code: 'BAD_VISITOR' })
    const closed = await visitor({ account: 'acc_closed', waitForHello: false })
    expect(await closed.closed).toBe(4404)
    expect(closed.frames).toEqual([{ type: 'error', code: 'UNKNOWN_ACCOUNT', message: 'no web chat here' }])
  })

  it('rate-limits a flooding socket without closing it', async () => {
    await app.close()
    await start({ messagesPerMinuteMax: 2 })
    const v = await visitor()
    v.sendMessage('1')
    v.sendMessage('2')
    const third = v.sendMessage('3')
    await v.waitFor((f) => f.type === 'error' && f.clientId === third)
    expect(v.frames.at(-1)).toMatchObject({ code: 'RATE_LIMITED' })
    expect(stored).toHaveLength(2)
  })
})

describe('readVisitorFrame', () => {
  const read = (value: unknown) => readVisitorFrame(Buffer.from(JSON.stringify(value)), false)
  it('accepts a message and trims optional fields', () => {
    expect(read({ type: 'message', clientId: 'a_1', text: ' hi ', name: '  ', email: ' a@b.c ' })).toEqual({ ok: true, message: { clientId: 'a_1', text: ' hi ', name: null, email: 'a@b.c' } })
  })
  it.each([
    [{ type: 'message', clientId: 'a', text: 'x', extra: 1 }, 'INVALID'],
    [{ type: 'message', clientId: 'a b', text: 'x' }, 'INVALID'],
    [{ type: 'message', clientId: 'a', text: 5 }, 'INVALID'],
    [{ type: 'message', clientId: 'a', text: 'x', email: 'nope' }, 'INVALID'],
    [{ type: 'message', clientId: 'a', text: 'x', name: 'n'.repeat(101) }, 'INVALID'],
    [[1, 2], 'MALFORMED'],
  ])('refuses %j with %s', (value, code) => {
    expect(read(value)).toMatchObject({ ok: false, error: { type: 'error', code } })
  })
})

describe('withinRate', () => {
  it('allows perMinuteMax in any 60 s window', () => {
    const window: number[] = []
    expect([0, 1, 2].map((t) => withinRate(window, t * 1000, 2))).toEqual([true, true, false])
    expect(withinRate(window, 60_001, 2)).toBe(true)
  })
})

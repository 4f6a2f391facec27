import { webcrypto } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { widgetBytesMax, widgetProtocolSource, widgetSource } from './widget.ts'

interface Entry { who: string; id: string; text: string; state?: string }
interface State { pending: Array<{ clientId: string; text: string }>; log: Entry[]; seen: string[] }
interface Protocol {
  wcState(saved: unknown): State
  wcBackoffMs(attempt: number, random: number): number
  wcRetries(closeCode: number): boolean
  wcQueue(s: State, clientId: string, text: string, name: string, email: string): string
  wcResend(s: State): string[]
  wcReceive(s: State, data: string): string | null
}

// The shipped protocol code itself, evaluated.
const protocol = new Function(`${widgetProtocolSource}; return { wcState, wcBackoffMs, wcRetries, wcQueue, wcResend, wcReceive }`)() as Protocol

describe('widget script', () => {
  it('is valid JavaScript under the size budget', () => {
    expect(() => new Function(widgetSource)).not.toThrow()
    expect(Buffer.byteLength(widgetSource)).toBeLessThanOrEqual(widgetBytesMax)
    expect(widgetSource).not.toMatch(/=>|`/) // ES2017 without template strings: no surprises for old embeds or the line trimming
  })
})

describe('widget protocol', () => {
  it('queues a message as a frame and re-sends it until acknowledged', () => {
    const s = protocol.wcState(null)
    const frame = protocol.wcQueue(s, 'c1', 'hello', 'Ada', '')
    expect(JSON.parse(frame)).toEqual({ type: 'message', clientId: 'c1', text: 'hello', name: 'Ada' })
    protocol.wcQueue(s, 'c2', 'anyone?', '', 'a@b.c')
    expect(protocol.wcResend(s).map((f) => JSON.parse(f).clientId)).toEqual(['c1', 'c2'])
    expect(protocol.wcReceive(s, JSON.stringify({ type: 'ack', clientId: 'c1' }))).toBe('ack')
    expect(protocol.wcResend(s).map((f) => JSON.parse(f).clientId)).toEqual(['c2'])
    expect(s.log.map((e) => [e.id, e.state])).toEqual([['c1', 'sent'], ['c2', 'sending']])
  })

  it('shows each agent reply once, even when the server repeats it', () => {
    const s = protocol.wcState({})
    const reply = JSON.stringify({ type: 'reply', id: 'r1', text: 'Hi!', at: '2025-03-01T12:00:00Z' })
    expect(protocol.wcReceive(s, reply)).toBe('reply')
    expect(protocol.wcReceive(s, reply)).toBeNull()
    expect(s.log).toEqual([{ who: 'agent', id: 'r1', text: 'Hi!', at: '2025-03-01T12:00:00Z' }])
  })

  it('drops messages the server refuses for good and keeps the ones to retry', () => {
    const s = protocol.wcState({})
    protocol.wcQueue(s, 'bad', 'x', '', '')
    protocol.wcQueue(s, 'later', 'y', '', '')
    protocol.wcReceive(s, JSON.stringify({ type: 'error', code: 'INVALID', clientId: 'bad', message: '' }))
    protocol.wcReceive(s, JSON.stringify({ type: 'error', code: 'NOT_STORED', clientId: 'later', message: '' }))
    expect(s.pending.map((m) => m.clientId)).toEqual(['later'])
    expect(s.log.find((e) => e.id === 'bad')?.state).toBe('failed')
  })

  it('ignores garbage and unknown frames, and survives a corrupt saved state', () => {
    const s = protocol.wcState({ pending: 'x', log: 3 })
    for (const data of ['', 'null', '[]', '{"type":"reply","id":1}', '{"type":"ack"}', 'nope']) expect(protocol.wcReceive(s, data)).toBeNull()
    expect(s).toEqual({ pending: [], log: [], seen: [] })
  })

  it('bounds the transcript and the seen ids', () => {
    const s = protocol.wcState({})
    for (let i = 0; i < 150; i++) protocol.wcReceive(s, JSON.stringify({ type: 'reply', id: `r${i}`, text: 't' }))
    expect(s.log).toHaveLength(100)
    expect(s.seen).toHaveLength(100)
    expect(s.log[0]?.id).toBe('r50')
  })

  it('backs off exponentially with jitter up to 30 s, and stops for refused connections', () => {
    expect(protocol.wcBackoffMs(0, 1)).toBe(1000)
    expect(protocol.wcBackoffMs(3, 1)).toBe(8000)
    expect(protocol.wcBackoffMs(50, 1)).toBe(30000)
    expect(protocol.wcBackoffMs(50, 0)).toBe(15000)
    expect([1006, 1001, 4400, 4404].map(protocol.wcRetries)).toEqual([true, true, false, false])
  })
})

// A minimal DOM (no jsdom): just what the widget touches, to run the whole script once.
class FakeElement {
  attrs: Record<string, string> = {}
  children: FakeElement[] = []
  #text = ''
  get textContent() { return this.#text }
  // As in the DOM: setting the text replaces the children.
  set textContent(value: string) { this.#text = value; this.children = [] }
  hidden = false
  value = ''
  id = ''
  className = ''
  title = ''
  scrollTop = 0
  scrollHeight = 0
  listeners: Record<string, (e: unknown) => void> = {}
  onclick: (() => void) | null = null
  onsubmit: ((e: { preventDefault(): void }) => void) | null = null
  constructor(public tag: string) {}
  setAttribute(k: string, v: string) { this.attrs[k] = v }
  getAttribute(k: string) { return this.attrs[k] ?? null }
  append(...c: FakeElement[]) { this.children.push(...c) }
  appendChild(c: FakeElement) { this.children.push(c) }
  addEventListener(type: string, fn: (e: unknown) => void) { this.listeners[type] = fn }
  focus() { focused = this }
  requestSubmit() { this.onsubmit?.({ preventDefault: () => undefined }) }
  find(pred: (e: FakeElement) => boolean): FakeElement | undefined {
    if (pred(this)) return this
    for (const c of this.children) { const f = c.find(pred); if (f) return f }
    return undefined
  }
}
let focused: FakeElement | null = null

class FakeSocket {
  static all: FakeSocket[] = []
  sent: string[] = []
  readyState = 0
  onopen: (() => void) | null = null
  onmessage: ((e: { data: string }) => void) | null = null
  onclose: ((e: { code: number }) => void) | null = null
  constructor(public url: string) { FakeSocket.all.push(this) }
  send(data: string) { this.sent.push(data) }
  open() { this.readyState = 1; this.onopen?.() }
}

describe('widget script in a fake page', () => {
  it('connects to its own origin, sends, shows replies, persists and reconnects', () => {
    const body = new FakeElement('body')
    const script = new FakeElement('script')
    script.setAttribute('data-account', 'acc_1')
    const storage = new Map<string, string>()
    const timers: Array<() => void> = []
    const document = {
      currentScript: Object.assign(script, { src: 'https://earshot.example/widget.js' }),
      querySelector: () => null,
      getElementById: () => null,
      createElement: (tag: string) => new FakeElement(tag),
      body,
    }
    const localStorage = { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) }
    const run = new Function('document', 'window', 'localStorage', 'crypto', 'WebSocket', 'location', 'setTimeout', 'clearTimeout', widgetSource)
    run(document, { crypto: webcrypto }, localStorage, webcrypto, FakeSocket, { href: 'https://shop.example/page' }, (fn: () => void) => timers.push(fn), () => undefined)

    const root = body.children[0]
    if (root === undefined) throw new Error('widget did not mount')
    const openBtn = root.find((e) => e.attrs['aria-expanded'] !== undefined)
    const panel = root.find((e) => e.attrs.role === 'dialog')
    const text = root.find((e) => e.tag === 'textarea')
    const form = root.find((e) => e.tag === 'form')
    const logEl = root.find((e) => e.attrs.role === 'log')
    if (!openBtn || !panel || !text || !form || !logEl) throw new Error('missing parts')
    expect(panel.hidden).toBe(true)
    expect(root.find((e) => e.tag === 'label' && e.attrs.for === 'eswc-text')?.textContent).toBe('Message')

    openBtn.onclick?.()
    expect(panel.hidden).toBe(false)
    expect(openBtn.attrs['aria-expanded']).toBe('true')
    expect(focused).toBe(text)
    const ws = FakeSocket.all[0]
    if (ws === undefined) throw new Error('no socket')
    const saved = () => JSON.parse(storage.get('earshot-webchat:acc_1') ?? '{}') as { visitor: string; pending: unknown[]; log: Entry[] }
    text.value = 'Where is my order?'
    form.onsubmit?.({ preventDefault: () => undefined })
    const visitor = saved().visitor
    expect(ws.url).toBe(`wss://earshot.example/api/v1/webchat/acc_1/ws?visitor=${visitor}`)
    expect(ws.sent).toEqual([]) // not open yet: kept pending
    ws.open()
    const frame = JSON.parse(ws.sent[0] ?? '{}') as { clientId: string; text: string }
    expect(frame.text).toBe('Where is my order?')
    ws.onmessage?.({ data: JSON.stringify({ type: 'ack', clientId: frame.clientId }) })
    ws.onmessage?.({ data: JSON.stringify({ type: 'reply', id: 'r1', text: 'On its way!', at: 'x' }) })
    expect(saved().pending).toEqual([])
    expect(logEl.children.map((p) => p.textContent)).toEqual(['Where is my order?', 'On its way!'])

    panel.listeners.keydown?.({ key: 'Escape' })
    expect(panel.hidden).toBe(true)
    expect(focused).toBe(openBtn)

    text.value = 'Thanks'
    form.onsubmit?.({ preventDefault: () => undefined })
    ws.onclose?.({ code: 1006 })
    expect(timers).toHaveLength(1)
    timers[0]?.()
    const again = FakeSocket.all[1]
    if (again === undefined) throw new Error('no reconnect')
    again.open()
    expect(again.sent.map((f) => (JSON.parse(f) as { text: string }).text)).toEqual(['Thanks'])
    expect(saved().visitor).toBe(visitor)
  })
})

// One behaviour suite for every bus backend (memory always, NATS JetStream in the integration suite).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Bus, BusMessage } from './index.ts'

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** `open(scope)`: buses opened with the same scope must share their streams; each test uses a new scope. */
export function busSuite(name: string, open: (scope: string) => Promise<Bus>): void {
  describe(`bus: ${name}`, () => {
    const opened: Bus[] = []
    let scope = 0
    beforeEach(() => {
      scope++
    })
    const openBus = async () => {
      const bus = await open(`${name}-${scope}`)
      opened.push(bus)
      return bus
    }
    afterEach(async () => {
      for (const bus of opened.splice(0)) await bus.close()
    })

    it('delivers work in publish order and only to matching consumers', async () => {
      const bus = await openBus()
      const seen: BusMessage[] = []
      const other: BusMessage[] = []
      await bus.consume({ subject: 'earshot.inbound.>', durable: 'order', handler: async (m) => void seen.push(m) })
      await bus.consume({ subject: 'earshot.conversation.>', durable: 'other', handler: async (m) => void other.push(m) })
      for (let i = 0; i < 50; i++) await bus.publish('earshot.inbound.bluesky', { i })
      await until(() => seen.length === 50)
      expect(seen.map((m) => (m.data as { i: number }).i)).toEqual([...Array(50).keys()])
      expect(seen[0]!.subject).toBe('earshot.inbound.bluesky')
      expect(other).toEqual([])
    })

    it('delivers live subjects (presence) to subscribers with their subject, never to a durable consumer of everything', async () => {
      const bus = await openBus()
      const live: BusMessage[] = []
      const stored: BusMessage[] = []
      await bus.consume({ subject: 'earshot.>', durable: 'everything', handler: async (m) => void stored.push(m) })
      const stop = bus.subscribe('earshot.live.presence.ws1', (m) => void live.push(m))
      await new Promise((r) => setTimeout(r, 50))
      await bus.publish('earshot.live.presence.ws1', { state: 'typing' })
      await bus.publish('earshot.inbound.x', { n: 1 })
      await until(() => live.length === 1 && stored.length >= 1)
      await new Promise((r) => setTimeout(r, 200))
      stop()
      expect(live[0]).toEqual({ subject: 'earshot.live.presence.ws1', data: { state: 'typing' } })
      expect(stored.map((m) => m.subject)).toEqual(['earshot.inbound.x'])
    })

    it('redelivers a message whose handler failed, and acks it once handled', async () => {
      const bus = await openBus()
      let attempts = 0
      let handled = 0
      await bus.consume({
        subject: 'earshot.inbound.>',
        durable: 'retry',
        handler: async () => {
          attempts++
          if (attempts < 3) throw new Error('database down')
          handled++
        },
      })
      await bus.publish('earshot.inbound.x-twitter', { n: 1 })
      await until(() => handled === 1)
      await new Promise((r) => setTimeout(r, 800))
      expect(attempts).toBe(3)
      expect(handled).toBe(1)
    })

    it('shares work between consumers of the same durable name without duplicates', async () => {
      if (name === 'memory') return // one process holds one consumer per name in memory; sharing is a NATS feature
      const a = await openBus()
      const b = await openBus()
      const got: number[] = []
      const handler = async (m: BusMessage) => void got.push((m.data as { i: number }).i)
      await a.consume({ subject: 'earshot.inbound.>', durable: 'shared', handler })
      await b.consume({ subject: 'earshot.inbound.>', durable: 'shared', handler })
      for (let i = 0; i < 40; i++) await a.publish('earshot.inbound.rss-atom', { i })
      await until(() => got.length >= 40)
      await new Promise((r) => setTimeout(r, 300))
      expect([...got].sort((x, y) => x - y)).toEqual([...Array(40).keys()])
    })

    it('fans notifications out to live subscribers and stops after unsubscribe', async () => {
      const bus = await openBus()
      const got: string[] = []
      const off = bus.subscribe('earshot.conversation.*.*', (m) => got.push(m.subject))
      await bus.publish('earshot.conversation.ws1.c1', { type: 'conversation.created' })
      await until(() => got.length === 1)
      off()
      await bus.publish('earshot.conversation.ws1.c2', {})
      await new Promise((r) => setTimeout(r, 200))
      expect(got).toEqual(['earshot.conversation.ws1.c1'])
    })
  })
}

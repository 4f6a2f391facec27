import type { Bus, BusMessage, WorkConsumerOptions } from './index.ts'
import { liveSubjectPrefix, subjectMatches } from './index.ts'

const redeliveryDelayMs = 200
const deliveryAttemptsMax = 20

interface Consumer {
  opts: WorkConsumerOptions
  queue: BusMessage[]
  running: boolean
  stopped: boolean
}

/**
 * In-process bus: work consumers get each message once per durable name, in publish order, and
 * a failing handler sees the message again after a delay (up to a bound, then it is dropped:
 * the inbound log still holds the work and its sweep picks it up).
 */
export function createMemoryBus(): Bus {
  const consumers = new Map<string, Consumer>()
  const listeners = new Set<{ subject: string; handler: (msg: BusMessage) => void }>()
  let closed = false

  async function drain(c: Consumer): Promise<void> {
    if (c.running) return
    c.running = true
    try {
      while (!c.stopped && c.queue.length > 0) {
        const msg = c.queue[0]!
        let attempt = 0
        for (;;) {
          try {
            await c.opts.handler(msg)
            break
          } catch {
            attempt++
            if (attempt >= deliveryAttemptsMax || c.stopped) break
            await new Promise((r) => setTimeout(r, redeliveryDelayMs))
          }
        }
        c.queue.shift()
      }
    } finally {
      c.running = false
    }
  }

  return {
    kind: 'memory',
    async publish(subject, data) {
      if (closed) throw new Error('bus closed')
      const msg = { subject, data: structuredClone(data) }
      if (!subject.startsWith(liveSubjectPrefix)) for (const c of consumers.values()) {
        if (!c.stopped && subjectMatches(c.opts.subject, subject)) {
          c.queue.push(msg)
          void drain(c)
        }
      }
      for (const l of listeners) if (subjectMatches(l.subject, subject)) l.handler(msg)
    },
    async consume(opts) {
      const existing = consumers.get(opts.durable)
      if (existing !== undefined && !existing.stopped) throw new Error(`consumer ${opts.durable} already running in this process`)
      const c: Consumer = { opts, queue: existing?.queue ?? [], running: false, stopped: false }
      consumers.set(opts.durable, c)
      void drain(c)
      return {
        async stop() {
          c.stopped = true
          while (c.running) await new Promise((r) => setTimeout(r, 5))
        },
      }
    },
    subscribe(subject, handler) {
      const l = { subject, handler }
      listeners.add(l)
      return () => listeners.delete(l)
    },
    async close() {
      closed = true
      for (const c of consumers.values()) c.stopped = true
      listeners.clear()
    },
  }
}

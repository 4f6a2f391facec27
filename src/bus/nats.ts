// NATS JetStream bus. Work subjects live in one durable stream with explicit-ack pull consumers;
// handlers ack only after they return (i.e. after their database commit), nak with a delay on failure.
// Debian's nats-server 2.9 flushes JetStream to disk on an interval (no `sync_interval: always`),
// which is why the inbound log in the database, not this stream, is the record of truth.
import { AckPolicy, connect, DeliverPolicy, JSONCodec, RetentionPolicy, StorageType, nanos, type NatsConnection } from 'nats'
import { liveSubjectPrefix, type Bus, type BusMessage } from './index.ts'

export interface NatsBusOptions {
  url: string
  /** Prefix replacing `earshot` in subjects, and (upper-cased) the stream name; lets tests run side by side. */
  namespace?: string
}

const ackWaitMs = 30_000
const nakDelayMs = 500
const streamMaxAgeMs = 7 * 24 * 3600 * 1000

export async function createNatsBus(opts: NatsBusOptions): Promise<Bus> {
  const namespace = opts.namespace ?? 'earshot'
  const stream = namespace.toUpperCase().replace(/[^A-Z0-9_-]/g, '_')
  // Live subjects go outside the stream's `${namespace}.>`: core NATS only, nothing kept.
  const live = `${namespace}_live.`
  const toWire = (subject: string) => (subject.startsWith(liveSubjectPrefix) ? `${live}${subject.slice(liveSubjectPrefix.length)}`
    : subject.startsWith('earshot.') ? `${namespace}.${subject.slice('earshot.'.length)}` : subject)
  const fromWire = (subject: string) => (subject.startsWith(live) ? `${liveSubjectPrefix}${subject.slice(live.length)}`
    : subject.startsWith(`${namespace}.`) ? `earshot.${subject.slice(namespace.length + 1)}` : subject)

  const nc: NatsConnection = await connect({ servers: opts.url, name: 'earshot', timeout: 5_000, maxReconnectAttempts: -1 })
  const jsm = await nc.jetstreamManager()
  const streamConfig = {
    name: stream,
    subjects: [`${namespace}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(streamMaxAgeMs),
  }
  try {
    await jsm.streams.info(stream)
    await jsm.streams.update(stream, { subjects: streamConfig.subjects, max_age: streamConfig.max_age })
  } catch {
    await jsm.streams.add(streamConfig)
  }
  const js = nc.jetstream()
  const codec = JSONCodec<unknown>()
  const stops = new Set<() => Promise<void>>()

  return {
    kind: 'nats',
    async publish(subject, data) {
      if (subject.startsWith(liveSubjectPrefix)) nc.publish(toWire(subject), codec.encode(data))
      else await js.publish(toWire(subject), codec.encode(data))
    },
    async consume(c) {
      const filter = toWire(c.subject)
      const durable = `${c.durable}`.replace(/[^A-Za-z0-9_-]/g, '_')
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: filter,
        ack_wait: nanos(ackWaitMs),
        max_ack_pending: c.inFlightMax ?? 256,
      })
      const consumer = await js.consumers.get(stream, durable)
      const messages = await consumer.consume({ max_messages: Math.min(c.inFlightMax ?? 256, 256) })
      const loop = (async () => {
        for await (const m of messages) {
          let data: unknown
          try {
            data = codec.decode(m.data)
          } catch {
            m.term() // not ours to fix: never redeliver a poison message
            continue
          }
          try {
            await c.handler({ subject: fromWire(m.subject), data })
            m.ack()
          } catch {
            m.nak(nakDelayMs)
          }
        }
      })()
      const stop = async () => {
        stops.delete(stop)
        messages.stop() // stop explicitly: awaiting close() after leaving the loop can hang (nats.js 2.29)
        await loop.catch(() => undefined)
      }
      stops.add(stop)
      return { stop }
    },
    subscribe(subject, handler) {
      const sub = nc.subscribe(toWire(subject), {
        callback: (err, m) => {
          if (err !== null) return
          let data: unknown
          try {
            data = codec.decode(m.data)
          } catch {
            return
          }
          handler({ subject: fromWire(m.subject), data } satisfies BusMessage)
        },
      })
      return () => sub.unsubscribe()
    },
    async close() {
      for (const stop of [...stops]) await stop()
      await nc.drain()
    },
  }
}

/** Removes a namespace's stream (tests clean up after themselves). */
export async function deleteNatsNamespace(url: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 5_000 })
  try {
    const jsm = await nc.jetstreamManager()
    await jsm.streams.delete(namespace.toUpperCase().replace(/[^A-Z0-9_-]/g, '_')).catch(() => false)
  } finally {
    await nc.close()
  }
}

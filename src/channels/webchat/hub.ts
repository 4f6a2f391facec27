// In-process registry of connected visitors: the open sockets per (account, visitor), and for
// visitors with none a small queue of agent replies handed over when they reconnect. Replies are
// deduped by id (a retried send of the same outbox row has the same id), both while queued and
// after delivery (a bounded memory of ids already delivered).
//
// One process only: a visitor connected to another server process is "offline" here and gets the
// reply on its next reconnect to this one. Everything is bounded, nothing is persisted.

/** What the hub needs of a socket (the gateway adapts a `ws` WebSocket). */
export interface VisitorSocket {
  isOpen(): boolean
  /** May throw if the socket closed meanwhile. */
  send(text: string): void
}

/** The frame a visitor's widget gets for an agent's reply. */
export interface AgentReply {
  type: 'reply'
  id: string
  text: string
  /** RFC 3339. */
  at: string
}

export type DeliveryOutcome = 'live' | 'queued' | 'duplicate'

export interface HubLimits {
  /** Replies kept for one offline visitor; the oldest is dropped beyond. */
  queuedPerVisitorMax: number
  /** Visitors with a queue; the least recently touched queue is dropped beyond. */
  queuedVisitorsMax: number
  /** Reply ids remembered per visitor to drop repeats after delivery. */
  deliveredIdsPerVisitorMax: number
  /** Visitors whose delivered ids are remembered. */
  rememberedVisitorsMax: number
}

export const defaultHubLimits: HubLimits = {
  queuedPerVisitorMax: 50,
  queuedVisitorsMax: 10_000,
  deliveredIdsPerVisitorMax: 100,
  rememberedVisitorsMax: 50_000,
}

/** A Map used as an LRU: touching a key moves it to the end; the first key is the eldest. */
function touch<V>(map: Map<string, V>, key: string, make: () => V, sizeMax: number): V {
  const existing = map.get(key)
  if (existing !== undefined) map.delete(key)
  const value = existing ?? make()
  map.set(key, value)
  while (map.size > sizeMax) {
    const eldest = map.keys().next().value
    if (eldest === undefined) break
    map.delete(eldest)
  }
  return value
}

export class WebchatHub {
  readonly #limits: HubLimits
  readonly #sockets = new Map<string, Set<VisitorSocket>>()
  readonly #queues = new Map<string, AgentReply[]>()
  readonly #delivered = new Map<string, string[]>()

  constructor(limits: Partial<HubLimits> = {}) {
    this.#limits = { ...defaultHubLimits, ...limits }
  }

  /** Registers a visitor's socket and flushes its queue to it. Returns the function that detaches it. */
  attach(accountId: string, visitorId: string, socket: VisitorSocket): () => void {
    const key = visitorKey(accountId, visitorId)
    const sockets = this.#sockets.get(key) ?? new Set<VisitorSocket>()
    sockets.add(socket)
    this.#sockets.set(key, sockets)
    const queued = this.#queues.get(key) ?? []
    this.#queues.delete(key)
    const undelivered = queued.filter((reply) => !this.#sendTo([socket], reply))
    for (const reply of queued) if (!undelivered.includes(reply)) this.#remember(key, reply.id)
    if (undelivered.length > 0) this.#queues.set(key, undelivered)
    return () => {
      sockets.delete(socket)
      if (sockets.size === 0 && this.#sockets.get(key) === sockets) this.#sockets.delete(key)
    }
  }

  /** Sends to every open socket of the visitor, or queues when none takes it. */
  deliver(accountId: string, visitorId: string, reply: AgentReply): DeliveryOutcome {
    const key = visitorKey(accountId, visitorId)
    if (this.#delivered.get(key)?.includes(reply.id) === true) return 'duplicate'
    if (this.#queues.get(key)?.some((queued) => queued.id === reply.id) === true) return 'duplicate'
    if (this.#sendTo([...(this.#sockets.get(key) ?? [])], reply)) {
      this.#remember(key, reply.id)
      return 'live'
    }
    const queue = touch(this.#queues, key, () => [], this.#limits.queuedVisitorsMax)
    queue.push(reply)
    if (queue.length > this.#limits.queuedPerVisitorMax) queue.splice(0, queue.length - this.#limits.queuedPerVisitorMax)
    return 'queued'
  }

  isOnline(accountId: string, visitorId: string): boolean {
    return [...(this.#sockets.get(visitorKey(accountId, visitorId)) ?? [])].some((s) => s.isOpen())
  }

  /** Replies waiting for the visitor's next connection (a copy). */
  queued(accountId: string, visitorId: string): AgentReply[] {
    return [...(this.#queues.get(visitorKey(accountId, visitorId)) ?? [])]
  }

  #sendTo(sockets: readonly VisitorSocket[], reply: AgentReply): boolean {
    const text = JSON.stringify(reply)
    let sent = false
    for (const socket of sockets) {
      if (!socket.isOpen()) continue
      try {
        socket.send(text)
        sent = true
      } catch {
        // closed between the check and the send: the other sockets or the queue take it
      }
    }
    return sent
  }

  #remember(key: string, id: string): void {
    const ids = touch(this.#delivered, key, () => [], this.#limits.rememberedVisitorsMax)
    ids.push(id)
    if (ids.length > this.#limits.deliveredIdsPerVisitorMax) ids.splice(0, ids.length - this.#limits.deliveredIdsPerVisitorMax)
  }
}

function visitorKey(accountId: string, visitorId: string): string {
  return `${accountId}\u0000${visitorId}`
}

/** The process's hub: the gateway registers sockets here and send.ts delivers through it. */
export const webchatHub = new WebchatHub()

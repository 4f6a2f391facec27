// A scripted web chat visitor, for tests of the gateway, the outbox worker and end-to-end runs: it
// speaks the widget's protocol (frames.ts) over a real WebSocket, without a browser.
//
//   const visitor = await connectVisitorFake({ baseUrl: 'http://127.0.0.1:3000', accountId })
//   visitor.sendMessage('Where is my order?')           // → clientId; resolves once sent
//   await visitor.waitFor((f) => f.type === 'ack')      // frames the server sent, in order
//   visitor.replies()                                   // agent replies received so far
//   await visitor.close(); const again = await connectVisitorFake({ …, visitorId: visitor.visitorId })
//   visitor.sendRaw('not json')                         // for protocol tests
import { randomUUID } from 'node:crypto'
import WebSocket from 'ws'
import type { AgentReply } from './hub.ts'

export type ServerFrame =
  | { type: 'hello'; visitorId: string }
  | { type: 'ack'; clientId: string }
  | AgentReply
  | { type: 'error'; code: string; message: string; clientId?: string }

export interface VisitorFakeOptions {
  /** The server's origin (http or https); the socket URL is derived as the widget does. */
  baseUrl: string
  accountId: string
  /** Default: a new random UUID (a first-time visitor). */
  visitorId?: string
  /** Resolves once the hello frame arrived (default true). */
  waitForHello?: boolean
}

export interface VisitorFake {
  visitorId: string
  socket: WebSocket
  frames: ServerFrame[]
  sendMessage(text: string, extra?: { clientId?: string; name?: string; email?: string }): string
  sendRaw(data: string | Buffer): void
  replies(): AgentReply[]
  /** Resolves with the first frame (already received or coming) matching; rejects after timeoutMs. */
  waitFor(predicate: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>
  /** Resolves with the close code once the server or we closed the socket. */
  closed: Promise<number>
  close(): Promise<void>
}

export function webchatSocketUrl(baseUrl: string, accountId: string, visitorId: string): string {
  const url = new URL(`/api/v1/webchat/${encodeURIComponent(accountId)}/ws`, baseUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  url.searchParams.set('visitor', visitorId)
  return url.toString()
}

export async function connectVisitorFake(options: VisitorFakeOptions): Promise<VisitorFake> {
  const visitorId = options.visitorId ?? randomUUID()
  const socket = new WebSocket(webchatSocketUrl(options.baseUrl, options.accountId, visitorId))
  const frames: ServerFrame[] = []
  const waiters = new Set<() => void>()
  let clientCounter = 0
  socket.on('message', (data) => {
    try {
      frames.push(JSON.parse(String(data)) as ServerFrame)
    } catch {
      return
    }
    for (const wake of waiters) wake()
  })
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })

  const visitor: VisitorFake = {
    visitorId,
    socket,
    frames,
    sendMessage(text, extra = {}) {
      const clientId = extra.clientId ?? `m${++clientCounter}-${randomUUID().slice(0, 8)}`
      const frame: Record<string, string> = { type: 'message', clientId, text }
      if (extra.name !== undefined) frame.name = extra.name
      if (extra.email !== undefined) frame.email = extra.email
      socket.send(JSON.stringify(frame))
      return clientId
    },
    sendRaw(data) {
      socket.send(data)
    },
    replies: () => frames.filter((f): f is AgentReply => f.type === 'reply'),
    waitFor(predicate, timeoutMs = 2_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(predicate)
          if (found === undefined) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(found)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    closed,
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close()
      await closed
    },
  }
  if (options.waitForHello !== false) await visitor.waitFor((f) => f.type === 'hello')
  return visitor
}

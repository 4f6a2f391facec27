// The visitor side of web chat on the server: GET /api/v1/webchat/:accountId/ws?visitor=<id>
// (WebSocket, public: the widget on a customer's site has no token). Each message frame is checked
// (frames.ts), turned into a pipeline unit and handed to onVisitorMessage; the visitor gets
// {type:"ack"} only once that resolved, so an unacknowledged message is re-sent by the widget.
// Agent replies reach the socket through the hub. Register on an app that has @fastify/websocket,
// without a prefix (the path is absolute).
import type { FastifyPluginAsync } from 'fastify'
import type { WebSocket } from '@fastify/websocket'
import { readVisitorFrame, unitOf, type ErrorFrame } from './frames.ts'
import type { WebchatHub } from './hub.ts'
import { accountIdPattern, visitorIdPattern } from './unit.ts'

export const webchatSocketPath = '/api/v1/webchat/:accountId/ws'

export interface WebchatGatewayOptions {
  /** Stores one unit (the JSON text parse.ts reads); reject to tell the visitor it was not stored. */
  onVisitorMessage(accountId: string, unitBody: string): Promise<void>
  hub: WebchatHub
  /** False for unknown or disabled accounts: the socket is closed (4404). Default: every account. */
  isAccountOpen?(accountId: string): Promise<boolean>
  now?: () => Date
  /** Per socket; further frames get RATE_LIMITED until the minute has passed. */
  messagesPerMinuteMax?: number
  /** WebSocket pings keep idle connections alive through proxies. */
  heartbeatMs?: number
}

const closeBadRequest = 4400
const closeUnknownAccount = 4404

export function webchatGateway(options: WebchatGatewayOptions): FastifyPluginAsync {
  const now = options.now ?? (() => new Date())
  const messagesPerMinuteMax = options.messagesPerMinuteMax ?? 30
  const heartbeatMs = options.heartbeatMs ?? 30_000
  const isAccountOpen = options.isAccountOpen ?? (async () => true)

  return async function webchatGatewayPlugin(app) {
    app.get<{ Params: { accountId: string }; Querystring: { visitor?: string } }>(webchatSocketPath, {
      websocket: true,
      schema: { hide: true },
    }, (socket, req) => {
      const { accountId } = req.params
      const visitorId = typeof req.query.visitor === 'string' ? req.query.visitor : ''
      if (!accountIdPattern.test(accountId) || !visitorIdPattern.test(visitorId)) {
        sendFrame(socket, { type: 'error', code: 'BAD_VISITOR', message: 'expected /api/v1/webchat/<account>/ws?visitor=<8-64 letters, digits, - or _>' })
        socket.close(closeBadRequest, 'bad account or visitor id')
        return
      }
      serveVisitor(socket, accountId, visitorId)
    })
  }

  function serveVisitor(socket: WebSocket, accountId: string, visitorId: string): void {
    const sentAt: number[] = []
    let detach: (() => void) | null = null
    let closed = false
    // Frames are handled one after the other, in arrival order, once the account is known to be open.
    let chain: Promise<boolean> = isAccountOpen(accountId).catch(() => false).then((open) => {
      if (closed) return false
      if (!open) {
        sendFrame(socket, { type: 'error', code: 'UNKNOWN_ACCOUNT', message: 'no web chat here' })
        socket.close(closeUnknownAccount, 'unknown account')
        return false
      }
      sendFrame(socket, { type: 'hello', visitorId })
      detach = options.hub.attach(accountId, visitorId, { isOpen: () => socket.readyState === socket.OPEN, send: (text) => socket.send(text) })
      return true
    })

    const heartbeat = setInterval(() => {
      if (socket.readyState === socket.OPEN) socket.ping()
    }, heartbeatMs)
    heartbeat.unref()

    // Listeners are attached before any await so no early frame is lost.
    socket.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data))
      chain = chain.then(async (open) => {
        if (open) await handleFrame(bytes, isBinary)
        return open
      })
    })
    socket.on('close', () => {
      closed = true
      clearInterval(heartbeat)
      detach?.()
    })
    socket.on('error', () => socket.terminate())

    async function handleFrame(bytes: Buffer, isBinary: boolean): Promise<void> {
      const read = readVisitorFrame(bytes, isBinary)
      if (!read.ok) return sendFrame(socket, read.error)
      const { clientId } = read.message
      if (!withinRate(sentAt, now().getTime(), messagesPerMinuteMax)) {
        return sendFrame(socket, { type: 'error', code: 'RATE_LIMITED', message: `at most ${messagesPerMinuteMax} messages a minute`, clientId })
      }
      try {
        await options.onVisitorMessage(accountId, unitOf(accountId, visitorId, read.message, now()))
      } catch {
        return sendFrame(socket, { type: 'error', code: 'NOT_STORED', message: 'not stored; send it again', clientId })
      }
      sendFrame(socket, { type: 'ack', clientId })
    }
  }
}

/** Sliding one-minute window: records the attempt and says whether it is allowed. */
export function withinRate(sentAtMs: number[], nowMs: number, perMinuteMax: number): boolean {
  while (sentAtMs.length > 0 && (sentAtMs[0] ?? 0) <= nowMs - 60_000) sentAtMs.shift()
  if (sentAtMs.length >= perMinuteMax) return false
  sentAtMs.push(nowMs)
  return true
}

function sendFrame(socket: WebSocket, frame: ErrorFrame | { type: 'hello'; visitorId: string } | { type: 'ack'; clientId: string }): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
}

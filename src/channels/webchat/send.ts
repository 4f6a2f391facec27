// Agent replies to a web chat visitor: handed to the hub, which pushes them to the visitor's open
// sockets or queues them until the visitor reconnects. Either way the reply is accepted, so send
// succeeds; its id is a UUID v5 of the outbox idempotency key, so a retry of the same row is
// recognised (and dropped) by the hub and by the widget.
import { createHash } from 'node:crypto'
import type { OutboundRequest, SendContext, Sender, SendResult } from '../types.ts'
import { isRecord, stringAt } from '../wire.ts'
import { webchatHub, type WebchatHub } from './hub.ts'
import { visitorIdPattern } from './unit.ts'

export const webchatReplyLengthMax = 4_000

/** Namespace of reply ids (a fixed random UUID). */
const replyIdNamespace = '6f1c9a52-7d3e-4b8a-9c21-5e0f3a7b9d14'

/** RFC 4122 version-5 UUID (SHA-1 of namespace + name). */
export function uuidV5(name: string, namespace = replyIdNamespace): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest()
  const bytes = hash.subarray(0, 16)
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The visitor a target came from: the unit's visitor_id, else the stored author id. */
function visitorOf(req: OutboundRequest): string | null {
  const fromUnit = isRecord(req.target.raw) ? stringAt(req.target.raw, 'visitor_id') : null
  const visitorId = fromUnit ?? req.target.authorExternalId
  return visitorId !== null && visitorIdPattern.test(visitorId) ? visitorId : null
}

export function createWebchatSender(hub: WebchatHub): Sender {
  return {
    actions: ['reply', 'dm'],
    async send(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
      if (req.action !== 'reply' && req.action !== 'dm') return { ok: false, retryable: false, code: 'NOT_SUPPORTED', reason: `web chat cannot ${req.action}` }
      const text = req.text.trim()
      if (text === '') return { ok: false, retryable: false, code: 'REJECTED', reason: 'empty reply' }
      if (req.text.length > webchatReplyLengthMax) return { ok: false, retryable: false, code: 'REJECTED', reason: `reply longer than ${webchatReplyLengthMax} characters` }
      const visitorId = visitorOf(req)
      if (visitorId === null) return { ok: false, retryable: false, code: 'PARENT_GONE', reason: 'the message answered has no web chat visitor id' }
      const id = uuidV5(req.idempotencyKey)
      const outcome = hub.deliver(ctx.account.id, visitorId, { type: 'reply', id, text: req.text, at: ctx.now().toISOString() })
      return { ok: true, externalId: id, url: null, raw: { visitorId, delivery: outcome } }
    },
  }
}

export const webchatSender: Sender = createWebchatSender(webchatHub)

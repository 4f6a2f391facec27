// A receiver of Earshot's outgoing webhook, for tests of send.ts, the outbox worker and end-to-end
// runs. It behaves as receivers are told to: checks X-Earshot-Signature/-Timestamp (401 when
// wrong or stale), dedupes on Idempotency-Key (a repeat gets the first answer and is not recorded
// again), answers `{"id": "rcv-<n>"}`, and answers `{type:"ping"}` without recording it.
//
//   const receiver = await startWebhookReceiverFake({ signingSecret: 's3cret' })
//   account.settings.outgoingUrl = receiver.url            // POST target
//   … send …
//   receiver.deliveries          // accepted replies, once per Idempotency-Key, in order
//   receiver.failNext({ status: 503 }) / failNext({ status: 429, retryAfterSeconds: 1 })
//   receiver.hangAfterNext()     // records the delivery, then never answers (client times out)
//   receiver.requests            // every request as received (signature failures included)
//   await receiver.close()
import { startFakeServer, type FakeRequest } from '../fake-http.ts'
import { signatureHeader, signatureMatches, signPayload, timestampHeader, timestampSecondsOf, timestampToleranceSeconds } from './signature.ts'
import type { OutgoingReply } from './send.ts'

export const receiverPath = '/hooks/earshot'

export interface WebhookDelivery {
  idempotencyKey: string
  /** The id the receiver answered with. */
  id: string
  body: OutgoingReply
  headers: FakeRequest['headers']
}

export interface WebhookReceiverFakeOptions {
  signingSecret: string
  /** Answer `{"id": …}` on success (default true); false answers `{}` so the sender falls back to the key. */
  answerWithId?: boolean
  nowMs?: () => number
}

export interface WebhookReceiverFake {
  /** The full URL to POST to (use as settings.outgoingUrl). */
  url: string
  deliveries: WebhookDelivery[]
  pings: number
  requests: FakeRequest[]
  failNext(options: { status: number; retryAfterSeconds?: number; body?: unknown; times?: number }): void
  hangAfterNext(): void
  close(): Promise<void>
}

export async function startWebhookReceiverFake(options: WebhookReceiverFakeOptions): Promise<WebhookReceiverFake> {
  const nowMs = options.nowMs ?? Date.now
  const deliveries: WebhookDelivery[] = []
  const byKey = new Map<string, WebhookDelivery>()
  const state = { pings: 0 }

  function signatureProblem(req: FakeRequest): string | null {
    const timestampText = (req.headers[timestampHeader] ?? '').trim()
    const timestamp = timestampSecondsOf(timestampText)
    const signature = req.headers[signatureHeader]
    if (timestamp === null || signature === undefined) return 'unsigned'
    if (Math.abs(nowMs() / 1000 - timestamp) > timestampToleranceSeconds) return 'stale timestamp'
    return signatureMatches(signPayload(options.signingSecret, timestampText, req.body), signature) ? null : 'bad signature'
  }

  const fake = await startFakeServer({
    routes: [{
      method: 'POST',
      path: receiverPath,
      handler: (req) => {
        const problem = signatureProblem(req)
        if (problem !== null) return { status: 401, body: { error: problem } }
        let body: unknown
        try {
          body = JSON.parse(req.body.toString('utf8'))
        } catch {
          return { status: 400, body: { error: 'not JSON' } }
        }
        const type = typeof body === 'object' && body !== null ? (body as { type?: unknown }).type : undefined
        if (type === 'ping') {
          state.pings++
          return { status: 204 }
        }
        const key = req.headers['idempotency-key']
        if (type !== 'reply' || key === undefined || key === '') return { status: 400, body: { error: 'expected a reply with an Idempotency-Key' } }
        const earlier = byKey.get(key)
        if (earlier !== undefined) return { status: 200, body: options.answerWithId === false ? {} : { id: earlier.id } }
        const delivery: WebhookDelivery = { idempotencyKey: key, id: `rcv-${deliveries.length + 1}`, body: body as OutgoingReply, headers: req.headers }
        deliveries.push(delivery)
        byKey.set(key, delivery)
        return { status: 200, body: options.answerWithId === false ? {} : { id: delivery.id } }
      },
    }],
  })

  return {
    url: fake.url + receiverPath,
    deliveries,
    get pings() {
      return state.pings
    },
    requests: fake.requests,
    failNext(o) {
      fake.failNext({
        status: o.status,
        times: o.times,
        body: o.body,
        headers: o.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(o.retryAfterSeconds) },
      })
    },
    hangAfterNext() {
      fake.hangAfterNext(receiverPath)
    },
    close: () => fake.close(),
  }
}

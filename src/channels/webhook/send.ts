// The outgoing webhook: an agent's reply is POSTed, signed like inbound deliveries, to the account's
// `outgoingUrl` as {type:"reply", idempotency_key, in_reply_to, thread_id, text, visibility}.
// Receivers dedupe on the Idempotency-Key header, so the outbox worker may retry after a timeout
// without a findSent. One attempt per call.
import { bodyText, failureFromError, failureFromStatus, fetchWithTimeout } from '../http.ts'
import type { OutboundRequest, SendContext, Sender, SendFailureCode, SendResult } from '../types.ts'
import { decodeJson, idAt, isRecord, stringAt } from '../wire.ts'
import { signedHeaders } from './signature.ts'

export const userAgent = 'Earshot-Webhook/1'

/** What a receiver gets for an agent reply (document changes in README.md). */
export interface OutgoingReply {
  type: 'reply'
  idempotency_key: string
  /** The externalId of the customer's message being answered. */
  in_reply_to: string
  /** The conversation: the target's thread_id, or its own id when it started the thread. */
  thread_id: string
  text: string
  visibility: 'public' | 'private'
}

const failureCodes: readonly SendFailureCode[] = ['AUTH_REVOKED', 'WINDOW_CLOSED', 'PARENT_GONE', 'NOT_SUPPORTED', 'REJECTED']

export function outgoingReplyOf(req: OutboundRequest): OutgoingReply {
  return {
    type: 'reply',
    idempotency_key: req.idempotencyKey,
    in_reply_to: req.target.externalId,
    thread_id: req.target.threadExternalId ?? req.target.externalId,
    text: req.text,
    visibility: req.action === 'dm' ? 'private' : req.target.visibility,
  }
}

async function sendReply(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  if (req.action !== 'reply' && req.action !== 'dm') return { ok: false, retryable: false, code: 'NOT_SUPPORTED', reason: `the webhook channel cannot ${req.action}` }
  const url = ctx.account.settings.outgoingUrl
  if (url === undefined || !/^https?:\/\//.test(url)) return { ok: false, retryable: false, code: 'NOT_SUPPORTED', reason: 'this webhook account has no outgoingUrl (http or https) to send replies to' }
  const secret = ctx.account.secrets.signingSecret
  if (secret === undefined || secret === '') return { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: 'this webhook account has no signingSecret' }

  const body = JSON.stringify(outgoingReplyOf(req))
  let res: Response
  try {
    res = await fetchWithTimeout(ctx.fetch, url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': userAgent,
        'idempotency-key': req.idempotencyKey,
        ...signedHeaders(secret, body, ctx.now()),
      },
      body,
      signal: ctx.signal,
    })
  } catch (err) {
    return failureFromError(err)
  }
  const text = await bodyText(res, 10_000)
  if (res.ok) {
    const answer = decodeJson(text)
    const answered = answer.ok && isRecord(answer.value) ? answer.value : null
    const id = answered === null ? null : idAt(answered, 'id')
    const answeredUrl = answered === null ? null : stringAt(answered, 'url')
    return {
      ok: true,
      externalId: id ?? req.idempotencyKey,
      url: answeredUrl !== null && /^https?:\/\//.test(answeredUrl) ? answeredUrl : null,
      raw: answered ?? { status: res.status },
    }
  }
  return failureOf(res, text, ctx.now())
}

/**
 * Receivers may name the failure in a 4xx body (`{"code":"WINDOW_CLOSED"}` or
 * `{"error":{"code":…}}`); otherwise the status decides. 403 means our signature was refused,
 * which an admin fixes like a revoked token; 409 is a receiver still working on the same key.
 */
function failureOf(res: Response, text: string, now: Date): SendResult {
  const detail = text.slice(0, 300)
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
    const named = namedCode(text)
    if (named !== null) return { ok: false, retryable: false, code: named, reason: `HTTP ${res.status}: ${detail}` }
    if (res.status === 403) return { ok: false, retryable: false, code: 'AUTH_REVOKED', reason: `HTTP 403: ${detail}` }
    if (res.status === 409) return { ok: false, retryable: true, retryAfterMs: null, reason: `HTTP 409: ${detail}` }
  }
  return failureFromStatus(res.status, res.headers, detail, now)
}

function namedCode(text: string): SendFailureCode | null {
  const decoded = decodeJson(text)
  if (!decoded.ok || !isRecord(decoded.value)) return null
  const nested = decoded.value.error
  const code = stringAt(decoded.value, 'code') ?? (isRecord(nested) ? stringAt(nested, 'code') : null)
  return failureCodes.find((c) => c === code) ?? null
}

/** POSTs `{type:"ping"}`, signed: proves the URL answers and accepts our signature. */
export async function pingReceiver(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  const url = ctx.account.settings.outgoingUrl
  const secret = ctx.account.secrets.signingSecret
  if (url === undefined || !/^https?:\/\//.test(url)) return { ok: false, detail: 'no outgoingUrl configured' }
  if (secret === undefined || secret === '') return { ok: false, detail: 'no signingSecret configured' }
  const body = JSON.stringify({ type: 'ping' })
  try {
    const res = await fetchWithTimeout(ctx.fetch, url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': userAgent, ...signedHeaders(secret, body, ctx.now()) },
      body,
      signal: ctx.signal,
    })
    const detail = await bodyText(res, 300)
    return res.ok ? { ok: true, detail: `${url} answered ${res.status}` } : { ok: false, detail: `${url} answered ${res.status}: ${detail}` }
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) }
  }
}

export const webhookSender: Sender = {
  actions: ['reply', 'dm'],
  send: sendReply,
}

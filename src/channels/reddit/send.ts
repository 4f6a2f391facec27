// Answers on Reddit, one attempt per call: reply (`/api/comment`), edit (`/api/editusertext`) and
// delete (`/api/del`) of our own comment. Reddit has no idempotency key, so findSent looks through
// the account's newest comments for one under the same parent with the same text.
// Reddit reports most refusals in a 200 body (`json.errors: [[code, message, field]]`).
import { bodyText, failureFromStatus } from '../http.ts'
import type { OutboundRequest, SendContext, Sender, SendResult } from '../types.ts'
import { arrayAt, idAt, isRecord, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { redditCall, redditReset, redditSettingsOf, type Failure } from './client.ts'
import { commentUrl, isFullname, isUsername, webUrl } from './things.ts'

export const redditReplyLengthMax = 10_000

/** Codes saying the thing answered is gone or closed to replies. */
const parentGoneCodes = new Set(['DELETED_COMMENT', 'DELETED_LINK', 'DELETED_THING', 'THREAD_LOCKED', 'TOO_OLD', 'NO_THING_ID', 'INVALID_THING_ID'])
const authCodes = new Set(['USER_REQUIRED', 'USER_BLOCKED'])

type CommentAnswer = { ok: true; thing: JsonRecord } | Failure

/** "you are doing that too much. try again in 6 minutes." → 360 000 ms. */
export function rateLimitDelayMs(message: string): number | null {
  const match = /(\d+)\s*(millisecond|second|minute|hour)s?/i.exec(message)
  if (match === null) return null
  const unitMs = { millisecond: 1, second: 1_000, minute: 60_000, hour: 3_600_000 }[match[2]!.toLowerCase() as 'second']
  return Number(match[1]) * unitMs
}

/** Maps a non-empty `json.errors` onto a failure. */
export function failureFromErrors(errors: readonly unknown[]): Failure {
  const [first] = errors
  const parts = Array.isArray(first) ? first.map((p) => (typeof p === 'string' ? p : '')) : [String(first)]
  const code = parts[0] ?? ''
  const reason = errors.map((e) => (Array.isArray(e) ? e.filter((p) => typeof p === 'string').join(': ') : String(e))).join('; ').slice(0, 500)
  if (code === 'RATELIMIT') return { ok: false, retryable: true, retryAfterMs: rateLimitDelayMs(parts[1] ?? ''), reason }
  if (parentGoneCodes.has(code)) return { ok: false, retryable: false, code: 'PARENT_GONE', reason }
  if (authCodes.has(code)) return { ok: false, retryable: false, code: 'AUTH_REVOKED', reason }
  return { ok: false, retryable: false, code: 'REJECTED', reason }
}

async function postThing(ctx: SendContext, path: string, form: Record<string, string>): Promise<CommentAnswer> {
  const call = await redditCall(ctx, { method: 'POST', path, form: { ...form, api_type: 'json' } })
  if (!call.ok) return call.failure
  const { res } = call
  if (!res.ok) return failureFromStatus(res.status, res.headers, await bodyText(res, 300), ctx.now(), redditReset)
  const body: unknown = await res.json().catch(() => null)
  const json = isRecord(body) ? recordAt(body, 'json') : null
  if (json === null) return { ok: false, retryable: false, code: 'REJECTED', reason: `unexpected answer from ${path}` }
  const errors = arrayAt(json, 'errors')
  if (errors.length > 0) return failureFromErrors(errors)
  const data = recordAt(json, 'data')
  const thing = data === null ? null : arrayAt(data, 'things').find(isRecord)
  const thingData = thing === undefined || thing === null ? null : recordAt(thing, 'data')
  if (thing === undefined || thing === null || thingData === null || !isFullname(idAt(thingData, 'name'))) {
    return { ok: false, retryable: false, code: 'REJECTED', reason: `${path} answered without the comment` }
  }
  return { ok: true, thing }
}

function sentOf(thing: JsonRecord): SendResult {
  const data = recordAt(thing, 'data')!
  const name = idAt(data, 'name')!
  return { ok: true, externalId: name, url: urlOf(data, name), raw: thing }
}

function urlOf(data: JsonRecord, name: string): string | null {
  return webUrl(stringAt(data, 'permalink')) ?? commentUrl(stringAt(data, 'subreddit'), stringAt(data, 'link_id'), name)
}

function rejected(reason: string, code: 'REJECTED' | 'NOT_SUPPORTED' = 'REJECTED'): Failure {
  return { ok: false, retryable: false, code, reason }
}

async function reply(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const parent = req.target.externalId
  if (req.target.visibility === 'private' || !/^t[13]_/.test(parent) || !isFullname(parent)) {
    return rejected(`cannot comment on ${parent}: only posts (t3) and comments (t1) take replies`, 'NOT_SUPPORTED')
  }
  if (req.text.trim() === '') return rejected('empty reply')
  if (req.text.length > redditReplyLengthMax) return rejected(`reply longer than ${redditReplyLengthMax} characters`)
  const answer = await postThing(ctx, '/api/comment', { thing_id: parent, text: req.text })
  return answer.ok ? sentOf(answer.thing) : answer
}

async function edit(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const own = req.ownExternalId
  if (!isFullname(own)) return rejected('edit needs our own comment or post fullname')
  if (req.text.length > redditReplyLengthMax) return rejected(`text longer than ${redditReplyLengthMax} characters`)
  const answer = await postThing(ctx, '/api/editusertext', { thing_id: own, text: req.text })
  return answer.ok ? sentOf(answer.thing) : answer
}

async function remove(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const own = req.ownExternalId
  if (!isFullname(own)) return rejected('delete needs our own comment or post fullname')
  // /api/del answers {} whether or not the thing existed, so a retry is harmless.
  const call = await redditCall(ctx, { method: 'POST', path: '/api/del', form: { id: own, api_type: 'json' } })
  if (!call.ok) return call.failure
  const { res } = call
  if (!res.ok) return failureFromStatus(res.status, res.headers, await bodyText(res, 300), ctx.now(), redditReset)
  await res.body?.cancel()
  return { ok: true, externalId: own, url: null, raw: { deleted: own } }
}

async function send(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  switch (req.action) {
    case 'reply':
      return reply(req, ctx)
    case 'edit':
      return edit(req, ctx)
    case 'delete':
      return remove(req, ctx)
    default:
      return rejected(`Reddit cannot ${req.action} here`, 'NOT_SUPPORTED')
  }
}

function sameText(a: string, b: string): boolean {
  const normal = (s: string) => s.replace(/\r\n?/g, '\n').trim()
  return normal(a) === normal(b)
}

/** The account's username: from settings, else `/api/v1/me`. */
export async function ownUsername(ctx: SendContext): Promise<string | null> {
  const configured = redditSettingsOf(ctx.account).username
  if (configured !== null) return configured
  const call = await redditCall(ctx, { method: 'GET', path: '/api/v1/me' })
  if (!call.ok || !call.res.ok) return null
  const body: unknown = await call.res.json().catch(() => null)
  const name = isRecord(body) ? stringAt(body, 'name') : null
  return isUsername(name) ? name : null
}

/** Our reply of an earlier attempt: one of the account's newest 100 comments under the same parent with the same text. */
async function findSent(req: OutboundRequest, ctx: SendContext): Promise<{ externalId: string; url: string | null } | null> {
  if (req.action !== 'reply') return null
  const username = await ownUsername(ctx)
  if (username === null) return null
  const call = await redditCall(ctx, { method: 'GET', path: `/user/${username}/comments`, query: { limit: '100', sort: 'new' } })
  if (!call.ok || !call.res.ok) return null
  const body: unknown = await call.res.json().catch(() => null)
  const listing = isRecord(body) ? recordAt(body, 'data') : null
  for (const child of listing === null ? [] : arrayAt(listing, 'children')) {
    const data = isRecord(child) ? recordAt(child, 'data') : null
    const name = data === null ? null : idAt(data, 'name')
    if (data === null || !isFullname(name)) continue
    if (stringAt(data, 'parent_id') === req.target.externalId && sameText(stringAt(data, 'body') ?? '', req.text)) {
      return { externalId: name, url: urlOf(data, name) }
    }
  }
  return null
}

export const redditSender: Sender = { actions: ['reply', 'edit', 'delete'], send, findSent }

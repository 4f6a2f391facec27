// Answering on X with the account's user-context token (secret `accessToken`), one attempt per call:
//   reply   POST /2/tweets {text, reply:{in_reply_to_tweet_id}}      → 201 {data:{id,text}}
//           a reply to a private target (a DM) is a DM to its author
//   dm      POST /2/dm_conversations/with/:participant_id/messages {text} → 201 {data:{dm_conversation_id,dm_event_id}}
//   hide    PUT /2/tweets/:id/hidden {hidden:true}                  → {data:{hidden:true}}
//   delete  DELETE /2/tweets/:id (our own Tweet, `ownExternalId`)    → {data:{deleted:true}}
// X has no idempotency key, so `findSent` looks for the post an earlier attempt may have made:
// a reply is one of the brand's Tweets since the target's time answering the same Tweet with the
// same text; a DM is a message from the brand in that conversation with the same text.
import { bodyText, failureFromError, failureFromStatus, fetchWithTimeout } from '../http.ts'
import type { OutboundRequest, OutboundTarget, SendContext, Sender, SendFailureCode, SendResult } from '../types.ts'
import { arrayAt, isRecord, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { apiBaseUrl, apiUrl, xRateLimitReset } from './fields.ts'
import { isXId, tweetUrl } from './ids.ts'

type Failure = SendResult & { ok: false }
type Found = { externalId: string; url: string | null }

/** Pages of the brand's timeline (100 each) searched for an earlier reply. */
const findPagesMax = 3

function permanent(code: SendFailureCode, reason: string): Failure {
  return { ok: false, retryable: false, code, reason }
}

function parseJson(text: string): JsonRecord | null {
  try {
    const value: unknown = JSON.parse(text)
    return isRecord(value) ? value : null
  } catch {
    return null
  }
}

/** The id to answer: the latest version of an edited Tweet (`raw.id` in v2, `id_str` in v1.1), else the stored id. */
export function replyTargetId(target: OutboundTarget): string | null {
  const raw = isRecord(target.raw) ? target.raw : null
  const fromRaw = raw === null ? null : stringAt(raw, 'id_str') ?? stringAt(raw, 'id')
  if (isXId(fromRaw)) return fromRaw
  return isXId(target.externalId) ? target.externalId : null
}

/** The other participant of a DM (or the author of a public Tweet), never the brand itself. */
export function dmParticipantId(target: OutboundTarget, brandUserId: string): string | null {
  const raw = isRecord(target.raw) ? target.raw : null
  const create = raw === null ? null : recordAt(raw, 'message_create')
  // A 1:1 conversation key is "<user id>-<user id>"; a public thread key is a Tweet id, never a user.
  const conversation = target.visibility === 'private' ? stringAt(raw ?? {}, 'dm_conversation_id') ?? target.threadExternalId ?? '' : ''
  const candidates = [
    target.authorExternalId,
    raw === null ? null : stringAt(raw, 'sender_id') ?? stringAt(raw, 'author_id'),
    create === null ? null : stringAt(create, 'sender_id'),
    create === null ? null : stringAt(recordAt(create, 'target') ?? {}, 'recipient_id'),
    ...(conversation.includes('-') ? conversation.split('-') : []),
  ]
  return candidates.find((id): id is string => isXId(id) && id !== brandUserId) ?? null
}

/** The words of a problem+json or v1.1-style error body, for reasons and for matching. */
function errorDetail(text: string): { detail: string; type: string; codes: number[] } {
  const body = parseJson(text)
  if (body === null) return { detail: text.slice(0, 300), type: '', codes: [] }
  const errors = arrayAt(body, 'errors').filter(isRecord)
  const parts = [stringAt(body, 'title'), stringAt(body, 'detail'), ...errors.map((e) => stringAt(e, 'message'))]
  return {
    detail: parts.filter((p): p is string => p !== null && p !== '').join(': ').slice(0, 500),
    type: stringAt(body, 'type') ?? '',
    codes: errors.map((e) => e['code']).filter((c): c is number => typeof c === 'number'),
  }
}

const authProblemTypes = ['unsupported-authentication', 'oauth1-permissions', 'client-forbidden', 'client-not-enrolled']

/** X's own refusals first (v2 problem texts, v1.1 codes), then the usual status meaning. */
export function xFailure(status: number, headers: Headers, text: string, now: Date): Failure {
  const { detail, type, codes } = errorDetail(text)
  const reason = `HTTP ${status}${detail === '' ? '' : `: ${detail}`}`
  if (status === 403 || status === 400) {
    if (/duplicate/i.test(detail) || codes.includes(187)) return permanent('REJECTED', reason)
    if (/deleted or not visible/i.test(detail) || codes.includes(385)) return permanent('PARENT_GONE', reason)
    if (authProblemTypes.some((t) => type.endsWith(`/${t}`)) || codes.includes(89) || codes.includes(32)) return permanent('AUTH_REVOKED', reason)
  }
  return failureFromStatus(status, headers, detail, now, xRateLimitReset)
}

interface XCall {
  ok: true
  status: number
  body: JsonRecord | null
}

async function call(ctx: SendContext, method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<XCall | Failure> {
  const token = ctx.account.secrets['accessToken'] ?? ''
  if (token === '') return permanent('AUTH_REVOKED', 'the X account has no accessToken')
  let res: Response
  try {
    res = await fetchWithTimeout(ctx.fetch, apiUrl(apiBaseUrl(ctx.account.settings), path, query), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctx.signal,
    })
  } catch (err) {
    return failureFromError(err)
  }
  const text = await bodyText(res, 100_000)
  if (!res.ok) return xFailure(res.status, res.headers, text, ctx.now())
  return { ok: true, status: res.status, body: parseJson(text) }
}

/** A 2xx that does not say what was made: the post may exist, so the worker must look before retrying. */
function unclear(what: string): Failure {
  return { ok: false, retryable: true, retryAfterMs: null, reason: `X answered without ${what}` }
}

async function brandUserIdOf(ctx: SendContext): Promise<string | null> {
  const configured = ctx.account.settings['userId'] ?? ''
  if (isXId(configured)) return configured
  const me = await call(ctx, 'GET', '/2/users/me')
  const id = me.ok && me.body !== null ? stringAt(recordAt(me.body, 'data') ?? {}, 'id') : null
  return isXId(id) ? id : null
}

function ownTweetUrl(ctx: SendContext, id: string): string {
  return tweetUrl(id, ctx.account.settings['handle']?.replace(/^@/, '') ?? null)
}

async function postReply(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const parentId = replyTargetId(req.target)
  if (parentId === null) return permanent('PARENT_GONE', 'the target has no X Tweet id')
  const result = await call(ctx, 'POST', '/2/tweets', { text: req.text, reply: { in_reply_to_tweet_id: parentId } })
  if (!result.ok) {
    // A retry whose first attempt did post is refused as a duplicate: that post is the answer.
    if (result.retryable === false && result.code === 'REJECTED' && /duplicate/i.test(result.reason)) {
      const found = await findReply(req, ctx).catch(() => null)
      if (found !== null) return { ok: true, ...found, raw: { foundAfterDuplicate: true } }
    }
    return result
  }
  const data = result.body === null ? null : recordAt(result.body, 'data')
  const id = data === null ? null : stringAt(data, 'id')
  if (!isXId(id)) return unclear('the new Tweet id')
  return { ok: true, externalId: id, url: ownTweetUrl(ctx, id), raw: data }
}

async function sendDm(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const brandId = ctx.account.settings['userId'] ?? ''
  const participantId = dmParticipantId(req.target, brandId)
  if (participantId === null) return permanent('NOT_SUPPORTED', 'no X user to send a DM to')
  const result = await call(ctx, 'POST', `/2/dm_conversations/with/${participantId}/messages`, { text: req.text })
  if (!result.ok) return result
  const data = result.body === null ? null : recordAt(result.body, 'data')
  const id = data === null ? null : stringAt(data, 'dm_event_id')
  if (!isXId(id)) return unclear('the DM event id')
  return { ok: true, externalId: id, url: null, raw: data }
}

async function hideReply(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const id = replyTargetId(req.target)
  if (req.target.visibility === 'private' || id === null) return permanent('NOT_SUPPORTED', 'only public replies can be hidden on X')
  const result = await call(ctx, 'PUT', `/2/tweets/${id}/hidden`, { hidden: true })
  if (!result.ok) return result
  const data = result.body === null ? null : recordAt(result.body, 'data')
  if (data === null || data['hidden'] !== true) return permanent('REJECTED', 'X did not hide the reply')
  return { ok: true, externalId: req.target.externalId, url: null, raw: data }
}

async function deleteOwn(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const id = req.ownExternalId
  if (!isXId(id)) return permanent('NOT_SUPPORTED', 'only our own Tweets can be deleted on X')
  const result = await call(ctx, 'DELETE', `/2/tweets/${id}`)
  if (!result.ok) return result
  const data = result.body === null ? null : recordAt(result.body, 'data')
  if (data === null || data['deleted'] !== true) return permanent('REJECTED', 'X did not delete the Tweet')
  return { ok: true, externalId: id, url: null, raw: data }
}

/** X escapes &, < and > in Tweet text and wraps links in t.co; spacing may differ. */
export function comparableText(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .replace(/https?:\/\/\S+/g, '<link>')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim()
}

/** X wants RFC 3339 seconds; a second earlier covers a clock that rounds down. */
function startTimeOf(createdAt: Date): string {
  return new Date(Math.floor(createdAt.getTime() / 1000) * 1000 - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

async function findReply(req: OutboundRequest, ctx: SendContext): Promise<Found | null> {
  const brandId = await brandUserIdOf(ctx)
  const parentIds = new Set([replyTargetId(req.target), req.target.externalId].filter((id): id is string => isXId(id)))
  if (brandId === null || parentIds.size === 0) return null
  const wanted = comparableText(req.text)
  const query: Record<string, string> = {
    start_time: startTimeOf(req.target.createdAt), max_results: '100', exclude: 'retweets', 'tweet.fields': 'created_at,referenced_tweets,conversation_id',
  }
  for (let page = 0; page < findPagesMax; page++) {
    const result = await call(ctx, 'GET', `/2/users/${brandId}/tweets`, undefined, query)
    if (!result.ok || result.body === null) return null
    for (const tweet of arrayAt(result.body, 'data').filter(isRecord)) {
      const id = stringAt(tweet, 'id')
      const answers = arrayAt(tweet, 'referenced_tweets').filter(isRecord)
        .some((ref) => stringAt(ref, 'type') === 'replied_to' && parentIds.has(stringAt(ref, 'id') ?? ''))
      if (isXId(id) && answers && comparableText(stringAt(tweet, 'text') ?? '') === wanted) return { externalId: id, url: ownTweetUrl(ctx, id) }
    }
    const next = stringAt(recordAt(result.body, 'meta') ?? {}, 'next_token')
    if (next === null || next === '') return null
    query['pagination_token'] = next
  }
  return null
}

async function findDm(req: OutboundRequest, ctx: SendContext): Promise<Found | null> {
  const brandId = await brandUserIdOf(ctx)
  const participantId = brandId === null ? null : dmParticipantId(req.target, brandId)
  if (brandId === null || participantId === null) return null
  const result = await call(ctx, 'GET', `/2/dm_conversations/with/${participantId}/dm_events`, undefined, {
    max_results: '100', event_types: 'MessageCreate', 'dm_event.fields': 'id,text,sender_id,created_at,event_type',
  })
  if (!result.ok || result.body === null) return null
  const wanted = comparableText(req.text)
  const since = req.target.createdAt.getTime() - 1000
  for (const event of arrayAt(result.body, 'data').filter(isRecord)) {
    const id = stringAt(event, 'id')
    const at = Date.parse(stringAt(event, 'created_at') ?? '')
    if (isXId(id) && stringAt(event, 'sender_id') === brandId && !(at < since) && comparableText(stringAt(event, 'text') ?? '') === wanted) {
      return { externalId: id, url: null }
    }
  }
  return null
}

function isDm(req: OutboundRequest): boolean {
  return req.action === 'dm' || (req.action === 'reply' && req.target.visibility === 'private')
}

export const xSender: Sender = {
  actions: ['reply', 'dm', 'hide', 'delete'],
  async send(req, ctx) {
    if (req.action === 'reply') return req.target.visibility === 'private' ? sendDm(req, ctx) : postReply(req, ctx)
    if (req.action === 'dm') return sendDm(req, ctx)
    if (req.action === 'hide') return hideReply(req, ctx)
    if (req.action === 'delete') return deleteOwn(req, ctx)
    return permanent('NOT_SUPPORTED', `X cannot ${req.action} here`)
  },
  async findSent(req, ctx) {
    if (isDm(req)) return findDm(req, ctx)
    if (req.action === 'reply') return findReply(req, ctx)
    // Hiding and deleting twice is harmless.
    return null
  },
}

/** GET /2/users/me: proves the user token works and belongs to the configured user id. */
export async function testXConnection(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  const result = await call(ctx, 'GET', '/2/users/me')
  if (!result.ok) return { ok: false, detail: result.reason }
  const data = result.body === null ? null : recordAt(result.body, 'data')
  const id = data === null ? null : stringAt(data, 'id')
  const username = data === null ? null : stringAt(data, 'username')
  if (!isXId(id)) return { ok: false, detail: 'X answered /2/users/me without a user id' }
  const configured = ctx.account.settings['userId'] ?? ''
  if (configured !== '' && configured !== id) return { ok: false, detail: `the token belongs to @${username ?? '?'} (${id}), not to userId ${configured}` }
  return { ok: true, detail: `@${username ?? '?'} (${id})` }
}

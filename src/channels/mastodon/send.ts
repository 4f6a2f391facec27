// Replies, DMs, edits, deletes and favourites through the account's instance: one attempt per call.
// Replies and DMs carry the outbox row's key as `Idempotency-Key`: Mastodon remembers it for an
// hour and answers a repeat with the status it already made, so a retry after a timeout cannot
// post twice (no findSent needed).
import { bodyText, failureFromError, failureFromStatus, fetchWithTimeout } from '../http.ts'
import type { OutboundAction, OutboundRequest, SendContext, SendResult, Sender } from '../types.ts'
import { isRecord, stringAt } from '../wire.ts'
import { authHeaders, instanceHost, instanceUrl, rateLimitReset } from './api.ts'
import { isStatusId, normalizeAcct } from './ids.ts'
import type { MastodonStatusRaw } from './parse.ts'

export const mastodonActions: readonly OutboundAction[] = ['reply', 'dm', 'edit', 'delete', 'like']

/** Least to most restricted; a reply is never more visible than what it answers. */
const visibilityOrder = ['public', 'unlisted', 'private', 'direct']

export const mastodonSender: Sender = {
  actions: mastodonActions,
  async send(req, ctx) {
    switch (req.action) {
      case 'reply':
      case 'dm':
        return postStatus(req, ctx)
      case 'edit':
        return editStatus(req, ctx)
      case 'delete':
        return deleteStatus(req, ctx)
      case 'like':
        return favourite(req, ctx)
      default:
        return { ok: false, retryable: false, code: 'NOT_SUPPORTED', reason: `Mastodon cannot ${req.action}` }
    }
  },
}

function postStatus(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const raw = targetRaw(req)
  const acct = customerAcct(req, ctx)
  const privateTarget = req.target.visibility === 'private' || raw?.visibility === 'direct'
  const visibility = req.action === 'dm' ? 'direct' : replyVisibility(raw?.visibility ?? (privateTarget ? 'direct' : 'public'), ctx)
  // A DM about a public post starts its own private thread; a reply (or a DM answering a DM) threads under it.
  const inReplyTo = req.action === 'reply' || privateTarget ? req.target.externalId : null
  const body: Record<string, unknown> = { status: withMention(req.text, acct), visibility }
  if (inReplyTo !== null) body['in_reply_to_id'] = inReplyTo
  return call(ctx, 'POST', '/api/v1/statuses', body, { 'idempotency-key': req.idempotencyKey }, inReplyTo === null ? 'REJECTED' : 'PARENT_GONE')
}

function editStatus(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const id = req.ownExternalId ?? req.target.externalId
  // Editing our reply keeps the customer's mention in front, as the reply had it.
  const acct = req.ownExternalId === null ? null : customerAcct(req, ctx)
  return call(ctx, 'PUT', `/api/v1/statuses/${encodeURIComponent(id)}`, { status: withMention(req.text, acct) }, {}, 'PARENT_GONE')
}

async function deleteStatus(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const id = req.ownExternalId ?? req.target.externalId
  const result = await call(ctx, 'DELETE', `/api/v1/statuses/${encodeURIComponent(id)}`, null, {}, 'PARENT_GONE')
  // Already gone (a retry after a timeout, or deleted on the platform): the delete is done.
  if (!result.ok && !result.retryable && result.code === 'PARENT_GONE') return { ok: true, externalId: id, url: null, raw: null }
  return result
}

function favourite(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  return call(ctx, 'POST', `/api/v1/statuses/${encodeURIComponent(req.target.externalId)}/favourite`, null, {}, 'PARENT_GONE')
}

/** One request; a status entity back is success, everything else maps onto SendResult. */
async function call(
  ctx: SendContext, method: string, path: string, body: Record<string, unknown> | null, headers: Record<string, string>, notFound: 'PARENT_GONE' | 'REJECTED',
): Promise<SendResult> {
  const url = `${instanceUrl(ctx.account)}${path}`
  let res: Response
  try {
    res = await fetchWithTimeout(ctx.fetch, url, {
      method,
      headers: { ...authHeaders(ctx.account), ...headers, ...(body === null ? {} : { 'content-type': 'application/json' }) },
      body: body === null ? null : JSON.stringify(body),
      signal: ctx.signal,
    })
  } catch (err) {
    return failureFromError(err)
  }
  if (!res.ok) return failure(res, ctx, notFound)
  let entity: unknown
  try {
    entity = await res.json()
  } catch {
    entity = null
  }
  const id = isRecord(entity) ? stringAt(entity, 'id') : null
  if (!isStatusId(id) || !isRecord(entity)) return { ok: false, retryable: true, retryAfterMs: null, reason: `HTTP ${res.status} without a status entity` }
  const statusUrl = stringAt(entity, 'url')
  return { ok: true, externalId: id, url: statusUrl !== null && /^https?:\/\//.test(statusUrl) ? statusUrl : null, raw: entity }
}

async function failure(res: Response, ctx: SendContext, notFound: 'PARENT_GONE' | 'REJECTED'): Promise<SendResult & { ok: false }> {
  const text = await bodyText(res)
  const detail = errorMessage(text)
  const reason = `HTTP ${res.status}${detail === '' ? '' : `: ${detail}`}`
  // 403: token without the write scope, or the account disabled/suspended: an admin must act.
  if (res.status === 401 || res.status === 403) return { ok: false, retryable: false, code: 'AUTH_REVOKED', reason }
  if (res.status === 404 || res.status === 410) return { ok: false, retryable: false, code: notFound, reason }
  if (res.status === 422) return { ok: false, retryable: false, code: 'REJECTED', reason }
  // Mastodon sends X-RateLimit-Reset on every answer: it says when to retry only after a 429.
  return failureFromStatus(res.status, res.headers, detail, ctx.now(), res.status === 429 ? rateLimitReset : undefined)
}

/** Mastodon errors are `{"error": "…", "error_description"?: "…"}`. */
function errorMessage(text: string): string {
  try {
    const value: unknown = JSON.parse(text)
    if (isRecord(value)) return [stringAt(value, 'error'), stringAt(value, 'error_description')].filter((s) => s !== null).join(': ')
  } catch {
    // not JSON: the page itself says what went wrong
  }
  return text.slice(0, 300)
}

function targetRaw(req: OutboundRequest): MastodonStatusRaw | null {
  const raw = req.target.raw
  if (!isRecord(raw)) return null
  const account = raw['account']
  return typeof raw['id'] === 'string' && isRecord(account) && typeof account['acct'] === 'string' ? (raw as unknown as MastodonStatusRaw) : null
}

/** The customer's acct as the brand's instance knows it (relative: `alice` local, `bob@other.example` remote). */
function customerAcct(req: OutboundRequest, ctx: SendContext): string | null {
  const acct = targetRaw(req)?.account.acct ?? req.target.authorHandle
  if (acct === null || acct.trim() === '') return null
  const brand = ctx.account.settings['acct']
  const host = instanceHost(ctx.account)
  if (brand !== undefined && brand.trim() !== '' && normalizeAcct(brand, host) === normalizeAcct(acct, host)) return null
  return acct.trim().replace(/^@/, '')
}

/** Mastodon notifies only the accounts mentioned in the text: the customer's `@acct` leads unless already there. */
export function withMention(text: string, acct: string | null): string {
  if (acct === null) return text
  const mention = `@${acct}`
  const escaped = mention.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  if (new RegExp(`(?:^|\\s)${escaped}(?![\\w@.-]*[\\w])`, 'i').test(text)) return text
  return `${mention} ${text}`
}

function replyVisibility(targetVisibility: string, ctx: SendContext): string {
  const configured = ctx.account.settings['replyVisibility']?.trim() ?? ''
  const wanted = visibilityOrder.includes(configured) ? configured : 'public'
  const target = visibilityOrder.includes(targetVisibility) ? targetVisibility : 'private'
  return visibilityOrder.indexOf(target) > visibilityOrder.indexOf(wanted) ? target : wanted
}

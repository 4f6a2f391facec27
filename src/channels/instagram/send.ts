// Instagram outbound (Instagram API with Facebook Login: Graph API with the Page token).
// One attempt per call.
//
// - reply to a comment → POST /{top-level-comment-id}/replies {message} (Instagram threads are one
//   level deep: a reply to a reply goes under the same top-level comment)
// - reply to a mention → POST /{ig-user-id}/mentions {media_id, comment_id?, message}
// - reply to a DM, or dm to a DM → POST /{ig-user-id}/messages {recipient:{id:igsid}, message:{text}}
//   within 24 h of the customer's message (checked here first: WINDOW_CLOSED without a call)
// - dm to a comment → private reply POST /{ig-user-id}/messages {recipient:{comment_id}} within 7 days
// - hide → POST /{comment-id} {hide:true}; delete → DELETE /{comment-id} (ownExternalId when set)
import type { OutboundRequest, SendContext, SendResult, Sender } from '../types.ts'
import { callGraph } from '../meta/graph.ts'
import type { MetaDmRef, MetaRef } from '../meta/raw.ts'
import {
  actOnObject, createObject, dmWindowMs, findOwnReply, notSupported, privateReplyWindowMs, targetRef, windowClosed,
} from '../meta/send-kit.ts'

function igUserIdOf(ctx: SendContext, ref: MetaRef): string {
  return ctx.account.settings['igUserId'] || ref.ownerId
}

/** Instagram's limit for a DM text: 1000 bytes of UTF-8. */
export const instagramDmBytesMax = 1000

function tooLongForDm(text: string): SendResult | null {
  const bytes = Buffer.byteLength(text, 'utf8')
  return bytes > instagramDmBytesMax ? { ok: false, retryable: false, code: 'REJECTED', reason: `${bytes} bytes; an Instagram DM takes ${instagramDmBytesMax}` } : null
}

async function sendDirect(req: OutboundRequest, ctx: SendContext, ref: MetaDmRef): Promise<SendResult> {
  if (ref.customerId === '') return notSupported('the DM has no customer IGSID to answer')
  const tooLong = tooLongForDm(req.text)
  if (tooLong !== null) return tooLong
  const closed = windowClosed(req.target, ctx.now(), dmWindowMs, 'Instagram 24-hour window')
  if (closed !== null) return closed
  return createObject(ctx, {
    method: 'POST', path: [igUserIdOf(ctx, ref), 'messages'], body: { recipient: { id: ref.customerId }, message: { text: req.text } },
  }, () => null)
}

async function sendReply(req: OutboundRequest, ctx: SendContext, ref: MetaRef): Promise<SendResult> {
  switch (ref.kind) {
    case 'dm':
      return sendDirect(req, ctx, ref)
    case 'comment':
      return createObject(ctx, { method: 'POST', path: [ref.parentCommentId ?? ref.commentId, 'replies'], body: { message: req.text } }, () => null)
    case 'mention': {
      const body: Record<string, string> = { media_id: ref.mediaId, message: req.text }
      if (ref.commentId !== null) body['comment_id'] = ref.commentId
      return createObject(ctx, { method: 'POST', path: [igUserIdOf(ctx, ref), 'mentions'], body }, () => null)
    }
    case 'post':
      return notSupported('Instagram has no replies to a media object itself; answer a comment')
  }
}

async function sendPrivateReply(req: OutboundRequest, ctx: SendContext, ref: MetaRef): Promise<SendResult> {
  if (ref.kind !== 'comment') return notSupported('a private reply needs a comment on our media')
  const tooLong = tooLongForDm(req.text)
  if (tooLong !== null) return tooLong
  const closed = windowClosed(req.target, ctx.now(), privateReplyWindowMs, 'private reply window')
  if (closed !== null) return closed
  return createObject(ctx, {
    method: 'POST', path: [igUserIdOf(ctx, ref), 'messages'], body: { recipient: { comment_id: ref.commentId }, message: { text: req.text } },
  }, () => null)
}

export async function sendInstagram(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const ref = targetRef(req.target, ctx.account.settings['igUserId'] ?? '')
  if ((req.action === 'reply' || req.action === 'dm') && req.text.trim() === '') return { ok: false, retryable: false, code: 'REJECTED', reason: 'empty text' }
  switch (req.action) {
    case 'reply':
      return sendReply(req, ctx, ref)
    case 'dm':
      return ref.kind === 'dm' ? sendDirect(req, ctx, ref) : sendPrivateReply(req, ctx, ref)
    case 'hide':
      if (ref.kind !== 'comment') return notSupported('only comments on our media can be hidden')
      return actOnObject(ctx, { method: 'POST', path: [ref.commentId], body: { hide: true } }, ref.commentId)
    case 'delete': {
      if (ref.kind !== 'comment' && req.ownExternalId === null) return notSupported('only comments can be deleted')
      const id = req.ownExternalId ?? (ref.kind === 'comment' ? ref.commentId : '')
      return actOnObject(ctx, { method: 'DELETE', path: [id] }, id, { goneIsDone: true })
    }
    case 'like':
    case 'edit':
      return notSupported(`Instagram's API cannot ${req.action} comments`)
  }
}

/**
 * After a timeout: our reply to a comment, if it was made (the account's newest reply under the
 * same top-level comment with the same text). DMs, private replies and mention replies cannot be
 * listed: null.
 */
export async function findSentInstagram(req: OutboundRequest, ctx: SendContext): Promise<{ externalId: string; url: string | null } | null> {
  const ref = targetRef(req.target, ctx.account.settings['igUserId'] ?? '')
  if (req.action !== 'reply' || ref.kind !== 'comment') return null
  const id = await findOwnReply(ctx, {
    path: [ref.parentCommentId ?? ref.commentId, 'replies'], fields: 'id,text,from,username,timestamp', textField: 'text',
    ownerId: igUserIdOf(ctx, ref), text: req.text,
  })
  return id === null ? null : { externalId: id, url: null }
}

export const instagramSender: Sender = {
  actions: ['reply', 'dm', 'hide', 'delete'],
  send: sendInstagram,
  findSent: findSentInstagram,
}

/** GET /me with the Page token (the Page the Instagram account is linked to). */
export async function testInstagramConnection(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  const answer = await callGraph(ctx, { method: 'GET', path: ['me'], query: { fields: 'id,name' } })
  if (!answer.ok) return { ok: false, detail: answer.failure.reason }
  const id = typeof answer.json['id'] === 'string' ? answer.json['id'] : '?'
  const name = typeof answer.json['name'] === 'string' ? answer.json['name'] : ''
  return { ok: true, detail: `token works for ${name || id} (${id}); Instagram account ${ctx.account.settings['igUserId'] || 'not set'}` }
}

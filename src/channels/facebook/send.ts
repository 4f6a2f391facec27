// Facebook Page outbound: public comment replies, private replies to comments, Messenger
// replies, and moderation (hide, delete, like, edit our own comment). One attempt per call.
//
// - reply to a comment → POST /{top-level-comment-id}/comments {message} (Facebook threads are two
//   levels deep: a reply to a reply goes under the same top-level comment)
// - reply to a post → POST /{post-id}/comments {message}
// - reply to a DM, or dm to a DM → POST /{page-id}/messages {recipient:{id:psid}, messaging_type:"RESPONSE"}
//   within 24 h of the customer's message (checked here first: WINDOW_CLOSED without a call)
// - dm to a comment/post → private reply POST /{page-id}/messages {recipient:{comment_id|post_id}}
//   within 7 days of it
// - hide → POST /{comment-id} {is_hidden:true}; like → POST /{id}/likes; delete → DELETE /{id}
//   (ownExternalId when set, else the target); edit → POST /{own-comment-id} {message}
import type { OutboundRequest, SendContext, SendResult, Sender } from '../types.ts'
import { callGraph } from '../meta/graph.ts'
import type { MetaDmRef, MetaRef } from '../meta/raw.ts'
import {
  actOnObject, createObject, dmWindowMs, findOwnReply, notSupported, privateReplyWindowMs, targetRef, windowClosed,
} from '../meta/send-kit.ts'

function pageIdOf(ctx: SendContext, ref: MetaRef): string {
  return ctx.account.settings['pageId'] || ref.ownerId
}

/** The object a public reply is posted under. */
function commentParentOf(ref: MetaRef): string | null {
  if (ref.kind === 'comment') return ref.parentCommentId ?? ref.commentId
  if (ref.kind === 'post') return ref.postId
  return null
}

/** The comment or post itself (for hide, like, delete). */
function objectIdOf(ref: Exclude<MetaRef, MetaDmRef>): string {
  if (ref.kind === 'comment') return ref.commentId
  if (ref.kind === 'post') return ref.postId
  return ref.commentId ?? ref.mediaId
}

function postIdOf(ref: MetaRef): string | null {
  return ref.kind === 'comment' || ref.kind === 'post' ? ref.postId : null
}

function commentUrl(postId: string | null, commentId: string): string | null {
  if (postId === null) return null
  return `https://www.facebook.com/${encodeURIComponent(postId)}?comment_id=${encodeURIComponent(commentId)}`
}

/** Messenger's limit for message.text (Graph refuses longer texts with error 100). */
export const messengerTextCharsMax = 2000

function tooLongForMessenger(text: string): SendResult | null {
  const chars = [...text].length
  return chars > messengerTextCharsMax ? { ok: false, retryable: false, code: 'REJECTED', reason: `${chars} characters; Messenger takes ${messengerTextCharsMax}` } : null
}

async function sendMessenger(req: OutboundRequest, ctx: SendContext, ref: MetaDmRef): Promise<SendResult> {
  if (ref.customerId === '') return notSupported('the DM has no customer PSID to answer')
  const tooLong = tooLongForMessenger(req.text)
  if (tooLong !== null) return tooLong
  const closed = windowClosed(req.target, ctx.now(), dmWindowMs, 'Messenger 24-hour window')
  if (closed !== null) return closed
  return createObject(ctx, {
    method: 'POST', path: [pageIdOf(ctx, ref), 'messages'],
    body: { recipient: { id: ref.customerId }, messaging_type: 'RESPONSE', message: { text: req.text } },
  }, () => null)
}

async function sendPrivateReply(req: OutboundRequest, ctx: SendContext, ref: MetaRef): Promise<SendResult> {
  const recipient = ref.kind === 'comment' ? { comment_id: ref.commentId } : ref.kind === 'post' ? { post_id: ref.postId } : null
  if (recipient === null) return notSupported('a private reply needs a comment or a post')
  const tooLong = tooLongForMessenger(req.text)
  if (tooLong !== null) return tooLong
  const closed = windowClosed(req.target, ctx.now(), privateReplyWindowMs, 'private reply window')
  if (closed !== null) return closed
  return createObject(ctx, { method: 'POST', path: [pageIdOf(ctx, ref), 'messages'], body: { recipient, message: { text: req.text } } }, () => null)
}

async function sendReply(req: OutboundRequest, ctx: SendContext, ref: MetaRef): Promise<SendResult> {
  if (ref.kind === 'dm') return sendMessenger(req, ctx, ref)
  const parent = commentParentOf(ref)
  if (parent === null) return notSupported('nothing to comment on')
  return createObject(ctx, { method: 'POST', path: [parent, 'comments'], body: { message: req.text } }, (id) => commentUrl(postIdOf(ref), id))
}

export async function sendFacebook(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const ref = targetRef(req.target, ctx.account.settings['pageId'] ?? '')
  const needsText = req.action === 'reply' || req.action === 'dm' || req.action === 'edit'
  if (needsText && req.text.trim() === '') return { ok: false, retryable: false, code: 'REJECTED', reason: 'empty text' }
  switch (req.action) {
    case 'reply':
      return sendReply(req, ctx, ref)
    case 'dm':
      return ref.kind === 'dm' ? sendMessenger(req, ctx, ref) : sendPrivateReply(req, ctx, ref)
    case 'hide':
      if (ref.kind !== 'comment') return notSupported('only comments can be hidden')
      return actOnObject(ctx, { method: 'POST', path: [ref.commentId], body: { is_hidden: true } }, ref.commentId)
    case 'like': {
      if (ref.kind === 'dm') return notSupported('Messenger messages cannot be liked by the API')
      const id = objectIdOf(ref)
      return actOnObject(ctx, { method: 'POST', path: [id, 'likes'] }, id)
    }
    case 'delete': {
      if (ref.kind === 'dm') return notSupported('Messenger messages cannot be deleted by the API')
      const id = req.ownExternalId ?? objectIdOf(ref)
      return actOnObject(ctx, { method: 'DELETE', path: [id] }, id, { goneIsDone: true })
    }
    case 'edit':
      if (ref.kind === 'dm') return notSupported('Messenger messages cannot be edited')
      if (req.ownExternalId === null) return notSupported('edit needs the id of our own comment')
      return actOnObject(ctx, { method: 'POST', path: [req.ownExternalId], body: { message: req.text } }, req.ownExternalId)
  }
}

/**
 * After a timeout: our public comment reply, if it was made (the Page's newest comment under the
 * same parent with the same text). Messenger and private replies cannot be listed: null.
 */
export async function findSentFacebook(req: OutboundRequest, ctx: SendContext): Promise<{ externalId: string; url: string | null } | null> {
  const ref = targetRef(req.target, ctx.account.settings['pageId'] ?? '')
  if (req.action !== 'reply' || ref.kind === 'dm') return null
  const parent = commentParentOf(ref)
  if (parent === null) return null
  const id = await findOwnReply(ctx, {
    path: [parent, 'comments'], fields: 'id,message,from,created_time', textField: 'message', ownerId: pageIdOf(ctx, ref), text: req.text,
  })
  return id === null ? null : { externalId: id, url: commentUrl(postIdOf(ref), id) }
}

export const facebookSender: Sender = {
  actions: ['reply', 'dm', 'hide', 'delete', 'like', 'edit'],
  send: sendFacebook,
  findSent: findSentFacebook,
}

/** GET /me with the Page token: proves the token works and belongs to the configured Page. */
export async function testFacebookConnection(ctx: SendContext): Promise<{ ok: true; detail: string } | { ok: false; detail: string }> {
  const answer = await callGraph(ctx, { method: 'GET', path: ['me'], query: { fields: 'id,name' } })
  if (!answer.ok) return { ok: false, detail: answer.failure.reason }
  const id = typeof answer.json['id'] === 'string' ? answer.json['id'] : ''
  const name = typeof answer.json['name'] === 'string' ? answer.json['name'] : ''
  const pageId = ctx.account.settings['pageId'] ?? ''
  if (pageId !== '' && id !== pageId) return { ok: false, detail: `the token belongs to ${name || id}, not to Page ${pageId}` }
  return { ok: true, detail: `Page ${name || id} (${id})` }
}

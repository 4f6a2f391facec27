// Agents answer: a reply (public or private) becomes an outbox row that the outbox worker sends.
// The answer is 202 with the row: its status moves queued → sending → sent | failed (with the reason).
import { randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { publishConversationUpdated } from '../../bus/index.ts'
import { channelByName } from '../../channels/index.ts'
import type { OutboundAction } from '../../channels/types.ts'
import { EarshotError, raise } from '../../core/errors.ts'
import { graphemeCount } from '../../core/text.ts'
import type { OutboxRow } from '../../store/queries/outbox.ts'
import { needsApproval } from '../../workflow/approval.ts'
import { approvalPolicyOf } from '../approval-policy.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'

export const ReplySchema = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  channel: Type.String(),
  action: Type.String(),
  text: Type.String(),
  visibility: Type.Union([Type.Literal('public'), Type.Literal('private')]),
  status: Type.Union(['pending', 'sending', 'sent', 'failed', 'held', 'cancelled'].map((s) => Type.Literal(s))),
  attempts: Type.Integer(),
  nextAttemptAt: Type.String(),
  lastError: Type.Union([Type.Null(), Type.String()]),
  failureCode: Type.Union([Type.Null(), Type.String()]),
  externalId: Type.Union([Type.Null(), Type.String()]),
  messageId: Type.Union([Type.Null(), Type.String()]),
  idempotencyKey: Type.String(),
  requestedBy: Type.Union([Type.Null(), Type.String()]),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.Null(), Type.String()]),
  approvalReasons: Type.Array(Type.String(), { description: 'why it waits (or waited) for a supervisor' }),
  reviewedBy: Type.Union([Type.Null(), Type.String()]),
  reviewNote: Type.Union([Type.Null(), Type.String()]),
})

export const replyView = (r: OutboxRow) => ({
  id: r.id, conversationId: r.conversationId, channel: r.channel, action: r.action, text: r.text, visibility: r.visibility, status: r.status,
  attempts: r.attempts, nextAttemptAt: r.nextAttemptAt, lastError: r.lastError, failureCode: r.failureCode, externalId: r.externalId,
  messageId: r.messageId, idempotencyKey: r.idempotencyKey, requestedBy: r.requestedBy, createdAt: r.createdAt, sentAt: r.sentAt,
  approvalReasons: r.approvalReasons, reviewedBy: r.reviewedBy, reviewNote: r.reviewNote,
})

export const replyRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus, outbox }) => {
  app.post('/conversations/:id/replies', {
    schema: {
      summary: 'Answer a conversation on its platform, publicly or privately',
      description: 'Queued in the outbox and sent with retries. The same Idempotency-Key header (or idempotencyKey) returns the first reply instead of sending again. 422 CANNOT_SEND when the channel cannot answer that way; 422 NO_CHANNEL_ACCOUNT when no account is connected.',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
      body: Type.Object({
        text: Type.String({ minLength: 1, maxLength: 100_000 }),
        visibility: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private')], { description: 'default: as the message answered' })),
        inReplyTo: Type.Optional(Type.String({ format: 'uuid', description: 'message id to answer; default the latest customer message' })),
        idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        expectReplies: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'collision check: how many replies of this conversation the agent has seen; when there are more (a colleague answered meanwhile), 409 REPLY_COLLISION lists them, and sending again with the new count confirms' })),
      }, { additionalProperties: false }),
      response: { 202: ReplySchema, 200: ReplySchema, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
    },
  }, async (req, reply) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND')
    const channel = channelByName(conversation.channel) ?? raise('CANNOT_SEND', `unknown channel ${conversation.channel}`)
    const sender = channel.send ?? raise('CANNOT_SEND', `${channel.label} is read-only: open the post in the browser to answer`)
    const text = req.body.text.trim()
    if (text === '') raise('VALIDATION', 'text is empty')
    const target = (await store.outbox.target(conversation.id, req.body.inReplyTo ?? null)) ?? raise('CANNOT_SEND', 'no customer message to answer in this conversation')
    const visibility = req.body.visibility ?? target.visibility
    // A private answer to a public post is a DM to its author; to a private message, a reply in the same thread.
    const action: OutboundAction = visibility === 'private' && target.visibility === 'public' ? 'dm' : 'reply'
    if (!sender.actions.includes(action)) raise('CANNOT_SEND', `${channel.label} cannot send a ${action === 'dm' ? 'private message' : 'reply'} here`)
    if (visibility === 'public' && target.visibility === 'private') raise('CANNOT_SEND', 'a private conversation cannot be answered publicly')
    if (channel.replyLengthMax !== null && graphemeCount(text) > channel.replyLengthMax) {
      raise('CANNOT_SEND', `${graphemeCount(text)} characters; ${channel.label} allows ${channel.replyLengthMax}`)
    }
    const accountId = conversation.channelAccountId ?? (await store.channelAccounts.firstFor(ws.id, channel.name))?.id
      ?? raise('NO_CHANNEL_ACCOUNT', `connect a ${channel.label} account first (POST /api/v1/channel-accounts)`)
    const key = req.headers['idempotency-key'] ?? req.body.idempotencyKey ?? randomUUID()
    if (req.body.expectReplies !== undefined) {
      const others = (await store.outbox.forConversation(ws.id, conversation.id))
        .filter((r) => (r.action === 'reply' || r.action === 'dm') && r.status !== 'cancelled' && r.idempotencyKey !== key)
      if (others.length > req.body.expectReplies) {
        const unseen = [...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, others.length - req.body.expectReplies)
        throw new EarshotError('REPLY_COLLISION', `${unseen.length === 1 ? 'a reply was' : `${unseen.length} replies were`} sent since you opened this conversation; send again to confirm`, {
          replies: others.length,
          unseen: unseen.slice(0, 5).map((r) => ({ by: r.requestedBy, at: r.createdAt, status: r.status, text: r.text.slice(0, 280) })),
        })
      }
    }
    const actor = `token:${req.token!.name}`
    const agentId = req.token!.agentId
    const approvalReasons = needsApproval(
      { agentId: agentId ?? '', queueId: conversation.queue?.id ?? null, visibility },
      { riskFlags: conversation.riskFlags, reach: conversation.contact?.followers ?? null, priority: conversation.priority },
      approvalPolicyOf(await store.workspaces.approvalPolicy(ws.id)),
    ) ?? []
    const { row, created } = await store.outbox.enqueue({
      workspaceId: ws.id, conversationId: conversation.id, channel: channel.name, accountId, action, text, visibility,
      targetMessageId: target.id, idempotencyKey: key, requestedBy: actor, requestedByAgentId: agentId, approvalReasons,
    })
    if (created) {
      await store.audit.record({
        workspaceId: ws.id, actor, action: approvalReasons.length > 0 ? 'reply.held' : 'reply.requested', targetType: 'conversation', targetId: conversation.id,
        detail: { outboxId: row.id, action, visibility, ...(approvalReasons.length > 0 ? { approvalReasons } : {}) },
      })
      outbox.kick()
      await publishConversationUpdated(bus, ws.id, conversation.id)
    }
    return reply.status(created ? 202 : 200).send(replyView(row))
  })

  app.get('/conversations/:id/replies', {
    schema: {
      summary: 'Replies of a conversation with their send status',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      response: { 200: Type.Object({ items: Type.Array(ReplySchema) }), 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND')
    return { items: (await store.outbox.forConversation(ws.id, conversation.id)).map(replyView) }
  })
}

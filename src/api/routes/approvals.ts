// Replies that wait for a supervisor: the workspace's approval policy, the queue of held replies,
// and the decision (approve as written or edited, or reject with a note). The customer never sees
// a held reply: the outbox worker only sends pending rows.
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { publishConversationUpdated } from '../../bus/index.ts'
import { raise } from '../../core/errors.ts'
import type { ApiDeps } from '../context.ts'
import { ApprovalPolicySchema, approvalPolicyOf } from '../approval-policy.ts'
import { ErrorBody } from '../errors.ts'
import { requireSupervisor, resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'
import { ReplySchema, replyView } from './replies.ts'

const HeldSchema = Type.Composite([ReplySchema, Type.Object({ conversationPreview: Type.String(), conversationPriority: Type.Integer() })])

export const approvalRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus, outbox }) => {
  app.get('/settings/approval-policy', {
    schema: { summary: 'When replies wait for a supervisor', tags: ['approvals'], querystring: WorkspaceQuery, response: { 200: ApprovalPolicySchema } },
  }, async (req) => approvalPolicyOf(await store.workspaces.approvalPolicy((await resolveWorkspace(store, req, req.query.workspace)).id)))

  app.put('/settings/approval-policy', {
    schema: {
      summary: 'Set when replies wait for a supervisor (supervisor or admin)',
      tags: ['approvals'],
      querystring: WorkspaceQuery,
      body: ApprovalPolicySchema,
      response: { 200: ApprovalPolicySchema, 400: ErrorBody, 403: ErrorBody },
    },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const policy: Static<typeof ApprovalPolicySchema> = req.body
    await store.transaction(async (tx) => {
      await tx.workspaces.setApprovalPolicy(ws.id, policy)
      await tx.audit.record({ workspaceId: ws.id, actor: `token:${req.token!.name}`, action: 'settings.approval_policy', targetType: 'workspace', targetId: ws.id, detail: { policy } })
    })
    return approvalPolicyOf(policy)
  })

  app.get('/approvals', {
    schema: {
      summary: 'Replies waiting for approval, oldest first',
      tags: ['approvals'],
      querystring: WorkspaceQuery,
      response: { 200: Type.Object({ items: Type.Array(HeldSchema) }) },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const held = await store.outbox.held(ws.id, 200)
    return { items: held.map((r) => ({ ...replyView(r), conversationPreview: r.conversationPreview, conversationPriority: r.conversationPriority })) }
  })

  app.post('/approvals/:id', {
    schema: {
      summary: 'Approve (optionally edited) or reject a held reply',
      description: 'Supervisor or admin. 409 when it was already decided (by someone else) or is not held. A supervisor cannot approve a reply their own token asked for.',
      tags: ['approvals'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({
        decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
        text: Type.Optional(Type.String({ minLength: 1, maxLength: 100_000, description: 'the edited reply (approve only)' })),
        note: Type.Optional(Type.String({ maxLength: 2000 })),
      }, { additionalProperties: false }),
      response: { 200: ReplySchema, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const current = (await store.outbox.get(ws.id, req.params.id)) ?? raise('NOT_FOUND', 'no such reply')
    const reviewer = `token:${req.token!.name}`
    if (current.requestedBy === reviewer && req.body.decision === 'approve') raise('FORBIDDEN', 'a reply needs someone else\'s approval')
    if (req.body.text !== undefined && req.body.decision === 'reject') raise('VALIDATION', 'text is for approving an edited reply')
    const decided = await store.outbox.review(ws.id, current.id, {
      to: req.body.decision === 'approve' ? 'pending' : 'cancelled', text: req.body.text?.trim() ?? null, reviewer, note: req.body.note ?? null,
    }) ?? raise('CONFLICT', `this reply is ${current.status}, not waiting for approval`)
    await store.audit.record({
      workspaceId: ws.id, actor: reviewer, action: req.body.decision === 'approve' ? 'reply.approved' : 'reply.rejected', targetType: 'conversation',
      targetId: decided.conversationId, detail: { outboxId: decided.id, edited: req.body.text !== undefined, note: req.body.note ?? null },
    })
    if (decided.status === 'pending') outbox.kick()
    await publishConversationUpdated(bus, ws.id, decided.conversationId)
    return replyView(decided)
  })
}

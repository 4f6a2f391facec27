import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { publishConversationUpdated } from '../../bus/index.ts'
import { raise } from '../../core/errors.ts'
import { rescoreMessage } from '../../pipeline/rescore.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { ConversationSchema, IdParams, IntentSchema, SentimentSchema, WorkspaceQuery } from '../schemas.ts'

const CorrectionSchema = Type.Object({
  id: Type.String(), messageId: Type.String(), field: Type.String(), oldValue: Type.Union([Type.String(), Type.Null()]),
  newValue: Type.String(), actor: Type.String(), createdAt: Type.String(),
})

export const correctionRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus }) => {
  app.post('/messages/:id/corrections', {
    schema: {
      summary: 'Correct the sentiment and/or intent triage gave a message',
      description: 'Stored with who and when; the message and its conversation are re-scored. `earshot train --workspace` learns from corrections.',
      tags: ['triage'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({ sentiment: Type.Optional(SentimentSchema), intent: Type.Optional(IntentSchema) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Type.Object({ corrections: Type.Array(CorrectionSchema), conversation: ConversationSchema }), 400: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const actor = `token:${req.token!.name}`
    const result = await store.transaction(async (tx) => {
      const corrections = []
      for (const field of ['sentiment', 'intent'] as const) {
        const value = req.body[field]
        if (value === undefined) continue
        const c = (await tx.corrections.correct(ws.id, req.params.id, field, value, actor)) ?? raise('NOT_FOUND', `message ${req.params.id}`)
        corrections.push(c)
        await tx.audit.record({ workspaceId: ws.id, actor, action: `triage.correct.${field}`, targetType: 'message', targetId: req.params.id, detail: { from: c.oldValue, to: value } })
      }
      const conversationId = (await rescoreMessage(tx, ws.id, req.params.id)) ?? raise('NOT_FOUND', `message ${req.params.id}`)
      return { corrections, conversationId }
    })
    await publishConversationUpdated(bus, ws.id, result.conversationId)
    return { corrections: result.corrections, conversation: (await store.conversations.get(ws.id, result.conversationId))! }
  })

  app.put('/conversations/:id/priority', {
    schema: {
      summary: 'Override a conversation\'s priority (null returns to the computed score)',
      tags: ['triage'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({ priority: Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 100 })]) }, { additionalProperties: false }),
      response: { 200: ConversationSchema, 400: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const actor = `token:${req.token!.name}`
    const ok = await store.transaction(async (tx) => {
      if (!(await tx.conversations.overridePriority(ws.id, req.params.id, req.body.priority))) return false
      await tx.audit.record({ workspaceId: ws.id, actor, action: 'conversation.priority_override', targetType: 'conversation', targetId: req.params.id, detail: { priority: req.body.priority } })
      return true
    })
    if (!ok) raise('CONVERSATION_NOT_FOUND', req.params.id)
    await publishConversationUpdated(bus, ws.id, req.params.id)
    return (await store.conversations.get(ws.id, req.params.id))!
  })

  app.get('/corrections', {
    schema: {
      summary: 'Triage corrections, newest first',
      tags: ['triage'],
      querystring: Type.Composite([WorkspaceQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) })]),
      response: { 200: Type.Object({ items: Type.Array(CorrectionSchema) }) },
    },
  }, async (req) => ({ items: await store.corrections.list((await resolveWorkspace(store, req, req.query.workspace)).id, req.query.limit ?? 100) }))
}

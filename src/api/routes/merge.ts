// Merge conversations into one, and split messages out into a new one. Both audited.
//
// Merge: the messages, notes (with their mentions) and replies of `from` move into the target, which
// gets the union of the tags and a recomputed priority and preview. The merged ones stay as pointers
// (`mergedInto`, resolved, out of the inbox): their URL says where they went, and a new message on
// their platform thread lands in the target (the pipeline follows `merged_into`).
// Split: any non-empty subset of the messages, leaving at least one behind, moves to a new
// conversation (channel and contact from its earliest message; queue and tags copied; routed anew).
// Replies to a moved message follow it there; messages keyed by the platform's own conversation id
// (DM threads, e-mail References) keep landing in the original conversation.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { publishConversationUpdated, subjects, type ConversationEvent } from '../../bus/index.ts'
import { EarshotError, raise } from '../../core/errors.ts'
import { createRouter } from '../../pipeline/route.ts'
import { describeTagProblems, normalizeTags } from '../../workflow/tags.ts'
import type { ApiDeps } from '../context.ts'
import { actorOf } from '../conversation-guard.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { ConversationSchema, IdParams, WorkspaceQuery } from '../schemas.ts'

export const mergeFromMax = 20
export const splitMessagesMax = 500

const Uuid = Type.String({ format: 'uuid' })
const Version = Type.Optional(Type.Integer({ minimum: 1, description: 'reject with 409 if this conversation changed since this version' }))

const merged = (id: string, into: string | null) => new EarshotError('CONVERSATION_MERGED', `${id} was merged into ${into}`, { mergedInto: into })

export const mergeRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus }) => {
  const router = createRouter(store, bus, (line) => app.log.warn(line))

  app.post('/conversations/:id/merge', {
    schema: {
      summary: 'Merge other conversations of this workspace into this one',
      description: 'Moves their messages, notes and replies here, unions the tags, recomputes priority and preview. The others get `mergedInto` (and status resolved) and leave the inbox; new messages of their threads land here. 404 for an id not in this workspace, 409 CONVERSATION_MERGED for one already merged, 409 CONFLICT for a stale version.',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({ from: Type.Array(Uuid, { minItems: 1, maxItems: mergeFromMax, uniqueItems: true }), version: Version }, { additionalProperties: false }),
      response: {
        200: Type.Object({ conversation: ConversationSchema, merged: Type.Array(Type.String()), moved: Type.Object({ messages: Type.Integer(), notes: Type.Integer() }) }),
        400: ErrorBody, 404: ErrorBody, 409: ErrorBody,
      },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const targetId = req.params.id
    const from = req.body.from
    if (from.includes(targetId)) raise('VALIDATION', 'a conversation cannot be merged into itself')
    const actor = actorOf(req.token)
    const moved = await store.transaction(async (tx) => {
      const locked = await tx.conversationWorkflow.lockForChange(ws.id, [targetId, ...from])
      const byId = new Map(locked.map((c) => [c.id, c]))
      const target = byId.get(targetId) ?? raise('CONVERSATION_NOT_FOUND', targetId)
      if (target.mergedInto !== null) throw merged(target.id, target.mergedInto)
      if (req.body.version !== undefined && req.body.version !== target.version) raise('CONFLICT', `conversation changed since version ${req.body.version}; now at ${target.version}`)
      const sources = from.map((id) => byId.get(id) ?? raise('CONVERSATION_NOT_FOUND', id))
      for (const s of sources) if (s.mergedInto !== null) throw merged(s.id, s.mergedInto)
      const tags = normalizeTags([target, ...sources].flatMap((c) => c.tags))
      if (!tags.ok) throw new EarshotError('INVALID_TAG', `the merged conversation would carry too many tags: ${describeTagProblems(tags.problems)}`)
      const counts = await tx.conversationWorkflow.merge(ws.id, target.id, from, tags.tags, new Date())
      await tx.conversations.refreshMany([target.id, ...from], [])
      await tx.audit.record({ workspaceId: ws.id, actor, action: 'conversation.merge', targetType: 'conversation', targetId: target.id, detail: { from, ...counts } })
      for (const id of from) await tx.audit.record({ workspaceId: ws.id, actor, action: 'conversation.merged', targetType: 'conversation', targetId: id, detail: { into: target.id } })
      return counts
    })
    for (const id of [targetId, ...from]) await publishConversationUpdated(bus, ws.id, id)
    return { conversation: (await store.conversations.get(ws.id, targetId))!, merged: from, moved }
  })

  app.post('/conversations/:id/split', {
    schema: {
      summary: 'Move some messages of this conversation into a new conversation',
      description: 'Any subset of the messages (not all of them). The new conversation takes its channel and contact from the earliest moved message, copies queue and tags, and is routed like a new one. Replies to a moved message follow it.',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({ messageIds: Type.Array(Uuid, { minItems: 1, maxItems: splitMessagesMax, uniqueItems: true }), version: Version }, { additionalProperties: false }),
      response: { 201: Type.Object({ source: ConversationSchema, created: ConversationSchema }), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (req, reply) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const ids = req.body.messageIds
    const actor = actorOf(req.token)
    const createdId = await store.transaction(async (tx) => {
      const [source] = await tx.conversationWorkflow.lockForChange(ws.id, [req.params.id])
      if (source === undefined) raise('CONVERSATION_NOT_FOUND', req.params.id)
      if (source.mergedInto !== null) throw merged(source.id, source.mergedInto)
      if (req.body.version !== undefined && req.body.version !== source.version) raise('CONFLICT', `conversation changed since version ${req.body.version}; now at ${source.version}`)
      const known = new Set(await tx.conversationWorkflow.messagesOf(source.id, ids))
      const strangers = ids.filter((id) => !known.has(id))
      if (strangers.length > 0) throw new EarshotError('VALIDATION', `not messages of this conversation: ${strangers.slice(0, 5).join(', ')}`, { messageIds: strangers })
      if (known.size >= await tx.conversationWorkflow.messageCount(source.id)) raise('VALIDATION', 'a split must leave at least one message behind')
      const id = await tx.conversationWorkflow.split(ws.id, source, ids)
      await tx.conversations.refreshMany([source.id, id], [])
      await tx.audit.record({ workspaceId: ws.id, actor, action: 'conversation.split', targetType: 'conversation', targetId: source.id, detail: { into: id, messageIds: ids } })
      return id
    })
    const created: ConversationEvent = { type: 'conversation.created', workspaceId: ws.id, conversationId: createdId }
    await bus.publish(subjects.conversation(ws.id, createdId), created).catch(() => undefined)
    await publishConversationUpdated(bus, ws.id, req.params.id)
    await router.route(ws.id).catch((error: unknown) => app.log.warn(`routing after a split failed: ${String(error)}`))
    return reply.status(201).send({ source: (await store.conversations.get(ws.id, req.params.id))!, created: (await store.conversations.get(ws.id, createdId))! })
  })
}

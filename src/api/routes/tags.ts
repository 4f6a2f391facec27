// Tags on conversations: replace the set, add one, remove one. Normalised by src/workflow/tags.ts.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { publishConversationUpdated } from '../../bus/index.ts'
import { EarshotError, raise } from '../../core/errors.ts'
import { describeTagProblems, normalizeTag, normalizeTags, tagsPerConversationMax } from '../../workflow/tags.ts'
import type { ApiDeps } from '../context.ts'
import { actorOf, liveConversation } from '../conversation-guard.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { ConversationSchema, IdParams, WorkspaceQuery } from '../schemas.ts'

const RawTag = Type.String({ maxLength: 200, description: 'lowercased, leading # dropped, spaces become "-"; letters, digits, - _ . : only; at most 50 characters' })
const responses = { 200: ConversationSchema, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody }

function tagsOrRaise(raw: readonly string[]): string[] {
  const r = normalizeTags(raw)
  if (!r.ok) throw new EarshotError('INVALID_TAG', describeTagProblems(r.problems), { problems: r.problems })
  return r.tags
}

export const tagRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus }) => {
  /** Writes a new tag set (after `change` computed it from the current one) and audits the difference. */
  async function writeTags(workspaceId: string, id: string, actor: string, change: (current: string[]) => string[], version: number | null) {
    const result = await store.transaction(async (tx) => {
      const [locked] = await tx.conversationWorkflow.lockForChange(workspaceId, [id])
      if (locked === undefined) raise('CONVERSATION_NOT_FOUND', id)
      if (locked.mergedInto !== null) throw new EarshotError('CONVERSATION_MERGED', `${id} was merged into ${locked.mergedInto}`, { mergedInto: locked.mergedInto })
      if (version !== null && version !== locked.version) raise('CONFLICT', `conversation changed since version ${version}; now at ${locked.version}`)
      const next = change(locked.tags)
      const added = next.filter((t) => !locked.tags.includes(t))
      const removed = locked.tags.filter((t) => !next.includes(t))
      if (added.length === 0 && removed.length === 0) return false
      await tx.conversationWorkflow.setTags(workspaceId, id, next, null)
      await tx.audit.record({ workspaceId, actor, action: 'conversation.tags', targetType: 'conversation', targetId: id, detail: { added, removed, tags: next } })
      return true
    })
    if (result) await publishConversationUpdated(bus, workspaceId, id)
    return (await store.conversations.get(workspaceId, id))!
  }

  app.put('/conversations/:id/tags', {
    schema: {
      summary: `Replace a conversation's tags (normalised; at most ${tagsPerConversationMax}); 400 INVALID_TAG names each bad one`,
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({
        tags: Type.Array(RawTag, { maxItems: 100 }),
        version: Type.Optional(Type.Integer({ minimum: 1, description: 'reject with 409 if the conversation changed since this version' })),
      }, { additionalProperties: false }),
      response: responses,
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const tags = tagsOrRaise(req.body.tags)
    return writeTags(ws.id, req.params.id, actorOf(req.token), () => tags, req.body.version ?? null)
  })

  app.post('/conversations/:id/tags', {
    schema: {
      summary: 'Add one tag (no-op when present)',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({ tag: RawTag }, { additionalProperties: false }),
      response: responses,
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const [tag] = tagsOrRaise([req.body.tag])
    return writeTags(ws.id, req.params.id, actorOf(req.token), (current) => tagsOrRaise([...current, tag!]), null)
  })

  app.delete('/conversations/:id/tags/:tag', {
    schema: {
      summary: 'Remove one tag (no-op when absent)',
      tags: ['conversations'],
      params: Type.Object({ id: IdParams.properties.id, tag: RawTag }),
      querystring: WorkspaceQuery,
      response: responses,
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const normal = normalizeTag(req.params.tag)
    if (!normal.ok) throw new EarshotError('INVALID_TAG', `${JSON.stringify(req.params.tag)} ${normal.reason}`)
    await liveConversation(store, ws.id, req.params.id)
    return writeTags(ws.id, req.params.id, actorOf(req.token), (current) => current.filter((t) => t !== normal.tag), null)
  })
}

// Internal notes with @mentions (src/workflow/mentions.ts), the mentions' seen markers, and the events
// the live stream forwards: note.created to the workspace, mention.created to the mentioned agent.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Bus } from '../../bus/index.ts'
import { subjectToken } from '../../bus/index.ts'
import { raise } from '../../core/errors.ts'
import type { NoteView } from '../../store/queries/notes.ts'
import { resolveMentions } from '../../workflow/mentions.ts'
import type { ApiDeps } from '../context.ts'
import { actorOf, liveConversation } from '../conversation-guard.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'

export const noteTextLengthMax = 5_000

export const NoteSchema = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  author: Type.Object({ agentId: Type.Union([Type.String(), Type.Null()]), name: Type.String() }),
  text: Type.String(),
  mentions: Type.Array(Type.Object({ agentId: Type.String(), name: Type.String(), handle: Type.String(), seenAt: Type.Union([Type.String(), Type.Null()]) })),
  createdAt: Type.String(),
})

export interface NoteEvent {
  type: 'note.created'
  workspaceId: string
  conversationId: string
  note: NoteView
}

export const noteSubject = (workspaceId: string) => `earshot.note.${subjectToken(workspaceId)}`

/** Live views only: the note is committed, a lost event delays nothing but a screen refresh. */
async function publishNote(bus: Bus, event: NoteEvent): Promise<void> {
  await bus.publish(noteSubject(event.workspaceId), event).catch(() => undefined)
}

const UnseenSchema = Type.Object({ mentions: Type.Integer(), conversations: Type.Integer() })

export const noteRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus }) => {
  app.get('/conversations/:id/notes', {
    schema: {
      summary: 'Internal notes of a conversation, oldest first',
      tags: ['notes'],
      params: IdParams,
      querystring: WorkspaceQuery,
      response: { 200: Type.Object({ items: Type.Array(NoteSchema) }), 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND', req.params.id)
    return { items: await store.notes.list(ws.id, conversation.id, 500) }
  })

  app.post('/conversations/:id/notes', {
    schema: {
      summary: 'Add an internal note (never sent to a platform); @handles name agents of the workspace',
      description: 'A mention is "@" + the agent\'s e-mail local part, whole name without spaces, or first name when only one agent has it; accents, case and . - _ are ignored ("@chloe.martin" = "@ChloéMartin"). `unresolved` lists handles that named nobody or several agents. The mentioned agents get `mention.created` on /api/v1/stream.',
      tags: ['notes'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({ text: Type.String({ minLength: 1, maxLength: noteTextLengthMax, pattern: '\\S' }) }, { additionalProperties: false }),
      response: { 201: Type.Composite([NoteSchema, Type.Object({ unresolved: Type.Array(Type.String()) })]), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (req, reply) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = await liveConversation(store, ws.id, req.params.id)
    const agents = await store.agents.list(ws.id)
    const author = req.token?.agentId == null ? null : agents.find((a) => a.id === req.token!.agentId) ?? null
    const { agents: mentioned, unresolved } = resolveMentions(req.body.text, agents)
    const note = await store.transaction(async (tx) => {
      const created = await tx.notes.create({
        workspaceId: ws.id, conversationId: conversation.id, authorAgentId: author?.id ?? null, authorName: author?.name ?? req.token!.name,
        text: req.body.text, mentions: mentioned,
      })
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req.token), action: 'note.create', targetType: 'conversation', targetId: conversation.id, detail: { noteId: created.id, mentions: mentioned.map((m) => m.agentId) } })
      return created
    })
    await publishNote(bus, { type: 'note.created', workspaceId: ws.id, conversationId: conversation.id, note })
    return reply.status(201).send({ ...note, unresolved })
  })

  app.post('/conversations/:id/seen', {
    schema: {
      summary: 'Marks the caller\'s mentions in this conversation as seen (the caller must act as an agent)',
      tags: ['notes'],
      params: IdParams,
      querystring: WorkspaceQuery,
      response: { 200: Type.Object({ seen: Type.Integer({ description: 'mentions marked now' }), unseen: UnseenSchema }), 400: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND', req.params.id)
    const agentId = req.token?.agentId ?? raise('NO_AGENT', 'mentions belong to agents')
    const seen = await store.notes.markSeen(ws.id, conversation.id, agentId, new Date())
    return { seen, unseen: await store.notes.unseen(ws.id, agentId) }
  })

  app.get('/mentions/unseen', {
    schema: {
      summary: 'How many mentions of the caller (an agent) are not seen yet, and in how many conversations',
      tags: ['notes'],
      querystring: WorkspaceQuery,
      response: { 200: UnseenSchema, 400: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const agentId = req.token?.agentId ?? raise('NO_AGENT', 'mentions belong to agents')
    return store.notes.unseen(ws.id, agentId)
  })
}

// A customer's profile (identities on each channel) and their conversations across channels.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { raise } from '../../core/errors.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, StatusSchema, WorkspaceQuery } from '../schemas.ts'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const ContactSchema = Type.Object({
  id: Type.String(),
  displayName: Nullable(Type.String()),
  vip: Type.Boolean(),
  identities: Type.Array(Type.Object({
    channel: Type.String(), externalUserId: Type.String(), handle: Nullable(Type.String()), displayName: Nullable(Type.String()),
    followers: Nullable(Type.Integer()), verified: Type.Boolean(),
  })),
  conversations: Type.Array(Type.Object({
    id: Type.String(), channel: Type.String(), status: StatusSchema, preview: Type.String(), messageCount: Type.Integer(),
    lastMessageAt: Type.String(), createdAt: Type.String(),
  }), { description: 'newest first, every channel; merged conversations are left out (their messages are in the one they joined)' }),
})

export const contactRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  app.get('/contacts/:id', {
    schema: {
      summary: 'A customer: identities and conversations across channels',
      tags: ['contacts'],
      params: IdParams,
      querystring: Type.Composite([WorkspaceQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) })]),
      response: { 200: ContactSchema, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const contact = (await store.conversationWorkflow.contact(ws.id, req.params.id)) ?? raise('NOT_FOUND', `contact ${req.params.id}`)
    return { ...contact, conversations: await store.conversationWorkflow.contactConversations(ws.id, contact.id, req.query.limit ?? 50) }
  })
}

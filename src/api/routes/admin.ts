import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { raise } from '../../core/errors.ts'
import { generateToken } from '../../store/queries/tokens.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { requireAdmin, resolveWorkspace } from '../plugins/auth.ts'
import { WorkspaceQuery, WorkspaceSchema } from '../schemas.ts'

const iso = (w: { id: string; slug: string; name: string; createdAt: Date }) => ({ ...w, createdAt: w.createdAt.toISOString() })

export const adminRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  app.get('/workspaces', {
    schema: { summary: 'Workspaces this token can see', tags: ['workspaces'], response: { 200: Type.Object({ items: Type.Array(WorkspaceSchema) }) } },
  }, async (req) => {
    const all = await store.workspaces.list()
    const scope = req.token!.workspaceId
    return { items: all.filter((w) => scope === null || w.id === scope).map(iso) }
  })

  app.post('/workspaces', {
    schema: {
      summary: 'Create a workspace (admin)',
      tags: ['workspaces'],
      body: Type.Object({ slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }), name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 201: WorkspaceSchema, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
    },
  }, async (req, reply) => {
    requireAdmin(req)
    if ((await store.workspaces.bySlug(req.body.slug)) !== null) raise('CONFLICT', `workspace ${req.body.slug} exists`)
    const ws = await store.workspaces.ensure(req.body.slug, req.body.name)
    return reply.status(201).send(iso(ws))
  })

  app.post('/tokens', {
    schema: {
      summary: 'Create an API token (admin); the token is shown only in this response',
      tags: ['workspaces'],
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }),
        role: Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('agent')], { default: 'agent' }),
        workspace: Type.Optional(Type.String({ description: 'slug or id; required for agent and supervisor tokens' })),
        agentId: Type.Optional(Type.String({ format: 'uuid', description: 'the agent this token acts as (its replies follow the approval policy for that agent)' })),
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), token: Type.String(), role: Type.String(), workspaceId: Type.Union([Type.String(), Type.Null()]) }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
    },
  }, async (req, reply) => {
    requireAdmin(req)
    const role = req.body.role ?? 'agent'
    if (role !== 'admin' && req.body.workspace === undefined) raise('VALIDATION', `${role} tokens need a workspace`)
    const ws = req.body.workspace === undefined ? null : await resolveWorkspace(store, req, req.body.workspace)
    if (req.body.agentId !== undefined && (ws === null || (await store.agents.get(ws.id, req.body.agentId)) === null)) raise('AGENT_NOT_FOUND', 'agentId must be an agent of the token\'s workspace')
    const token = generateToken()
    const created = await store.tokens.create({ token, name: req.body.name, role, workspaceId: ws?.id ?? null, agentId: req.body.agentId ?? null })
    return reply.status(201).send({ id: created.id, token, role: created.role, workspaceId: created.workspaceId })
  })

  app.get('/agents', {
    schema: { tags: ['agents'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), email: Type.Union([Type.String(), Type.Null()]) })) }) } },
  }, async (req) => ({ items: await store.agents.list((await resolveWorkspace(store, req, req.query.workspace)).id) }))

  app.post('/agents', {
    schema: {
      summary: 'Create (or update) an agent by name',
      tags: ['agents'],
      querystring: WorkspaceQuery,
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), email: Type.Optional(Type.String({ format: 'email' })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), name: Type.String(), email: Type.Union([Type.String(), Type.Null()]) }), 400: ErrorBody },
    },
  }, async (req, reply) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const agent = await store.agents.ensure(ws.id, req.body.name, req.body.email ?? null)
    await store.audit.record({ workspaceId: ws.id, actor: `token:${req.token!.name}`, action: 'agent.upsert', targetType: 'agent', targetId: agent.id, detail: { name: agent.name } })
    return reply.status(201).send(agent)
  })

  app.get('/queues', {
    schema: { tags: ['queues'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), isDefault: Type.Boolean() })) }) } },
  }, async (req) => ({ items: await store.queues.list((await resolveWorkspace(store, req, req.query.workspace)).id) }))

  app.get('/dead-letters', {
    schema: {
      summary: 'Payloads that could not be processed, with the reason',
      tags: ['ingest'],
      querystring: Type.Composite([WorkspaceQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) })]),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), channel: Type.String(), inboundId: Type.Union([Type.String(), Type.Null()]), reason: Type.String(), detail: Type.String(), body: Type.String(), createdAt: Type.String() })) }) },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const items = await store.deadLetters.list(ws.id, req.query.limit ?? 100)
    return { items: items.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })) }
  })

  app.get('/audit', {
    schema: {
      summary: 'Audit log, newest first',
      tags: ['audit'],
      querystring: Type.Composite([WorkspaceQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) })]),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), actor: Type.String(), action: Type.String(), targetType: Type.String(), targetId: Type.String(), detail: Type.Record(Type.String(), Type.Unknown()), createdAt: Type.String() })) }) },
    },
  }, async (req) => ({ items: await store.audit.list((await resolveWorkspace(store, req, req.query.workspace)).id, req.query.limit ?? 100) }))
}

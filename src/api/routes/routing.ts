// Routing settings and actions: agents' skills, languages, capacity and presence; queues with their
// rules (validated, in order); SLA policies; pull mode. Every change is audited; changes that can free
// or add capacity trigger a routing pass of the workspace.
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { EarshotError, raise } from '../../core/errors.ts'
import { createRouter } from '../../pipeline/route.ts'
import { validateCalendar, validateCondition, validateSlaPolicy } from '../../routing/index.ts'
import type { Condition } from '../../routing/conditions.ts'
import type { BusinessCalendar } from '../../routing/calendar.ts'
import type { AgentRow, QueueRow } from '../../store/queries/routing.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { requireSupervisor, resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Presence = Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline'), Type.Literal('break')])
const SkillSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 60 }), level: Type.Integer({ minimum: 1, maximum: 5 }) }, { additionalProperties: false })
const RequiredSkillSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 60 }), levelMin: Type.Integer({ minimum: 1, maximum: 5 }) }, { additionalProperties: false })
const Language = Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$' })
const CapacitySchema = Type.Object({
  public: Type.Number({ minimum: 0, maximum: 100 }), private: Type.Number({ minimum: 0, maximum: 100 }), email: Type.Number({ minimum: 0, maximum: 100 }),
}, { additionalProperties: false })
const Json = Type.Unknown({ description: 'validated by the server; a refusal says the path and the reason' })

const AgentView = Type.Object({
  id: Type.String(), name: Type.String(), email: Nullable(Type.String()), skills: Type.Array(SkillSchema), languages: Type.Array(Type.String()),
  capacity: CapacitySchema, presence: Presence, workingHours: Json, queueIds: Nullable(Type.Array(Type.String())),
  load: Type.Array(Type.Object({ conversationId: Type.String(), kind: Type.String(), units: Type.Number() })),
  lastAssignedAt: Nullable(Type.String()), idleSince: Nullable(Type.String()),
})
const QueueView = Type.Object({
  id: Type.String(), name: Type.String(), isDefault: Type.Boolean(), conditions: Json, languages: Type.Array(Type.String()),
  requiredSkills: Type.Array(RequiredSkillSchema), priority: Type.Integer(), position: Type.Integer(),
  overflow: Nullable(Type.Object({ afterSeconds: Type.Number(), toQueueId: Type.String() })), slaPolicyId: Nullable(Type.String()),
})
const QueueBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  isDefault: Type.Optional(Type.Boolean()),
  conditions: Type.Optional(Json),
  languages: Type.Optional(Type.Array(Language, { maxItems: 50 })),
  requiredSkills: Type.Optional(Type.Array(RequiredSkillSchema, { maxItems: 50 })),
  priority: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000 })),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, description: 'rule order: lower is tried first' })),
  overflow: Type.Optional(Nullable(Type.Object({ afterSeconds: Type.Integer({ minimum: 1, maximum: 30 * 86_400 }), toQueueId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }))),
  slaPolicyId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
}, { additionalProperties: false })
const QueuePatch = Type.Partial(QueueBody, { additionalProperties: false })
const SlaView = Type.Object({ id: Type.String(), name: Type.String(), policy: Type.Record(Type.String(), Type.Unknown()), createdAt: Type.String(), updatedAt: Type.String() })
const SlaBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), policy: Type.Record(Type.String(), Type.Unknown(), { description: '{calendar, targets: {urgent, high, normal, low}, warningPercent, bandsMin?}' }) }, { additionalProperties: false })

function agentView(a: AgentRow) {
  return {
    id: a.id, name: a.name, email: a.email, skills: a.skills, languages: a.languages, capacity: a.capacity, presence: a.presence, workingHours: a.workingHours,
    queueIds: a.queueIds, load: a.load, lastAssignedAt: a.lastAssignedAt?.toISOString() ?? null, idleSince: a.idleSince?.toISOString() ?? null,
  }
}

function queueView(q: QueueRow) {
  return { ...q }
}

function checkedCondition(json: unknown): Condition | null {
  if (json === null || json === undefined) return null
  const check = validateCondition(json)
  if (!check.ok) throw new EarshotError('INVALID_CONDITION', `${check.error.path}: ${check.error.reason}`, { path: check.error.path, reason: check.error.reason })
  return check.condition
}

function checkedCalendar(json: unknown): BusinessCalendar | null {
  if (json === null) return null
  const check = validateCalendar(json, '$.workingHours')
  if (!check.ok) throw new EarshotError('VALIDATION', `${check.error.path}: ${check.error.reason}`, { path: check.error.path, reason: check.error.reason })
  return check.calendar
}

/** Admins and supervisors change anyone; an agent token changes only its own agent. */
function requireSelfOrSupervisor(req: FastifyRequest, agentId: string): void {
  const token = req.token!
  if (token.role === 'admin' || token.role === 'supervisor' || token.agentId === agentId) return
  throw new EarshotError('FORBIDDEN', 'supervisor token, or the agent\'s own token, required')
}

const actorOf = (req: FastifyRequest) => `token:${req.token!.name}`

export const routingRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus }) => {
  const router = createRouter(store, bus, (line) => app.log.warn(line))

  async function refQueue(workspaceId: string, id: string | null | undefined): Promise<void> {
    if (id != null && (await store.routing.queue(workspaceId, id)) === null) raise('QUEUE_NOT_FOUND', id)
  }
  async function refPolicy(workspaceId: string, id: string | null | undefined): Promise<void> {
    if (id != null && (await store.routing.slaPolicy(workspaceId, id)) === null) raise('SLA_POLICY_NOT_FOUND', id)
  }

  app.get('/agents/:id', {
    schema: { summary: 'An agent with routing settings and current load', tags: ['agents'], params: IdParams, querystring: WorkspaceQuery, response: { 200: AgentView, 404: ErrorBody } },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    return agentView((await store.routing.agent(ws.id, req.params.id)) ?? raise('AGENT_NOT_FOUND', req.params.id))
  })

  app.patch('/agents/:id', {
    schema: {
      summary: 'Change an agent\'s skills, languages, capacity, presence, working hours or queues; going offline gives their open conversations back to their queues',
      tags: ['agents'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({
        skills: Type.Optional(Type.Array(SkillSchema, { maxItems: 100 })),
        languages: Type.Optional(Type.Array(Language, { maxItems: 50 })),
        capacity: Type.Optional(CapacitySchema),
        presence: Type.Optional(Presence),
        workingHours: Type.Optional(Json),
        queueIds: Type.Optional(Nullable(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1000 }))),
      }, { additionalProperties: false }),
      response: { 200: AgentView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    requireSelfOrSupervisor(req, req.params.id)
    const before = (await store.routing.agent(ws.id, req.params.id)) ?? raise('AGENT_NOT_FOUND', req.params.id)
    const workingHours = req.body.workingHours === undefined ? undefined : checkedCalendar(req.body.workingHours)
    for (const q of req.body.queueIds ?? []) await refQueue(ws.id, q)
    await store.transaction(async (tx) => {
      await tx.routing.updateAgent(ws.id, before.id, {
        ...(req.body.skills === undefined ? {} : { skills: req.body.skills }),
        ...(req.body.languages === undefined ? {} : { languages: req.body.languages }),
        ...(req.body.capacity === undefined ? {} : { capacity: req.body.capacity }),
        ...(req.body.presence === undefined ? {} : { presence: req.body.presence }),
        ...(workingHours === undefined ? {} : { workingHours }),
        ...(req.body.queueIds === undefined ? {} : { queueIds: req.body.queueIds }),
      }, new Date())
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req), action: 'agent.update', targetType: 'agent', targetId: before.id, detail: { changes: req.body, presenceBefore: before.presence } })
    })
    if (req.body.presence === 'offline' && before.presence !== 'offline') await router.release(ws.id, before.id, actorOf(req))
    else await router.route(ws.id)
    return agentView((await store.routing.agent(ws.id, before.id))!)
  })

  app.post('/agents/:id/next', {
    schema: {
      summary: 'Pull mode: assign the next best waiting conversation to this agent',
      tags: ['agents'],
      params: IdParams,
      querystring: WorkspaceQuery,
      response: { 200: Type.Object({ conversationId: Nullable(Type.String()), reasons: Type.Array(Type.String()) }), 403: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    requireSelfOrSupervisor(req, req.params.id)
    if ((await store.routing.agent(ws.id, req.params.id)) === null) raise('AGENT_NOT_FOUND', req.params.id)
    return router.next(ws.id, req.params.id, actorOf(req))
  })

  app.get('/queues/:id', {
    schema: { summary: 'A queue with its routing rule', tags: ['queues'], params: IdParams, querystring: WorkspaceQuery, response: { 200: QueueView, 404: ErrorBody } },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    return queueView((await store.routing.queue(ws.id, req.params.id)) ?? raise('QUEUE_NOT_FOUND', req.params.id))
  })

  app.get('/routing/queues', {
    schema: { summary: 'Queues with their routing rules, in rule order', tags: ['queues'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(QueueView) }) } },
  }, async (req) => ({ items: (await store.routing.queues((await resolveWorkspace(store, req, req.query.workspace)).id)).map(queueView) }))

  app.post('/queues', {
    schema: {
      summary: 'Create a queue with a routing rule (conditions on channel, language, intent, sentiment, risk, tags, vip…)',
      tags: ['queues'],
      querystring: WorkspaceQuery,
      body: QueueBody,
      response: { 201: QueueView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (req, reply) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conditions = checkedCondition(req.body.conditions)
    await refQueue(ws.id, req.body.overflow?.toQueueId)
    await refPolicy(ws.id, req.body.slaPolicyId)
    if ((await store.routing.queues(ws.id)).some((q) => q.name === req.body.name)) raise('CONFLICT', `queue ${req.body.name} exists`)
    const id = await store.transaction(async (tx) => {
      const created = await tx.routing.createQueue(ws.id, { ...req.body, conditions })
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req), action: 'queue.create', targetType: 'queue', targetId: created, detail: { ...req.body } })
      return created
    })
    return reply.status(201).send(queueView((await store.routing.queue(ws.id, id))!))
  })

  app.patch('/queues/:id', {
    schema: { summary: 'Change a queue and its routing rule', tags: ['queues'], params: IdParams, querystring: WorkspaceQuery, body: QueuePatch, response: { 200: QueueView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const before = (await store.routing.queue(ws.id, req.params.id)) ?? raise('QUEUE_NOT_FOUND', req.params.id)
    const body = req.body as Static<typeof QueuePatch>
    const conditions = body.conditions === undefined ? undefined : checkedCondition(body.conditions)
    if (body.overflow?.toQueueId === before.id) raise('VALIDATION', 'a queue cannot overflow into itself')
    await refQueue(ws.id, body.overflow?.toQueueId)
    await refPolicy(ws.id, body.slaPolicyId)
    await store.transaction(async (tx) => {
      const { conditions: _raw, ...rest } = body
      await tx.routing.updateQueue(ws.id, before.id, { ...rest, ...(conditions === undefined ? {} : { conditions }) })
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req), action: 'queue.update', targetType: 'queue', targetId: before.id, detail: { changes: body } })
    })
    return queueView((await store.routing.queue(ws.id, before.id))!)
  })

  app.delete('/queues/:id', {
    schema: {
      summary: 'Delete a queue; refused (409) while it holds open conversations unless ?moveTo=<queue> moves them',
      tags: ['queues'],
      params: IdParams,
      querystring: Type.Composite([WorkspaceQuery, Type.Object({ moveTo: Type.Optional(Type.String({ format: 'uuid' })) })]),
      response: { 200: Type.Object({ deleted: Type.Boolean(), moved: Type.Array(Type.String()) }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const queue = (await store.routing.queue(ws.id, req.params.id)) ?? raise('QUEUE_NOT_FOUND', req.params.id)
    const moveTo = req.query.moveTo
    if (moveTo === queue.id) raise('VALIDATION', 'moveTo must be another queue')
    await refQueue(ws.id, moveTo)
    const moved = await store.transaction(async (tx) => {
      await tx.routing.lockWorkspace(ws.id)
      const open = await tx.routing.openInQueue(ws.id, queue.id)
      if (open.length > 0 && moveTo === undefined) {
        throw new EarshotError('QUEUE_NOT_EMPTY', `${queue.name} holds ${open.length} open conversation(s); pass ?moveTo=<queue id> to move them`, { open: open.length })
      }
      const ids = moveTo === undefined ? [] : await tx.routing.moveOpen(ws.id, queue.id, moveTo, new Date())
      for (const id of ids) {
        const reasons = [`queue ${queue.name} deleted: moved to its replacement`]
        await tx.routing.recordAssignment({ workspaceId: ws.id, conversationId: id, queueId: moveTo ?? null, agentId: null, reasons, actor: actorOf(req) })
      }
      await tx.routing.deleteQueue(ws.id, queue.id)
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req), action: 'queue.delete', targetType: 'queue', targetId: queue.id, detail: { name: queue.name, movedTo: moveTo ?? null, moved: ids.length } })
      return ids
    })
    if (moved.length > 0) await router.route(ws.id)
    return { deleted: true, moved }
  })

  app.get('/sla-policies', {
    schema: { summary: 'SLA policies', tags: ['sla'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(SlaView) }) } },
  }, async (req) => ({ items: await store.routing.slaPolicies((await resolveWorkspace(store, req, req.query.workspace)).id) }))

  function checkedPolicy(name: string, policy: Record<string, unknown>): Record<string, unknown> {
    const check = validateSlaPolicy({ ...policy, id: 'new', name })
    if (!check.ok) throw new EarshotError('INVALID_SLA_POLICY', `${check.error.path}: ${check.error.reason}`, { path: check.error.path, reason: check.error.reason })
    const { id: _id, name: _name, ...rest } = check.policy
    return rest
  }

  app.post('/sla-policies', {
    schema: { summary: 'Create an SLA policy (first response, next response, resolution per priority band, in business time)', tags: ['sla'], querystring: WorkspaceQuery, body: SlaBody, response: { 201: SlaView, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody } },
  }, async (req, reply) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const policy = checkedPolicy(req.body.name, req.body.policy)
    if ((await store.routing.slaPolicies(ws.id)).some((p) => p.name === req.body.name)) raise('CONFLICT', `SLA policy ${req.body.name} exists`)
    const id = await store.transaction(async (tx) => {
      const created = await tx.routing.createSlaPolicy(ws.id, req.body.name, policy)
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req), action: 'sla_policy.create', targetType: 'sla_policy', targetId: created, detail: { name: req.body.name, policy } })
      return created
    })
    return reply.status(201).send((await store.routing.slaPolicy(ws.id, id))!)
  })

  app.patch('/sla-policies/:id', {
    schema: {
      summary: 'Change an SLA policy', tags: ['sla'], params: IdParams, querystring: WorkspaceQuery,
      body: Type.Partial(SlaBody, { additionalProperties: false }), response: { 200: SlaView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const before = (await store.routing.slaPolicy(ws.id, req.params.id)) ?? raise('SLA_POLICY_NOT_FOUND', req.params.id)
    const name = req.body.name ?? before.name
    const policy = checkedPolicy(name, req.body.policy ?? before.policy)
    await store.transaction(async (tx) => {
      await tx.routing.updateSlaPolicy(ws.id, before.id, name, policy)
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req), action: 'sla_policy.update', targetType: 'sla_policy', targetId: before.id, detail: { name, policy } })
    })
    return (await store.routing.slaPolicy(ws.id, before.id))!
  })
}

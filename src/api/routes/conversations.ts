import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { publishConversationUpdated } from '../../bus/index.ts'
import { raise } from '../../core/errors.ts'
import type { ConversationStatus } from '../../core/model.ts'
import { listConversationMessages } from '../../store/queries/messages.ts'
import { createRouter } from '../../pipeline/route.ts'
import { eventToward, transition } from '../../workflow/status.ts'
import { hasRoomFor, loadUnits } from '../../routing/capacity.ts'
import { EarshotError } from '../../core/errors.ts'
import { decodeCursor } from '../../store/queries/conversations.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { ConversationSchema, IdParams, MessageSchema, StatusSchema, WorkspaceQuery } from '../schemas.ts'
import { normalizeTag } from '../../workflow/tags.ts'
import { refuseMerged } from '../conversation-guard.ts'
import { publishEvents, recordResolution } from '../../pipeline/csat.ts'
import type { EarshotEvent } from '../../events/event.ts'

const ListQuery = Type.Composite([
  WorkspaceQuery,
  Type.Object({
    status: Type.Optional(Type.String({ description: 'comma-separated statuses, e.g. new,open', pattern: '^(new|open|pending|snoozed|resolved)(,(new|open|pending|snoozed|resolved))*$' })),
    queue: Type.Optional(Type.String({ format: 'uuid' })),
    assignee: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Literal('none')])),
    channel: Type.Optional(Type.String({ maxLength: 40 })),
    sort: Type.Optional(Type.Union([Type.Literal('priority'), Type.Literal('age'), Type.Literal('recent')], { default: 'priority' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 500 })),
    tag: Type.Optional(Type.String({ maxLength: 200, description: 'conversations with this tag (normalised like tags are)' })),
    mentions: Type.Optional(Type.Union([Type.Literal('me'), Type.String({ format: 'uuid' })], { description: 'conversations with a note mentioning this agent; me = the agent the caller acts as' })),
    unseen: Type.Optional(Type.Boolean({ description: 'with mentions: only conversations with a mention not yet seen' })),
  }),
])

const RoutingView = Type.Union([Type.Null(), Type.Object({
  queueId: Type.Union([Type.String(), Type.Null()]), agentId: Type.Union([Type.String(), Type.Null()]), reasons: Type.Array(Type.String()), actor: Type.String(), at: Type.String(),
})], { description: 'the last routing decision (assignment) and its reasons' })
const NullableText = Type.Union([Type.String(), Type.Null()])
const SlaView = Type.Union([Type.Null(), Type.Object({
  state: Type.String({ description: 'none (no policy), ok, warning or breached' }), metric: NullableText, dueAt: NullableText,
  firstResponseDueAt: NullableText, nextResponseDueAt: NullableText, resolutionDueAt: NullableText, firstRespondedAt: NullableText, snoozedUntil: NullableText,
  pausedSince: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'while pending or snoozed: since when the resolution clock is stopped' })),
})])

function tagFilter(raw: string): string {
  const r = normalizeTag(raw)
  if (!r.ok) throw new EarshotError('INVALID_TAG', `${JSON.stringify(raw)} ${r.reason}`)
  return r.tag
}

const Versioned = { version: Type.Optional(Type.Integer({ minimum: 1, description: 'reject with 409 if the conversation changed since this version' })) }

export const conversationRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus }) => {
  const router = createRouter(store, bus, (line) => app.log.warn(line))
  app.get('/conversations', {
    schema: {
      summary: 'The prioritised inbox',
      tags: ['conversations'],
      querystring: ListQuery,
      response: { 200: Type.Object({ items: Type.Array(ConversationSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 400: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const cursor = req.query.cursor === undefined ? null : decodeCursor(req.query.cursor) ?? raise('VALIDATION', 'cursor is not one this server made')
    return store.conversations.list(ws.id, {
      ...(req.query.status === undefined ? {} : { status: req.query.status.split(',') as ConversationStatus[] }),
      ...(req.query.queue === undefined ? {} : { queueId: req.query.queue }),
      ...(req.query.assignee === undefined ? {} : { assignee: req.query.assignee }),
      ...(req.query.channel === undefined ? {} : { channel: req.query.channel }),
      ...(req.query.tag === undefined ? {} : { tag: tagFilter(req.query.tag) }),
      ...(req.query.mentions === undefined ? {} : {
        mentions: { agentId: req.query.mentions === 'me' ? req.token?.agentId ?? raise('NO_AGENT', 'mentions=me needs a token or session of an agent') : req.query.mentions, unseen: req.query.unseen === true },
      }),
    }, req.query.sort ?? 'priority', req.query.limit ?? 50, cursor)
  })

  app.get('/conversations/:id', {
    schema: {
      summary: 'One conversation with its messages',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      response: { 200: Type.Composite([ConversationSchema, Type.Object({ messages: Type.Array(MessageSchema), routing: RoutingView, sla: SlaView })]), 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND', req.params.id)
    return {
      ...conversation,
      messages: await listConversationMessages(store.db, conversation.id, 500),
      routing: await store.routing.lastAssignment(conversation.id),
      sla: await store.routing.slaOf(conversation.id),
    }
  })

  app.patch('/conversations/:id/status', {
    schema: {
      summary: 'Change a conversation\'s status',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({
        status: StatusSchema,
        until: Type.Optional(Type.String({ format: 'date-time', description: 'with snoozed: when it wakes up (back to open); default in 24 h' })),
        ...Versioned,
      }, { additionalProperties: false }),
      response: { 200: ConversationSchema, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const before = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND', req.params.id)
    refuseMerged(before)
    const status = req.body.status as ConversationStatus
    const now = new Date()
    const events: EarshotEvent[] = []
    const updated = await store.transaction(async (tx) => {
      const state = (await tx.routing.statusState(ws.id, before.id)) ?? raise('CONVERSATION_NOT_FOUND', before.id)
      if (req.body.version !== undefined && req.body.version !== state.version) return false
      const event = eventToward(state.status, status, now, req.body.until === undefined ? undefined : new Date(req.body.until))
      if (event === null) throw new EarshotError('INVALID_TRANSITION', 'a conversation cannot go back to new')
      const result = transition(state, event, now)
      if (!result.ok) throw new EarshotError(result.code === 'INVALID_DATE' ? 'VALIDATION' : result.code, result.message)
      const ok = await tx.routing.setStatusState(ws.id, before.id, result.state, req.body.version ?? null)
      if (ok) {
        await tx.audit.record({ workspaceId: ws.id, actor: `token:${req.token!.name}`, action: 'conversation.status', targetType: 'conversation', targetId: before.id, detail: { from: state.status, to: result.state.status, ...(result.state.snoozedUntil === null ? {} : { until: result.state.snoozedUntil.toISOString() }) } })
        if (state.assigneeId !== null && result.state.status !== 'open') await tx.routing.markIdleIfFree([state.assigneeId], now)
        // conversation.resolved to the event webhooks, and the satisfaction survey when the workspace wants one
        if (result.state.status === 'resolved' && state.status !== 'resolved') {
          events.push(...await recordResolution(tx, { workspaceId: ws.id, conversationId: before.id, resolvedAt: result.state.resolvedAt ?? now, actor: `token:${req.token!.name}` }))
        }
      }
      return ok
    })
    if (!updated) raise('CONFLICT', `conversation changed since version ${req.body.version}; now at ${before.version}`)
    await publishConversationUpdated(bus, ws.id, before.id)
    await publishEvents(bus, events, (line) => app.log.warn(line))
    // resolved / pending / snoozed free the agent's capacity; a reopened unassigned conversation waits for an agent
    await router.route(ws.id).catch((error: unknown) => app.log.warn(`routing after a status change failed: ${String(error)}`))
    return (await store.conversations.get(ws.id, before.id))!
  })

  app.post('/conversations/:id/assignment', {
    schema: {
      summary: 'Assign a conversation to an agent (agentId null unassigns); 409 AGENT_AT_CAPACITY when the agent has no room for it',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({ agentId: Type.Union([Type.Null(), Type.String({ format: 'uuid' })]), ...Versioned }, { additionalProperties: false }),
      response: { 200: ConversationSchema, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const before = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND', req.params.id)
    refuseMerged(before)
    const agent = req.body.agentId === null ? null : (await store.agents.get(ws.id, req.body.agentId)) ?? raise('AGENT_NOT_FOUND', req.body.agentId)
    const actor = `token:${req.token!.name}`
    const updated = await store.transaction(async (tx) => {
      if (agent !== null && before.assignee?.id !== agent.id) {
        // the same lock as the router's: a manual assignment never pushes an agent over capacity
        await tx.routing.lockWorkspace(ws.id)
        const routed = await tx.routing.agent(ws.id, agent.id)
        const kind = await tx.routing.kindOf(before.id)
        const units = kind === 'email' ? 0.5 : 1
        if (routed !== null && !hasRoomFor(routed, kind, units)) {
          throw new EarshotError('AGENT_AT_CAPACITY', `${agent.name} holds ${loadUnits(routed, kind)}/${routed.capacity[kind]} ${kind} units`)
        }
      }
      const ok = await tx.conversations.assign(ws.id, before.id, agent?.id ?? null, req.body.version ?? null)
      if (!ok) return false
      await tx.assignments.record({ workspaceId: ws.id, conversationId: before.id, queueId: before.queue?.id ?? null, agentId: agent?.id ?? null, reason: 'manual assignment', actor })
      await tx.audit.record({ workspaceId: ws.id, actor, action: 'conversation.assign', targetType: 'conversation', targetId: before.id, detail: { from: before.assignee?.id ?? null, to: agent?.id ?? null } })
      return true
    })
    if (!updated) raise('CONFLICT', `conversation changed since version ${req.body.version}; now at ${before.version}`)
    await publishConversationUpdated(bus, ws.id, before.id)
    return (await store.conversations.get(ws.id, before.id))!
  })
}

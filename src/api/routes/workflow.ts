// Canned guidance and automations over REST. Canned responses: snippets with variables per language and
// channel; a conversation gets them suggested by intent, rendered for it, with the channel's length
// check. Automations: when/if/then rules in order, with a dry run on recent conversations and the log
// of what they did. Writes need a supervisor; every change is audited.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { EarshotError, raise } from '../../core/errors.ts'
import { channelNames, type ChannelName } from '../../core/model.ts'
import type { Intent } from '../../core/triage-facts.ts'
import { factsOf } from '../../routing/conditions.ts'
import type { CannedInput, CannedRow } from '../../store/queries/workflow.ts'
import { dryRun, validateAutomationRule, type AutomationRule } from '../../workflow/automation.ts'
import { cannedValues, checkTemplate, renderCanned, replyLimits, suggestCanned, type CannedProblem } from '../../workflow/canned.ts'
import type { ApiDeps } from '../context.ts'
import { actorOf } from '../conversation-guard.ts'
import { ErrorBody } from '../errors.ts'
import { requireSupervisor, resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, IntentSchema, WorkspaceQuery } from '../schemas.ts'

const Language = Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'BCP 47, e.g. en, fr, pt-BR' })
const ChannelSchema = Type.Union(channelNames.map((c) => Type.Literal(c)))

const CannedView = Type.Object({
  id: Type.String(), title: Type.String(), body: Type.String(), language: Type.String(),
  channels: Type.Union([Type.Array(Type.String()), Type.Null()]), intents: Type.Array(Type.String()),
  createdBy: Type.Union([Type.String(), Type.Null()]), createdAt: Type.String(), updatedAt: Type.String(),
})
const CannedBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: 120 }),
  body: Type.String({ minLength: 1, maxLength: 5_000, description: 'text with {{customer.name}}, {{customer.firstName}}, {{customer.handle}}, {{agent.name}}, {{agent.firstName}}, {{conversation.id}}, {{conversation.channel}}, {{brand.name}}; {{x | fallback}} when the value may be missing' }),
  language: Language,
  channels: Type.Optional(Type.Union([Type.Array(ChannelSchema, { minItems: 1, maxItems: channelNames.length, uniqueItems: true }), Type.Null()], { description: 'null or absent: any channel' })),
  intents: Type.Optional(Type.Array(IntentSchema, { maxItems: 6, uniqueItems: true, description: 'empty: any intent' })),
}, { additionalProperties: false })
const ProblemView = Type.Object({ kind: Type.String(), detail: Type.String() })
const SuggestionView = Type.Object({
  canned: CannedView,
  score: Type.Number(),
  reasons: Type.Array(Type.String()),
  /** Rendered for this conversation; null when it cannot be sent as is (see problems). */
  text: Type.Union([Type.String(), Type.Null()]),
  graphemes: Type.Union([Type.Integer(), Type.Null()]),
  limit: Type.Union([Type.Integer(), Type.Null()]),
  problems: Type.Array(ProblemView),
})

const AutomationView = Type.Object({
  id: Type.String(), position: Type.Integer(), name: Type.String(), enabled: Type.Boolean(),
  when: Type.String(), if: Type.Unknown(), then: Type.Array(Type.Unknown()), stop: Type.Boolean(),
  problem: Type.Union([Type.String(), Type.Null()], { description: 'set when the stored rule no longer validates (it is skipped)' }),
  createdAt: Type.String(), updatedAt: Type.String(),
})
const AutomationBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  enabled: Type.Optional(Type.Boolean()),
  when: Type.String({ description: 'message.created (a new customer message) or conversation.updated (engagement updates, edits)' }),
  if: Type.Optional(Type.Unknown({ description: 'a routing condition ({all|any|not|field…}); null or absent: always' })),
  then: Type.Array(Type.Unknown(), { description: 'actions: set_queue{queueId}, add_tag{tag}, set_status{status}, set_priority_override{score}, hide, assign{agentId}' }),
  stop: Type.Optional(Type.Boolean({ description: 'later rules do not run when this one fired' })),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'order: lower runs first; default after the last' })),
}, { additionalProperties: false })

function describeProblem(p: CannedProblem): { kind: string; detail: string } {
  switch (p.kind) {
    case 'unknown_variable': return { kind: p.kind, detail: `unknown variable {{${p.name}}}` }
    case 'missing_value': return { kind: p.kind, detail: `no value for {{${p.name}}} in this conversation: add a fallback, {{${p.name} | …}}` }
    case 'malformed': return { kind: p.kind, detail: `at ${p.at}: ${p.detail}` }
    case 'too_long': return { kind: p.kind, detail: `${p.graphemes} characters; the channel allows ${p.limit}` }
  }
}

/** A contact's display name fit to greet someone with: not a platform id (Bluesky shows DIDs until resolved). */
function personName(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null
  return /^did:/i.test(name) || !/\p{L}/u.test(name) ? null : name
}

function checkedCanned(body: { title: string; body: string; language: string; channels?: ChannelName[] | null; intents?: string[] }): CannedInput {
  const problems = checkTemplate(body.body)
  if (problems.length > 0) {
    const described = problems.map(describeProblem)
    throw new EarshotError('INVALID_TEMPLATE', described.map((p) => p.detail).join('; '), { problems: described })
  }
  return { title: body.title.trim(), body: body.body, language: body.language, channels: body.channels ?? null, intents: (body.intents ?? []) as Intent[] }
}

function checkedRule(id: string, body: Record<string, unknown>): { json: Record<string, unknown>; rule: AutomationRule } {
  const { position: _position, ...json } = body
  const check = validateAutomationRule({ ...json, id })
  if (!check.ok) throw new EarshotError('INVALID_AUTOMATION', `${check.error.path}: ${check.error.reason}`, { path: check.error.path, reason: check.error.reason })
  const { id: _id, ...stored } = check.rule
  return { json: stored as unknown as Record<string, unknown>, rule: check.rule }
}

const automationView = (r: { id: string; position: number; json: Record<string, unknown>; problem: string | null; createdAt: string; updatedAt: string }) => ({
  id: r.id, position: r.position, name: String(r.json.name ?? ''), enabled: r.json.enabled !== false, when: String(r.json.when ?? ''),
  if: r.json.if ?? null, then: Array.isArray(r.json.then) ? r.json.then : [], stop: r.json.stop === true, problem: r.problem, createdAt: r.createdAt, updatedAt: r.updatedAt,
})

export const workflowRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  // ── canned responses ──────────────────────────────────────────────────────────────────────
  app.get('/canned-responses', {
    schema: { summary: 'Canned responses of the workspace', tags: ['canned'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(CannedView) }) } },
  }, async (req) => ({ items: await store.canned.list((await resolveWorkspace(store, req, req.query.workspace)).id) }))

  app.post('/canned-responses', {
    schema: { summary: 'Create a canned response (400 INVALID_TEMPLATE with the problems)', tags: ['canned'], querystring: WorkspaceQuery, body: CannedBody, response: { 201: CannedView, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody } },
  }, async (req, reply) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const input = checkedCanned(req.body)
    const created = await store.transaction(async (tx) => {
      const row = await tx.canned.create(ws.id, input, actorOf(req.token))
      if (row !== null) await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req.token), action: 'canned.create', targetType: 'canned_response', targetId: row.id, detail: { title: row.title, language: row.language } })
      return row
    })
    if (created === null) raise('CONFLICT', `a canned response "${input.title}" in ${input.language} exists`)
    return reply.status(201).send(created)
  })

  app.patch('/canned-responses/:id', {
    schema: { summary: 'Change a canned response', tags: ['canned'], params: IdParams, querystring: WorkspaceQuery, body: Type.Partial(CannedBody, { additionalProperties: false }), response: { 200: CannedView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody } },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const before = (await store.canned.get(ws.id, req.params.id)) ?? raise('NOT_FOUND', `canned response ${req.params.id}`)
    const input = checkedCanned({ ...before, ...req.body })
    try {
      return await store.transaction(async (tx) => {
        const row = (await tx.canned.update(ws.id, before.id, input))!
        await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req.token), action: 'canned.update', targetType: 'canned_response', targetId: row.id, detail: { changes: req.body } })
        return row
      })
    } catch (error) {
      if ((error as { code?: string }).code === '23505') raise('CONFLICT', `a canned response "${input.title}" in ${input.language} exists`)
      throw error
    }
  })

  app.delete('/canned-responses/:id', {
    schema: { summary: 'Delete a canned response', tags: ['canned'], params: IdParams, querystring: WorkspaceQuery, response: { 204: Type.Null(), 403: ErrorBody, 404: ErrorBody } },
  }, async (req, reply) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const deleted = await store.transaction(async (tx) => {
      const ok = await tx.canned.delete(ws.id, req.params.id)
      if (ok) await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req.token), action: 'canned.delete', targetType: 'canned_response', targetId: req.params.id })
      return ok
    })
    if (!deleted) raise('NOT_FOUND', `canned response ${req.params.id}`)
    return reply.status(204).send(null)
  })

  app.get('/conversations/:id/canned-suggestions', {
    schema: {
      summary: 'Canned responses for this conversation, best first, rendered for it',
      description: 'Chosen by the conversation\'s intent, language and channel; each is rendered with the customer\'s and agent\'s names and checked against the channel\'s length limit.',
      tags: ['canned'], params: IdParams, querystring: Type.Composite([WorkspaceQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })) })]),
      response: { 200: Type.Object({ items: Type.Array(SuggestionView) }), 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND', req.params.id)
    const snippets = await store.canned.list(ws.id)
    const agentId = req.token?.agentId ?? null
    const agent = agentId === null ? null : await store.agents.get(ws.id, agentId)
    const values = cannedValues({
      customer: { name: personName(conversation.contact?.displayName), handle: conversation.contact?.handle ?? null },
      agent: { name: agent?.name ?? null },
      conversation: { id: conversation.id, channel: conversation.channel },
      brand: { name: ws.name },
    })
    const channel = conversation.channel as ChannelName
    const suggestions = suggestCanned((conversation.intent ?? 'other') as Intent, conversation.lang, channel, snippets, { fallbackLanguage: 'en', limit: req.query.limit ?? 5 })
    return {
      items: suggestions.map((s) => {
        const rendered = renderCanned(s.canned.body, values, channel, replyLimits)
        return {
          canned: s.canned as CannedRow, score: s.score, reasons: s.reasons,
          text: rendered.ok ? rendered.text : null, graphemes: rendered.ok ? rendered.graphemes : null, limit: rendered.ok ? rendered.limit : replyLimits[channel] ?? null,
          problems: rendered.ok ? [] : rendered.problems.map(describeProblem),
        }
      }),
    }
  })

  // ── automations ──────────────────────────────────────────────────────────────────────────
  app.get('/automations', {
    schema: { summary: 'Automation rules, in the order they run', tags: ['automations'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(AutomationView) }) } },
  }, async (req) => ({ items: (await store.automations.list((await resolveWorkspace(store, req, req.query.workspace)).id)).map(automationView) }))

  app.post('/automations', {
    schema: { summary: 'Create an automation rule (400 INVALID_AUTOMATION with the path and reason)', tags: ['automations'], querystring: WorkspaceQuery, body: AutomationBody, response: { 201: AutomationView, 400: ErrorBody, 403: ErrorBody } },
  }, async (req, reply) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const { json } = checkedRule('new', req.body as Record<string, unknown>)
    const id = await store.transaction(async (tx) => {
      const created = await tx.automations.create(ws.id, req.body.position ?? (await tx.automations.nextPosition(ws.id)), json)
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req.token), action: 'automation.create', targetType: 'automation', targetId: created, detail: json })
      return created
    })
    return reply.status(201).send(automationView((await store.automations.get(ws.id, id))!))
  })

  app.patch('/automations/:id', {
    schema: { summary: 'Change an automation rule (enable, disable, reorder, edit)', tags: ['automations'], params: IdParams, querystring: WorkspaceQuery, body: Type.Partial(AutomationBody, { additionalProperties: false }), response: { 200: AutomationView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody } },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const before = (await store.automations.get(ws.id, req.params.id)) ?? raise('NOT_FOUND', `automation ${req.params.id}`)
    const { json } = checkedRule(before.id, { ...before.json, ...(req.body as Record<string, unknown>) })
    await store.transaction(async (tx) => {
      await tx.automations.update(ws.id, before.id, req.body.position ?? before.position, json)
      await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req.token), action: 'automation.update', targetType: 'automation', targetId: before.id, detail: { changes: req.body } })
    })
    return automationView((await store.automations.get(ws.id, before.id))!)
  })

  app.delete('/automations/:id', {
    schema: { summary: 'Delete an automation rule', tags: ['automations'], params: IdParams, querystring: WorkspaceQuery, response: { 204: Type.Null(), 403: ErrorBody, 404: ErrorBody } },
  }, async (req, reply) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const deleted = await store.transaction(async (tx) => {
      const ok = await tx.automations.delete(ws.id, req.params.id)
      if (ok) await tx.audit.record({ workspaceId: ws.id, actor: actorOf(req.token), action: 'automation.delete', targetType: 'automation', targetId: req.params.id })
      return ok
    })
    if (!deleted) raise('NOT_FOUND', `automation ${req.params.id}`)
    return reply.status(204).send(null)
  })

  app.post('/automations/dry-run', {
    schema: {
      summary: 'What rules would do on recent conversations, without doing it',
      description: 'With `rules`, tries those (unsaved) rules; without, the stored ones (disabled ones too). Per rule: how many of the `limit` most recent conversations it matches and would change, with examples.',
      tags: ['automations'], querystring: WorkspaceQuery,
      body: Type.Object({ rules: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5_000 })) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ total: Type.Integer(), items: Type.Array(Type.Object({ ruleId: Type.String(), name: Type.String(), matched: Type.Integer(), wouldFire: Type.Integer(), total: Type.Integer(), examples: Type.Array(Type.String()) })) }),
        400: ErrorBody,
      },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const rules = req.body.rules === undefined
      ? (await store.automations.list(ws.id)).flatMap((r) => (r.rule === null ? [] : [r.rule]))
      : req.body.rules.map((json, i) => {
        const check = validateAutomationRule({ id: `draft-${i + 1}`, ...(typeof json === 'object' && json !== null ? json : {}) })
        if (!check.ok) throw new EarshotError('INVALID_AUTOMATION', `rules[${i}] ${check.error.path}: ${check.error.reason}`, { index: i, path: check.error.path, reason: check.error.reason })
        return check.rule
      })
    const recent = await store.routing.recent(ws.id, req.body.limit ?? 500)
    const samples = recent.map((c) => ({ id: c.id, facts: { ...factsOf(c, { status: c.status }), assigneeId: c.assigneeId } }))
    return { total: samples.length, items: dryRun(rules, samples) }
  })

  app.get('/automations/runs', {
    schema: {
      summary: 'What automations did, newest first', tags: ['automations'],
      querystring: Type.Composite([WorkspaceQuery, Type.Object({ ruleId: Type.Optional(Type.String({ format: 'uuid' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) })]),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ ruleId: Type.Union([Type.String(), Type.Null()]), conversationId: Type.String(), event: Type.String(), action: Type.Unknown(), outcome: Type.String(), at: Type.String() })) }) },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    return { items: await store.automations.runs(ws.id, { ...(req.query.ruleId === undefined ? {} : { ruleId: req.query.ruleId }), limit: req.query.limit ?? 100 }) }
  })
}

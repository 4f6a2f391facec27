import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { listeningTags } from '../../core/listening/ast.ts'
import { parseRule } from '../../core/listening/parse.ts'
import { compileRules, matchRules } from '../../core/listening/compile.ts'
import { EarshotError, raise } from '../../core/errors.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'

const RuleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: Type.String(),
  tags: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})

const Tag = Type.Union(listeningTags.map((t) => Type.Literal(t)))

/** Refuses a query that does not parse, saying where. */
function validQuery(query: string): string {
  const parsed = parseRule(query)
  if (!parsed.ok) {
    throw new EarshotError('INVALID_RULE', `${parsed.error.message} (at position ${parsed.error.position})`, { position: parsed.error.position })
  }
  return query
}

export const listeningRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  const audit = (workspaceId: string, actor: string, action: string, id: string, detail: Record<string, unknown>) =>
    store.audit.record({ workspaceId, actor, action, targetType: 'listening_rule', targetId: id, detail })

  app.post('/listening-rules/preview', {
    schema: {
      summary: 'What a query would match in the latest stored customer messages',
      description: 'Runs the query (not saved) over the `limit` latest customer messages of the workspace. Posts from open sources that no rule kept were never stored, so a broader query finds more in live traffic than here. 400 INVALID_RULE with details.position.',
      tags: ['listening'],
      querystring: WorkspaceQuery,
      body: Type.Object({ query: Type.String({ minLength: 1, maxLength: 2000 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5_000 })) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          scanned: Type.Integer(), matched: Type.Integer(),
          examples: Type.Array(Type.Object({ messageId: Type.String(), conversationId: Type.String(), channel: Type.String(), author: Type.Union([Type.String(), Type.Null()]), text: Type.String(), createdAt: Type.String() })),
        }),
        400: ErrorBody,
      },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const compiled = compileRules([{ id: 'preview', query: validQuery(req.body.query), tags: [] }])
    const recent = await store.listening.recentMessages(ws.id, req.body.limit ?? 500)
    const hits = recent.filter((m) => matchRules(compiled, { text: m.text, authorHandle: m.authorHandle, langs: m.langs, lang: m.lang, channel: m.channel }).length > 0)
    return {
      scanned: recent.length, matched: hits.length,
      examples: hits.slice(0, 10).map((m) => ({ messageId: m.id, conversationId: m.conversationId, channel: m.channel, author: m.authorHandle, text: m.text.slice(0, 280), createdAt: m.createdAt })),
    }
  })

  app.get('/listening-rules', {
    schema: { summary: 'Listening rules of a workspace', tags: ['listening'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(RuleSchema) }) } },
  }, async (req) => ({ items: await store.listening.list((await resolveWorkspace(store, req, req.query.workspace)).id) }))

  app.post('/listening-rules', {
    schema: {
      summary: 'Create a listening rule',
      description: 'Query language: words, "phrases", AND/OR/NOT (or -term), parentheses, #hashtag, @handle, lang:xx, channel:name, from:handle, trailing * for prefixes. An invalid query answers 400 INVALID_RULE with details.position.',
      tags: ['listening'],
      querystring: WorkspaceQuery,
      body: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 100 }),
        query: Type.String({ minLength: 1, maxLength: 2000 }),
        tags: Type.Optional(Type.Array(Tag, { maxItems: 4, uniqueItems: true })),
        enabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 201: RuleSchema, 400: ErrorBody, 409: ErrorBody },
    },
  }, async (req, reply) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const created = await store.listening.create(ws.id, { name: req.body.name, query: validQuery(req.body.query), tags: req.body.tags ?? [], enabled: req.body.enabled ?? true })
    if (created === null) raise('CONFLICT', `a rule named "${req.body.name}" exists`)
    await audit(ws.id, `token:${req.token!.name}`, 'listening_rule.create', created.id, { query: created.query })
    return reply.status(201).send(created)
  })

  app.patch('/listening-rules/:id', {
    schema: {
      summary: 'Change a listening rule',
      tags: ['listening'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        query: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
        tags: Type.Optional(Type.Array(Tag, { maxItems: 4, uniqueItems: true })),
        enabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 200: RuleSchema, 400: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const changes = { ...req.body, ...(req.body.query === undefined ? {} : { query: validQuery(req.body.query) }) }
    const updated = (await store.listening.update(ws.id, req.params.id, changes)) ?? raise('RULE_NOT_FOUND', req.params.id)
    await audit(ws.id, `token:${req.token!.name}`, 'listening_rule.update', updated.id, changes)
    return updated
  })

  app.delete('/listening-rules/:id', {
    schema: { summary: 'Delete a listening rule', tags: ['listening'], params: IdParams, querystring: WorkspaceQuery, response: { 204: Type.Null(), 404: ErrorBody } },
  }, async (req, reply) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    if (!(await store.listening.remove(ws.id, req.params.id))) raise('RULE_NOT_FOUND', req.params.id)
    await audit(ws.id, `token:${req.token!.name}`, 'listening_rule.delete', req.params.id, {})
    return reply.status(204).send(null)
  })

  app.post('/listening-rules/validate', {
    schema: {
      summary: 'Check a query without saving it',
      tags: ['listening'],
      body: Type.Object({ query: Type.String({ maxLength: 10_000 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ ok: Type.Literal(true) }), 400: ErrorBody },
    },
  }, async (req) => {
    validQuery(req.body.query)
    return { ok: true as const }
  })

  app.get('/listening-stats', {
    schema: {
      summary: 'Posts from open sources that matched no rule, dropped per channel and day',
      tags: ['listening'],
      querystring: WorkspaceQuery,
      response: { 200: Type.Object({ dropped: Type.Array(Type.Object({ channel: Type.String(), day: Type.String(), dropped: Type.Integer() })) }) },
    },
  }, async (req) => ({ dropped: await store.listening.dropped((await resolveWorkspace(store, req, req.query.workspace)).id) }))
}

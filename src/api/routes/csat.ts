// Customer satisfaction: the workspace's survey settings, the scores (count, average, CSAT % and
// distribution, and the responses with comments), and the public survey page customers reach from the
// link in the survey message (no account: the random token in the link is the credential, single use).
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { channels } from '../../channels/index.ts'
import { EarshotError, errorCatalogue, raise } from '../../core/errors.ts'
import { commentLengthMax, pageHeaders, problemPage, surveyPage, thanksPage } from '../../csat/page.ts'
import { hashSurveyToken, summarise, surveyTokenPattern } from '../../csat/survey.ts'
import { publishEvents, recordScore } from '../../pipeline/csat.ts'
import type { CsatFilter, OpenSurvey } from '../../store/queries/csat.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { requireSupervisor, resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'

const channelNames = Object.keys(channels)
const Settings = Type.Object({
  enabled: Type.Boolean(),
  channels: Type.Array(Type.Union(channelNames.map((c) => Type.Literal(c))), { maxItems: channelNames.length, uniqueItems: true, description: 'channels that get surveys; empty: every channel that can send one' }),
  message: Type.String({ minLength: 1, maxLength: 1000, description: 'the survey message; {link} is replaced by the survey link (appended when missing)' }),
  delayMinutes: Type.Integer({ minimum: 0, maximum: 10_080, description: 'minutes after the resolution the survey is sent' }),
  publicConversations: Type.Boolean({ description: 'public conversations get a survey too (a private message where the channel can, else a public reply); default false' }),
}, { additionalProperties: false })
const SettingsBody = Type.Composite([Type.Omit(Settings, ['publicConversations']), Type.Object({ publicConversations: Type.Optional(Type.Boolean()) })], { additionalProperties: false })

const dayMs = 86_400_000
const FilterQuery = Type.Composite([WorkspaceQuery, Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'default: 30 days before `to`' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now (exclusive)' })),
  agent: Type.Optional(Type.String({ format: 'uuid' })),
  queue: Type.Optional(Type.String({ format: 'uuid' })),
})])
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Count = Type.Integer({ minimum: 0 })
const Summary = Type.Object({
  from: Type.String(), to: Type.String(),
  count: Count,
  average: Nullable(Type.Number({ description: 'mean score 1..5' })),
  csatPercent: Nullable(Type.Number({ description: 'share of 4 and 5, percent' })),
  distribution: Type.Object({ 1: Count, 2: Count, 3: Count, 4: Count, 5: Count }),
})
const ResponseView = Type.Object({
  id: Type.String(), conversationId: Type.String(), agentId: Nullable(Type.String()), queueId: Nullable(Type.String()), channel: Type.String(),
  score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Nullable(Type.String()), source: Type.Union([Type.Literal('link'), Type.Literal('reply')]), at: Type.String(),
})

function filterOf(q: { from?: string; to?: string; agent?: string; queue?: string }): CsatFilter {
  const to = q.to === undefined ? new Date() : new Date(q.to)
  const from = q.from === undefined ? new Date(to.getTime() - 30 * dayMs) : new Date(q.from)
  if (from.getTime() > to.getTime()) raise('VALIDATION', '`from` is after `to`')
  return { from, to, ...(q.agent === undefined ? {} : { agentId: q.agent }), ...(q.queue === undefined ? {} : { queueId: q.queue }) }
}

export const csatRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  app.get('/settings/csat', {
    schema: { summary: 'The workspace\'s satisfaction survey settings', tags: ['csat', 'settings'], querystring: WorkspaceQuery, response: { 200: Settings, 404: ErrorBody } },
  }, async (req) => store.csat.settings((await resolveWorkspace(store, req, req.query.workspace)).id))

  app.put('/settings/csat', {
    schema: {
      summary: 'Set the satisfaction survey settings (supervisors)',
      description: 'When enabled, every resolution schedules a survey: on private conversations (DM, email, web chat, private webhook threads) a message with a link to a 1–5 page; public conversations only with publicConversations. A reply that is just 1–5 (or stars) also counts as the score.',
      tags: ['csat', 'settings'], querystring: WorkspaceQuery, body: SettingsBody, response: { 200: Settings, 400: ErrorBody, 403: ErrorBody },
    },
  }, async (req) => {
    requireSupervisor(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const settings = { ...req.body, channels: [...req.body.channels], publicConversations: req.body.publicConversations ?? false }
    if (settings.message.trim() === '') raise('VALIDATION', 'message is empty')
    await store.transaction(async (tx) => {
      const before = await tx.csat.settings(ws.id)
      await tx.csat.setSettings(ws.id, settings)
      await tx.audit.record({ workspaceId: ws.id, actor: `token:${req.token!.name}`, action: 'settings.csat', targetType: 'workspace', targetId: ws.id, detail: { before, after: settings } })
    })
    return store.csat.settings(ws.id)
  })

  app.get('/csat', {
    schema: {
      summary: 'Satisfaction scores: count, average, CSAT % (share of 4–5) and distribution, by period, agent and queue',
      tags: ['csat'], querystring: FilterQuery, response: { 200: Summary, 400: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const f = filterOf(req.query)
    return { from: f.from.toISOString(), to: f.to.toISOString(), ...summarise(await store.csat.distribution(ws.id, f)) }
  })

  app.get('/csat/responses', {
    schema: {
      summary: 'Satisfaction responses with their comments, newest first',
      tags: ['csat'], querystring: Type.Composite([FilterQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) })]),
      response: { 200: Type.Object({ items: Type.Array(ResponseView) }), 400: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    return { items: await store.csat.responses(ws.id, filterOf(req.query), req.query.limit ?? 100) }
  })

  app.get('/conversations/:id/csat', {
    schema: {
      summary: 'A conversation\'s satisfaction surveys: scheduled, sent, answered (with the score) or skipped (with the reason)',
      tags: ['csat', 'conversations'], params: IdParams, querystring: WorkspaceQuery,
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(), status: Type.Union(['scheduled', 'sent', 'answered', 'skipped'].map((x) => Type.Literal(x))), skipReason: Nullable(Type.String()),
            resolvedAt: Type.String(), sendAt: Type.String(), sentAt: Nullable(Type.String()), expiresAt: Nullable(Type.String()), outboxId: Nullable(Type.String()),
            score: Nullable(Type.Integer()), comment: Nullable(Type.String()),
          })),
        }),
        404: ErrorBody,
      },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND', req.params.id)
    return { items: await store.csat.surveyOf(conversation.id) }
  })
}

// ── the public page ──────────────────────────────────────────────────────────────────────────────

const pageBodyLimitBytes = 16 * 1024
const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) })

const wantsHtml = (req: FastifyRequest) =>
  (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') || (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html'))

function titleOf(code: string): string {
  switch (code) {
    case 'CSAT_ALREADY_ANSWERED': return 'Already answered'
    case 'CSAT_SURVEY_EXPIRED': return 'This survey has expired'
    case 'CSAT_SURVEY_NOT_FOUND': return 'Survey not found'
    default: return 'Something is wrong'
  }
}

export const csatPublicRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus }) => {
  // HTML forms post application/x-www-form-urlencoded; the rest of the API never sees this parser.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: pageBodyLimitBytes }, (_req, body, done) => {
    const out: Record<string, string> = {}
    for (const [k, v] of new URLSearchParams(body as string)) if (!(k in out)) out[k] = v
    done(null, out)
  })

  // People get pages, programs get {error:{code,message}}.
  app.setErrorHandler((error: FastifyError | EarshotError, req: FastifyRequest, reply: FastifyReply) => {
    let status = 500
    let code = 'INTERNAL'
    let message: string = errorCatalogue.INTERNAL.message
    if (error instanceof EarshotError) ({ status, code, message } = error)
    else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413
      code = 'PAYLOAD_TOO_LARGE'
      message = `${errorCatalogue.PAYLOAD_TOO_LARGE.message}: at most ${pageBodyLimitBytes} bytes (a comment of at most ${commentLengthMax} characters)`
    }
    else if (error.validation !== undefined || error.code === 'FST_ERR_VALIDATION' || (typeof error.statusCode === 'number' && error.statusCode < 500)) {
      status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 && error.code !== 'FST_ERR_VALIDATION' ? error.statusCode : 400
      code = status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION'
      message = `${errorCatalogue.VALIDATION.message}: ${error.message}`
    } else req.log.error({ err: error }, 'unhandled error')
    if (wantsHtml(req)) return reply.status(status).headers(pageHeaders).send(problemPage(titleOf(code), message))
    return reply.status(status).send({ error: { code, message } })
  })

  async function openSurvey(token: string, now: Date): Promise<OpenSurvey> {
    if (!surveyTokenPattern.test(token)) raise('CSAT_SURVEY_NOT_FOUND')
    const survey = (await store.csat.byTokenHash(hashSurveyToken(token))) ?? raise('CSAT_SURVEY_NOT_FOUND')
    if (survey.status === 'answered') raise('CSAT_ALREADY_ANSWERED', 'thank you, your score is already recorded')
    if (survey.status !== 'sent' || survey.expiresAt === null) raise('CSAT_SURVEY_NOT_FOUND')
    if (survey.expiresAt.getTime() <= now.getTime()) raise('CSAT_SURVEY_EXPIRED', `it could be answered until ${survey.expiresAt.toISOString()}`)
    return survey
  }

  app.get('/csat/:token', {
    schema: { summary: 'The survey page (HTML) a customer reaches from the survey link', tags: ['csat'], security: [], params: TokenParams, produces: ['text/html'] },
  }, async (req, reply) => {
    const survey = await openSurvey(req.params.token, new Date())
    return reply.headers(pageHeaders).send(surveyPage(survey.workspaceName, req.params.token))
  })

  app.post('/csat/:token', {
    bodyLimit: pageBodyLimitBytes,
    schema: {
      summary: 'Answer a survey (the page\'s form, or JSON): a score 1–5 and an optional comment; once per link',
      description: '409 CSAT_ALREADY_ANSWERED for a used link, 410 CSAT_SURVEY_EXPIRED after 7 days, 404 CSAT_SURVEY_NOT_FOUND for an unknown one. Form posts get HTML pages.',
      tags: ['csat'], security: [], params: TokenParams, consumes: ['application/x-www-form-urlencoded', 'application/json'],
      body: Type.Object({
        score: Type.Integer({ minimum: 1, maximum: 5 }),
        comment: Type.Optional(Type.String({ maxLength: commentLengthMax })),
      }),
      response: { 200: Type.Object({ score: Type.Integer(), recorded: Type.Boolean() }), 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 410: ErrorBody, 413: ErrorBody },
    },
  }, async (req, reply) => {
    const now = new Date()
    const survey = await openSurvey(req.params.token, now)
    const comment = req.body.comment?.trim() ?? ''
    const recorded = await store.transaction(async (tx) => recordScore(tx, survey, { score: req.body.score, comment: comment === '' ? null : comment, source: 'link', at: now }))
    if (recorded === null) raise('CSAT_ALREADY_ANSWERED', 'thank you, your score is already recorded')
    await publishEvents(bus, [recorded.event], (line) => req.log.warn(line))
    if (wantsHtml(req)) return reply.headers(pageHeaders).send(thanksPage(survey.workspaceName, req.body.score))
    return { score: req.body.score, recorded: true }
  })
}

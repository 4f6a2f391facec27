// Builds the HTTP API (no listen): public ops routes and page, authenticated /api/v1, OpenAPI at /docs.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import websocket from '@fastify/websocket'
import cookie from '@fastify/cookie'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ApiDeps } from './context.ts'
import { installErrorHandling } from './errors.ts'
import { authPlugin } from './plugins/auth.ts'
import { webchatGateway } from '../channels/webchat/gateway.ts'
import { webchatHub } from '../channels/webchat/hub.ts'
import { widgetSource } from '../channels/webchat/widget.ts'
import { ingestLater } from '../pipeline/ingest.ts'
import { adminRoutes } from './routes/admin.ts'
import { channelAccountRoutes } from './routes/channel-accounts.ts'
import { conversationRoutes } from './routes/conversations.ts'
import { contactRoutes } from './routes/contacts.ts'
import { mergeRoutes } from './routes/merge.ts'
import { noteRoutes } from './routes/notes.ts'
import { tagRoutes } from './routes/tags.ts'
import { correctionRoutes } from './routes/corrections.ts'
import { draftRoutes } from './routes/drafts.ts'
import { ingestRoutes } from './routes/ingest.ts'
import { listeningRoutes } from './routes/listening.ts'
import { approvalRoutes } from './routes/approvals.ts'
import { replyRoutes } from './routes/replies.ts'
import { routingRoutes } from './routes/routing.ts'
import { settingsRoutes } from './routes/settings.ts'
import { opsRoutes } from './routes/ops.ts'
import { streamRoutes } from './routes/stream.ts'
import { wallboardRoutes } from './routes/wallboard.ts'
import { webhookRoutes } from './routes/webhooks.ts'
import { credentialRoutes, sessionRoutes } from './routes/session.ts'
import { workflowRoutes } from './routes/workflow.ts'
import { eventWebhookRoutes } from './routes/event-webhooks.ts'
import { csatRoutes, csatPublicRoutes } from './routes/csat.ts'

const pageDir = join(dirname(fileURLToPath(import.meta.url)), 'page')
/** The agent app built by `npm run build` (web/ → web/dist); without it, the single-file first page is served. */
export const webDistDir = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist')

export interface AppOptions extends ApiDeps {
  logger?: boolean | { level: string }
  jsonBodyLimitBytes?: number
}

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.jsonBodyLimitBytes ?? 1024 * 1024,
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>()
  installErrorHandling(app)

  app.addHook('onResponse', async (req, reply) => {
    opts.metrics.httpRequests.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    )
  })

  await app.register(swagger, {
    openapi: {
      info: { title: 'Earshot API', version: '0.1.0', description: 'Social customer service: ingest, prioritised inbox, live stream.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  await app.register(cookie)

  const deps: ApiDeps = { store: opts.store, bus: opts.bus, runner: opts.runner, metrics: opts.metrics, ingestBodyLimitBytes: opts.ingestBodyLimitBytes, secretBox: opts.secretBox, outbox: opts.outbox, sources: opts.sources, llm: opts.llm ?? null, ...(opts.webhooksAllowPrivate === undefined ? {} : { webhooksAllowPrivate: opts.webhooksAllowPrivate }) }
  await app.register(opsRoutes, deps)

  const built = existsSync(join(webDistDir, 'index.html'))
  const htmlPage = (html: string) => async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
  const classicPage = htmlPage(readFileSync(join(pageDir, 'index.html'), 'utf8'))
  const sendIndex = built ? htmlPage(readFileSync(join(webDistDir, 'index.html'), 'utf8')) : classicPage
  app.get('/', { schema: { hide: true } }, sendIndex)
  app.get('/classic', { schema: { hide: true } }, classicPage)
  if (built) {
    const fastifyStatic = (await import('@fastify/static')).default
    await app.register(fastifyStatic, { root: join(webDistDir, 'assets'), prefix: '/assets/', maxAge: '1y', immutable: true })
    // client-side routes of the app (e.g. /conversations/…) get the app's index.html
    for (const path of ['/inbox', '/inbox/*', '/conversations/*', '/supervisor', '/supervisor/*', '/settings', '/settings/*', '/login']) {
      app.get(path, { schema: { hide: true } }, sendIndex)
    }
  }

  // Web chat: the embeddable widget and the visitors' sockets (public: visitors have no token).
  app.get('/widget.js', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(widgetSource))
  await app.register(webchatGateway({
    hub: webchatHub,
    async isAccountOpen(accountId) {
      const account = await opts.store.channelAccounts.byId(accountId)
      return account !== null && account.channel === 'webchat' && account.enabled
    },
    async onVisitorMessage(accountId, body) {
      const account = await opts.store.channelAccounts.byId(accountId)
      if (account === null || !account.enabled) throw new Error('this chat is closed')
      await ingestLater(opts.store, opts.bus, account.workspaceId, 'webchat', [{ body, origin: 'webchat' }], account.id)
    },
  }))

  // Customers answer satisfaction surveys from a link: the token in it is their only credential.
  await app.register(csatPublicRoutes, deps)

  // Platforms deliver webhooks without our bearer token: their own signatures authenticate them.
  await app.register(webhookRoutes, { ...deps, prefix: '/api/v1' })
  // Signing in has no credentials yet: its own route checks them (rate-limited).
  await app.register(sessionRoutes, { ...deps, prefix: '/api/v1' })

  await app.register(async (v1) => {
    await v1.register(authPlugin, { store: opts.store })
    await v1.register(conversationRoutes, deps)
    await v1.register(adminRoutes, deps)
    await v1.register(streamRoutes, deps)
    await v1.register(ingestRoutes, deps)
    await v1.register(listeningRoutes, deps)
    await v1.register(correctionRoutes, deps)
    await v1.register(draftRoutes, deps)
    await v1.register(settingsRoutes, deps)
    await v1.register(channelAccountRoutes, deps)
    await v1.register(wallboardRoutes, deps)
    await v1.register(replyRoutes, deps)
    await v1.register(approvalRoutes, deps)
    await v1.register(routingRoutes, deps)
    await v1.register(credentialRoutes, deps)
    await v1.register(workflowRoutes, deps)
    await v1.register(tagRoutes, deps)
    await v1.register(noteRoutes, deps)
    await v1.register(mergeRoutes, deps)
    await v1.register(contactRoutes, deps)
    await v1.register(eventWebhookRoutes, deps)
    await v1.register(csatRoutes, deps)
  }, { prefix: '/api/v1' })

  return app
}

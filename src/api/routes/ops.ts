import type { FastifyPluginAsync } from 'fastify'
import type { ApiDeps } from '../context.ts'

export const opsRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }))
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await deps.store.db.query('select 1')
      return { ok: true, store: deps.store.db.kind, bus: deps.bus.kind }
    } catch {
      return reply.status(503).send({ error: { code: 'UNAVAILABLE', message: 'database not reachable' } })
    }
  })
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType)
    return deps.metrics.registry.metrics()
  })
}

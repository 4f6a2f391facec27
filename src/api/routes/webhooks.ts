// Public webhook endpoints: platforms deliver here without a bearer token. The account named in the
// URL supplies the secrets; the channel's verify answers handshakes and refuses forged deliveries
// before anything is stored. Accepted bodies go to the inbound log untouched and the answer is fast.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { accountRuntime } from '../../accounts/accounts.ts'
import type { SecretBox } from '../../accounts/secret-box.ts'
import { channelByName } from '../../channels/index.ts'
import { raise } from '../../core/errors.ts'
import { ingestLater } from '../../pipeline/ingest.ts'
import type { ApiDeps } from '../context.ts'

const Params = Type.Object({ channel: Type.String({ maxLength: 40 }), accountId: Type.String({ maxLength: 64 }) })

export const webhookRoutes: FastifyPluginAsyncTypebox<ApiDeps & { secretBox: SecretBox }> = async (app, { store, bus, metrics, secretBox, ingestBodyLimitBytes }) => {
  // Signatures are computed over the exact bytes: no parser may touch the body first.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ingestBodyLimitBytes }, (_req, body, done) => done(null, body))

  async function handle(req: { method: string; params: { channel: string; accountId: string }; query: unknown; headers: Record<string, string | string[] | undefined>; body: unknown }) {
    const channel = channelByName(req.params.channel)
    const row = channel === undefined ? null : await store.channelAccounts.byId(req.params.accountId)
    // The same answer for an unknown channel, an unknown account and a disabled one: nothing to probe.
    if (channel?.verify === undefined || row === null || row.channel !== channel.name || !row.enabled) raise('NOT_FOUND', 'no webhook here')
    const account = accountRuntime(row, secretBox)
    const headers: Record<string, string | undefined> = {}
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
    const query: Record<string, string | undefined> = {}
    for (const [k, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) if (typeof v === 'string') query[k] = v
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    const verdict = channel.verify({ method: req.method, query, headers, rawBody }, account)
    return { channel, account, rawBody, verdict }
  }

  const schema = {
    tags: ['webhooks'],
    params: Params,
    security: [],
  }

  app.get('/webhooks/:channel/:accountId', {
    schema: { ...schema, summary: 'Webhook handshake (X CRC, Meta hub.challenge)' },
  }, async (req, reply) => {
    const { verdict } = await handle(req)
    if (verdict.kind === 'respond') return reply.status(verdict.status).type(verdict.contentType).send(verdict.body)
    if (verdict.kind === 'reject') raise(verdict.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', verdict.reason)
    raise('VALIDATION', 'this endpoint answers handshakes only on GET')
  })

  app.post('/webhooks/:channel/:accountId', {
    bodyLimit: ingestBodyLimitBytes,
    schema: { ...schema, summary: 'Webhook delivery: verified on its raw bytes, stored, processed asynchronously' },
  }, async (req, reply) => {
    const { channel, account, rawBody, verdict } = await handle(req)
    if (verdict.kind === 'respond') return reply.status(verdict.status).type(verdict.contentType).send(verdict.body)
    if (verdict.kind === 'reject') {
      metrics.ingestUnits.inc({ channel: channel.name, outcome: 'forged' }, 1)
      raise(verdict.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', verdict.reason)
    }
    const body = new TextDecoder('utf-8', { fatal: false }).decode(rawBody)
    if (body.trim() === '') raise('VALIDATION', 'empty webhook body')
    await ingestLater(store, bus, account.workspaceId, channel.name, [{ body, origin: `webhook ${req.id}` }], account.id)
    metrics.ingestUnits.inc({ channel: channel.name, outcome: 'accepted' }, 1)
    return reply.status(200).send({ received: true })
  })
}

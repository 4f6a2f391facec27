import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { channelByName } from '../../channels/index.ts'
import { channelNames } from '../../core/model.ts'
import { raise } from '../../core/errors.ts'
import { framingFromName, splitUnits } from '../../pipeline/framing.ts'
import { ingestNow } from '../../pipeline/ingest.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { IngestSummarySchema, WorkspaceQuery } from '../schemas.ts'

export const ingestRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, runner, metrics, ingestBodyLimitBytes }) => {
  // The platform's own wire format arrives untouched: the channel parser, not Fastify, reads it.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ingestBodyLimitBytes }, (_req, body, done) => {
    const bytes = body as Buffer
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
    done(null, text)
  })

  app.post('/ingest/:channel', {
    bodyLimit: ingestBodyLimitBytes,
    schema: {
      summary: 'Ingest raw platform payloads in the platform\'s own wire format',
      description: `JSONL (one event per line, Content-Type application/x-ndjson) or one document (JSON/XML). Channels: ${channelNames.join(', ')}. Lines are numbered from \`line_offset\` + 1 in rejections.`,
      tags: ['ingest'],
      params: Type.Object({ channel: Type.String({ maxLength: 40 }) }),
      querystring: Type.Composite([WorkspaceQuery, Type.Object({
        framing: Type.Optional(Type.Union([Type.Literal('jsonl'), Type.Literal('document')])),
        line_offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      })]),
      response: { 200: IngestSummarySchema, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 413: ErrorBody },
    },
  }, async (req) => {
    const channel = channelByName(req.params.channel) ?? raise('UNKNOWN_CHANNEL', `${req.params.channel}; known channels: ${channelNames.join(', ')}`)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const body = typeof req.body === 'string' ? req.body : ''
    const framing = req.query.framing ?? framingFromName(req.headers['content-type'] ?? '') ?? channel.framing
    const summary = await ingestNow(store, runner, ws.id, channel.name, splitUnits(body, framing, req.query.line_offset ?? 0))
    metrics.ingestUnits.inc({ channel: channel.name, outcome: 'accepted' }, summary.units - summary.rejected.length)
    metrics.ingestUnits.inc({ channel: channel.name, outcome: 'rejected' }, summary.rejected.length)
    return summary
  })
}

// Channel accounts: the connections a workspace answers through (an X user, a Facebook Page,
// a mailbox …). Secrets go in, are stored encrypted, and never come back out.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { accountRuntime, accountView, checkAccountFields, mergeFields, openSecrets } from '../../accounts/accounts.ts'
import type { SecretBox } from '../../accounts/secret-box.ts'
import { channelByName } from '../../channels/index.ts'
import { requestTimeoutMs } from '../../channels/http.ts'
import { channelNames } from '../../core/model.ts'
import { raise } from '../../core/errors.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { requireAdmin, resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'

const FieldName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_]*$' })
const Fields = Type.Record(FieldName, Type.String({ maxLength: 8192 }))
const FieldPatch = Type.Record(FieldName, Type.Union([Type.Null(), Type.String({ maxLength: 8192 })]))

const AccountSchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  name: Type.String(),
  settings: Type.Record(Type.String(), Type.String()),
  secretsSet: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  health: Type.Union([Type.Literal('unknown'), Type.Literal('ok'), Type.Literal('error')]),
  lastError: Type.Union([Type.Null(), Type.String()]),
  webhookPath: Type.Union([Type.Null(), Type.String()]),
  capabilities: Type.Object({ webhook: Type.Boolean(), source: Type.Boolean(), send: Type.Array(Type.String()), testConnection: Type.Boolean() }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})

export const channelAccountRoutes: FastifyPluginAsyncTypebox<ApiDeps & { secretBox: SecretBox }> = async (app, { store, secretBox, sources }) => {
  const channelOf = (name: string) => channelByName(name) ?? raise('UNKNOWN_CHANNEL', `${name}; known channels: ${channelNames.join(', ')}`)
  const audit = (workspaceId: string, actor: string, action: string, id: string, detail: Record<string, unknown>) =>
    store.audit.record({ workspaceId, actor, action, targetType: 'channel_account', targetId: id, detail })

  app.get('/channel-accounts', {
    schema: { summary: 'Channel accounts of a workspace (secrets are never returned)', tags: ['channels'], querystring: WorkspaceQuery, response: { 200: Type.Object({ items: Type.Array(AccountSchema) }) } },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    return { items: (await store.channelAccounts.list(ws.id)).map((row) => accountView(row, channelOf(row.channel), secretBox)) }
  })

  app.get('/channels', {
    schema: {
      summary: 'The channels Earshot speaks, with the account fields each needs',
      tags: ['channels'],
      response: { 200: Type.Object({ items: Type.Array(Type.Object({
        name: Type.String(), label: Type.String(), replyLengthMax: Type.Union([Type.Null(), Type.Integer()]),
        webhook: Type.Boolean(), source: Type.Boolean(), send: Type.Array(Type.String()),
        settings: Type.Array(Type.String()), secrets: Type.Array(Type.String()),
      })) }) },
    },
  }, async () => ({
    items: channelNames.map((n) => {
      const c = channelOf(n)
      return {
        name: c.name, label: c.label, replyLengthMax: c.replyLengthMax, webhook: c.verify !== undefined, source: c.source !== undefined,
        send: [...(c.send?.actions ?? [])], settings: [...(c.accountFields?.settings ?? [])], secrets: [...(c.accountFields?.secrets ?? [])],
      }
    }),
  }))

  app.post('/channel-accounts', {
    schema: {
      summary: 'Connect a channel account',
      description: 'Settings and secrets are checked against the channel\'s field names (GET /channels). Secrets are stored encrypted (AES-256-GCM).',
      tags: ['channels'],
      querystring: WorkspaceQuery,
      body: Type.Object({
        channel: Type.String({ maxLength: 40 }),
        name: Type.String({ minLength: 1, maxLength: 100 }),
        settings: Type.Optional(Fields),
        secrets: Type.Optional(Fields),
        enabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 201: AccountSchema, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
    },
  }, async (req, reply) => {
    requireAdmin(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const channel = channelOf(req.body.channel)
    const settings = req.body.settings ?? {}
    const secrets = req.body.secrets ?? {}
    checkAccountFields(channel, settings, secrets)
    const created = await store.channelAccounts.create(ws.id, {
      channel: channel.name, name: req.body.name, settings, enabled: req.body.enabled ?? true,
      sealedSecrets: Object.keys(secrets).length === 0 ? null : secretBox.seal(secrets),
    })
    if (created === null) raise('CONFLICT', `a ${channel.name} account named "${req.body.name}" exists`)
    await audit(ws.id, `token:${req.token!.name}`, 'channel_account.create', created.id, { channel: channel.name, name: created.name, settings: Object.keys(settings), secrets: Object.keys(secrets) })
    await sources.refresh()
    return reply.status(201).send(accountView(created, channel, secretBox))
  })

  app.patch('/channel-accounts/:id', {
    schema: {
      summary: 'Change a channel account: settings and secrets are merged, null removes a key',
      tags: ['channels'],
      params: IdParams,
      querystring: WorkspaceQuery,
      body: Type.Object({
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        settings: Type.Optional(FieldPatch),
        secrets: Type.Optional(FieldPatch),
        enabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: { 200: AccountSchema, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
    },
  }, async (req) => {
    requireAdmin(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const row = (await store.channelAccounts.get(ws.id, req.params.id)) ?? raise('ACCOUNT_NOT_FOUND')
    const channel = channelOf(row.channel)
    checkAccountFields(channel, req.body.settings ?? {}, req.body.secrets ?? {})
    const settings = req.body.settings === undefined ? undefined : mergeFields(row.settings, req.body.settings)
    const secrets = req.body.secrets === undefined ? undefined : mergeFields(openSecrets(row, secretBox), req.body.secrets)
    const updated = (await store.channelAccounts.update(ws.id, row.id, {
      name: req.body.name, settings, enabled: req.body.enabled,
      sealedSecrets: secrets === undefined ? undefined : Object.keys(secrets).length === 0 ? null : secretBox.seal(secrets),
    })) ?? raise('ACCOUNT_NOT_FOUND')
    await audit(ws.id, `token:${req.token!.name}`, 'channel_account.update', row.id, {
      name: req.body.name, enabled: req.body.enabled, settings: Object.keys(req.body.settings ?? {}), secrets: Object.keys(req.body.secrets ?? {}),
    })
    await sources.refresh()
    return accountView(updated, channel, secretBox)
  })

  app.delete('/channel-accounts/:id', {
    schema: { summary: 'Disconnect a channel account (its conversations stay)', tags: ['channels'], params: IdParams, querystring: WorkspaceQuery, response: { 204: Type.Null(), 403: ErrorBody, 404: ErrorBody } },
  }, async (req, reply) => {
    requireAdmin(req)
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    if (!(await store.channelAccounts.remove(ws.id, req.params.id))) raise('ACCOUNT_NOT_FOUND')
    await audit(ws.id, `token:${req.token!.name}`, 'channel_account.delete', req.params.id, {})
    await sources.refresh()
    return reply.status(204).send(null)
  })

  app.post('/channel-accounts/:id/test', {
    schema: {
      summary: 'Test connection: one cheap authenticated call to the platform',
      tags: ['channels'],
      params: IdParams,
      querystring: WorkspaceQuery,
      response: { 200: Type.Object({ ok: Type.Boolean(), detail: Type.String() }), 404: ErrorBody, 422: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const row = (await store.channelAccounts.get(ws.id, req.params.id)) ?? raise('ACCOUNT_NOT_FOUND')
    const channel = channelOf(row.channel)
    if (channel.testConnection === undefined) raise('CANNOT_SEND', `${channel.label} has no connection to test`)
    let result: { ok: boolean; detail: string }
    try {
      result = await channel.testConnection({ account: accountRuntime(row, secretBox), fetch, signal: AbortSignal.timeout(requestTimeoutMs), now: () => new Date() })
    } catch (err) {
      result = { ok: false, detail: err instanceof Error ? err.message : String(err) }
    }
    await store.channelAccounts.setHealth(row.id, result.ok ? 'ok' : 'error', result.ok ? null : result.detail)
    return result
  })
}

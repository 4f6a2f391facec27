import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { weightKeys, weightMax, type PriorityWeights } from '../../core/priority.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { WorkspaceQuery } from '../schemas.ts'

const Weights = Type.Object(
  Object.fromEntries(weightKeys.map((k) => [k, Type.Optional(Type.Number({ minimum: 0, maximum: weightMax }))])),
  { additionalProperties: false, description: `multipliers 0..${weightMax} per contribution (missing = 1; 0 removes it): ${weightKeys.join(', ')}` },
)

export const settingsRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store }) => {
  app.get('/settings/priority-weights', {
    schema: { summary: 'The workspace\'s weights on priority contributions', tags: ['settings'], querystring: WorkspaceQuery, response: { 200: Type.Object({ weights: Weights }) } },
  }, async (req) => ({ weights: await store.workspaces.priorityWeights((await resolveWorkspace(store, req, req.query.workspace)).id) }))

  app.put('/settings/priority-weights', {
    schema: {
      summary: 'Set the workspace\'s weights on priority contributions (applies to messages processed from now on and to re-scored ones)',
      tags: ['settings'],
      querystring: WorkspaceQuery,
      body: Type.Object({ weights: Weights }, { additionalProperties: false }),
      response: { 200: Type.Object({ weights: Weights }), 400: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const weights = req.body.weights as PriorityWeights
    await store.transaction(async (tx) => {
      await tx.workspaces.setPriorityWeights(ws.id, weights)
      await tx.audit.record({ workspaceId: ws.id, actor: `token:${req.token!.name}`, action: 'settings.priority_weights', targetType: 'workspace', targetId: ws.id, detail: { weights } })
    })
    return { weights }
  })
}

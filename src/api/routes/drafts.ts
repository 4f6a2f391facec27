// POST /conversations/:id/draft: a suggested reply from the optional LLM (EARSHOT_LLM_URL) for the agent
// to edit and send through the normal reply route. Never sent by itself; personal data is masked first.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { raise } from '../../core/errors.ts'
import { listConversationMessages, type MessageView } from '../../store/queries/messages.ts'
import type { ApiDeps } from '../context.ts'
import { ErrorBody } from '../errors.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { IdParams, WorkspaceQuery } from '../schemas.ts'

/** The message text with its personal-data spans replaced, so they never leave for the LLM. */
export function maskedText(m: Pick<MessageView, 'text' | 'pii'>): string {
  let out = m.text
  for (const p of [...m.pii].sort((a, b) => b.start - a.start)) {
    if (p.start >= 0 && p.end <= out.length && p.start < p.end) out = out.slice(0, p.start) + `[${p.kind}]` + out.slice(p.end)
  }
  return out
}

export const draftRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, llm }) => {
  app.get('/features', {
    schema: {
      summary: 'Optional features this server has switched on (the app shows their buttons only then)',
      tags: ['ops'],
      response: { 200: Type.Object({ llmDrafts: Type.Boolean({ description: 'POST /conversations/:id/draft works (EARSHOT_LLM_URL set)' }) }) },
    },
  }, async () => ({ llmDrafts: llm != null }))

  app.post('/conversations/:id/draft', {
    schema: {
      summary: 'A suggested reply from the optional LLM',
      description: 'Needs EARSHOT_LLM_URL (503 LLM_DISABLED otherwise). The last messages (personal data masked) go to the LLM; the text comes back for the agent to edit. Nothing is sent.',
      tags: ['conversations'],
      params: IdParams,
      querystring: WorkspaceQuery,
      response: { 200: Type.Object({ text: Type.String(), model: Type.String() }), 404: ErrorBody, 502: ErrorBody, 503: ErrorBody },
    },
  }, async (req) => {
    const ws = await resolveWorkspace(store, req, req.query.workspace)
    const conversation = (await store.conversations.get(ws.id, req.params.id)) ?? raise('CONVERSATION_NOT_FOUND', req.params.id)
    if (!llm) raise('LLM_DISABLED')
    const messages = (await listConversationMessages(store.db, conversation.id, 500)).filter((m) => m.text.trim() !== '').slice(-10)
    const draft = await llm.draftReply({ brand: ws.name, channel: messages.at(-1)?.channel ?? 'unknown', messages: messages.map((m) => ({ direction: m.direction, text: maskedText(m) })) })
    if (!draft.ok) raise('LLM_FAILED', draft.reason)
    return { text: draft.text, model: draft.model }
  })
}

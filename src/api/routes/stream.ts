// WebSocket /api/v1/stream: pushes new and updated conversations of one workspace as they commit.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { subjects, subjectToken, type ConversationEvent } from '../../bus/index.ts'
import type { ApiDeps } from '../context.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { WorkspaceQuery } from '../schemas.ts'
import { slaSubject, type SlaEvent } from '../../pipeline/sla-watch.ts'
import { eventsSubject } from '../../events/event.ts'

const bufferedBytesMax = 1 << 20 // a client this far behind is too slow: drop it rather than grow memory

export const streamRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus, metrics }) => {
  app.get('/stream', {
    websocket: true,
    schema: {
      summary: 'Live conversation events (WebSocket)',
      description: 'Messages are JSON: {type:"hello",workspace} first, then {type:"conversation.created"|"conversation.updated", conversation} and {type:"sla.warning"|"sla.breached", conversationId, metric, dueAt, band, at} and {id, type:"conversation.resolved"|"csat.received", workspaceId, at, data}. Browsers pass the token as ?access_token=.',
      tags: ['conversations'],
      querystring: Type.Composite([WorkspaceQuery, Type.Object({ access_token: Type.Optional(Type.String()) })]),
    },
  }, async (socket, req) => {
    metrics.wsClients.inc()
    let ws
    try {
      ws = await resolveWorkspace(store, req, req.query.workspace)
    } catch {
      socket.close(4404, 'workspace not found')
      return
    }
    const workspaceId = ws.id
    const unsubscribe = bus.subscribe(`earshot.conversation.${subjectToken(workspaceId)}.*`, (m) => {
      const event = m.data as ConversationEvent
      if (socket.readyState !== socket.OPEN) return
      if (socket.bufferedAmount > bufferedBytesMax) {
        socket.close(4008, 'client too slow')
        return
      }
      void store.conversations.get(workspaceId, event.conversationId).then((conversation) => {
        if (conversation !== null && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ type: event.type, conversation }))
      }, () => undefined)
    })
    const unsubscribeSla = bus.subscribe(slaSubject(workspaceId), (m) => {
      const event = m.data as SlaEvent
      if (socket.readyState === socket.OPEN && socket.bufferedAmount <= bufferedBytesMax) socket.send(JSON.stringify(event))
    })
    // workspace events: conversation.resolved, csat.received (the SLA ones come on their own subject above)
    const unsubscribeEvents = bus.subscribe(eventsSubject(workspaceId), (m) => {
      if (socket.readyState === socket.OPEN && socket.bufferedAmount <= bufferedBytesMax) socket.send(JSON.stringify(m.data))
    })
    socket.on('close', unsubscribeEvents)
    socket.on('error', unsubscribeEvents)
    socket.on('close', unsubscribe)
    socket.on('error', unsubscribe)
    socket.on('close', unsubscribeSla)
    socket.on('error', unsubscribeSla)
    socket.on('message', () => undefined) // clients do not talk yet; ignore rather than fail
    socket.send(JSON.stringify({ type: 'hello', workspace: { id: ws.id, slug: ws.slug, name: ws.name }, subject: subjects.conversation(ws.id, '*') }))
  })
}

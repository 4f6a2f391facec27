// WebSocket /api/v1/stream: pushes new and updated conversations of one workspace as they commit.
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { randomUUID } from 'node:crypto'
import { subjects, subjectToken, type ConversationEvent } from '../../bus/index.ts'
import { frameBudget, parsePresenceFrame, type PresenceEvent } from '../presence.ts'
import type { ApiDeps } from '../context.ts'
import { resolveWorkspace } from '../plugins/auth.ts'
import { WorkspaceQuery } from '../schemas.ts'
import { slaSubject, type SlaEvent } from '../../pipeline/sla-watch.ts'
import { noteSubject, type NoteEvent } from './notes.ts'
import { eventsSubject } from '../../events/event.ts'

const bufferedBytesMax = 1 << 20 // a client this far behind is too slow: drop it rather than grow memory

export const streamRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, { store, bus, metrics }) => {
  app.get('/stream', {
    websocket: true,
    schema: {
      summary: 'Live conversation events (WebSocket)',
      description: 'Messages are JSON: {type:"hello",workspace,connection} first, then {type:"conversation.created"|"conversation.updated", conversation}, {type:"sla.warning"|"sla.breached", conversationId, metric, dueAt, band, at}, {type:"note.created", conversationId, note} and, to the agent a note mentions, {type:"mention.created", conversationId, note}, {id, type:"conversation.resolved"|"csat.received", workspaceId, at, data}, and {type:"presence", conversationId, state:"viewing"|"typing"|"left", who:{key,name,agentId}, connection, at}. Clients send {type:"presence", conversationId, state} while they view or type in a conversation (again every 15 s; viewers older than 40 s are gone). Browsers sign in with the session cookie; scripts may pass ?access_token=.',
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
    const agentId = req.token?.agentId ?? null
    const unsubscribeNotes = bus.subscribe(noteSubject(workspaceId), (m) => {
      const { conversationId, note } = m.data as NoteEvent
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount > bufferedBytesMax) return
      socket.send(JSON.stringify({ type: 'note.created', conversationId, note }))
      if (agentId !== null && note.mentions.some((x) => x.agentId === agentId)) socket.send(JSON.stringify({ type: 'mention.created', conversationId, note }))
    })
    socket.on('close', unsubscribeNotes)
    socket.on('error', unsubscribeNotes)
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
    // Presence: what this socket says is relayed with who it is; its own echoes are not sent back.
    const connection = randomUUID()
    const principal = req.token!
    const who = { key: principal.agentId ?? `token:${principal.id}`, name: principal.name, agentId: principal.agentId }
    const announced = new Set<string>()
    const allowFrame = frameBudget()
    const relay = (conversationId: string, state: PresenceEvent['state']) => {
      const event: PresenceEvent = { type: 'presence', conversationId, state, who, connection, at: new Date().toISOString() }
      void bus.publish(subjects.presence(workspaceId), event).catch(() => undefined)
    }
    const unsubscribePresence = bus.subscribe(subjects.presence(workspaceId), (m) => {
      const event = m.data as PresenceEvent
      if (event.connection !== connection && socket.readyState === socket.OPEN && socket.bufferedAmount <= bufferedBytesMax) socket.send(JSON.stringify(event))
    })
    socket.on('message', (frame: Buffer) => {
      const claim = parsePresenceFrame(frame)
      if (claim === null || !allowFrame(Date.now())) return // not ours to answer, or too chatty
      if (claim.state === 'left') announced.delete(claim.conversationId)
      else announced.add(claim.conversationId)
      relay(claim.conversationId, claim.state)
    })
    socket.on('close', () => {
      unsubscribePresence()
      for (const id of announced) relay(id, 'left')
    })
    socket.send(JSON.stringify({ type: 'hello', workspace: { id: ws.id, slug: ws.slug, name: ws.name }, subject: subjects.conversation(ws.id, '*'), connection }))
  })
}

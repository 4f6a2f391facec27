// The WebSocket stream: keeps the inbox (and an open conversation) current without reloads.
import { useEffect, useState } from 'react'
import { useQueryClient, type QueryClient } from '@tanstack/react-query'
import { streamUrl } from '../../api/endpoints.ts'
import type { Conversation, ConversationDetail, Note, StreamEvent } from '../../api/types.ts'
import { onNoteEvent } from '../conversation/note-events.ts'

export type LiveState = 'connecting' | 'live' | 'offline'

// The one open stream of this page: presence is sent on it, and other features listen to its events.
let openSocket: WebSocket | null = null
const eventListeners = new Set<(event: unknown) => void>()
/** Sends a frame when the stream is open; dropped otherwise (presence beats repeat anyway). */
export function sendLive(frame: object): void {
  if (openSocket?.readyState === WebSocket.OPEN) openSocket.send(JSON.stringify(frame))
}
/** Hands a stream message that is not a conversation event to the listeners (the socket does; tests may). */
export function dispatchLiveEvent(event: unknown): void {
  for (const l of eventListeners) l(event)
}
/** Every parsed message of the stream that is not a conversation event (presence, SLA). */
export function onLiveEvent(listener: (event: unknown) => void): () => void {
  eventListeners.add(listener)
  return () => eventListeners.delete(listener)
}

const backoffMsMin = 1_000
const backoffMsMax = 15_000
const freshMs = 4_000

function parseEvent(data: unknown): StreamEvent | null {
  if (typeof data !== 'string') return null
  try {
    const msg = JSON.parse(data) as { type?: unknown; conversation?: unknown }
    if (msg.type === 'hello') return { type: 'hello' }
    if ((msg.type === 'conversation.created' || msg.type === 'conversation.updated') && typeof msg.conversation === 'object' && msg.conversation !== null) {
      return { type: msg.type, conversation: msg.conversation as Conversation }
    }
    const note = msg as { conversationId?: unknown; note?: unknown }
    if ((msg.type === 'note.created' || msg.type === 'mention.created') && typeof note.conversationId === 'string' && typeof note.note === 'object' && note.note !== null) {
      return { type: msg.type, conversationId: note.conversationId, note: note.note as Note }
    }
  } catch { /* not JSON: ignore */ }
  return null
}

/** Puts a conversation into every cached inbox list of the workspace whose status filter it passes, or takes it out. */
export function applyConversation(client: QueryClient, workspace: string, c: Conversation): void {
  for (const query of client.getQueryCache().findAll({ queryKey: ['inbox', workspace] })) {
    const statusKey = query.queryKey[2]
    const wanted = typeof statusKey === 'string' ? statusKey.split(',') : []
    client.setQueryData<{ items: Conversation[] }>(query.queryKey, (old) => {
      if (old === undefined) return old
      const rest = old.items.filter((x) => x.id !== c.id)
      return { ...old, items: wanted.includes(c.status) && c.mergedInto == null ? [...rest, c] : rest }
    })
  }
  client.setQueryData<ConversationDetail>(['conversation', workspace, c.id], (old) => (old === undefined ? old : { ...old, ...c }))
}

export function useLiveStream(workspace: string): { state: LiveState; fresh: ReadonlySet<string> } {
  const client = useQueryClient()
  const [state, setState] = useState<LiveState>('connecting')
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set())

  useEffect(() => {
    let socket: WebSocket | null = null
    let retryTimer: ReturnType<typeof setTimeout> | undefined
    let backoffMs = backoffMsMin
    let stopped = false
    let wasOffline = false

    const markFresh = (id: string) => {
      setFresh((s) => new Set(s).add(id))
      setTimeout(() => setFresh((s) => { const n = new Set(s); n.delete(id); return n }), freshMs)
    }

    const connect = () => {
      setState('connecting')
      socket = new WebSocket(streamUrl(workspace))
      openSocket = socket
      socket.onmessage = (ev) => {
        const event = parseEvent(ev.data)
        if (event === null) {
          try {
            dispatchLiveEvent(JSON.parse(String(ev.data)))
          } catch { /* not JSON */ }
          return
        }
        if (event.type === 'hello') {
          dispatchLiveEvent({ type: 'hello' }) // e.g. presence says again where it is
          setState('live')
          backoffMs = backoffMsMin
          // events sent while we were away are lost: refetch once
          if (wasOffline) void client.invalidateQueries({ queryKey: ['inbox', workspace] })
          return
        }
        if ('note' in event) { onNoteEvent(client, workspace, event); return }
        applyConversation(client, workspace, event.conversation)
        void client.invalidateQueries({ queryKey: ['conversation', workspace, event.conversation.id] })
        markFresh(event.conversation.id)
      }
      socket.onclose = () => {
        if (stopped) return
        wasOffline = true
        setState('offline')
        const jitterMs = Math.random() * 250
        retryTimer = setTimeout(connect, backoffMs + jitterMs)
        backoffMs = Math.min(backoffMs * 2, backoffMsMax)
      }
    }
    connect()
    return () => {
      stopped = true
      clearTimeout(retryTimer)
      if (openSocket === socket) openSocket = null
      socket?.close()
    }
  }, [workspace, client])

  return { state, fresh }
}

// Keeps the wallboard current: refetches when the stream reports a conversation event (at most
// once per refetchGapMs) and every pollMs as a floor.
//
// Why its own socket rather than listening to the app's: the app's stream only touches queries
// that are already cached (inbox lists, open conversations). A supervisor who opens /supervisor
// directly has none, so cache events would never fire. One extra socket per open wallboard is
// the least intrusive way that always works, and it changes nothing in the inbox code.
import { useEffect } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { streamUrl } from '../../api/endpoints.ts'

export const pollMs = 30_000
const refetchGapMs = 1_500
const backoffMsMin = 1_000
const backoffMsMax = 30_000

export const wallboardKey = (workspace: string) => ['wallboard', workspace] as const

const isConversationEvent = (data: unknown): boolean => {
  if (typeof data !== 'string') return false
  try {
    const type = (JSON.parse(data) as { type?: unknown }).type
    return type === 'conversation.created' || type === 'conversation.updated'
  } catch {
    return false
  }
}

export function useWallboardLive(workspace: string): void {
  const client = useQueryClient()
  useEffect(() => {
    let socket: WebSocket | null = null
    let stopped = false
    let wasOffline = false
    let backoffMs = backoffMsMin
    let retryTimer: ReturnType<typeof setTimeout> | undefined
    let refetchTimer: ReturnType<typeof setTimeout> | undefined
    const refetchSoon = () => {
      if (refetchTimer !== undefined) return
      refetchTimer = setTimeout(() => {
        refetchTimer = undefined
        void client.invalidateQueries({ queryKey: wallboardKey(workspace) })
      }, refetchGapMs)
    }
    const connect = () => {
      socket = new WebSocket(streamUrl(workspace))
      socket.onmessage = (ev) => {
        if (isConversationEvent(ev.data)) { refetchSoon(); return }
        backoffMs = backoffMsMin
        if (wasOffline) { wasOffline = false; refetchSoon() } // events sent while away are lost
      }
      socket.onclose = () => {
        if (stopped) return
        wasOffline = true
        retryTimer = setTimeout(connect, backoffMs + Math.random() * 250)
        backoffMs = Math.min(backoffMs * 2, backoffMsMax)
      }
    }
    connect()
    return () => {
      stopped = true
      clearTimeout(retryTimer)
      clearTimeout(refetchTimer)
      socket?.close()
    }
  }, [workspace, client])
}

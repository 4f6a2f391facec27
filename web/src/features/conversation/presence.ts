// Who else is on a conversation: this browser says "viewing" (and "typing" while the reply box
// changes) over the live stream, repeats it every 15 s, says "left" when the page closes; colleagues'
// states arrive the same way and are forgotten after 40 s without a beat.
import { useEffect, useRef, useSyncExternalStore } from 'react'
import { onLiveEvent, sendLive } from '../inbox/live-stream.ts'

export type PresenceState = 'viewing' | 'typing' | 'left'
export interface Viewer { key: string; name: string; state: 'viewing' | 'typing'; seenAt: number }

const beatMs = 15_000
const ttlMs = 40_000
const typingIdleMs = 6_000

interface PresenceEvent { type: 'presence'; conversationId: string; state: PresenceState; who: { key: string; name: string } }

const viewers = new Map<string, Map<string, Viewer>>()
const listeners = new Set<() => void>()
const snapshots = new Map<string, Viewer[]>()
const emit = (conversationId: string) => {
  snapshots.delete(conversationId)
  for (const l of listeners) l()
}

function isPresence(e: unknown): e is PresenceEvent {
  const o = e as Partial<PresenceEvent> | null
  return typeof o === 'object' && o !== null && o.type === 'presence' && typeof o.conversationId === 'string' && typeof o.who?.key === 'string' && typeof o.who.name === 'string'
}

/** Per conversation this browser is on: says its state again (for a colleague who just arrived). */
const announcing = new Map<string, () => void>()

onLiveEvent((event) => {
  if (!isPresence(event)) return
  const room = viewers.get(event.conversationId) ?? new Map<string, Viewer>()
  viewers.set(event.conversationId, room)
  // a newcomer has not heard the ones already here: answer once, so they see us at once, not at our next beat
  if (event.state !== 'left' && !room.has(event.who.key)) announcing.get(event.conversationId)?.()
  if (event.state === 'left') room.delete(event.who.key)
  else room.set(event.who.key, { key: event.who.key, name: event.who.name, state: event.state, seenAt: Date.now() })
  emit(event.conversationId)
})

function current(conversationId: string): Viewer[] {
  const cached = snapshots.get(conversationId)
  if (cached !== undefined) return cached
  const now = Date.now()
  const list = [...(viewers.get(conversationId)?.values() ?? [])].filter((v) => now - v.seenAt < ttlMs).sort((a, b) => a.name.localeCompare(b.name))
  snapshots.set(conversationId, list)
  return list
}

/** Colleagues on this conversation (not this browser), kept current; expired viewers drop out. */
export function useViewers(conversationId: string): Viewer[] {
  useEffect(() => {
    const t = setInterval(() => emit(conversationId), 5_000) // expire silent viewers
    return () => clearInterval(t)
  }, [conversationId])
  return useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l) }, () => current(conversationId))
}

/** Announces this browser on the conversation; `typingAt` is when the reply box last changed (0: never). */
export function useAnnouncePresence(conversationId: string, typingAt: number): void {
  const state = useRef<PresenceState>('viewing')
  useEffect(() => {
    const say = (s: PresenceState) => { state.current = s; sendLive({ type: 'presence', conversationId, state: s }) }
    say('viewing')
    const beat = setInterval(() => say(state.current === 'left' ? 'viewing' : state.current), beatMs)
    const leave = () => say('left')
    window.addEventListener('pagehide', leave)
    // a (re)connected stream has not heard us yet
    const again = () => say(state.current === 'left' ? 'viewing' : state.current)
    const offHello = onLiveEvent((e) => { if ((e as { type?: unknown }).type === 'hello') again() })
    announcing.set(conversationId, again)
    return () => { clearInterval(beat); offHello(); announcing.delete(conversationId); window.removeEventListener('pagehide', leave); say('left') }
  }, [conversationId])
  useEffect(() => {
    if (typingAt === 0) return
    if (state.current !== 'typing') { state.current = 'typing'; sendLive({ type: 'presence', conversationId, state: 'typing' }) }
    const idle = setTimeout(() => { state.current = 'viewing'; sendLive({ type: 'presence', conversationId, state: 'viewing' }) }, typingIdleMs)
    return () => clearTimeout(idle)
  }, [conversationId, typingAt])
}

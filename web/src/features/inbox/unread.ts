// Unread, per browser: a conversation is unread when its last message is newer than what this browser
// last showed of it. Kept in localStorage (bounded), observable for the inbox.
import { useSyncExternalStore } from 'react'

const storageKey = 'earshot.seen'
const keepMax = 2_000

function load(): Map<string, string> {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey) ?? '[]') as unknown
    return new Map(Array.isArray(raw) ? raw.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') : [])
  } catch {
    return new Map()
  }
}

let seen = load()
let version = 0
const listeners = new Set<() => void>()

/** Remembers that this conversation was shown up to `lastMessageAt`. */
export function markSeen(conversationId: string, lastMessageAt: string): void {
  const before = seen.get(conversationId)
  if (before !== undefined && Date.parse(before) >= Date.parse(lastMessageAt)) return
  seen.delete(conversationId) // re-insert: the map keeps insertion order, oldest first
  seen.set(conversationId, lastMessageAt)
  while (seen.size > keepMax) seen.delete(seen.keys().next().value!)
  try { localStorage.setItem(storageKey, JSON.stringify([...seen])) } catch { /* full or private mode: memory only */ }
  version++
  for (const l of listeners) l()
}

export function isUnread(c: { id: string; lastMessageAt: string }): boolean {
  const at = seen.get(c.id)
  return at === undefined || Date.parse(c.lastMessageAt) > Date.parse(at)
}

/** Re-renders when something was marked seen; returns a counter to use as a dependency. */
export function useSeenVersion(): number {
  return useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l) }, () => version)
}

/** For tests: forget everything. */
export function resetSeen(): void {
  seen = new Map()
  version++
}

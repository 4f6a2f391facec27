// Small pure formatters shared by the screens.
import { useEffect, useState } from 'react'

export const channelLabels: Record<string, string> = { bluesky: 'Bluesky', 'x-twitter': 'X', 'rss-atom': 'RSS / Atom' }
export const channelLabel = (c: string) => channelLabels[c] ?? c

export function ago(iso: string, nowMs: number): string {
  const s = Math.max(0, (nowMs - Date.parse(iso)) / 1000)
  if (s < 60) return `${Math.round(s)}s ago`
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  if (s < 86400) return `${Math.round(s / 3600)} h ago`
  return new Date(iso).toLocaleDateString()
}

export function compact(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n)
}

export function authorName(a: { handle: string | null; displayName: string | null } | null): string {
  const name = a?.handle ? `@${a.handle}` : a?.displayName ?? 'unknown author'
  return name.length > 40 ? `${name.slice(0, 38)}…` : name
}

export const priorityLevel = (p: number) => (p >= 50 ? 'hot' : p >= 25 ? 'warm' : 'cool')

/** Re-renders every `everyMs` so relative times stay right. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs)
    return () => clearInterval(t)
  }, [everyMs])
  return now
}

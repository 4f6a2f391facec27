// How fast a public post is being amplified, from the engagement counts seen on successive updates,
// and a deliberately simple forecast of where it ends: the current rate decaying exponentially.
import type { Engagement } from './model.ts'

export interface EngagementSnapshot {
  /** When we saw these counts (ISO time). */
  at: string
  reposts: number
  quotes: number
  likes: number
  replies: number
}

export interface Amplification {
  /** Reposts + quotes gained within the window. */
  gained: number
  windowMinutes: number
  perMinute: number
  current: number
  /** Forecast of the final reposts + quotes. */
  forecast: number
}

export const snapshotsMax = 24
/** Growth is measured over at most this window, so an old slow climb does not hide a new burst. */
export const velocityWindowMs = 30 * 60_000
/** Half-life of the rate in the forecast: social attention fades in tens of minutes. */
export const attentionHalfLifeMinutes = 20

export function snapshotOf(engagement: Engagement, at: Date): EngagementSnapshot {
  return { at: at.toISOString(), reposts: engagement.reposts, quotes: engagement.quotes, likes: engagement.likes, replies: engagement.replies }
}

/** Appends a snapshot (keeping time order and a bounded history); a snapshot with the same counts as the last adds nothing. */
export function appendSnapshot(history: readonly EngagementSnapshot[], snap: EngagementSnapshot): EngagementSnapshot[] {
  const last = history.at(-1)
  if (last !== undefined && last.reposts === snap.reposts && last.quotes === snap.quotes && last.likes === snap.likes && last.replies === snap.replies) {
    return [...history]
  }
  return [...history, snap].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-snapshotsMax)
}

export function amplificationOf(history: readonly EngagementSnapshot[]): Amplification | null {
  const last = history.at(-1)
  if (last === undefined || history.length < 2) return null
  const lastAt = Date.parse(last.at)
  const first = history.find((s) => lastAt - Date.parse(s.at) <= velocityWindowMs) ?? last
  const minutes = (lastAt - Date.parse(first.at)) / 60_000
  const current = last.reposts + last.quotes
  const gained = current - (first.reposts + first.quotes)
  if (minutes <= 0 || gained <= 0) return null
  const perMinute = gained / minutes
  // ∫ rate·e^(−t/τ) dt = rate·τ, with τ = half-life / ln 2
  const forecast = Math.round(current + (perMinute * attentionHalfLifeMinutes) / Math.LN2)
  return { gained, windowMinutes: Math.max(1, Math.round(minutes)), perMinute, current, forecast }
}

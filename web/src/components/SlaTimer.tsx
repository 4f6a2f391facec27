// The SLA clock of a conversation: what is due and when ("first response in 12 min"), amber when the
// warning threshold passed, red once breached ("first response 5 min late").
import type { Conversation } from '../api/types.ts'

const metricLabels: Record<string, string> = { first_response: 'first response', next_response: 'next response', resolution: 'resolution' }

export function span(ms: number): string {
  const min = Math.round(Math.abs(ms) / 60_000)
  if (min < 1) return 'under a minute'
  if (min < 60) return `${min} min`
  const h = Math.floor(min / 60)
  if (h < 48) return `${h} h ${min % 60 > 0 ? `${min % 60} min` : ''}`.trim()
  return `${Math.round(h / 24)} days`
}

/** Words for the clock, or null when there is none. Pure, for the badge and its tests. */
export function slaText(sla: Conversation['slaDue'], nowMs: number): { text: string; tone: 'ok' | 'warning' | 'breached' } | null {
  if (sla == null || sla.dueAt === null) return null
  const what = metricLabels[sla.metric ?? ''] ?? 'response'
  const left = Date.parse(sla.dueAt) - nowMs
  if (left <= 0 || sla.state === 'breached') return { text: `${what} ${span(left)} late`, tone: 'breached' }
  return { text: `${what} due in ${span(left)}`, tone: sla.state === 'warning' ? 'warning' : 'ok' }
}

export function SlaTimer({ sla, nowMs }: { sla: Conversation['slaDue']; nowMs: number }) {
  const t = slaText(sla, nowMs)
  if (t === null) return null
  return <span className={`sla sla-${t.tone}`} title={`SLA: ${t.text}`}>{t.text}</span>
}

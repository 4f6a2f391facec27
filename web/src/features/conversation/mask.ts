// Splits a message text into plain and personal-data segments from its `pii` spans.
import type { PiiSpan } from '../../api/types.ts'

export type Segment = { text: string; pii: string | null }

/** Overlapping or out-of-range spans are clipped; the segments always join back to `text`. */
export function segmentText(text: string, spans: readonly PiiSpan[]): Segment[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start)
  const out: Segment[] = []
  let at = 0
  for (const s of sorted) {
    const start = Math.max(at, Math.min(s.start, text.length))
    const end = Math.min(s.end, text.length)
    if (end <= start) continue
    if (start > at) out.push({ text: text.slice(at, start), pii: null })
    out.push({ text: text.slice(start, end), pii: s.kind })
    at = end
  }
  if (at < text.length) out.push({ text: text.slice(at), pii: null })
  return out
}

import type { WireFraming } from '../channels/types.ts'

export interface Unit {
  body: string
  /** Where the unit came from, for rejections: "line 12" */
  origin: string | null
}

/** Cuts a body into parseable units. JSONL: one unit per non-blank line (blank lines are keep-alives). */
export function splitUnits(body: string, framing: WireFraming, lineOffset = 0): Unit[] {
  if (framing === 'document') return body.trim() === '' ? [] : [{ body, origin: null }]
  const units: Unit[] = []
  const lines = body.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '')
    if (line.trim() === '') continue
    units.push({ body: line, origin: `line ${lineOffset + i + 1}` })
  }
  return units
}

/** Framing from a file name or content type; null when neither says. */
export function framingFromName(nameOrType: string): WireFraming | null {
  const s = nameOrType.toLowerCase()
  if (/\.(jsonl|ndjson)$/.test(s) || s.includes('ndjson') || s.includes('jsonl') || s.includes('json-seq')) return 'jsonl'
  if (/\.(json|xml|rss|atom|eml)$/.test(s) || /(application|text)\/(json|xml|rss\+xml|atom\+xml)/.test(s)) return 'document'
  return null
}

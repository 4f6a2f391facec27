// The canned-response preview: the body rendered with sample values, as the server renders it for a
// conversation (src/workflow/canned.ts), and its length in graphemes against the short platforms.

export const cannedVariables = [
  'customer.name', 'customer.firstName', 'customer.handle',
  'agent.name', 'agent.firstName',
  'conversation.id', 'conversation.channel',
  'brand.name',
] as const
export type CannedVariable = (typeof cannedVariables)[number]
export type SampleValues = Record<CannedVariable, string | null>

/** Reply limits in graphemes where the platform has a short one (the server's replyLimits). */
export const previewLimits = [
  { channel: 'x-twitter', label: 'X', limit: 280 },
  { channel: 'bluesky', label: 'Bluesky', limit: 300 },
  { channel: 'mastodon', label: 'Mastodon', limit: 500 },
] as const

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
export function graphemeCount(text: string): number {
  let n = 0
  for (const _ of segmenter.segment(text)) n++
  return n
}

const firstWord = (name: string | null): string | null => name?.trim().split(/\s+/)[0] || null

export function sampleValues(agentName: string | null, brandName: string): SampleValues {
  const customer = 'Maria Silva'
  return {
    'customer.name': customer, 'customer.firstName': firstWord(customer), 'customer.handle': 'mariasilva',
    'agent.name': agentName, 'agent.firstName': firstWord(agentName),
    'conversation.id': '6f1c2a90-0000-4000-8000-000000000000', 'conversation.channel': 'x-twitter',
    'brand.name': brandName,
  }
}

export interface Preview { text: string; graphemes: number; problems: string[] }

const placeholder = /\{\{([^{}]*)\}\}/g
const isVariable = (name: string): name is CannedVariable => (cannedVariables as readonly string[]).includes(name)

/** Renders like the server; what it cannot render (unknown variable, stray braces) is listed, not shown raw. */
export function renderPreview(body: string, values: SampleValues): Preview {
  const problems: string[] = []
  const text = body.replace(placeholder, (_whole, inner: string) => {
    const bar = inner.indexOf('|')
    const name = (bar === -1 ? inner : inner.slice(0, bar)).trim()
    const fallback = bar === -1 ? null : inner.slice(bar + 1).trim()
    if (!isVariable(name)) { problems.push(`unknown variable {{${name}}}`); return '' }
    const value = values[name]
    if (value !== null && value !== '') return value
    if (fallback !== null) return fallback
    problems.push(`no sample value for {{${name}}}: add a fallback, {{${name} | …}}`)
    return ''
  })
  const blanked = body.replace(placeholder, (whole) => ' '.repeat(whole.length))
  const tripled = /\{\{\{|\}\}\}/.exec(body)
  const stray = /\{\{|\}\}/.exec(blanked)
  if (tripled !== null) problems.push(`"${tripled[0]}" at ${tripled.index}: a brace touches a variable`)
  else if (stray !== null) problems.push(`unmatched "${stray[0]}" at ${stray.index}`)
  return { text, graphemes: graphemeCount(text), problems }
}

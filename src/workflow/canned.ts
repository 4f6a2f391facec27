// Canned responses: saved replies with variables ({{customer.name}}, {{agent.name | our team}}), per
// language and channel. Rendering never lets raw braces out: an unknown variable, a missing value or a
// stray brace is reported instead, and the text is measured against the channel's limit in graphemes
// (what people and most platforms count) with Intl.Segmenter.
import type { ChannelName } from '../core/model.ts'
import type { Intent } from '../core/triage-facts.ts'
import { graphemeCount } from '../core/text.ts'

export const cannedVariables = [
  'customer.name', 'customer.firstName', 'customer.handle',
  'agent.name', 'agent.firstName',
  'conversation.id', 'conversation.channel',
  'brand.name',
] as const
export type CannedVariable = (typeof cannedVariables)[number]
export type CannedValues = Partial<Record<CannedVariable, string | null>>

export interface CannedResponse {
  id: string
  title: string
  body: string
  /** BCP 47 tag of the body. */
  language: string
  /** Channels it is written for; null: any channel. */
  channels: ChannelName[] | null
  /** Intents it answers; empty: any. */
  intents: Intent[]
}

/**
 * Reply limits in graphemes where the platform has a short one. X really counts weighted characters
 * (URLs 23, CJK 2); graphemes are the common approximation until the X channel exposes its counter.
 */
export const replyLimits: Partial<Record<ChannelName, number>> = { 'x-twitter': 280, bluesky: 300, mastodon: 500 }

export type CannedProblem =
  | { kind: 'unknown_variable'; name: string }
  | { kind: 'missing_value'; name: CannedVariable }
  | { kind: 'malformed'; at: number; detail: string }
  | { kind: 'too_long'; graphemes: number; limit: number }

export type RenderResult =
  | { ok: true; text: string; graphemes: number; limit: number | null }
  | { ok: false; problems: CannedProblem[] }

const placeholder = /\{\{([^{}]*)\}\}/g

function isVariable(name: string): name is CannedVariable {
  return (cannedVariables as readonly string[]).includes(name)
}

function firstWord(name: string | null | undefined): string | null {
  const word = name?.trim().split(/\s+/)[0]
  return word === undefined || word === '' ? null : word
}

/** The values for a conversation, deriving first names when only full names are known. */
export function cannedValues(input: {
  customer?: { name?: string | null; handle?: string | null }
  agent?: { name?: string | null }
  conversation?: { id?: string; channel?: string }
  brand?: { name?: string | null }
}): CannedValues {
  return {
    'customer.name': input.customer?.name ?? null,
    'customer.firstName': firstWord(input.customer?.name),
    'customer.handle': input.customer?.handle ?? null,
    'agent.name': input.agent?.name ?? null,
    'agent.firstName': firstWord(input.agent?.name),
    'conversation.id': input.conversation?.id ?? null,
    'conversation.channel': input.conversation?.channel ?? null,
    'brand.name': input.brand?.name ?? null,
  }
}

interface Scan {
  text: string
  problems: CannedProblem[]
}

function scan(body: string, values: CannedValues | null): Scan {
  const problems: CannedProblem[] = []
  const seen = new Set<string>()
  const text = body.replace(placeholder, (_whole, inner: string) => {
    const bar = inner.indexOf('|')
    const name = (bar === -1 ? inner : inner.slice(0, bar)).trim()
    const fallback = bar === -1 ? null : inner.slice(bar + 1).trim()
    if (!isVariable(name)) {
      if (!seen.has(name)) problems.push({ kind: 'unknown_variable', name })
      seen.add(name)
      return ''
    }
    if (values === null) return ''
    const value = values[name]
    if (value !== null && value !== undefined && value !== '') return value
    if (fallback !== null) return fallback
    if (!seen.has(name)) problems.push({ kind: 'missing_value', name })
    seen.add(name)
    return ''
  })
  // Braces left after substitution are template mistakes ("{{customer.name}", "{{ {x} }}"), not text;
  // so are braces touching a variable ("{{{x}}}"), which could join into "{{" around an empty value.
  const tripled = /\{\{\{|\}\}\}/.exec(body)
  const strayInBody = body.replace(placeholder, (whole) => ' '.repeat(whole.length))
  const stray = /\{\{|\}\}/.exec(strayInBody)
  if (tripled !== null) problems.push({ kind: 'malformed', at: tripled.index, detail: `"${tripled[0]}": a brace touches a variable` })
  else if (stray !== null) problems.push({ kind: 'malformed', at: stray.index, detail: `unmatched "${stray[0]}"` })
  return { text, problems }
}

/** Problems a template has on its own (for saving it): unknown variables and stray braces. */
export function checkTemplate(body: string): CannedProblem[] {
  return scan(body, null).problems
}

/** Renders a template for a conversation on a channel, or says why it cannot be sent as is. */
export function renderCanned(body: string, values: CannedValues, channel: ChannelName, limits: Partial<Record<ChannelName, number>> = replyLimits): RenderResult {
  const { text, problems } = scan(body, values)
  const limit = limits[channel] ?? null
  const graphemes = graphemeCount(text)
  if (limit !== null && graphemes > limit) problems.push({ kind: 'too_long', graphemes, limit })
  if (problems.length > 0) return { ok: false, problems }
  return { ok: true, text, graphemes, limit }
}

export interface CannedSuggestion {
  canned: CannedResponse
  score: number
  reasons: string[]
}

export interface SuggestOptions {
  /** Snippets in this language are offered when none is in the conversation's; e.g. the workspace's. */
  fallbackLanguage?: string | null
  limit?: number
  limits?: Partial<Record<ChannelName, number>>
}

/** A rough rendered length: variables count as ~12 graphemes (names and ids). */
function estimatedGraphemes(body: string): number {
  let variables = 0
  const bare = body.replace(placeholder, () => {
    variables++
    return ''
  })
  return graphemeCount(bare) + variables * 12
}

function languageFit(snippet: string, wanted: string | null, fallback: string | null): { points: number; reason: string } | null {
  const s = snippet.toLowerCase()
  if (wanted !== null) {
    const w = wanted.toLowerCase()
    if (s === w) return { points: 4, reason: `in ${snippet}` }
    if (s.split('-')[0] === w.split('-')[0]) return { points: 3, reason: `in ${snippet} (close to ${wanted})` }
  }
  if (fallback !== null && s === fallback.toLowerCase()) return { points: 1, reason: `in ${snippet} (fallback language)` }
  if (wanted === null && fallback === null) return { points: 0, reason: `in ${snippet}` }
  return null
}

/**
 * Canned responses for a conversation, best first: right intent (+5; generic +1), right language
 * (exact +4, same primary language +3, fallback +1), written for this channel (+1), and −3 when the
 * text probably exceeds the channel's limit. Wrong intent, language or channel: not offered.
 */
export function suggestCanned(intent: Intent, language: string | null, channel: ChannelName, snippets: readonly CannedResponse[], options: SuggestOptions = {}): CannedSuggestion[] {
  const limits = options.limits ?? replyLimits
  const limit = limits[channel] ?? null
  const out: CannedSuggestion[] = []
  for (const canned of snippets) {
    if (canned.channels !== null && !canned.channels.includes(channel)) continue
    if (canned.intents.length > 0 && !canned.intents.includes(intent)) continue
    const lang = languageFit(canned.language, language, options.fallbackLanguage ?? null)
    if (lang === null) continue
    const reasons: string[] = []
    let score = lang.points
    if (canned.intents.length > 0) {
      score += 5
      reasons.push(`answers ${intent}`)
    } else {
      score += 1
      reasons.push('generic')
    }
    reasons.push(lang.reason)
    if (canned.channels !== null) {
      score += 1
      reasons.push(`written for ${channel}`)
    }
    if (limit !== null && estimatedGraphemes(canned.body) > limit) {
      score -= 3
      reasons.push(`may exceed ${limit} graphemes`)
    }
    out.push({ canned, score, reasons })
  }
  out.sort((a, b) => b.score - a.score || a.canned.title.localeCompare(b.canned.title) || (a.canned.id < b.canned.id ? -1 : a.canned.id > b.canned.id ? 1 : 0))
  return out.slice(0, options.limit ?? 5)
}

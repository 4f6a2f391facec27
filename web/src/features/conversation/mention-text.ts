// Splits note text into plain runs and @mentions, for highlighting, and finds the @word being typed
// for the autocomplete. Which handles name whom is the server's decision (src/workflow/mentions.ts);
// this side only mirrors the shape of a handle.
import type { Agent } from '../../api/types.ts'

export interface TextRun { text: string; mention: boolean }

const mentionPattern = /(^|[^\p{L}\p{M}\p{N}_.+-])(@[\p{L}\p{M}\p{N}_.-]*[\p{L}\p{M}\p{N}])/gu

/** `handles`: the mentions the server resolved (as written, without '@'); others stay plain text. */
export function splitMentions(text: string, handles: readonly string[]): TextRun[] {
  const wanted = new Set(handles.map((h) => h.toLowerCase()))
  const runs: TextRun[] = []
  let at = 0
  for (const m of text.matchAll(mentionPattern)) {
    const token = m[2] ?? ''
    if (!wanted.has(token.slice(1).toLowerCase())) continue
    const start = (m.index ?? 0) + (m[1] ?? '').length
    if (start > at) runs.push({ text: text.slice(at, start), mention: false })
    runs.push({ text: token, mention: true })
    at = start + token.length
  }
  if (at < text.length) runs.push({ text: text.slice(at), mention: false })
  return runs
}

/** The partial handle just before the caret ("@ch|" → "ch"), or null when the caret is not in a mention. */
export function typedMention(text: string, caret: number): { query: string; start: number } | null {
  const m = /(^|[^\p{L}\p{M}\p{N}_.+-])@([\p{L}\p{M}\p{N}_.-]*)$/u.exec(text.slice(0, caret))
  if (m === null) return null
  const query = m[2] ?? ''
  return { query, start: caret - query.length - 1 }
}

/** The handle to insert for an agent: their e-mail local part, else their name as one word. */
export function handleOf(agent: Agent): string {
  const local = (agent.email?.split('@')[0] ?? '').replace(/[^\p{L}\p{M}\p{N}_.-]/gu, '').replace(/[._-]+$/u, '')
  if (local !== '') return local
  return agent.name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^\p{L}\p{N}_.-]+/gu, '.').replace(/^[._-]+|[._-]+$/gu, '')
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

export function matchAgents(agents: readonly Agent[], query: string, limit = 6): Agent[] {
  const q = fold(query)
  return agents.filter((a) => fold(a.name).split(/\s+/u).some((w) => w.startsWith(q)) || fold(handleOf(a)).startsWith(q) || fold(a.name).startsWith(q)).slice(0, limit)
}

// @mentions of colleagues in internal notes.
//
// Finding them: an '@' at the start of the text or after a character that cannot be part of an
// e-mail address (so "bo@northwind.example" is no mention), followed by letters, marks, digits,
// '.', '_' or '-'; trailing '.', '-', '_' are sentence punctuation and are dropped ("thanks @bo.").
//
// Resolving them to agents of the workspace, by a key: the text without accents, lowercased,
// letters and digits only ("Chloé-Martin", "chloe.martin" and "ChloeMartin" share "chloemartin").
//   1. the e-mail local part ("ana" for ana@northwind.example) or the whole name ("@ChloeMartin");
//   2. failing that, the first name ("@Chloé"), when only one agent has it.
// A handle that fits several agents at the same step, or none, stays unresolved (the author sees it).
export interface MentionToken {
  /** As written, without the '@'. */
  handle: string
  /** text.slice(start, end) === '@' + handle */
  start: number
  end: number
}

export const handleLengthMax = 64
export const mentionsPerNoteMax = 20

const mentionPattern = /(^|[^\p{L}\p{M}\p{N}_.+-])@([\p{L}\p{M}\p{N}_.-]+)/gu

export function parseMentions(text: string): MentionToken[] {
  const found: MentionToken[] = []
  for (const m of text.matchAll(mentionPattern)) {
    const handle = (m[2] ?? '').replace(/[._-]+$/u, '')
    if (handle === '' || [...handle].length > handleLengthMax) continue
    const start = (m.index ?? 0) + (m[1] ?? '').length
    found.push({ handle, start, end: start + 1 + handle.length })
  }
  return found
}

/** The comparison key of a handle or a name: no accents, lowercase, letters and digits only. */
export function mentionKey(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
}

export interface MentionableAgent {
  id: string
  name: string
  email: string | null
}

/** The handle the app suggests for an agent: the e-mail local part, else the name as one word. */
export function suggestedHandle(agent: MentionableAgent): string {
  const local = agent.email?.split('@')[0] ?? ''
  const fromEmail = local.replace(/[^\p{L}\p{M}\p{N}_.-]/gu, '').replace(/[._-]+$/u, '')
  if (fromEmail !== '' && mentionKey(fromEmail) !== '') return fromEmail
  return agent.name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^\p{L}\p{N}_.-]+/gu, '.').replace(/^[._-]+|[._-]+$/gu, '')
}

function exactKeys(agent: MentionableAgent): string[] {
  const keys = [mentionKey(agent.name)]
  const local = agent.email?.split('@')[0]
  if (local !== undefined) keys.push(mentionKey(local))
  return keys.filter((k) => k !== '')
}

const firstNameKey = (agent: MentionableAgent) => mentionKey(agent.name.trim().split(/\s+/u)[0] ?? '')

export interface ResolvedMentions {
  /** Each mentioned agent once, in order of first mention, with the handle as first written. */
  agents: { agentId: string; handle: string }[]
  /** Handles that named nobody, or several agents. */
  unresolved: string[]
}

export function resolveMentions(text: string, agents: readonly MentionableAgent[]): ResolvedMentions {
  const resolved = new Map<string, string>()
  const unresolved: string[] = []
  for (const token of parseMentions(text)) {
    const key = mentionKey(token.handle)
    let hits = key === '' ? [] : agents.filter((a) => exactKeys(a).includes(key))
    if (hits.length === 0 && key !== '') hits = agents.filter((a) => firstNameKey(a) === key)
    const agent = hits.length === 1 ? hits[0]! : null
    if (agent === null) {
      if (!unresolved.includes(token.handle)) unresolved.push(token.handle)
    } else if (!resolved.has(agent.id)) {
      resolved.set(agent.id, token.handle)
    }
    if (resolved.size >= mentionsPerNoteMax) break
  }
  return { agents: [...resolved].map(([agentId, handle]) => ({ agentId, handle })), unresolved }
}

// The listening stage: each workspace's enabled rules, compiled once and recompiled when they change.
import { compileRules, matchRules, type CompiledRules } from '../core/listening/compile.ts'
import type { NormalizedMessage } from '../core/model.ts'
import type { TriageFacts } from '../core/triage-facts.ts'
import type { Queries } from '../store/index.ts'

/** How long a compiled rule set is trusted before its fingerprint is checked again (other processes may edit rules). */
const recheckEveryMs = 2_000

interface Entry {
  fingerprint: string
  checkedAt: number
  compiled: CompiledRules | null
}

export interface ListeningOutcome {
  matches: string[]
  /** True when the workspace listens (has enabled rules), so an unmatched open-source post may be dropped. */
  listening: boolean
}

/**
 * An inbound post from an open source that no rule matched: dropped (and counted) unless it joins a
 * thread the workspace already holds, which only the store can tell.
 */
export function unmatchedOpenPost(msg: Pick<NormalizedMessage, 'direction'>, openSource: boolean, outcome: ListeningOutcome): boolean {
  return openSource && outcome.listening && outcome.matches.length === 0 && msg.direction === 'in'
}

export function createListeningCache() {
  const entries = new Map<string, Entry>()

  async function rulesFor(tx: Queries, workspaceId: string, now: number): Promise<CompiledRules | null> {
    const entry = entries.get(workspaceId)
    if (entry !== undefined && now - entry.checkedAt < recheckEveryMs) return entry.compiled
    const fingerprint = await tx.listening.fingerprint(workspaceId)
    if (entry !== undefined && entry.fingerprint === fingerprint) {
      entry.checkedAt = now
      return entry.compiled
    }
    const rules = await tx.listening.list(workspaceId, true)
    // Rules were validated when saved; one that no longer parses (older grammar) is skipped, not fatal.
    const usable = rules.filter((r) => {
      try {
        compileRules([{ id: r.id, query: r.query, tags: r.tags }])
        return true
      } catch {
        return false
      }
    })
    const compiled = usable.length === 0 ? null : compileRules(usable.map((r) => ({ id: r.id, query: r.query, tags: r.tags })))
    entries.set(workspaceId, { fingerprint, checkedAt: now, compiled })
    return compiled
  }

  return {
    async listen(tx: Queries, workspaceId: string, msg: NormalizedMessage, triage: TriageFacts): Promise<ListeningOutcome> {
      const compiled = await rulesFor(tx, workspaceId, Date.now())
      if (compiled === null || msg.op === 'delete') return { matches: [], listening: compiled !== null }
      const matches = matchRules(compiled, {
        text: msg.text,
        authorHandle: msg.author?.handle ?? null,
        langs: msg.langs,
        lang: triage.lang,
        channel: msg.channel,
      })
      return { matches, listening: true }
    },
    invalidate(workspaceId: string) {
      entries.delete(workspaceId)
    },
  }
}

export type ListeningCache = ReturnType<typeof createListeningCache>

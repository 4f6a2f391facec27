// The runner: claims raw units from the inbound log, parses them with their channel, applies the
// messages in one transaction per batch, marks the units done, commits, and only then publishes
// conversation events. A unit that cannot be parsed goes to dead_letter with its reason; one that
// breaks the batch's transaction is retried alone so it cannot block the others.
import type { Bus, ConversationEvent, InboundReady } from '../bus/index.ts'
import { subjects } from '../bus/index.ts'
import { channelByName } from '../channels/index.ts'
import type { NormalizedMessage } from '../core/model.ts'
import type { Queries, Store } from '../store/index.ts'
import type { InboundRow } from '../store/queries/inbound.ts'
import type { NewAssignment } from '../store/queries/agents.ts'
import { upsertIdentities, type IdentityRef } from '../store/queries/identities.ts'
import type { Sql } from '../store/db.ts'
import type { Author, ChannelName } from '../core/model.ts'
import { applyMessage, KnownMessages, refreshConversations, type Applied } from './apply.ts'
import { triageMessage } from './triage.ts'
import { createRouter } from './route.ts'
import { createAutomator, type AutomationTrigger } from './automate.ts'
import { createListeningCache, unmatchedOpenPost, type ListeningOutcome } from './listening.ts'
import { assert } from '../core/assert.ts'
import type { TriageFacts } from '../core/triage-facts.ts'
import type { PriorityWeights } from '../core/priority.ts'
import { refineAfterCommit, type Refinable } from './llm-refine.ts'
import { applyConversationContext } from './context-priority.ts'
import type { LlmClient } from '../triage/llm/client.ts'
import type { EarshotEvent } from '../events/event.ts'
import { publishEvents, takeReplyScore } from './csat.ts'

export interface UnitOutcome {
  inboundId: string
  origin: string | null
  rejected: { reason: string; detail: string } | null
  inserted: number
  updated: number
  duplicates: number
  deleted: number
  skipped: number
  /** Open-source posts no listening rule matched: dropped and counted. */
  unmatched: number
}

export interface Runner {
  /** Processes the given inbound ids now (those another worker holds are skipped) and returns their outcomes. */
  process(ids: string[]): Promise<UnitOutcome[]>
  /** Processes pending units older than `olderThanMs` (lost nudges, crashes). Returns how many it handled. */
  sweep(olderThanMs: number): Promise<number>
  /** Starts consuming inbound nudges from the bus and a periodic sweep. */
  start(opts?: { sweepEveryMs?: number; sweepAgeMs?: number }): Promise<void>
  stop(): Promise<void>
}

type Parsed = { row: InboundRow; messages: { msg: NormalizedMessage; triage: TriageFacts }[]; skipped: number } | { row: InboundRow; reason: string; detail: string }

const batchMax = 200
const transientRetriesMax = 5
/** Pending rows older than this are swept: long enough that the bus consumer is not raced in normal queueing. */
const sweepAgeMs = 60_000

/** PostgreSQL deadlock_detected / serialization_failure: safe to retry the whole transaction. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '40P01' || code === '40001'
}

/** `brandIds`: the workspace's own author ids on this channel; their messages are outbound, not a customer's. */
function parseRow(row: InboundRow, brandIds: ReadonlySet<string>): Parsed {
  const channel = channelByName(row.channel)
  if (channel === undefined) return { row, reason: 'UNKNOWN_CHANNEL', detail: `no parser for channel ${row.channel}` }
  const result = channel.parse({ body: row.body, ...(row.origin === null ? {} : { origin: row.origin }) })
  if (!result.ok) return { row, reason: result.reason, detail: result.detail }
  const messages = result.messages.map((msg) => (msg.author !== null && brandIds.has(msg.author.externalUserId) ? { ...msg, direction: 'out' as const } : msg))
  return { row, messages: messages.map((msg) => ({ msg, triage: triageMessage(msg) })), skipped: result.skipped }
}

/** The external ids a batch will look up (its messages and their parents), grouped by workspace and channel. */
function wantedMessages(parsed: Parsed[]): { workspaceId: string; channel: string; externalIds: string[] }[] {
  const groups = new Map<string, { workspaceId: string; channel: string; ids: Set<string> }>()
  for (const p of parsed) {
    if (!('messages' in p)) continue
    for (const { msg } of p.messages) {
      const key = `${p.row.workspaceId}\u0000${msg.channel}`
      const group = groups.get(key) ?? { workspaceId: p.row.workspaceId, channel: msg.channel, ids: new Set<string>() }
      groups.set(key, group)
      group.ids.add(msg.externalId)
      if (msg.parentExternalId !== null) group.ids.add(msg.parentExternalId)
    }
  }
  return [...groups.values()].map((g) => ({ workspaceId: g.workspaceId, channel: g.channel, externalIds: [...g.ids] }))
}

/** Upserts every author the batch will need (skipping deletes), per workspace and channel, keyed `${channel}\u0000${externalUserId}`. */
async function upsertBatchAuthors(tx: Queries & { sql: Sql }, parsed: Parsed[], wanted: (msg: NormalizedMessage, channel: string) => boolean): Promise<Map<string, Map<string, IdentityRef>>> {
  const groups = new Map<string, { workspaceId: string; channel: ChannelName; authors: Author[] }>()
  for (const p of parsed) {
    if (!('messages' in p)) continue
    for (const { msg } of p.messages) {
      if (msg.author === null || msg.op === 'delete' || !wanted(msg, p.row.channel)) continue
      const key = `${p.row.workspaceId}\u0000${msg.channel}`
      const group = groups.get(key) ?? { workspaceId: p.row.workspaceId, channel: msg.channel, authors: [] }
      groups.set(key, group)
      group.authors.push(msg.author)
    }
  }
  const out = new Map<string, Map<string, IdentityRef>>()
  for (const g of groups.values()) {
    const refs = await upsertIdentities(tx.sql, g.workspaceId, g.channel, g.authors)
    const forWorkspace = out.get(g.workspaceId) ?? new Map<string, IdentityRef>()
    out.set(g.workspaceId, forWorkspace)
    for (const [externalUserId, ref] of refs) forWorkspace.set(`${g.channel}\u0000${externalUserId}`, ref)
  }
  return out
}

function emptyOutcome(row: InboundRow): UnitOutcome {
  return { inboundId: row.id, origin: row.origin, rejected: null, inserted: 0, updated: 0, duplicates: 0, deleted: 0, skipped: 0, unmatched: 0 }
}

function count(outcome: UnitOutcome, applied: Applied): void {
  if (applied.change === 'insert') outcome.inserted++
  else if (applied.change === 'update') outcome.updated++
  else if (applied.change === 'delete') outcome.deleted++
  else if (applied.change === 'duplicate') outcome.duplicates++
  else if (applied.change === 'unmatched') outcome.unmatched++
  else outcome.skipped++
}

/**
 * Per conversation: one message.created per new customer message, else one conversation.updated
 * (engagement updates, edits, our own messages) when the batch changed nothing else there.
 */
function noteTrigger(triggers: Map<string, AutomationTrigger[]>, workspaceId: string, conversationId: string, newCustomerMessageId: string | null): void {
  const list = triggers.get(conversationId) ?? []
  triggers.set(conversationId, list)
  if (newCustomerMessageId !== null) {
    const i = list.findIndex((t) => t.event === 'conversation.updated')
    if (i >= 0) list.splice(i, 1)
    list.push({ workspaceId, conversationId, event: 'message.created', messageId: newCustomerMessageId })
  } else if (list.length === 0) {
    list.push({ workspaceId, conversationId, event: 'conversation.updated', messageId: null })
  }
}

export interface RunnerOptions {
  /** The optional LLM (EARSHOT_LLM_URL): refines the batch's ambiguous messages after commit. */
  llm?: LlmClient | null
}

export function createRunner(store: Store, bus: Bus, log: (line: string) => void = () => undefined, opts: RunnerOptions = {}): Runner {
  const llm = opts.llm ?? null
  const defaultQueues = new Map<string, string | null>()
  const listeningCache = createListeningCache()
  const router = createRouter(store, bus, log)
  const automator = createAutomator(store, bus, { log })
  let consumer: { stop(): Promise<void> } | null = null
  let sweepTimer: NodeJS.Timeout | null = null
  let sweeping = false

  // Inside a transaction every query must go through `tx`: PGlite runs one at a time, so a query on the
  // outer handle would wait for the transaction that waits for it.
  // Weights are read once per workspace per transaction: a change applies from the next batch on.
  const weightsSeen = new Map<string, { at: number; weights: PriorityWeights }>()
  // The brand's own author ids per workspace and channel, from its accounts' settings; re-read every few seconds.
  const brandIdsSeen = new Map<string, { at: number; ids: ReadonlySet<string> }>()
  async function brandIdsOf(tx: Queries, workspaceId: string, channelName: string): Promise<ReadonlySet<string>> {
    const key = `${workspaceId}\u0000${channelName}`
    const hit = brandIdsSeen.get(key)
    if (hit !== undefined && Date.now() - hit.at < 5_000) return hit.ids
    const brandAuthorIds = channelByName(channelName)?.brandAuthorIds
    const ids = new Set(brandAuthorIds === undefined ? [] : (await tx.channelAccounts.settingsOf(workspaceId, channelName)).flatMap((s) => brandAuthorIds(s)))
    brandIdsSeen.set(key, { at: Date.now(), ids })
    return ids
  }
  async function weightsOf(tx: Queries, workspaceId: string): Promise<PriorityWeights> {
    const hit = weightsSeen.get(workspaceId)
    if (hit !== undefined && Date.now() - hit.at < 2_000) return hit.weights
    const weights = await tx.workspaces.priorityWeights(workspaceId)
    weightsSeen.set(workspaceId, { at: Date.now(), weights })
    return weights
  }

  async function defaultQueueOf(tx: Queries, workspaceId: string): Promise<string | null> {
    if (!defaultQueues.has(workspaceId)) defaultQueues.set(workspaceId, (await tx.queues.defaultFor(workspaceId))?.id ?? null)
    return defaultQueues.get(workspaceId) ?? null
  }

  /** One transaction: claim → apply → mark. Returns outcomes and the events to publish after commit. */
  async function processClaim(claim: { ids?: string[]; olderThanMs?: number }, limit: number) {
    return store.transaction(async (tx) => {
      const rows = await tx.inbound.claim({ ...claim, limit })
      const parsedRows: Parsed[] = []
      for (const row of rows) parsedRows.push(parseRow(row, await brandIdsOf(tx, row.workspaceId, row.channel)))
      const known = await KnownMessages.prefetch(tx, wantedMessages(parsedRows))
      const assignments: NewAssignment[] = []
      // Listening first: the authors of posts no rule wants are not worth an identity (unless their post joins a thread, then apply upserts it alone).
      const listened = new Map<NormalizedMessage, ListeningOutcome>()
      for (const p of parsedRows) {
        if ('reason' in p) continue
        for (const { msg, triage } of p.messages) listened.set(msg, await listeningCache.listen(tx, p.row.workspaceId, msg, triage))
      }
      const listeningOf = (msg: NormalizedMessage): ListeningOutcome => {
        const outcome = listened.get(msg)
        assert(outcome !== undefined, 'every parsed message was listened to')
        return outcome
      }
      const wanted = (msg: NormalizedMessage, channel: string) =>
        !unmatchedOpenPost(msg, channelByName(channel)?.openListening ?? false, listeningOf(msg))
      const identitiesByWorkspace = await upsertBatchAuthors(tx, parsedRows, wanted)
      const outcomes: UnitOutcome[] = []
      const events = new Map<string, ConversationEvent>()
      const touched = new Map<string, boolean>()
      const triggers = new Map<string, AutomationTrigger[]>()
      const refinable: Refinable[] = []
      const workspaceEvents: EarshotEvent[] = []
      for (const parsed of parsedRows) {
        const outcome = emptyOutcome(parsed.row)
        outcomes.push(outcome)
        if ('reason' in parsed) {
          outcome.rejected = { reason: parsed.reason, detail: parsed.detail }
          await tx.deadLetters.add({ workspaceId: parsed.row.workspaceId, channel: parsed.row.channel, inboundId: parsed.row.id, reason: parsed.reason, detail: parsed.detail, body: parsed.row.body })
          await tx.inbound.markRejected(parsed.row.id, `${parsed.reason}: ${parsed.detail}`)
          continue
        }
        outcome.skipped += parsed.skipped
        const ctx = { workspaceId: parsed.row.workspaceId, accountId: parsed.row.accountId, defaultQueueId: await defaultQueueOf(tx, parsed.row.workspaceId), seenAt: parsed.row.receivedAt, known, assignments, weights: await weightsOf(tx, parsed.row.workspaceId), identities: identitiesByWorkspace.get(parsed.row.workspaceId) ?? new Map() }
        const openSource = channelByName(parsed.row.channel)?.openListening ?? false
        let unmatched = 0
        for (const { msg, triage } of parsed.messages) {
          const listening = listeningOf(msg)
          const applied = await applyMessage(tx, ctx, { msg, triage, listening, openSource })
          if (applied.change === 'insert' && applied.reopen && applied.conversationId !== null) {
            // a bare "4" answering a satisfaction survey is its score, and does not reopen the conversation
            const scored = await takeReplyScore(tx, { workspaceId: ctx.workspaceId, conversationId: applied.conversationId, channel: msg.channel, text: msg.text, at: parsed.row.receivedAt })
            if (scored !== null) {
              applied.reopen = false
              workspaceEvents.push(scored)
            }
          }
          if (applied.change === 'unmatched') unmatched++
          count(outcome, applied)
          if (llm !== null && (applied.change === 'insert' || applied.change === 'update') && msg.direction === 'in') {
            refinable.push({ workspaceId: ctx.workspaceId, channel: msg.channel, externalId: msg.externalId, text: msg.text, triage })
          }
          if (applied.conversationId !== null && applied.change !== 'duplicate' && applied.change !== 'ignore') {
            touched.set(applied.conversationId, (touched.get(applied.conversationId) ?? false) || applied.reopen)
          }
          if (applied.conversationId !== null && applied.change !== 'duplicate' && applied.change !== 'ignore' && applied.change !== 'unmatched') {
            noteTrigger(triggers, ctx.workspaceId, applied.conversationId, applied.change === 'insert' && msg.direction === 'in' ? applied.messageId ?? null : null)
            const previous = events.get(applied.conversationId)
            events.set(applied.conversationId, {
              type: applied.conversationCreated || previous?.type === 'conversation.created' ? 'conversation.created' : 'conversation.updated',
              workspaceId: ctx.workspaceId,
              conversationId: applied.conversationId,
            })
          }
        }
        await tx.listening.countDropped(ctx.workspaceId, parsed.row.channel, unmatched)
      }
      await tx.assignments.recordMany(assignments)
      await refreshConversations(tx, touched)
      await applyConversationContext(tx, [...touched.keys()], (workspaceId) => weightsOf(tx, workspaceId))
      await tx.inbound.markDone(outcomes.filter((o) => o.rejected === null).map((o) => o.inboundId))
      return { outcomes, events: [...events.values()], triggers: [...triggers.values()].flat(), refinable, workspaceEvents }
    })
  }

  async function publish(events: ConversationEvent[]): Promise<void> {
    for (const e of events) {
      await bus.publish(subjects.conversation(e.workspaceId, e.conversationId), e).catch((error: unknown) => {
        log(`could not publish ${e.type} for ${e.conversationId}: ${String(error)}`)
      })
    }
  }

  /**
   * Routing runs after the batch committed, once per workspace, outside the hot transaction: a failure
   * here leaves the conversations waiting (routed_at null) for the next pass, nothing is lost.
   */
  async function routeAfterCommit(events: ConversationEvent[]): Promise<void> {
    for (const workspaceId of new Set(events.map((e) => e.workspaceId))) {
      await router.route(workspaceId).catch((error: unknown) => log(`routing ${workspaceId} failed: ${String(error)}`))
    }
  }

  /** One batch in one transaction; a deadlock or serialization failure (two workers on shared rows) is retried whole. */
  async function processBatch(slice: string[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await processClaim({ ids: slice }, slice.length)
      } catch (error) {
        if (!isTransient(error) || attempt >= transientRetriesMax) throw error
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.floor(Math.random() * 30)))
      }
    }
  }

  /** Processes a set of ids in batches; a batch that still fails is split down to single units. */
  async function processIds(ids: string[]): Promise<UnitOutcome[]> {
    const outcomes: UnitOutcome[] = []
    for (let i = 0; i < ids.length; i += batchMax) {
      const slice = ids.slice(i, i + batchMax)
      try {
        const result = await processBatch(slice)
        await publish(result.events)
        await publishEvents(bus, result.workspaceEvents, log)
        await automator.run(result.triggers).catch((error: unknown) => log(`automations failed: ${String(error)}`))
        await routeAfterCommit(result.events)
        if (llm !== null && result.refinable.length > 0) {
          await refineAfterCommit(store, bus, llm, result.refinable, log).catch((error: unknown) => log(`LLM refinement failed: ${String(error)}`))
        }
        outcomes.push(...result.outcomes)
      } catch (error) {
        if (slice.length === 1) {
          outcomes.push(...(await rejectAlone(slice[0]!, error)))
          continue
        }
        for (const id of slice) outcomes.push(...(await processIds([id])))
      }
    }
    return outcomes
  }

  async function rejectAlone(id: string, error: unknown): Promise<UnitOutcome[]> {
    const detail = error instanceof Error ? error.message : String(error)
    log(`inbound ${id} failed in the store, parked in dead_letter: ${detail}`)
    return store.transaction(async (tx) => {
      const [row] = await tx.inbound.claim({ ids: [id], limit: 1 })
      if (row === undefined) return []
      await tx.deadLetters.add({ workspaceId: row.workspaceId, channel: row.channel, inboundId: row.id, reason: 'STORE_ERROR', detail, body: row.body })
      await tx.inbound.markRejected(row.id, `STORE_ERROR: ${detail}`)
      return [{ ...emptyOutcome(row), rejected: { reason: 'STORE_ERROR', detail } }]
    })
  }

  async function sweep(olderThanMs: number): Promise<number> {
    let handled = 0
    for (let round = 0; round < 1000; round++) {
      const ids = await store.transaction(async (tx) => (await tx.inbound.claim({ olderThanMs, limit: batchMax })).map((r) => r.id))
      if (ids.length === 0) break
      handled += (await processIds(ids)).length
    }
    return handled
  }

  return {
    process: processIds,
    sweep,
    async start(opts = {}) {
      consumer = await bus.consume({
        subject: subjects.inboundAll,
        durable: 'pipeline',
        handler: async (m) => {
          const ready = m.data as Partial<InboundReady>
          if (Array.isArray(ready.inboundIds)) await processIds(ready.inboundIds.filter((id): id is string => typeof id === 'string'))
        },
      })
      const every = opts.sweepEveryMs ?? 5_000
      sweepTimer = setInterval(() => {
        if (sweeping) return
        sweeping = true
        sweep(opts.sweepAgeMs ?? sweepAgeMs)
          .then((n) => n > 0 && log(`sweep processed ${n} inbound units nobody had taken`))
          .catch((error: unknown) => log(`sweep failed: ${String(error)}`))
          .finally(() => (sweeping = false))
      }, every)
      sweepTimer.unref()
    },
    async stop() {
      if (sweepTimer !== null) clearInterval(sweepTimer)
      while (sweeping) await new Promise((r) => setTimeout(r, 10))
      await consumer?.stop()
    },
  }
}

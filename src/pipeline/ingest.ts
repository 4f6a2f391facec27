// The front door for raw platform payloads: write them to the inbound log (commit = accepted),
// then either process them now (ingest API/CLI, which report per-line outcomes) or nudge the workers.
import type { Bus, InboundReady } from '../bus/index.ts'
import { subjects } from '../bus/index.ts'
import type { Store } from '../store/index.ts'
import type { Unit } from './framing.ts'
import type { Runner, UnitOutcome } from './runner.ts'

export interface IngestSummary {
  units: number
  ingested: number
  updated: number
  duplicates: number
  deleted: number
  skipped: number
  /** Open-source posts no listening rule matched (dropped, counted). */
  unmatched: number
  rejected: { origin: string | null; reason: string; detail: string }[]
}

export function emptySummary(): IngestSummary {
  return { units: 0, ingested: 0, updated: 0, duplicates: 0, deleted: 0, skipped: 0, unmatched: 0, rejected: [] }
}

/** Adds one part's counts to a running total (chunks of a large file). */
export function addSummary(total: IngestSummary, part: IngestSummary): void {
  total.units += part.units
  total.ingested += part.ingested
  total.updated += part.updated
  total.duplicates += part.duplicates
  total.deleted += part.deleted
  total.skipped += part.skipped
  total.unmatched += part.unmatched
  total.rejected.push(...part.rejected)
}

export function summarise(outcomes: UnitOutcome[]): IngestSummary {
  const s = emptySummary()
  for (const o of outcomes) {
    addSummary(s, {
      units: 1, ingested: o.inserted, updated: o.updated, duplicates: o.duplicates, deleted: o.deleted, skipped: o.skipped, unmatched: o.unmatched,
      rejected: o.rejected === null ? [] : [{ origin: o.origin, ...o.rejected }],
    })
  }
  return s
}

export async function ingestNow(store: Store, runner: Runner, workspaceId: string, channel: string, units: Unit[]): Promise<IngestSummary> {
  const ids = await store.inbound.append(workspaceId, channel, units)
  return summarise(await runner.process(ids))
}

/** Accepts units for asynchronous processing (webhooks, streams, demo traffic). */
export async function ingestLater(store: Store, bus: Bus, workspaceId: string, channel: string, units: Unit[], accountId: string | null = null): Promise<string[]> {
  const ids = await store.inbound.append(workspaceId, channel, units, accountId)
  const ready: InboundReady = { inboundIds: ids }
  // If the nudge is lost, the sweep picks the rows up: the log, not the bus, is the record of truth.
  await bus.publish(subjects.inbound(channel), ready).catch(() => undefined)
  return ids
}

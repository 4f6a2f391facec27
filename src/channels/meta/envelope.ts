// The Graph webhook envelope shared by Facebook Page and Instagram deliveries:
// `{"object": "page"|"instagram", "entry": [{ id, time, changes?: [...], messaging?: [...] }]}`.
// One POST may batch several entries (pages) and several changes/events per entry.
import type { ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import { arrayAt, at, dateFromMs, decodeJson, isRecord, numberAt, park, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { graphIdAt } from './raw.ts'

/** Meta batches up to 1000 updates per delivery; a real body stays far below this. */
export const metaBodyCharsMax = 5_000_000

export interface MetaEntry {
  /** Page id (object "page") or Instagram business account id (object "instagram"). */
  ownerId: string
  /** `entry.time`: seconds for feed/comment changes, milliseconds for messaging batches. */
  time: number | null
  changes: readonly unknown[]
  messaging: readonly unknown[]
  /** Events delivered to an app without thread control (handover protocol); not ours to answer. */
  standby: readonly unknown[]
}

export type DecodedWebhook = { ok: true; entries: MetaEntry[]; skipped: number } | { ok: false; result: ParseResult }

/** Decodes the body and checks it is a delivery for `object`. Entries without an id are counted as skipped. */
export function decodeMetaWebhook(raw: RawEvent, object: 'page' | 'instagram'): DecodedWebhook {
  const where = at(raw.origin)
  if (raw.body.length > metaBodyCharsMax) return { ok: false, result: park('TOO_LARGE', `${where}${raw.body.length} chars`) }
  const decoded = decodeJson(raw.body)
  if (!decoded.ok) return { ok: false, result: park('MALFORMED_JSON', where + decoded.detail) }
  const body = decoded.value
  if (!isRecord(body)) return { ok: false, result: park('INVALID_SHAPE', `${where}body is not an object`) }
  const error = recordAt(body, 'error')
  if (error !== null) return { ok: false, result: park('PLATFORM_ERROR', where + graphErrorSummary(error)) }
  const got = stringAt(body, 'object')
  if (got === null || !Array.isArray(body['entry'])) {
    return { ok: false, result: park('INVALID_SHAPE', `${where}not a Graph webhook delivery (object + entry[])`) }
  }
  if (got !== object) return { ok: false, result: park('UNSUPPORTED_EVENT', `${where}object "${got.slice(0, 40)}" is not "${object}"`) }
  const entries: MetaEntry[] = []
  let skipped = 0
  for (const entry of arrayAt(body, 'entry')) {
    const ownerId = isRecord(entry) ? graphIdAt(entry, 'id') : null
    if (!isRecord(entry) || ownerId === null) {
      skipped++
      continue
    }
    entries.push({
      ownerId,
      time: numberAt(entry, 'time'),
      changes: arrayAt(entry, 'changes'),
      messaging: arrayAt(entry, 'messaging'),
      standby: arrayAt(entry, 'standby'),
    })
  }
  return { ok: true, entries, skipped }
}

function graphErrorSummary(error: JsonRecord): string {
  const message = stringAt(error, 'message') ?? 'error'
  const code = numberAt(error, 'code')
  return `${code === null ? '' : `Graph error ${code}: `}${message.slice(0, 300)}`
}

/**
 * Meta mixes units: feed `created_time` and feed `entry.time` are epoch seconds, messaging
 * `timestamp` and messaging `entry.time` epoch milliseconds. Values below 10^11 are read as
 * seconds (10^11 s is the year 5138; 10^11 ms is 1973).
 */
export function dateFromEpoch(value: number | null): Date | null {
  if (value === null || !Number.isFinite(value) || value <= 0) return null
  return dateFromMs(value < 1e11 ? value * 1000 : value)
}

/** Feed `created_time` comes as epoch seconds (webhooks) or ISO 8601 with `+0000` (Graph reads). */
export function dateFromGraphTime(obj: JsonRecord, key: string): Date | null {
  const value = obj[key]
  if (typeof value === 'number') return dateFromEpoch(value)
  if (typeof value !== 'string') return null
  if (/^\d{1,15}$/.test(value)) return dateFromEpoch(Number(value))
  const iso = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d{1,9})?([+-]\d{2}):?(\d{2})$|^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)$/.exec(value)
  if (iso === null) return null
  const text = iso[4] ?? `${iso[1]}${iso[2]}:${iso[3]}`
  return dateFromMs(Date.parse(text))
}

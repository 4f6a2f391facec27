// Small pure helpers shared by channel parsers: safe JSON decoding, type guards for untrusted
// values, bounded text. Nothing here throws.
import type { Engagement, ParkReason, ParseResult } from '../core/model.ts'

/** Longest message text kept; longer platform text is cut (bounds memory per message). */
export const textLengthMax = 20_000

export type JsonRecord = { readonly [key: string]: unknown }

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function stringAt(obj: JsonRecord, key: string): string | null {
  const value = obj[key]
  return typeof value === 'string' ? value : null
}

/** A string that is not empty. */
export function idAt(obj: JsonRecord, key: string): string | null {
  const value = obj[key]
  return typeof value === 'string' && value.length > 0 ? value : null
}

export function numberAt(obj: JsonRecord, key: string): number | null {
  const value = obj[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** A non-negative integer count (followers, likes …); anything else reads as null. */
export function countAt(obj: JsonRecord, key: string): number | null {
  const value = numberAt(obj, key)
  return value !== null && Number.isSafeInteger(value) && value >= 0 ? value : null
}

export function recordAt(obj: JsonRecord, key: string): JsonRecord | null {
  const value = obj[key]
  return isRecord(value) ? value : null
}

export function arrayAt(obj: JsonRecord, key: string): readonly unknown[] {
  const value = obj[key]
  return Array.isArray(value) ? value : []
}

export function stringsAt(obj: JsonRecord, key: string, countMax: number): string[] {
  return arrayAt(obj, key)
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .slice(0, countMax)
}

export function capText(text: string): string {
  return text.length > textLengthMax ? text.slice(0, textLengthMax) : text
}

export function engagementOf(likes: number | null, reposts: number | null, replies: number | null, quotes: number | null): Engagement | null {
  if (likes === null && reposts === null && replies === null && quotes === null) return null
  return { likes: likes ?? 0, reposts: reposts ?? 0, replies: replies ?? 0, quotes: quotes ?? 0 }
}

/** A Date from milliseconds since the epoch, or null when out of the Date range. */
export function dateFromMs(ms: number): Date | null {
  const date = new Date(ms)
  return Number.isNaN(date.getTime()) ? null : date
}

/** Epoch milliseconds sent as a decimal string (X `created_timestamp`, `timestamp_ms`). */
export function dateFromMsText(text: string | null): Date | null {
  return text !== null && /^\d{1,15}$/.test(text) ? dateFromMs(Number(text)) : null
}

/** ISO 8601 / RFC 3339 timestamps only (Date.parse alone accepts far too much). */
export function dateFromIso(text: string | null): Date | null {
  if (text === null) return null
  const iso = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/
  if (!iso.test(text.trim())) return null
  return dateFromMs(Date.parse(text.trim().replace(' ', 'T')))
}

export function park(reason: ParkReason, detail: string): ParseResult {
  return { ok: false, reason, detail }
}

export type JsonDecoded = { ok: true; value: unknown } | { ok: false; detail: string }

export function decodeJson(body: string): JsonDecoded {
  try {
    return { ok: true, value: JSON.parse(body) as unknown }
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) }
  }
}

/** Prefix for park details so a dead letter says where the unit came from. */
export function at(origin: string | undefined): string {
  return origin === undefined ? '' : `${origin}: `
}

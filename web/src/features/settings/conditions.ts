// The routing condition language ({field, op, value}, {all}, {any}, {not}; src/routing/conditions.ts on
// the server) for the settings screens: the fields and operators a builder offers, conditions described
// in words, and server error paths ("$.if.all[1].value") mapped to the control they are about.
import { intents, sentiments, statuses, type Condition, type ConditionOp, type ConditionValue, type FieldCondition } from '../../api/types.ts'

export const channelNames = ['x-twitter', 'facebook', 'instagram', 'mastodon', 'bluesky', 'reddit', 'rss-atom', 'google-reviews', 'email', 'webchat', 'webhook'] as const

type FieldKind = 'enum' | 'language' | 'text' | 'number' | 'boolean' | 'list'
interface FieldSpec { kind: FieldKind; values?: readonly string[]; label: string }

/** The fields the server accepts, with what they compare with (mirrors conditionFieldSpecs). */
export const fieldSpecs: Record<string, FieldSpec> = {
  channel: { kind: 'enum', values: channelNames, label: 'channel' },
  visibility: { kind: 'enum', values: ['public', 'private'], label: 'visibility' },
  language: { kind: 'language', label: 'language' },
  intent: { kind: 'enum', values: intents, label: 'intent' },
  sentiment: { kind: 'enum', values: sentiments, label: 'sentiment' },
  risk: { kind: 'list', values: ['legal', 'safety', 'churn', 'press', 'regulator', 'abuse', 'pii'], label: 'risk flags' },
  tags: { kind: 'list', label: 'tags' },
  vip: { kind: 'boolean', label: 'VIP' },
  priority: { kind: 'number', label: 'priority' },
  status: { kind: 'enum', values: statuses, label: 'status' },
  queue: { kind: 'text', label: 'queue id' },
}
export const fieldNames = Object.keys(fieldSpecs)

const opsByKind: Record<FieldKind, readonly ConditionOp[]> = {
  enum: ['eq', 'neq', 'in', 'nin'],
  language: ['eq', 'neq', 'in', 'nin'],
  text: ['eq', 'neq', 'in', 'nin', 'contains'],
  number: ['eq', 'neq', 'gte', 'lte', 'in', 'nin'],
  boolean: ['eq', 'neq'],
  list: ['contains', 'in', 'nin'],
}

const opWords: Record<ConditionOp, string> = { eq: 'is', neq: 'is not', in: 'is one of', nin: 'is none of', gte: 'is at least', lte: 'is at most', contains: 'contains' }
const listOpWords: Partial<Record<ConditionOp, string>> = { in: 'include any of', nin: 'include none of', contains: 'include' }

export const opsFor = (field: string): readonly ConditionOp[] => opsByKind[fieldSpecs[field]?.kind ?? 'text']
export const opLabel = (field: string, op: ConditionOp): string => (fieldSpecs[field]?.kind === 'list' ? listOpWords[op] : undefined) ?? opWords[op]
export const valuesFor = (field: string): readonly string[] | undefined => fieldSpecs[field]?.kind === 'boolean' ? ['true', 'false'] : fieldSpecs[field]?.values
export const takesList = (op: ConditionOp): boolean => op === 'in' || op === 'nin'

/** One row of the builder: text as typed; lists comma-separated. */
export interface ConditionRow { field: string; op: ConditionOp; value: string }

export const emptyRow = (): ConditionRow => ({ field: 'intent', op: 'eq', value: 'complaint' })

function scalarOf(field: string, text: string): string | number | boolean {
  const kind = fieldSpecs[field]?.kind
  if (kind === 'number') return text.trim() === '' ? Number.NaN : Number(text)
  if (kind === 'boolean') return text === 'true'
  return text.trim()
}

/** The JSON the server checks; it reports mistakes with their path, so this does not second-guess. */
export function rowToCondition(r: ConditionRow): FieldCondition {
  if (takesList(r.op)) {
    const items = r.value.split(',').map((v) => v.trim()).filter((v) => v !== '')
    const values = items.map((v) => scalarOf(r.field, v))
    return { field: r.field, op: r.op, value: values as ConditionValue }
  }
  return { field: r.field, op: r.op, value: scalarOf(r.field, r.value) }
}

/** Rows joined by AND; none: always. */
export function rowsToCondition(rows: ConditionRow[]): Condition | null {
  if (rows.length === 0) return null
  if (rows.length === 1) return rowToCondition(rows[0]!)
  return { all: rows.map(rowToCondition) }
}

/** A row's value when the field or operator changes: keep it if it still fits, else a sensible default. */
export function fitRow(r: ConditionRow): ConditionRow {
  const ops = opsFor(r.field)
  const op = ops.includes(r.op) ? r.op : ops[0]!
  const values = valuesFor(r.field)
  if (values !== undefined && !takesList(op) && !values.includes(r.value)) return { ...r, op, value: values[0]! }
  return { ...r, op }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function showValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(showValue).join(', ')
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

/** A stored condition in words, e.g. "intent is complaint and risk flags include any of legal, safety". */
export function describeCondition(c: unknown, names: (field: string, value: unknown) => string = (_f, v) => showValue(v)): string {
  if (c === null || c === undefined) return 'always'
  if (!isRecord(c)) return JSON.stringify(c)
  const part = (x: unknown) => {
    const text = describeCondition(x, names)
    return isRecord(x) && ('all' in x || 'any' in x) ? `(${text})` : text
  }
  if (Array.isArray(c.all)) return c.all.map(part).join(' and ')
  if (Array.isArray(c.any)) return c.any.map(part).join(' or ')
  if ('not' in c) return `not ${part(c.not)}`
  const field = String(c.field)
  const op = c.op as ConditionOp
  return `${fieldSpecs[field]?.label ?? field} ${opLabel(field, op) ?? String(op)} ${names(field, c.value)}`
}

/** Builder rows for a condition the builder can show (one field test, or an AND of field tests); null otherwise. */
export function conditionToRows(c: unknown): ConditionRow[] | null {
  if (c === null || c === undefined) return []
  const row = (x: unknown): ConditionRow | null => {
    if (!isRecord(x) || typeof x.field !== 'string' || typeof x.op !== 'string') return null
    return { field: x.field, op: x.op as ConditionOp, value: showValue(x.value) }
  }
  if (isRecord(c) && Array.isArray(c.all)) {
    const rows = c.all.map(row)
    return rows.every((r) => r !== null) ? (rows as ConditionRow[]) : null
  }
  const one = row(c)
  return one === null ? null : [one]
}

/** Where a server error path points: "$.if.all[2]…" → condition row 2, "$.then[1]…" → action 1. */
export type ErrorTarget =
  | { at: 'name' | 'when' | 'if' | 'stop' | 'form' }
  | { at: 'row'; index: number }
  | { at: 'action'; index: number }

export function targetOfPath(path: string, rows: number, raw: boolean): ErrorTarget {
  const action = /^\$\.then\[(\d+)\]/.exec(path)
  if (action?.[1] !== undefined) return { at: 'action', index: Number(action[1]) }
  if (path.startsWith('$.then')) return { at: 'form' }
  if (path.startsWith('$.if')) {
    if (raw) return { at: 'if' }
    const all = /^\$\.if\.all\[(\d+)\]/.exec(path)
    if (all?.[1] !== undefined && rows > 1) return { at: 'row', index: Number(all[1]) }
    if (rows === 1 && !path.startsWith('$.if.all')) return { at: 'row', index: 0 }
    return { at: 'if' }
  }
  if (path.startsWith('$.name')) return { at: 'name' }
  if (path.startsWith('$.when')) return { at: 'when' }
  if (path.startsWith('$.stop')) return { at: 'stop' }
  return { at: 'form' }
}

// A small condition language for queue routing rules and automations, stored as JSON:
//   {field, op, value}  combined with  {all: […]}, {any: […]}, {not: …}
// over a conversation's facts. Rules come from admins through the API, so validateCondition checks
// untrusted JSON (never throws) and says where and why a rule is refused; evaluate runs only on
// validated conditions.
import { channelNames, conversationStatuses, type ConversationStatus } from '../core/model.ts'
import type { ValidationError } from './calendar.ts'
import type { RoutableConversation } from './model.ts'

export type ConditionOp = 'eq' | 'neq' | 'in' | 'nin' | 'gte' | 'lte' | 'contains'
export const conditionOps: readonly ConditionOp[] = ['eq', 'neq', 'in', 'nin', 'gte', 'lte', 'contains']

export type ConditionValue = string | number | boolean | string[] | number[]

export interface FieldCondition {
  field: ConditionField
  op: ConditionOp
  value: ConditionValue
}

export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition }

/** The conversation facts conditions read. `status` and `queue` are known once a conversation exists. */
export interface ConditionFacts {
  channel: string
  visibility: string
  language: string | null
  intent: string
  sentiment: string
  risk: readonly string[]
  tags: readonly string[]
  vip: boolean
  priority: number
  workspace: string
  status: ConversationStatus | null
  queue: string | null
}

type FieldKind = 'enum' | 'language' | 'text' | 'number' | 'boolean' | 'list'

interface FieldSpec {
  kind: FieldKind
  /** Allowed values for enum fields and for list fields with a closed vocabulary. */
  values?: readonly string[]
}

export const conditionFieldSpecs = {
  channel: { kind: 'enum', values: channelNames },
  visibility: { kind: 'enum', values: ['public', 'private'] },
  language: { kind: 'language' },
  intent: { kind: 'enum', values: ['complaint', 'question', 'praise', 'idea', 'spam', 'other'] },
  sentiment: { kind: 'enum', values: ['negative', 'neutral', 'positive'] },
  risk: { kind: 'list', values: ['legal', 'safety', 'churn', 'press', 'regulator', 'abuse', 'pii'] },
  tags: { kind: 'list' },
  vip: { kind: 'boolean' },
  priority: { kind: 'number' },
  workspace: { kind: 'text' },
  status: { kind: 'enum', values: conversationStatuses },
  queue: { kind: 'text' },
} as const satisfies Record<string, FieldSpec>

export type ConditionField = keyof typeof conditionFieldSpecs
export const conditionFields = Object.keys(conditionFieldSpecs) as ConditionField[]

const opsByKind: Record<FieldKind, readonly ConditionOp[]> = {
  enum: ['eq', 'neq', 'in', 'nin'],
  language: ['eq', 'neq', 'in', 'nin'],
  text: ['eq', 'neq', 'in', 'nin', 'contains'],
  number: ['eq', 'neq', 'gte', 'lte', 'in', 'nin'],
  boolean: ['eq', 'neq'],
  list: ['contains', 'in', 'nin'],
}

export const conditionDepthMax = 12
export const conditionNodesMax = 256
export const conditionListMax = 500
export const conditionStringMax = 200

export function factsOf(c: RoutableConversation, extra: { status?: ConversationStatus | null } = {}): ConditionFacts {
  return {
    channel: c.channel, visibility: c.visibility, language: c.language, intent: c.intent, sentiment: c.sentiment,
    risk: c.riskFlags, tags: c.tags, vip: c.vip, priority: c.priority, workspace: c.workspaceId,
    status: extra.status ?? null, queue: c.queueId,
  }
}

// ── validation ────────────────────────────────────────────────────────────────────────────────

export type ConditionCheck = { ok: true; condition: Condition } | { ok: false; error: ValidationError }

class Refused {
  constructor(readonly path: string, readonly reason: string) {}
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const show = (v: unknown): string => {
  const text = typeof v === 'string' ? JSON.stringify(v) : String(v)
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

/** Checks untrusted JSON and returns the typed condition, or the first problem with its path. Never throws. */
export function validateCondition(json: unknown): ConditionCheck {
  const budget = { nodes: 0 }
  try {
    return { ok: true, condition: checkNode(json, '$', 0, budget) }
  } catch (e) {
    if (e instanceof Refused) return { ok: false, error: { path: e.path, reason: e.reason } }
    return { ok: false, error: { path: '$', reason: 'unreadable condition' } }
  }
}

function checkNode(json: unknown, path: string, depth: number, budget: { nodes: number }): Condition {
  if (depth > conditionDepthMax) throw new Refused(path, `nested deeper than ${conditionDepthMax} levels`)
  if (++budget.nodes > conditionNodesMax) throw new Refused(path, `more than ${conditionNodesMax} conditions`)
  if (!isRecord(json)) throw new Refused(path, 'must be an object: {field, op, value}, {all: […]}, {any: […]} or {not: …}')
  const keys = Object.keys(json)
  for (const combinator of ['all', 'any'] as const) {
    if (!own(json, combinator)) continue
    if (keys.length !== 1) throw new Refused(path, `"${combinator}" must be the only key`)
    const list = json[combinator]
    if (!Array.isArray(list) || list.length === 0) throw new Refused(`${path}.${combinator}`, 'must be a non-empty list of conditions')
    const children = list.map((child, i) => checkNode(child, `${path}.${combinator}[${i}]`, depth + 1, budget))
    return combinator === 'all' ? { all: children } : { any: children }
  }
  if (own(json, 'not')) {
    if (keys.length !== 1) throw new Refused(path, '"not" must be the only key')
    return { not: checkNode(json.not, `${path}.not`, depth + 1, budget) }
  }
  return checkField(json, keys, path)
}

function checkField(json: Record<string, unknown>, keys: string[], path: string): FieldCondition {
  for (const k of keys) {
    if (k !== 'field' && k !== 'op' && k !== 'value') throw new Refused(`${path}.${k}`, 'unknown key (expected field, op, value, or one of all/any/not)')
  }
  const field = own(json, 'field') ? json.field : undefined
  if (typeof field !== 'string' || !own(conditionFieldSpecs, field)) {
    throw new Refused(`${path}.field`, `must be one of ${conditionFields.join(', ')}`)
  }
  const spec: FieldSpec = conditionFieldSpecs[field as ConditionField]
  const op = own(json, 'op') ? json.op : undefined
  const allowed = opsByKind[spec.kind]
  if (typeof op !== 'string' || !(conditionOps as readonly string[]).includes(op)) throw new Refused(`${path}.op`, `must be one of ${conditionOps.join(', ')}`)
  if (!allowed.includes(op as ConditionOp)) {
    const hint = spec.kind === 'list' && (op === 'eq' || op === 'neq') ? ` (use ${op === 'eq' ? 'contains' : 'nin'} for a list)` : ''
    throw new Refused(`${path}.op`, `"${op}" does not apply to ${field}; use ${allowed.join(', ')}${hint}`)
  }
  if (!own(json, 'value')) throw new Refused(`${path}.value`, 'is required')
  const value = checkValue(json.value, field as ConditionField, spec, op as ConditionOp, `${path}.value`)
  return { field: field as ConditionField, op: op as ConditionOp, value }
}

function checkScalar(v: unknown, field: string, spec: FieldSpec, path: string): string | number | boolean {
  if (spec.kind === 'number') {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Refused(path, `${field} compares with a number`)
    return v
  }
  if (spec.kind === 'boolean') {
    if (typeof v !== 'boolean') throw new Refused(path, `${field} compares with true or false`)
    return v
  }
  if (typeof v !== 'string' || v.length === 0 || v.length > conditionStringMax) {
    throw new Refused(path, `${field} compares with a non-empty text of at most ${conditionStringMax} characters`)
  }
  if (spec.values !== undefined && !spec.values.includes(v)) throw new Refused(path, `${show(v)} is not a known ${field}; expected one of ${spec.values.join(', ')}`)
  if (spec.kind === 'language' && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(v)) throw new Refused(path, `${show(v)} is not a language tag such as "fr" or "pt-BR"`)
  return v
}

function checkValue(v: unknown, field: ConditionField, spec: FieldSpec, op: ConditionOp, path: string): ConditionValue {
  if (op === 'in' || op === 'nin') {
    if (!Array.isArray(v) || v.length === 0 || v.length > conditionListMax) throw new Refused(path, `"${op}" takes a non-empty list of at most ${conditionListMax} values`)
    const scalarSpec: FieldSpec = spec.kind === 'list' ? { kind: 'text', ...(spec.values === undefined ? {} : { values: spec.values }) } : spec
    const items = v.map((item, i) => checkScalar(item, field, scalarSpec, `${path}[${i}]`))
    return spec.kind === 'number' ? (items as number[]) : (items as string[])
  }
  if (Array.isArray(v)) throw new Refused(path, `"${op}" takes a single value, not a list`)
  if (spec.kind === 'list') return checkScalar(v, field, { kind: 'text', ...(spec.values === undefined ? {} : { values: spec.values }) }, path)
  return checkScalar(v, field, spec, path)
}

// ── evaluation ────────────────────────────────────────────────────────────────────────────────

function fold(v: string): string {
  return v.toLowerCase()
}

function listHas(items: readonly string[], wanted: string): boolean {
  for (const item of items) if (item === wanted) return true
  const w = fold(wanted)
  for (const item of items) if (fold(item) === w) return true
  return false
}

function languageIs(fact: string, wanted: string): boolean {
  const f = fold(fact)
  const w = fold(wanted)
  return f === w || f.startsWith(`${w}-`)
}

function scalarEquals(field: ConditionField, fact: string | number | boolean, value: string | number | boolean): boolean {
  if (field === 'language') return languageIs(String(fact), String(value))
  if (typeof fact === 'string' && typeof value === 'string') return fold(fact) === fold(value)
  return fact === value
}

function evaluateField(c: FieldCondition, facts: ConditionFacts): boolean {
  const fact = facts[c.field]
  if (Array.isArray(fact)) {
    const items = fact as readonly string[]
    if (c.op === 'contains') return listHas(items, String(c.value))
    const hit = (c.value as string[]).some((w) => listHas(items, w))
    return c.op === 'in' ? hit : !hit
  }
  // An unknown fact (language not detected, no status yet) matches only the negative operators.
  if (fact === null || fact === undefined) return c.op === 'neq' || c.op === 'nin'
  const scalar = fact as string | number | boolean
  switch (c.op) {
    case 'eq': return scalarEquals(c.field, scalar, c.value as string | number | boolean)
    case 'neq': return !scalarEquals(c.field, scalar, c.value as string | number | boolean)
    case 'in': return (c.value as (string | number)[]).some((v) => scalarEquals(c.field, scalar, v))
    case 'nin': return !(c.value as (string | number)[]).some((v) => scalarEquals(c.field, scalar, v))
    case 'gte': return typeof scalar === 'number' && scalar >= (c.value as number)
    case 'lte': return typeof scalar === 'number' && scalar <= (c.value as number)
    case 'contains': return fold(String(scalar)).includes(fold(String(c.value)))
  }
}

/** Evaluates a validated condition (validateCondition) against a conversation's facts. */
export function evaluate(cond: Condition, facts: ConditionFacts): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluate(c, facts))
  if ('any' in cond) return cond.any.some((c) => evaluate(c, facts))
  if ('not' in cond) return !evaluate(cond.not, facts)
  return evaluateField(cond, facts)
}

const opText: Record<ConditionOp, string> = { eq: '=', neq: '≠', in: 'in', nin: 'not in', gte: '≥', lte: '≤', contains: 'contains' }

/** A condition in words for reasons and rule lists: `intent = complaint and language in [fr, de]`. */
export function describeCondition(cond: Condition, nested = false): string {
  const wrap = (s: string): string => (nested ? `(${s})` : s)
  if ('all' in cond) return cond.all.length === 1 ? describeCondition(cond.all[0]!, nested) : wrap(cond.all.map((c) => describeCondition(c, true)).join(' and '))
  if ('any' in cond) return cond.any.length === 1 ? describeCondition(cond.any[0]!, nested) : wrap(cond.any.map((c) => describeCondition(c, true)).join(' or '))
  if ('not' in cond) return `not ${describeCondition(cond.not, true)}`
  const value = Array.isArray(cond.value) ? `[${cond.value.join(', ')}]` : String(cond.value)
  return `${cond.field} ${opText[cond.op]} ${value}`
}

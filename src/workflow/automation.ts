// Automations: when <event> if <condition> then <actions>. Rules are admin-written JSON (validated with
// the routing condition language); running them is pure: the caller gets the actions to apply, each
// with the rule that asked for it. Actions that would change nothing are dropped, so an automation
// reacting to conversation.updated cannot loop on its own update.
import { conversationStatuses, type ConversationStatus } from '../core/model.ts'
import type { ValidationError } from '../routing/calendar.ts'
import { evaluate, validateCondition, type Condition, type ConditionFacts } from '../routing/conditions.ts'

export type AutomationEvent = 'message.created' | 'conversation.updated'
export const automationEvents: readonly AutomationEvent[] = ['message.created', 'conversation.updated']

export type AutomationAction =
  | { type: 'set_queue'; queueId: string }
  | { type: 'add_tag'; tag: string }
  | { type: 'set_status'; status: ConversationStatus }
  | { type: 'set_priority_override'; score: number }
  /** Hide the triggering public message on the platform (spam, abuse). */
  | { type: 'hide' }
  | { type: 'assign'; agentId: string }

export interface AutomationRule {
  id: string
  name: string
  enabled: boolean
  when: AutomationEvent
  /** Null: always. */
  if: Condition | null
  then: AutomationAction[]
  /** Later rules do not run for this event when this one fired. */
  stop: boolean
}

/** What the rules see beyond the condition facts: current state, to drop no-op actions. */
export interface AutomationFacts extends ConditionFacts {
  assigneeId?: string | null
  priorityOverride?: number | null
  hidden?: boolean
}

export interface FiredAction {
  ruleId: string
  action: AutomationAction
}

export const actionsPerRuleMax = 20
export const rulesMax = 500

function isNoOp(action: AutomationAction, facts: AutomationFacts, pending: FiredAction[]): boolean {
  const already = pending.some((p) => JSON.stringify(p.action) === JSON.stringify(action))
  if (already) return true
  switch (action.type) {
    case 'set_queue': return facts.queue === action.queueId
    case 'add_tag': return facts.tags.some((t) => t.toLowerCase() === action.tag.toLowerCase())
    case 'set_status': return facts.status === action.status
    case 'set_priority_override': return facts.priorityOverride === action.score
    case 'hide': return facts.hidden === true
    case 'assign': return facts.assigneeId === action.agentId
  }
}

/** The actions the enabled rules for this event ask for, in rule order, each with its rule id. */
export function runAutomations(event: { type: AutomationEvent }, facts: AutomationFacts, rules: readonly AutomationRule[]): FiredAction[] {
  const out: FiredAction[] = []
  for (const rule of rules) {
    if (!rule.enabled || rule.when !== event.type) continue
    if (rule.if !== null && !evaluate(rule.if, facts)) continue
    for (const action of rule.then) {
      if (!isNoOp(action, facts, out)) out.push({ ruleId: rule.id, action })
    }
    if (rule.stop) break
  }
  return out
}

export interface DryRunSample {
  id: string
  facts: AutomationFacts
}

export interface DryRunRow {
  ruleId: string
  name: string
  /** Conversations whose facts match the rule. */
  matched: number
  /** Of those, how many it would actually change (its actions were not all no-ops or pre-empted by `stop`). */
  wouldFire: number
  total: number
  /** Up to examplesMax conversation ids it would fire on. */
  examples: string[]
}

/**
 * Per rule, on recent conversations: how many it would match and change, with examples. Disabled rules
 * are tried as if enabled (a dry run is how a rule is tested before switching it on).
 */
export function dryRun(ruleList: readonly AutomationRule[], recent: readonly DryRunSample[], examplesMax = 5): DryRunRow[] {
  const rules = ruleList.map((r) => (r.enabled ? r : { ...r, enabled: true }))
  const rows = new Map<string, DryRunRow>(rules.map((r) => [r.id, { ruleId: r.id, name: r.name, matched: 0, wouldFire: 0, total: recent.length, examples: [] }]))
  for (const sample of recent) {
    for (const rule of rules) {
      if (rule.if === null || evaluate(rule.if, sample.facts)) rows.get(rule.id)!.matched++
    }
    for (const event of automationEvents) {
      const fired = new Set(runAutomations({ type: event }, sample.facts, rules).map((f) => f.ruleId))
      for (const ruleId of fired) {
        const row = rows.get(ruleId)!
        row.wouldFire++
        if (row.examples.length < examplesMax) row.examples.push(sample.id)
      }
    }
  }
  return [...rows.values()]
}

// ── validation ────────────────────────────────────────────────────────────────────────────────

export type RuleCheck = { ok: true; rule: AutomationRule } | { ok: false; error: ValidationError }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max

function checkAction(json: unknown, path: string, when: AutomationEvent): AutomationAction | ValidationError {
  if (!isRecord(json)) return { path, reason: 'must be an object {type, …}' }
  const type = own(json, 'type') ? json.type : undefined
  const field = (k: string): unknown => (own(json, k) ? json[k] : undefined)
  switch (type) {
    case 'set_queue': {
      const queueId = field('queueId')
      return isText(queueId, 100) ? { type, queueId } : { path: `${path}.queueId`, reason: 'must be a queue id' }
    }
    case 'add_tag': {
      const tag = field('tag')
      return isText(tag, 50) && !/\s/.test(tag) ? { type, tag } : { path: `${path}.tag`, reason: 'must be a tag of 1–50 characters without spaces' }
    }
    case 'set_status': {
      const status = field('status')
      return typeof status === 'string' && (conversationStatuses as readonly string[]).includes(status)
        ? { type, status: status as ConversationStatus }
        : { path: `${path}.status`, reason: `must be one of ${conversationStatuses.join(', ')}` }
    }
    case 'set_priority_override': {
      const score = field('score')
      return typeof score === 'number' && Number.isInteger(score) && score >= 0 && score <= 100 ? { type, score } : { path: `${path}.score`, reason: 'must be an integer score 0..100' }
    }
    case 'hide':
      return when === 'message.created' ? { type } : { path: `${path}.type`, reason: 'hide acts on the triggering message: only for when "message.created"' }
    case 'assign': {
      const agentId = field('agentId')
      return isText(agentId, 100) ? { type, agentId } : { path: `${path}.agentId`, reason: 'must be an agent id' }
    }
    default:
      return { path: `${path}.type`, reason: 'must be one of set_queue, add_tag, set_status, set_priority_override, hide, assign' }
  }
}

/** Checks an automation rule from untrusted JSON; the condition goes through validateCondition. Never throws. */
export function validateAutomationRule(json: unknown): RuleCheck {
  const fail = (path: string, reason: string): RuleCheck => ({ ok: false, error: { path, reason } })
  if (!isRecord(json)) return fail('$', 'must be an object {id, name, when, if, then}')
  for (const k of Object.keys(json)) {
    if (!['id', 'name', 'enabled', 'when', 'if', 'then', 'stop'].includes(k)) return fail(`$.${k}`, 'unknown key')
  }
  const get = (k: string): unknown => (own(json, k) ? json[k] : undefined)
  const id = get('id')
  const name = get('name')
  const when = get('when')
  if (!isText(id, 100)) return fail('$.id', 'must be a non-empty text')
  if (!isText(name, 200)) return fail('$.name', 'must be a non-empty text of at most 200 characters')
  if (typeof when !== 'string' || !(automationEvents as readonly string[]).includes(when)) return fail('$.when', `must be one of ${automationEvents.join(', ')}`)
  const enabled = get('enabled') ?? true
  const stop = get('stop') ?? false
  if (typeof enabled !== 'boolean') return fail('$.enabled', 'must be true or false')
  if (typeof stop !== 'boolean') return fail('$.stop', 'must be true or false')
  let condition: Condition | null = null
  const rawIf = get('if') ?? null
  if (rawIf !== null) {
    const check = validateCondition(rawIf)
    if (!check.ok) return fail(check.error.path.replace(/^\$/, '$.if'), check.error.reason)
    condition = check.condition
  }
  const then = get('then')
  if (!Array.isArray(then) || then.length === 0 || then.length > actionsPerRuleMax) return fail('$.then', `must be a list of 1..${actionsPerRuleMax} actions`)
  const actions: AutomationAction[] = []
  for (const [i, a] of then.entries()) {
    const action = checkAction(a, `$.then[${i}]`, when as AutomationEvent)
    if ('reason' in action) return { ok: false, error: action }
    actions.push(action)
  }
  return { ok: true, rule: { id, name, enabled, when: when as AutomationEvent, if: condition, then: actions, stop } }
}

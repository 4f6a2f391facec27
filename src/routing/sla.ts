// SLA clocks: first response, next response and resolution targets per priority band, counted in
// business time of the policy's calendar. Pure: the caller passes the conversation's timestamps and now.
import { addBusinessTime, businessMsBetween, validateCalendar, type BusinessCalendar, type ValidationError } from './calendar.ts'

export type PriorityBand = 'urgent' | 'high' | 'normal' | 'low'
export const priorityBands: readonly PriorityBand[] = ['urgent', 'high', 'normal', 'low']

export type SlaMetric = 'first_response' | 'next_response' | 'resolution'

/** Minutes of business time; null: no target for that metric. */
export interface SlaTargets {
  firstResponseMinutes: number | null
  nextResponseMinutes: number | null
  resolutionMinutes: number | null
}

export interface SlaPolicy {
  id: string
  name: string
  /** Null: the clock runs around the clock. */
  calendar: BusinessCalendar | null
  targets: Record<PriorityBand, SlaTargets>
  /** Lowest priority score of each band (below `normal` is low); default urgent 70, high 45, normal 20. */
  bandsMin?: { urgent: number; high: number; normal: number }
  /** A running clock turns to warning once this share of its target has elapsed; e.g. 80. */
  warningPercent: number
}

export const bandsMinDefault = { urgent: 70, high: 45, normal: 20 }

/** A stretch the conversation spent waiting on the customer (pending or snoozed); `to` null: still waiting. */
export interface SlaPause {
  from: Date
  to: Date | null
}

/** What the clocks read from a conversation. */
export interface SlaConversation {
  /** Priority score 0..100: picks the band. */
  priority: number
  /** The first customer message. */
  createdAt: Date
  firstResponseAt: Date | null
  /** The customer's latest message. */
  lastCustomerMessageAt: Date | null
  /** The brand's latest reply. */
  lastAgentReplyAt: Date | null
  resolvedAt: Date | null
  /**
   * Pending/snoozed stretches, oldest first (missing: none). The resolution clock does not run during
   * them; the next-response clock only counts customer messages after the latest one began.
   */
  pauses?: readonly SlaPause[]
}

export type ClockState = 'ok' | 'warning' | 'breached' | 'met'

export interface SlaClock {
  metric: SlaMetric
  startedAt: Date
  targetMinutes: number
  /** Null when the calendar is never open (within calendar.searchDaysMax days). */
  dueAt: Date | null
  warnAt: Date | null
  /** When the clock stopped (reply sent, resolved); null while it runs. */
  stoppedAt: Date | null
  /** Set while the clock is paused (the conversation waits on the customer): dueAt is then null. */
  pausedSince: Date | null
  state: ClockState
}

export interface SlaState {
  /** The worst running clock: breached > warning > ok (ok when no clock runs). */
  state: 'ok' | 'warning' | 'breached'
  /** Due time of the running clock that is due first; null when none runs. */
  dueAt: Date | null
  metric: SlaMetric | null
  band: PriorityBand
  clocks: SlaClock[]
}

export function bandOf(priority: number, bandsMin: { urgent: number; high: number; normal: number } = bandsMinDefault): PriorityBand {
  if (priority >= bandsMin.urgent) return 'urgent'
  if (priority >= bandsMin.high) return 'high'
  if (priority >= bandsMin.normal) return 'normal'
  return 'low'
}

/**
 * The instant when `durationMs` of open time, outside the pauses, has passed after `start`. Null when
 * a pause is still open before that (the clock waits) or the calendar is never open.
 */
export function addActiveBusinessTime(cal: BusinessCalendar | null, start: Date, durationMs: number, pauses: readonly SlaPause[]): Date | null {
  let cursor = start.getTime()
  let remaining = Math.max(0, durationMs)
  const sorted = [...pauses].sort((a, b) => a.from.getTime() - b.from.getTime())
  for (const p of sorted) {
    if (p.to !== null && p.to.getTime() <= cursor) continue
    const pauseFrom = Math.max(p.from.getTime(), cursor)
    const active = businessMsBetween(cal, new Date(cursor), new Date(pauseFrom))
    if (remaining <= active) return addBusinessTime(cal, new Date(cursor), remaining)
    remaining -= active
    if (p.to === null) return null
    cursor = Math.max(cursor, p.to.getTime())
  }
  return addBusinessTime(cal, new Date(cursor), remaining)
}

function clock(metric: SlaMetric, startedAt: Date, stoppedAt: Date | null, targetMinutes: number, policy: SlaPolicy, now: Date, pauses: readonly SlaPause[] = []): SlaClock {
  const targetMs = targetMinutes * 60_000
  // A pause still open when the clock stopped ends there; pauses after the stop do not matter.
  const relevant = stoppedAt === null ? pauses : pauses.filter((p) => p.from.getTime() < stoppedAt.getTime()).map((p) => (p.to === null ? { from: p.from, to: stoppedAt } : p))
  const dueAt = addActiveBusinessTime(policy.calendar, startedAt, targetMs, relevant)
  const warnAt = addActiveBusinessTime(policy.calendar, startedAt, (targetMs * policy.warningPercent) / 100, relevant)
  const open = stoppedAt === null ? relevant.find((p) => p.to === null) : undefined
  const pausedSince = open === undefined ? null : open.from
  let state: ClockState
  if (stoppedAt !== null) state = dueAt === null || stoppedAt.getTime() <= dueAt.getTime() ? 'met' : 'breached'
  else if (dueAt !== null && now.getTime() >= dueAt.getTime()) state = 'breached'
  else if (warnAt !== null && now.getTime() >= warnAt.getTime()) state = 'warning'
  else state = 'ok'
  return { metric, startedAt, targetMinutes, dueAt, warnAt, stoppedAt, pausedSince: dueAt === null ? pausedSince : null, state }
}

/**
 * The conversation's clocks. First response runs from the first customer message until the first reply
 * (or resolution without one); it does not pause. Next response runs while a customer message waits for
 * an answer: one written after the first reply, the latest reply and the start of the latest pause (so a
 * conversation put on pending starts it again only at the customer's next message). Resolution runs from
 * the first message until resolved, stopped while the conversation is pending or snoozed.
 */
export function slaClocks(c: SlaConversation, policy: SlaPolicy, now: Date): SlaClock[] {
  const targets = policy.targets[bandOf(c.priority, policy.bandsMin)]
  const pauses = c.pauses ?? []
  const clocks: SlaClock[] = []
  if (targets.firstResponseMinutes !== null) {
    clocks.push(clock('first_response', c.createdAt, c.firstResponseAt ?? c.resolvedAt, targets.firstResponseMinutes, policy, now))
  }
  const pausedNow = pauses.some((p) => p.to === null)
  if (targets.nextResponseMinutes !== null && c.firstResponseAt !== null && c.resolvedAt === null && c.lastCustomerMessageAt !== null && !pausedNow) {
    const latestPause = pauses.reduce((t, p) => Math.max(t, p.from.getTime()), 0)
    const answeredUntil = Math.max(c.firstResponseAt.getTime(), c.lastAgentReplyAt?.getTime() ?? 0, latestPause)
    if (c.lastCustomerMessageAt.getTime() > answeredUntil) {
      clocks.push(clock('next_response', c.lastCustomerMessageAt, null, targets.nextResponseMinutes, policy, now))
    }
  }
  if (targets.resolutionMinutes !== null) {
    clocks.push(clock('resolution', c.createdAt, c.resolvedAt, targets.resolutionMinutes, policy, now, pauses))
  }
  return clocks
}

const severity: Record<ClockState, number> = { met: 0, ok: 1, warning: 2, breached: 3 }

/** ok / warning / breached for what is running now, with the due time to show. */
export function slaState(c: SlaConversation, policy: SlaPolicy, now: Date): SlaState {
  const clocks = slaClocks(c, policy, now)
  const running = clocks.filter((k) => k.stoppedAt === null)
  let state: SlaState['state'] = 'ok'
  let due: SlaClock | null = null
  for (const k of running) {
    if (severity[k.state] > severity[state]) state = k.state as SlaState['state']
    if (k.dueAt !== null && (due === null || due.dueAt === null || k.dueAt.getTime() < due.dueAt.getTime())) due = k
  }
  return { state, dueAt: due?.dueAt ?? null, metric: due?.metric ?? null, band: bandOf(c.priority, policy.bandsMin), clocks }
}

/** The due times to store on the conversation (null: no target, or that clock has stopped). */
export function slaDueTimes(c: SlaConversation, policy: SlaPolicy, now: Date): Record<SlaMetric, Date | null> {
  const out: Record<SlaMetric, Date | null> = { first_response: null, next_response: null, resolution: null }
  for (const k of slaClocks(c, policy, now)) if (k.stoppedAt === null) out[k.metric] = k.dueAt
  return out
}

// ── validation ────────────────────────────────────────────────────────────────────────────────

export type SlaPolicyCheck = { ok: true; policy: SlaPolicy } | { ok: false; error: ValidationError }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)
const minutesMax = 365 * 24 * 60

/** Checks an SLA policy from untrusted JSON. Never throws. */
export function validateSlaPolicy(json: unknown): SlaPolicyCheck {
  const fail = (path: string, reason: string): SlaPolicyCheck => ({ ok: false, error: { path, reason } })
  if (!isRecord(json)) return fail('$', 'must be an object {id, name, calendar, targets, warningPercent}')
  const id = own(json, 'id') ? json.id : undefined
  const name = own(json, 'name') ? json.name : undefined
  if (typeof id !== 'string' || id.length === 0 || id.length > 100) return fail('$.id', 'must be a non-empty text')
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) return fail('$.name', 'must be a non-empty text of at most 200 characters')
  let calendar: BusinessCalendar | null = null
  const rawCalendar = own(json, 'calendar') ? json.calendar : null
  if (rawCalendar !== null) {
    const check = validateCalendar(rawCalendar, '$.calendar')
    if (!check.ok) return check
    calendar = check.calendar
  }
  const warningPercent = own(json, 'warningPercent') ? json.warningPercent : 80
  if (typeof warningPercent !== 'number' || !(warningPercent > 0 && warningPercent < 100)) return fail('$.warningPercent', 'must be a number between 0 and 100 (exclusive)')
  const targets = own(json, 'targets') ? json.targets : undefined
  if (!isRecord(targets)) return fail('$.targets', `must be an object with ${priorityBands.join(', ')}`)
  const out = {} as Record<PriorityBand, SlaTargets>
  for (const band of priorityBands) {
    const t = own(targets, band) ? targets[band] : undefined
    if (!isRecord(t)) return fail(`$.targets.${band}`, 'must be {firstResponseMinutes, nextResponseMinutes, resolutionMinutes}')
    const read = (key: keyof SlaTargets): number | null | string => {
      const v = own(t, key) ? t[key] : null
      if (v === null) return null
      return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= minutesMax ? v : `$.targets.${band}.${key}`
    }
    const first = read('firstResponseMinutes')
    const next = read('nextResponseMinutes')
    const resolution = read('resolutionMinutes')
    for (const v of [first, next, resolution]) if (typeof v === 'string') return fail(v, `must be null or minutes above 0 and at most ${minutesMax}`)
    out[band] = { firstResponseMinutes: first as number | null, nextResponseMinutes: next as number | null, resolutionMinutes: resolution as number | null }
  }
  const policy: SlaPolicy = { id, name, calendar, targets: out, warningPercent }
  if (own(json, 'bandsMin')) {
    const b = json.bandsMin
    if (!isRecord(b) || ![b.urgent, b.high, b.normal].every((v) => typeof v === 'number' && v >= 0 && v <= 100)) return fail('$.bandsMin', 'must be {urgent, high, normal} scores within 0..100')
    if (!((b.urgent as number) >= (b.high as number) && (b.high as number) >= (b.normal as number))) return fail('$.bandsMin', 'must satisfy urgent ≥ high ≥ normal')
    policy.bandsMin = { urgent: b.urgent as number, high: b.high as number, normal: b.normal as number }
  }
  return { ok: true, policy }
}

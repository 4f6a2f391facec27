// Business-hours calendars: weekly opening hours in an IANA time zone, minus holidays. Used for agents'
// working hours and for SLA clocks that only run while the contact centre is open. Time zones go
// through Intl (no library); instants are passed in, never read from the clock.

export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof weekdays)[number]

/** Local wall-clock times 'HH:MM'; end may be '24:00'; end after start (split overnight shifts in two). */
export interface OpeningInterval {
  start: string
  end: string
}

export interface BusinessCalendar {
  /** IANA zone, e.g. 'Europe/Paris'. */
  timezone: string
  weekly: Partial<Record<Weekday, OpeningInterval[]>>
  /** Local dates 'YYYY-MM-DD' when the calendar is closed all day. */
  holidays: string[]
}

/** Open around the clock, every day. */
export const alwaysOpen: BusinessCalendar = {
  timezone: 'UTC',
  weekly: Object.fromEntries(weekdays.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
  holidays: [],
}

const minuteMs = 60_000
const dayMs = 86_400_000
/** How far ahead a due time is searched for before the calendar counts as never open. */
export const searchDaysMax = 1100

// ── time zones ────────────────────────────────────────────────────────────────────────────────

const formatters = new Map<string, Intl.DateTimeFormat>()
/** Offsets per zone per quarter-hour bucket; cleared when it grows past offsetCacheMax entries. */
const offsetCache = new Map<string, Map<number, number>>()
let offsetCacheSize = 0
const offsetCacheMax = 100_000
/** Every zone's transitions fall on a UTC quarter hour, so one offset per quarter hour is exact. */
const offsetBucketMs = 15 * minuteMs

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** Offset of local time from UTC at an instant, in ms (Paris in winter: +3 600 000). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const bucket = Math.floor(instantMs / offsetBucketMs)
  let zone = offsetCache.get(timeZone)
  const cached = zone?.get(bucket)
  if (cached !== undefined) return cached
  const at = bucket * offsetBucketMs
  const parts: Record<string, number> = {}
  for (const p of formatterFor(timeZone).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!)
  const offset = local - at
  if (offsetCacheSize >= offsetCacheMax) {
    offsetCache.clear()
    offsetCacheSize = 0
    zone = undefined
  }
  if (zone === undefined) {
    zone = new Map()
    offsetCache.set(timeZone, zone)
  }
  zone.set(bucket, offset)
  offsetCacheSize++
  return offset
}

export interface LocalTime {
  /** 'YYYY-MM-DD' */
  date: string
  weekday: Weekday
  /** Minutes since local midnight. */
  minuteOfDay: number
  /** Local midnight of that date, as if the wall clock were UTC (for date arithmetic). */
  dayStartWallMs: number
}

export function localTimeAt(instantMs: number, timeZone: string): LocalTime {
  const wall = instantMs + zoneOffsetMs(instantMs, timeZone)
  const dayStartWallMs = Math.floor(wall / dayMs) * dayMs
  return {
    date: new Date(dayStartWallMs).toISOString().slice(0, 10),
    weekday: weekdays[new Date(dayStartWallMs).getUTCDay()]!,
    minuteOfDay: Math.floor((wall - dayStartWallMs) / minuteMs),
    dayStartWallMs,
  }
}

/** The instant a local wall-clock time happens (a time skipped by a DST jump lands that much later). */
export function wallTimeToInstant(wallMs: number, timeZone: string): number {
  const first = wallMs - zoneOffsetMs(wallMs, timeZone)
  const second = wallMs - zoneOffsetMs(first, timeZone)
  return second
}

// ── opening hours ─────────────────────────────────────────────────────────────────────────────

interface CompiledCalendar {
  timezone: string
  /** Per weekday index (0 = Sunday), sorted [startMinute, endMinute) pairs. */
  weekly: [number, number][][]
  holidays: Set<string>
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>()

function parseClock(value: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value)
  if (m === null) return null
  const minutes = Number(m[1]) * 60 + Number(m[2])
  return minutes <= 24 * 60 ? minutes : null
}

function mergeOverlapping(out: [number, number][], next: [number, number]): [number, number][] {
  const last = out[out.length - 1]
  if (last !== undefined && next[0] <= last[1]) last[1] = Math.max(last[1], next[1])
  else out.push([next[0], next[1]])
  return out
}

function compile(cal: BusinessCalendar): CompiledCalendar {
  let c = compiled.get(cal)
  if (c !== undefined) return c
  c = {
    timezone: cal.timezone,
    weekly: weekdays.map((d) => (cal.weekly[d] ?? [])
      .map((i): [number, number] => [parseClock(i.start) ?? 0, parseClock(i.end) ?? 0])
      .filter(([s, e]) => e > s)
      .sort((a, b) => a[0] - b[0])
      .reduce<[number, number][]>(mergeOverlapping, [])),
    holidays: new Set(cal.holidays),
  }
  compiled.set(cal, c)
  return c
}

export function isOpenAt(cal: BusinessCalendar, at: Date): boolean {
  const c = compile(cal)
  const instant = at.getTime()
  const wall = instant + zoneOffsetMs(instant, c.timezone)
  const dayNumber = Math.floor(wall / dayMs)
  const minute = Math.floor((wall - dayNumber * dayMs) / minuteMs)
  // 1970-01-01 was a Thursday (index 4).
  const day = c.weekly[(((dayNumber + 4) % 7) + 7) % 7]!
  let open = false
  for (const [s, e] of day) if (minute >= s && minute < e) open = true
  if (!open || c.holidays.size === 0) return open
  return !c.holidays.has(new Date(dayNumber * dayMs).toISOString().slice(0, 10))
}

/**
 * The instant when `durationMs` of open time has passed after `start` (a null calendar is always
 * open). Null when the calendar has no open time within searchDaysMax days.
 */
export function addBusinessTime(cal: BusinessCalendar | null, start: Date, durationMs: number): Date | null {
  if (cal === null) return new Date(start.getTime() + durationMs)
  const c = compile(cal)
  let remaining = Math.max(0, durationMs)
  const cursor = start.getTime()
  let dayWall = localTimeAt(cursor, c.timezone).dayStartWallMs
  for (let i = 0; i < searchDaysMax; i++, dayWall += dayMs) {
    const date = new Date(dayWall)
    if (c.holidays.has(date.toISOString().slice(0, 10))) continue
    for (const [s, e] of c.weekly[date.getUTCDay()]!) {
      const openAt = wallTimeToInstant(dayWall + s * minuteMs, c.timezone)
      const closeAt = wallTimeToInstant(dayWall + e * minuteMs, c.timezone)
      const from = Math.max(openAt, cursor)
      if (from >= closeAt) continue
      if (remaining <= closeAt - from) return new Date(from + remaining)
      remaining -= closeAt - from
    }
  }
  return null
}

/**
 * Open time between two instants, in ms (a null calendar is always open). Pure; 0 when `to` is not after
 * `from`. Counts at most searchDaysMax days past `from` (a longer stretch is cut there).
 */
export function businessMsBetween(cal: BusinessCalendar | null, from: Date, to: Date): number {
  const a = from.getTime()
  const b = to.getTime()
  if (b <= a) return 0
  if (cal === null) return b - a
  const c = compile(cal)
  let total = 0
  let dayWall = localTimeAt(a, c.timezone).dayStartWallMs
  for (let i = 0; i < searchDaysMax; i++, dayWall += dayMs) {
    const date = new Date(dayWall)
    if (c.holidays.has(date.toISOString().slice(0, 10))) continue
    let past = false
    for (const [s, e] of c.weekly[date.getUTCDay()]!) {
      const openAt = wallTimeToInstant(dayWall + s * minuteMs, c.timezone)
      const closeAt = wallTimeToInstant(dayWall + e * minuteMs, c.timezone)
      if (openAt >= b) past = true
      const overlap = Math.min(closeAt, b) - Math.max(openAt, a)
      if (overlap > 0) total += overlap
    }
    if (past || wallTimeToInstant(dayWall + dayMs, c.timezone) >= b) break
  }
  return total
}

// ── validation ────────────────────────────────────────────────────────────────────────────────

/** Where untrusted input is wrong ('$.weekly.mon[0].end') and why, in words an admin can act on. */
export interface ValidationError {
  path: string
  reason: string
}

export type CalendarCheck = { ok: true; calendar: BusinessCalendar } | { ok: false; error: ValidationError }

const fail = (path: string, reason: string): { ok: false; error: ValidationError } => ({ ok: false, error: { path, reason } })

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)

/** Checks untrusted JSON (an API body) and returns a calendar the functions above can use. Never throws. */
export function validateCalendar(json: unknown, path = '$'): CalendarCheck {
  if (!isRecord(json)) return fail(path, 'must be an object {timezone, weekly, holidays}')
  for (const k of Object.keys(json)) {
    if (!['timezone', 'weekly', 'holidays'].includes(k)) return fail(`${path}.${k}`, 'unknown key')
  }
  const tz = own(json, 'timezone') ? json.timezone : undefined
  if (typeof tz !== 'string' || tz.length > 64 || !isValidTimeZone(tz)) return fail(`${path}.timezone`, 'must be an IANA time zone such as "Europe/Paris"')
  const weekly = own(json, 'weekly') ? json.weekly : undefined
  if (!isRecord(weekly)) return fail(`${path}.weekly`, 'must be an object keyed by sun..sat')
  const outWeekly: Partial<Record<Weekday, OpeningInterval[]>> = {}
  for (const [day, intervals] of Object.entries(weekly)) {
    const dayPath = `${path}.weekly.${day}`
    if (!(weekdays as readonly string[]).includes(day)) return fail(dayPath, 'weekday must be one of sun, mon, tue, wed, thu, fri, sat')
    if (!Array.isArray(intervals) || intervals.length > 24) return fail(dayPath, 'must be a list of at most 24 {start, end} intervals')
    const list: OpeningInterval[] = []
    for (const [i, interval] of intervals.entries()) {
      const at = `${dayPath}[${i}]`
      if (!isRecord(interval) || typeof interval.start !== 'string' || typeof interval.end !== 'string') return fail(at, 'must be {start: "HH:MM", end: "HH:MM"}')
      const s = parseClock(interval.start)
      const e = parseClock(interval.end)
      if (s === null || s >= 24 * 60) return fail(`${at}.start`, 'must be a time "HH:MM" from 00:00 to 23:59')
      if (e === null) return fail(`${at}.end`, 'must be a time "HH:MM" from 00:01 to 24:00')
      if (e <= s) return fail(`${at}.end`, 'must be after start (split overnight hours into two days)')
      list.push({ start: interval.start, end: interval.end })
    }
    outWeekly[day as Weekday] = list
  }
  const holidays = own(json, 'holidays') ? json.holidays : []
  if (!Array.isArray(holidays) || holidays.length > 1000) return fail(`${path}.holidays`, 'must be a list of at most 1000 dates "YYYY-MM-DD"')
  for (const [i, h] of holidays.entries()) {
    if (typeof h !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(h) || Number.isNaN(Date.parse(`${h}T00:00:00Z`))) {
      return fail(`${path}.holidays[${i}]`, 'must be a date "YYYY-MM-DD"')
    }
  }
  return { ok: true, calendar: { timezone: tz, weekly: outWeekly, holidays: holidays as string[] } }
}

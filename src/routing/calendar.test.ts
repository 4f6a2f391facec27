import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addBusinessTime, alwaysOpen, businessMsBetween, isOpenAt, localTimeAt, validateCalendar, zoneOffsetMs, type BusinessCalendar } from './calendar.ts'

const paris: BusinessCalendar = {
  timezone: 'Europe/Paris',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }]])),
  holidays: ['2026-05-01'],
}
const hour = 3_600_000

describe('time zones', () => {
  it('knows Paris winter and summer offsets and New York', () => {
    expect(zoneOffsetMs(Date.parse('2026-01-15T12:00:00Z'), 'Europe/Paris')).toBe(hour)
    expect(zoneOffsetMs(Date.parse('2026-07-15T12:00:00Z'), 'Europe/Paris')).toBe(2 * hour)
    expect(zoneOffsetMs(Date.parse('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * hour)
    // Paris switches to summer time at 01:00 UTC on 29 March 2026.
    expect(zoneOffsetMs(Date.parse('2026-03-29T00:59:00Z'), 'Europe/Paris')).toBe(hour)
    expect(zoneOffsetMs(Date.parse('2026-03-29T01:00:00Z'), 'Europe/Paris')).toBe(2 * hour)
  })

  it('gives the local date, weekday and minute', () => {
    expect(localTimeAt(Date.parse('2026-03-01T23:30:00Z'), 'Europe/Paris')).toMatchObject({ date: '2026-03-02', weekday: 'mon', minuteOfDay: 30 })
  })
})

describe('isOpenAt', () => {
  it.each([
    ['2026-03-02T08:30:00Z', true], // Monday 09:30 Paris
    ['2026-03-02T07:59:00Z', false], // 08:59
    ['2026-03-02T11:30:00Z', false], // lunch 12:30
    ['2026-03-02T16:59:00Z', true], // 17:59
    ['2026-03-02T17:00:00Z', false], // 18:00: end is exclusive
    ['2026-03-07T10:00:00Z', false], // Saturday
    ['2026-05-01T10:00:00Z', false], // holiday (a Friday)
    ['2026-07-06T07:30:00Z', true], // Monday 09:30 summer time
  ])('%s → %s', (at, open) => {
    expect(isOpenAt(paris, new Date(at))).toBe(open)
  })
})

describe('addBusinessTime', () => {
  it('counts only open time, across lunch, nights, weekends and holidays', () => {
    // Monday 11:00 Paris + 2 h = 1 h before lunch + 1 h after → 14:00 (13:00 UTC).
    expect(addBusinessTime(paris, new Date('2026-03-02T10:00:00Z'), 2 * hour)?.toISOString()).toBe('2026-03-02T13:00:00.000Z')
    // Friday 17:00 + 2 h → Monday 10:00 Paris.
    expect(addBusinessTime(paris, new Date('2026-03-06T16:00:00Z'), 2 * hour)?.toISOString()).toBe('2026-03-09T09:00:00.000Z')
    // Thursday 30 April 17:30 + 1 h: Friday 1 May is a holiday → Monday 4 May 09:30 (summer time, 07:30 UTC).
    expect(addBusinessTime(paris, new Date('2026-04-30T15:30:00Z'), hour)?.toISOString()).toBe('2026-05-04T07:30:00.000Z')
    // Arrived at night, zero duration: due at the next opening.
    expect(addBusinessTime(paris, new Date('2026-03-02T22:00:00Z'), 0)?.toISOString()).toBe('2026-03-03T08:00:00.000Z')
  })

  it('is plain addition without a calendar or with an always-open one', () => {
    const start = new Date('2026-03-29T00:30:00Z')
    expect(addBusinessTime(null, start, 5 * hour)?.getTime()).toBe(start.getTime() + 5 * hour)
    expect(addBusinessTime(alwaysOpen, start, 5 * hour)?.getTime()).toBe(start.getTime() + 5 * hour)
  })

  it('returns null for a calendar that never opens', () => {
    expect(addBusinessTime({ timezone: 'UTC', weekly: {}, holidays: [] }, new Date(), hour)).toBeNull()
  })

  it('is never before the start, and grows with the duration', () => {
    fc.assert(fc.property(
      fc.integer({ min: Date.parse('2025-01-01'), max: Date.parse('2028-01-01') }),
      fc.integer({ min: 0, max: 100 * hour }),
      fc.integer({ min: 0, max: 10 * hour }),
      (startMs, a, extra) => {
        const start = new Date(startMs)
        const due = addBusinessTime(paris, start, a)!
        const later = addBusinessTime(paris, start, a + extra)!
        expect(due.getTime()).toBeGreaterThanOrEqual(startMs)
        expect(later.getTime()).toBeGreaterThanOrEqual(due.getTime())
        if (a > 0) expect(isOpenAt(paris, new Date(due.getTime() - 1))).toBe(true)
      },
    ), { numRuns: 200 })
  })
})

describe('validateCalendar', () => {
  it('accepts a calendar and refuses mistakes with the path', () => {
    expect(validateCalendar(paris).ok).toBe(true)
    const cases: [unknown, string][] = [
      [{ ...paris, timezone: 'Mars/Olympus' }, '$.timezone'],
      [{ ...paris, weekly: { monday: [] } }, '$.weekly.monday'],
      [{ ...paris, weekly: { mon: [{ start: '18:00', end: '09:00' }] } }, '$.weekly.mon[0].end'],
      [{ ...paris, weekly: { mon: [{ start: '25:00', end: '26:00' }] } }, '$.weekly.mon[0].start'],
      [{ ...paris, holidays: ['1 May'] }, '$.holidays[0]'],
      [{ ...paris, extra: true }, '$.extra'],
    ]
    for (const [json, path] of cases) {
      const r = validateCalendar(json)
      expect(r.ok ? null : r.error.path).toBe(path)
    }
  })

  it('never throws on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (json) => {
      expect(typeof validateCalendar(json).ok).toBe('boolean')
    }), { numRuns: 300 })
  })
})

describe('businessMsBetween', () => {
  it('counts only open hours, skipping lunch, the weekend and holidays', () => {
    // Friday 17:00 Paris → Monday 10:00 Paris: 1 h on Friday, 1 h on Monday.
    expect(businessMsBetween(paris, new Date('2026-03-06T16:00:00Z'), new Date('2026-03-09T09:00:00Z'))).toBe(2 * hour)
    // Monday 11:00 → 14:00 Paris: 1 h before lunch, 1 h after.
    expect(businessMsBetween(paris, new Date('2026-03-02T10:00:00Z'), new Date('2026-03-02T13:00:00Z'))).toBe(2 * hour)
    // 1 May 2026 is a Friday and a holiday.
    expect(businessMsBetween(paris, new Date('2026-04-30T22:00:00Z'), new Date('2026-05-01T21:00:00Z'))).toBe(0)
    expect(businessMsBetween(null, new Date(0), new Date(5000))).toBe(5000)
    expect(businessMsBetween(paris, new Date('2026-03-02T13:00:00Z'), new Date('2026-03-02T10:00:00Z'))).toBe(0)
  })

  it('is the inverse of addBusinessTime', () => {
    const start = Date.parse('2026-03-01T00:00:00Z')
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 * 24 * 30 }), fc.integer({ min: 0, max: 60 * 24 * 20 }), (startMinute, minutes) => {
      const from = new Date(start + startMinute * 60_000)
      const due = addBusinessTime(paris, from, minutes * 60_000)!
      expect(businessMsBetween(paris, from, due)).toBe(minutes * 60_000)
    }), { numRuns: 200 })
  })
})

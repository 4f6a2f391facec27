import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addBusinessTime, businessMsBetween, type BusinessCalendar } from './calendar.ts'
import { addActiveBusinessTime, bandOf, slaClocks, slaDueTimes, slaState, validateSlaPolicy, type SlaConversation, type SlaPolicy } from './sla.ts'

const paris: BusinessCalendar = {
  timezone: 'Europe/Paris',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '18:00' }]])),
  holidays: [],
}
const policy: SlaPolicy = {
  id: 'sla-1', name: 'Social', calendar: null, warningPercent: 80,
  targets: {
    urgent: { firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 240 },
    high: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 480 },
    normal: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: null },
    low: { firstResponseMinutes: 240, nextResponseMinutes: null, resolutionMinutes: null },
  },
}
const addBusinessTime_ = (cal: BusinessCalendar | null, from: Date, minutes: number): Date => addBusinessTime(cal, from, minutes * 60_000)!
const businessMsBetween_ = businessMsBetween
const created = new Date('2026-03-02T10:00:00Z')
const at = (minutes: number): Date => new Date(created.getTime() + minutes * 60_000)
const fresh = (over: Partial<SlaConversation> = {}): SlaConversation => ({
  priority: 50, createdAt: created, firstResponseAt: null, lastCustomerMessageAt: created, lastAgentReplyAt: null, resolvedAt: null, ...over,
})

describe('slaState', () => {
  it('goes ok → warning → breached on the first response clock', () => {
    expect(slaState(fresh(), policy, at(10))).toMatchObject({ state: 'ok', metric: 'first_response', band: 'high', dueAt: at(30) })
    expect(slaState(fresh(), policy, at(24)).state).toBe('warning')
    expect(slaState(fresh(), policy, at(30)).state).toBe('breached')
  })

  it('stops the first response clock on reply and reports met or breached', () => {
    const replied = slaState(fresh({ firstResponseAt: at(20), lastAgentReplyAt: at(20) }), policy, at(100))
    expect(replied.clocks.find((k) => k.metric === 'first_response')?.state).toBe('met')
    expect(replied).toMatchObject({ state: 'ok', metric: 'resolution', dueAt: at(480) })
    const late = slaState(fresh({ firstResponseAt: at(45), lastAgentReplyAt: at(45) }), policy, at(50))
    expect(late.clocks.find((k) => k.metric === 'first_response')?.state).toBe('breached')
  })

  it('runs a next-response clock when the customer writes after our reply', () => {
    const c = fresh({ firstResponseAt: at(5), lastAgentReplyAt: at(5), lastCustomerMessageAt: at(100) })
    const s = slaState(c, policy, at(150))
    expect(s.clocks.find((k) => k.metric === 'next_response')).toMatchObject({ state: 'warning', dueAt: at(160) })
    expect(s).toMatchObject({ state: 'warning', metric: 'next_response', dueAt: at(160) })
    expect(slaState({ ...c, lastAgentReplyAt: at(120) }, policy, at(150)).clocks.some((k) => k.metric === 'next_response')).toBe(false)
  })

  it('picks the band from the priority score', () => {
    expect([80, 50, 25, 5].map((p) => bandOf(p))).toEqual(['urgent', 'high', 'normal', 'low'])
    expect(slaState(fresh({ priority: 90 }), policy, at(0)).dueAt).toEqual(at(15))
    expect(bandOf(50, { urgent: 40, high: 30, normal: 10 })).toBe('urgent')
  })

  it('counts business hours: a message on Friday evening is due on Monday', () => {
    const friday = new Date('2026-03-06T16:30:00Z') // 17:30 Paris
    const s = slaState(fresh({ createdAt: friday, priority: 25 }), { ...policy, calendar: paris }, new Date('2026-03-07T12:00:00Z'))
    // Normal band, 60 min: 30 min left on Friday, 30 min on Monday from 09:00 Paris (08:00 UTC).
    expect(s).toMatchObject({ state: 'ok', dueAt: new Date('2026-03-09T08:30:00Z') })
  })

  it('resolution stops every clock', () => {
    const s = slaState(fresh({ resolvedAt: at(10) }), policy, at(1000))
    expect(s).toMatchObject({ state: 'ok', dueAt: null, metric: null })
    expect(slaDueTimes(fresh({ resolvedAt: at(10) }), policy, at(1000))).toEqual({ first_response: null, next_response: null, resolution: null })
    expect(slaDueTimes(fresh(), policy, at(0))).toEqual({ first_response: at(30), next_response: null, resolution: at(480) })
  })

  it('is never ok after the due time of a running clock', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 2000 }), (priority, minutes) => {
      const s = slaState(fresh({ priority }), policy, at(minutes))
      if (s.dueAt !== null && at(minutes) >= s.dueAt) expect(s.state).toBe('breached')
      if (s.dueAt !== null && at(minutes) < s.dueAt) expect(s.state).not.toBe('breached')
    }))
  })
})

describe('pauses (pending / snoozed)', () => {
  const resolution = (c: SlaConversation, now: Date, p: SlaPolicy = policy) => slaClocks(c, p, now).find((k) => k.metric === 'resolution')

  it('stops the resolution clock while pending and moves the due time by the pause', () => {
    // high band: 480 min to resolve. Pending from minute 60 to 180: due at 480 + 120.
    const replied = { firstResponseAt: at(10), lastAgentReplyAt: at(10) }
    const closed = fresh({ ...replied, pauses: [{ from: at(60), to: at(180) }] })
    expect(resolution(closed, at(200))).toMatchObject({ dueAt: at(600), state: 'ok', pausedSince: null })
    expect(slaState(closed, policy, at(590))).toMatchObject({ state: 'warning', metric: 'resolution' })
    expect(slaState(closed, policy, at(600)).state).toBe('breached')
    // still pending: no due time, never breached however long it waits
    const open = fresh({ ...replied, pauses: [{ from: at(60), to: null }] })
    expect(resolution(open, at(5000))).toMatchObject({ dueAt: null, state: 'ok', pausedSince: at(60) })
    expect(slaState(open, policy, at(5000))).toMatchObject({ state: 'ok', dueAt: null })
    expect(slaDueTimes(open, policy, at(5000)).resolution).toBeNull()
  })

  it('keeps a breach that happened before the pause', () => {
    const c = fresh({ firstResponseAt: at(10), lastAgentReplyAt: at(10), pauses: [{ from: at(500), to: null }] })
    expect(resolution(c, at(600))).toMatchObject({ dueAt: at(480), state: 'breached' })
  })

  it('does not pause the first response clock', () => {
    const c = fresh({ pauses: [{ from: at(5), to: null }] })
    expect(slaState(c, policy, at(31))).toMatchObject({ state: 'breached', metric: 'first_response' })
  })

  it('starts the next-response clock only at the customer\'s next message after the pause', () => {
    const base = { firstResponseAt: at(10), lastAgentReplyAt: at(10) }
    // the customer wrote at 50, the agent put it on pending at 60 without answering: no next-response clock
    const pending = fresh({ ...base, lastCustomerMessageAt: at(50), pauses: [{ from: at(60), to: null }] })
    expect(slaClocks(pending, policy, at(200)).some((k) => k.metric === 'next_response')).toBe(false)
    // an agent reopened it at 100 (no new customer message): still none
    const reopened = fresh({ ...base, lastCustomerMessageAt: at(50), pauses: [{ from: at(60), to: at(100) }] })
    expect(slaClocks(reopened, policy, at(200)).some((k) => k.metric === 'next_response')).toBe(false)
    // the customer wrote at 150 (which reopened it): the clock starts at 150
    const answered = fresh({ ...base, lastCustomerMessageAt: at(150), pauses: [{ from: at(60), to: at(150) }] })
    expect(slaClocks(answered, policy, at(200)).find((k) => k.metric === 'next_response')).toMatchObject({ startedAt: at(150), dueAt: at(210) })
  })

  it('counts a pause in business time: pending over a weekend gives nothing back, pending on Monday does', () => {
    const business = { ...policy, calendar: paris }
    const monday = new Date('2026-03-02T08:00:00Z') // 09:00 Paris
    // high band: 480 min = 8 business hours of 9 per day. Without pauses: due Monday 17:00 Paris (16:00 UTC).
    const c = fresh({ createdAt: monday, firstResponseAt: monday, lastAgentReplyAt: monday, lastCustomerMessageAt: monday })
    expect(resolution(c, monday, business)?.dueAt).toEqual(new Date('2026-03-02T16:00:00Z'))
    // pending Monday 10:00 → 12:00 Paris: 2 business hours back → Tuesday 10:00 Paris (09:00 UTC)
    const pausedMonday = { ...c, pauses: [{ from: new Date('2026-03-02T09:00:00Z'), to: new Date('2026-03-02T11:00:00Z') }] }
    expect(resolution(pausedMonday, monday, business)?.dueAt).toEqual(new Date('2026-03-03T09:00:00Z'))
    // pending Saturday → Sunday: closed hours, nothing changes
    const saturday = { ...c, pauses: [{ from: new Date('2026-03-07T09:00:00Z'), to: new Date('2026-03-08T20:00:00Z') }] }
    expect(resolution(saturday, monday, business)?.dueAt).toEqual(new Date('2026-03-02T16:00:00Z'))
  })

  it('never gives an earlier due time than without pauses, and later by at most the paused business time', () => {
    const start = new Date('2026-03-02T06:00:00Z')
    const cal = paris
    const pausesArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 3_000 })), { maxLength: 4 })
    fc.assert(fc.property(fc.integer({ min: 1, max: 5_000 }), pausesArb, fc.boolean(), (targetMinutes, raw, withCalendar) => {
      const calendar = withCalendar ? cal : null
      // non-overlapping pauses in order
      let t = start.getTime()
      const pauses = raw.map(([gap, length]) => {
        const from = new Date(t + gap * 60_000)
        const to = new Date(from.getTime() + length * 60_000)
        t = to.getTime()
        return { from, to }
      })
      const plain = addBusinessTime_(calendar, start, targetMinutes)
      const paused = addActiveBusinessTime(calendar, start, targetMinutes * 60_000, pauses)!
      expect(paused.getTime()).toBeGreaterThanOrEqual(plain.getTime())
      const pausedBusiness = pauses.reduce((a, p) => a + businessMsBetween_(calendar, p.from, p.to), 0)
      expect(businessMsBetween_(calendar, start, paused)).toBeLessThanOrEqual(targetMinutes * 60_000 + pausedBusiness)
      // the open time outside pauses up to the due time is exactly the target
      const inPauses = pauses.reduce((a, p) => a + businessMsBetween_(calendar, p.from, new Date(Math.min(p.to.getTime(), paused.getTime()))), 0)
      expect(businessMsBetween_(calendar, start, paused) - inPauses).toBe(targetMinutes * 60_000)
    }), { numRuns: 200 })
  })
})

describe('validateSlaPolicy', () => {
  it('accepts a policy and refuses mistakes with the path', () => {
    expect(validateSlaPolicy({ ...policy, calendar: paris }).ok).toBe(true)
    const bad: [unknown, string][] = [
      [{ ...policy, warningPercent: 120 }, '$.warningPercent'],
      [{ ...policy, targets: { ...policy.targets, low: { firstResponseMinutes: -5 } } }, '$.targets.low.firstResponseMinutes'],
      [{ ...policy, targets: { urgent: policy.targets.urgent } }, '$.targets.high'],
      [{ ...policy, calendar: { ...paris, timezone: 'Nowhere/Land' } }, '$.calendar.timezone'],
      [{ ...policy, bandsMin: { urgent: 10, high: 50, normal: 5 } }, '$.bandsMin'],
      [{ ...policy, id: '' }, '$.id'],
    ]
    for (const [json, path] of bad) {
      const r = validateSlaPolicy(json)
      expect(r.ok ? null : r.error.path).toBe(path)
    }
  })

  it('never throws on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (json) => {
      expect(typeof validateSlaPolicy(json).ok).toBe('boolean')
    }), { numRuns: 300 })
  })
})

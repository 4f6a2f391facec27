import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { BusinessCalendar } from './calendar.ts'
import { bandOf, slaDueTimes, slaState, validateSlaPolicy, type SlaConversation, type SlaPolicy } from './sla.ts'

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

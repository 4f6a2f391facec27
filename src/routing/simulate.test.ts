import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { printRoutingBench, runRoutingBench } from './bench.ts'
import { loadUnits } from './capacity.ts'
import { EventQueue } from './event-queue.ts'
import { handlingFactor, simulate, type RouterKind } from './simulate.ts'
import { buildContactCentre, buildQueues, generateArrivals, offeredRate } from './synthetic-centre.ts'
import { agentOf, conversationOf } from './testing.ts'

describe('EventQueue', () => {
  it('pops in time order', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true })), (times) => {
      const q = new EventQueue<number>()
      times.forEach((t, i) => q.push(t, i))
      const out: number[] = []
      for (let e = q.pop(); e !== null; e = q.pop()) out.push(e.time)
      expect(out).toEqual([...times].sort((a, b) => a - b))
    }))
  })
})

describe('synthetic centre', () => {
  it('is deterministic for a seed and has the asked shape', () => {
    const a = buildContactCentre({ agents: 30, queues: 12, open: 300, seed: 7 })
    const b = buildContactCentre({ agents: 30, queues: 12, open: 300, seed: 7 })
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
    expect(a.agents).toHaveLength(30)
    expect(a.queues).toHaveLength(12)
    expect(a.queues.filter((q) => q.isDefault)).toHaveLength(1)
    expect(a.held.length + a.waiting.length).toBe(300)
    expect(buildQueues(60)).toHaveLength(60)
    expect(buildQueues(1)).toHaveLength(1)
  })
})

describe('handlingFactor', () => {
  it('rewards skill and language', () => {
    const c = conversationOf({ id: 'c', tags: ['billing'], language: 'fr' })
    const expert = agentOf({ id: 'a', skills: [{ name: 'billing', level: 5 }], languages: ['fr'] })
    const novice = agentOf({ id: 'b', skills: [{ name: 'billing', level: 1 }], languages: ['fr'] })
    const stranger = agentOf({ id: 'c', skills: [], languages: ['en'] })
    expect(handlingFactor(expert, c)).toBeCloseTo(0.875)
    expect(handlingFactor(novice, c)).toBeCloseTo(1.175)
    expect(handlingFactor(stranger, c)).toBeCloseTo(1.6 * 1.8)
  })
})

describe('simulate', () => {
  it('round robin and the skills router see the same arrivals, each assigned once, never over capacity', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 5, max: 25 }), fc.double({ min: 0.3, max: 1.3, noNaN: true }), (seed, agentCount, utilization) => {
      const centre = buildContactCentre({ agents: agentCount, queues: 10, open: 40, seed })
      const arrivals = generateArrivals(centre, { count: 150, seed, ratePerSecond: offeredRate(centre, utilization) })
      const seen: Record<RouterKind, string[]> = { skills: [], round_robin: [] }
      for (const router of ['skills', 'round_robin'] as const) {
        const outcome = simulate(centre, arrivals, router, {
          onAssign: ({ agent, conversation }) => {
            seen[router].push(conversation.id)
            for (const kind of ['public', 'private', 'email'] as const) expect(loadUnits(agent, kind)).toBeLessThanOrEqual(agent.capacity[kind] + 1e-9)
            expect(agent.presence).toBe('online')
          },
        }, seed)
        expect(outcome.handled + outcome.unserved).toBe(arrivals.length)
        expect(new Set(seen[router]).size).toBe(seen[router].length)
      }
      const arrived = new Set(arrivals.map((a) => a.conversation.id))
      for (const router of ['skills', 'round_robin'] as const) expect(seen[router].every((id) => arrived.has(id))).toBe(true)
      if (seen.skills.length === arrivals.length && seen.round_robin.length === arrivals.length) {
        expect([...seen.skills].sort()).toEqual([...seen.round_robin].sort())
      }
    }), { numRuns: 10 })
  })

  it('does not mutate the centre it is given', () => {
    const centre = buildContactCentre({ agents: 10, queues: 6, open: 30, seed: 3 })
    const before = JSON.stringify(centre)
    simulate(centre, generateArrivals(centre, { count: 50, seed: 3, ratePerSecond: 0.05 }), 'skills')
    expect(JSON.stringify(centre)).toBe(before)
  })
})

describe('runRoutingBench', () => {
  it('returns the figures and prints a table; the simulation part is deterministic', () => {
    const options = { agents: 40, queues: 20, open: 500, arrivals: 800, seed: 11, pulls: 5 }
    const a = runRoutingBench(options)
    const b = runRoutingBench(options)
    expect(a.decisions).toBe(800)
    expect(a.decisions_per_s).toBeGreaterThan(0)
    expect(a.decision_p99_us).not.toBeNull()
    expect(a.pulls).toBe(5)
    expect(a.skills.handled + a.skills.unserved).toBe(800)
    expect(a.round_robin.handled + a.round_robin.unserved).toBe(800)
    expect(b.skills).toEqual(a.skills)
    expect(b.round_robin).toEqual(a.round_robin)
    // Skills routing matches skills and languages far more often than round robin.
    expect(a.skills.skill_matched_pct!).toBeGreaterThan(a.round_robin.skill_matched_pct!)
    expect(a.skills.language_matched_pct!).toBeGreaterThan(a.round_robin.language_matched_pct!)
    const table = printRoutingBench(a)
    expect(table).toContain('skills router')
    expect(table).toContain('rr ÷ skills')
    expect(table).toMatch(/SLA attainment \(first reply\)\s+\d/)
  })

  it('refuses out-of-range options', () => {
    expect(() => runRoutingBench({ agents: 0 })).toThrow(RangeError)
    expect(() => runRoutingBench({ arrivals: 1.5 })).toThrow(RangeError)
    expect(() => runRoutingBench({ utilization: 0 })).toThrow(RangeError)
  })
})

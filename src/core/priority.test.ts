import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { scorePriority, type PriorityFacts } from './priority.ts'

const base: PriorityFacts = {
  text: '',
  followers: null,
  verified: false,
  engagement: null,
  visibility: 'public',
  direction: 'in',
  deleted: false,
}

describe('scorePriority', () => {
  it('scores an unaddressed churn complaint above praise, with reasons', () => {
    const complaint = scorePriority({
      ...base,
      text: 'third time this month my Northwind flight is delayed and nobody tells us anything. never again',
      followers: 2100,
    })
    const praise = scorePriority({ ...base, text: 'thanks Northwind, great crew today' })
    expect(complaint.score).toBeGreaterThan(praise.score)
    expect(complaint.reasons.map((r) => r.code)).toEqual(['complaint', 'churn', 'reach', 'public'])
    expect(complaint.reasons.find((r) => r.code === 'reach')?.label).toBe('author 2.1k followers')
    expect(complaint.score).toBe(complaint.reasons.reduce((s, r) => s + r.points, 0))
  })

  it('adds amplification for reposts and grows with them', () => {
    const t = 'the gate agent was so rude'
    const few = scorePriority({ ...base, text: t, engagement: { likes: 5, reposts: 40, replies: 3, quotes: 0 } })
    const many = scorePriority({ ...base, text: t, engagement: { likes: 50, reposts: 300, replies: 30, quotes: 20 } })
    expect(many.score).toBeGreaterThan(few.score)
    expect(many.reasons.find((r) => r.code === 'amplification')?.label).toBe('amplification: 320 reposts/quotes')
  })

  it('gives outbound and deleted messages no priority', () => {
    expect(scorePriority({ ...base, text: 'refund now!', direction: 'out' })).toEqual({ score: 0, reasons: [] })
    expect(scorePriority({ ...base, text: 'refund now!', deleted: true }).score).toBe(0)
  })

  it('always stays within 0..100 whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.nat()),
        fc.boolean(),
        fc.option(fc.record({ likes: fc.nat(), reposts: fc.nat(), replies: fc.nat(), quotes: fc.nat() })),
        (text, followers, verified, engagement) => {
          const p = scorePriority({ ...base, text, followers, verified, engagement })
          expect(p.score).toBeGreaterThanOrEqual(0)
          expect(p.score).toBeLessThanOrEqual(100)
        },
      ),
    )
  })
})

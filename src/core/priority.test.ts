import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { scorePriority, type PriorityFacts } from './priority.ts'

const base: PriorityFacts = {
  amplification: null,
  intent: 'other',
  sentiment: 'neutral',
  sentimentScore: 0,
  riskFlags: [],
  followers: null,
  verified: false,
  engagement: null,
  visibility: 'public',
  direction: 'in',
  deleted: false,
}

describe('scorePriority', () => {
  it('scores an unaddressed churn complaint above praise, with reasons that add up', () => {
    const complaint = scorePriority({ ...base, intent: 'complaint', sentiment: 'negative', sentimentScore: -0.8, riskFlags: ['churn'], followers: 2100 })
    const praise = scorePriority({ ...base, intent: 'praise', sentiment: 'positive', sentimentScore: 0.9 })
    expect(complaint.score).toBeGreaterThan(praise.score)
    expect(complaint.reasons.map((r) => `${r.label} ${r.points}`)).toEqual([
      'negative complaint 30', 'strongly negative (-0.80) 8', 'churn words 15', 'author 2.1k followers 8', 'public: other customers can see it 5',
    ])
    expect(complaint.score).toBe(66)
  })

  it('adds amplification for reposts and grows with them', () => {
    const few = scorePriority({ ...base, intent: 'complaint', engagement: { likes: 5, reposts: 40, replies: 3, quotes: 0 } })
    const many = scorePriority({ ...base, intent: 'complaint', engagement: { likes: 50, reposts: 300, replies: 30, quotes: 20 } })
    expect(many.score).toBeGreaterThan(few.score)
    expect(many.reasons.find((r) => r.code === 'amplification')?.label).toBe('amplification: 320 reposts/quotes')
  })

  it('adds velocity with its forecast when reposts climb between updates', () => {
    const p = scorePriority({ ...base, intent: 'complaint', amplification: { gained: 300, windowMinutes: 12, perMinute: 25, current: 340, forecast: 1061 } })
    expect(p.reasons.find((r) => r.code === 'velocity')).toEqual({ code: 'velocity', label: 'amplification: 300 reposts in 12 min, forecast 1.1k+', points: 20 })
  })

  it('applies a workspace\'s weights to each contribution, and drops those weighted 0', () => {
    const facts = { ...base, intent: 'complaint' as const, sentiment: 'negative' as const, followers: 8100 }
    const weighted = scorePriority(facts, { intent: 0.5, reach: 2, public: 0 })
    expect(weighted.reasons.map((r) => [r.code, r.points])).toEqual([['intent', 15], ['reach', 22]])
    expect(weighted.score).toBe(37)
    expect(scorePriority(facts, {})).toEqual(scorePriority(facts))
  })

  it('pushes spam down and safety up', () => {
    expect(scorePriority({ ...base, intent: 'spam' }).score).toBe(0)
    expect(scorePriority({ ...base, riskFlags: ['safety'] }).reasons[0]).toEqual({ code: 'risk:safety', label: 'safety / injury', points: 25 })
  })

  it('gives outbound and deleted messages no priority', () => {
    expect(scorePriority({ ...base, intent: 'complaint', direction: 'out' })).toEqual({ score: 0, reasons: [] })
    expect(scorePriority({ ...base, intent: 'complaint', deleted: true }).score).toBe(0)
  })

  it('always stays within 0..100 whatever the input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('complaint', 'question', 'praise', 'idea', 'spam', 'other' as const),
        fc.constantFrom('negative', 'neutral', 'positive' as const),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.subarray(['legal', 'safety', 'churn', 'press', 'regulator', 'abuse', 'pii'] as const),
        fc.option(fc.nat()),
        fc.boolean(),
        fc.option(fc.record({ likes: fc.nat(), reposts: fc.nat(), replies: fc.nat(), quotes: fc.nat() })),
        (intent, sentiment, sentimentScore, riskFlags, followers, verified, engagement) => {
          const p = scorePriority({ ...base, intent, sentiment, sentimentScore, riskFlags: [...riskFlags], followers, verified, engagement })
          expect(p.score).toBeGreaterThanOrEqual(0)
          expect(p.score).toBeLessThanOrEqual(100)
        },
      ),
    )
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { conversationReasons, formatWait, scorePriority, weightKeys, withConversationReasons, type PriorityFacts } from './priority.ts'

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

describe('conversation-level contributions (waiting, repeat contact)', () => {
  const now = new Date('2026-03-02T15:00:00Z')
  const ago = (min: number) => new Date(now.getTime() - min * 60_000)
  const none = { waitingSince: null, responseDueAt: null, contactConversationsThisWeek: 1 }

  it('nothing waits and a first contact: no reasons', () => {
    expect(conversationReasons(none, now)).toEqual([])
  })

  it('without an SLA, waiting counts after an hour and grows on a log scale', () => {
    expect(conversationReasons({ ...none, waitingSince: ago(50) }, now)).toEqual([])
    const r = conversationReasons({ ...none, waitingSince: ago(190) }, now)
    expect(r).toEqual([{ code: 'slaAge', label: 'waiting 3 h 10 min', points: Math.round(4 * Math.log2(1 + 130 / 30)) }])
    const longer = conversationReasons({ ...none, waitingSince: ago(600) }, now)[0]!
    expect(longer.points).toBeGreaterThan(r[0]!.points)
    expect(conversationReasons({ ...none, waitingSince: ago(100_000) }, now)[0]!.points).toBe(20)
  })

  it('with an SLA, points start at the due time and say how far past it', () => {
    expect(conversationReasons({ ...none, waitingSince: ago(190), responseDueAt: ago(-10) }, now)).toEqual([])
    const r = conversationReasons({ ...none, waitingSince: ago(190), responseDueAt: ago(70) }, now)
    expect(r).toEqual([{ code: 'slaAge', label: 'waiting 3 h 10 min, 1 h 10 min past the SLA', points: 4 + Math.round(4 * Math.log2(1 + 70 / 30)) }])
  })

  it('repeat contact: the nth conversation this week, 3 points per earlier one, at most 12', () => {
    expect(conversationReasons({ ...none, contactConversationsThisWeek: 3 }, now)).toEqual([{ code: 'repeat', label: '3rd contact this week', points: 6 }])
    expect(conversationReasons({ ...none, contactConversationsThisWeek: 2 }, now)[0]!.label).toBe('2nd contact this week')
    expect(conversationReasons({ ...none, contactConversationsThisWeek: 11 }, now)[0]).toEqual({ code: 'repeat', label: '11th contact this week', points: 12 })
  })

  it('weights slaAge and repeat scale or remove them', () => {
    const f = { waitingSince: ago(190), responseDueAt: null, contactConversationsThisWeek: 3 }
    expect(conversationReasons(f, now, { repeat: 0 }).map((r) => r.code)).toEqual(['slaAge'])
    expect(conversationReasons(f, now, { slaAge: 2 })[0]!.points).toBe(2 * Math.round(4 * Math.log2(1 + 130 / 30)))
    expect(weightKeys).toEqual(expect.arrayContaining(['slaAge', 'repeat']))
  })

  it('withConversationReasons replaces earlier conversation reasons, keeps the rest and clamps the sum', () => {
    const base = scorePriority({ ...base0(), intent: 'complaint', sentiment: 'negative', sentimentScore: -0.8 })
    const once = withConversationReasons(base, [{ code: 'repeat', label: '2nd contact this week', points: 3 }])
    const twice = withConversationReasons(once, [{ code: 'repeat', label: '3rd contact this week', points: 6 }])
    expect(twice.reasons.filter((r) => r.code === 'repeat')).toEqual([{ code: 'repeat', label: '3rd contact this week', points: 6 }])
    expect(twice.score).toBe(base.score + 6)
    expect(withConversationReasons(twice, []).score).toBe(base.score)
    fc.assert(fc.property(fc.array(fc.integer({ min: -50, max: 60 }), { maxLength: 6 }), fc.integer({ min: 0, max: 20 }), (pts, extra) => {
      const p = withConversationReasons({ score: 0, reasons: pts.map((points) => ({ code: 'intent', label: 'x', points })) }, [{ code: 'slaAge', label: 'w', points: extra }])
      expect(p.score).toBeGreaterThanOrEqual(0)
      expect(p.score).toBeLessThanOrEqual(100)
    }))
  })

  it('formats waits', () => {
    expect([5, 60, 190, 3000].map(formatWait)).toEqual(['5 min', '1 h', '3 h 10 min', '2 d 2 h'])
  })
})

function base0(): PriorityFacts {
  return { amplification: null, intent: 'other', sentiment: 'neutral', sentimentScore: 0, riskFlags: [], followers: null, verified: false, engagement: null, visibility: 'public', direction: 'in', deleted: false }
}

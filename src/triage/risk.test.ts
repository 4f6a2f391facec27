import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { findPii, findRiskCues, maskPii } from './risk.ts'

describe('findRiskCues', () => {
  it.each([
    ['my lawyer will hear about this', ['legal']],
    ['I was injured by the trolley, went to hospital', ['safety']],
    ['switching to Contoso, never again', ['churn']],
    ["I'm a journalist writing a piece on airline delays", ['press']],
    ['filing a complaint with the Department of Transportation', ['regulator']],
    ['you absolute idiots', ['abuse']],
    ['thanks for the quick help!', []],
  ])('%s → %j', (text, flags) => {
    expect(findRiskCues(text, 'public').flags).toEqual(flags)
  })

  it('flags personal data only when it is public', () => {
    const text = 'my card 4111 1111 1111 1111 was charged twice'
    expect(findRiskCues(text, 'public').flags).toContain('pii')
    expect(findRiskCues(text, 'private').flags).not.toContain('pii')
  })
})

describe('findPii', () => {
  it('finds cards (Luhn-valid only), emails, phones and booking references', () => {
    const text = 'card 4111-1111-1111-1111, not 1234 5678 9012 3456; mail jo@example.com; call +44 20 7946 0958; booking ref 6Q4TZJ'
    expect(findPii(text).map((p) => [p.kind, text.slice(p.start, p.end)])).toEqual([
      ['card', '4111-1111-1111-1111'],
      ['email', 'jo@example.com'],
      ['phone', '+44 20 7946 0958'],
      ['order', '6Q4TZJ'],
    ])
  })

  it('masks what it finds and leaves the rest', () => {
    const text = 'write to jo@example.com please'
    expect(maskPii(text, findPii(text))).toBe('write to ••••••••••••om please')
  })

  it('never throws and returns in-bounds, ordered, non-overlapping spans', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => {
      const spans = findPii(text)
      for (let i = 0; i < spans.length; i++) {
        const s = spans[i]!
        expect(s.start).toBeGreaterThanOrEqual(0)
        expect(s.end).toBeLessThanOrEqual(text.length)
        if (i > 0) expect(s.start).toBeGreaterThanOrEqual(spans[i - 1]!.end)
      }
      expect(maskPii(text, spans)).toHaveLength(text.length)
    }))
  })
})

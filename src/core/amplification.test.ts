import { describe, expect, it } from 'vitest'
import { amplificationOf, appendSnapshot, snapshotsMax, type EngagementSnapshot } from './amplification.ts'

const at = (min: number) => new Date(Date.UTC(2026, 10, 25, 8, 0) + min * 60_000).toISOString()
const snap = (min: number, reposts: number, quotes = 0): EngagementSnapshot => ({ at: at(min), reposts, quotes, likes: 0, replies: 0 })

describe('amplification', () => {
  it('measures growth over the recent window and forecasts a decaying tail', () => {
    const a = amplificationOf([snap(0, 0), snap(5, 40), snap(12, 280, 20)])!
    expect(a).toMatchObject({ gained: 300, windowMinutes: 12, current: 300 })
    expect(a.perMinute).toBeCloseTo(25)
    expect(a.forecast).toBe(Math.round(300 + (25 * 20) / Math.LN2))
  })

  it('ignores growth older than the window', () => {
    const a = amplificationOf([snap(0, 0), snap(60, 500), snap(70, 510)])!
    expect(a).toMatchObject({ gained: 10, windowMinutes: 10 })
  })

  it('has nothing to say about a single snapshot or no growth', () => {
    expect(amplificationOf([snap(0, 10)])).toBeNull()
    expect(amplificationOf([snap(0, 10), snap(5, 10)])).toBeNull()
    expect(amplificationOf([])).toBeNull()
  })

  it('keeps a bounded, ordered history and skips repeats', () => {
    let h: EngagementSnapshot[] = []
    for (let i = 0; i < 40; i++) h = appendSnapshot(h, snap(40 - i, i))
    expect(h).toHaveLength(snapshotsMax)
    expect(h.map((s) => s.at)).toEqual([...h.map((s) => s.at)].sort())
    expect(appendSnapshot([snap(0, 5)], snap(1, 5))).toHaveLength(1)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { percentile, percentileSorted, ratePerSecond, round, sortedFinite, summarize } from './stats.ts'

describe('percentile (nearest rank)', () => {
  it('picks the nearest-rank value', () => {
    const values = [15, 20, 35, 40, 50]
    expect(percentile(values, 0)).toBe(15)
    expect(percentile(values, 5)).toBe(15)
    expect(percentile(values, 30)).toBe(20)
    expect(percentile(values, 40)).toBe(20)
    expect(percentile(values, 50)).toBe(35)
    expect(percentile(values, 100)).toBe(50)
  })

  it('p50 and p99 of 1..100', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 99)).toBe(99)
    expect(percentile(values, 99.5)).toBe(100)
  })

  it('ignores NaN and sorts numerically, not as strings', () => {
    expect(percentile([10, Number.NaN, 9, 100], 100)).toBe(100)
    expect(percentile([10, Number.NaN, 9, 100], 0)).toBe(9)
    expect([...sortedFinite([3, Number.NaN, 1, Number.POSITIVE_INFINITY, 2])]).toEqual([1, 2, 3])
  })

  it('is null for no values and refuses p outside 0..100', () => {
    expect(percentile([], 50)).toBeNull()
    expect(() => percentileSorted([1], 101)).toThrow(RangeError)
    expect(() => percentileSorted([1], Number.NaN)).toThrow(RangeError)
  })

  it('returns a member of the list, monotone in p, between min and max', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 200 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (values, a, b) => {
        const lo = Math.min(a, b)
        const hi = Math.max(a, b)
        const pLo = percentile(values, lo)!
        const pHi = percentile(values, hi)!
        expect(values).toContain(pLo)
        expect(pLo).toBeLessThanOrEqual(pHi)
        expect(pLo).toBeGreaterThanOrEqual(Math.min(...values))
        expect(pHi).toBeLessThanOrEqual(Math.max(...values))
        // at least p % of the values are ≤ the p-th percentile
        expect(values.filter((v) => v <= pHi).length).toBeGreaterThanOrEqual(Math.ceil((hi / 100) * values.length))
      },
    ))
  })
})

describe('summarize', () => {
  it('counts, bounds and mean', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ count: 4, min: 1, p50: 2, p90: 4, p99: 4, max: 4, mean: 2.5 })
    expect(summarize([])).toEqual({ count: 0, min: null, p50: null, p90: null, p99: null, max: null, mean: null })
  })
})

describe('round and ratePerSecond', () => {
  it('round keeps the given decimals and passes null', () => {
    expect(round(1.26, 1)).toBe(1.3)
    expect(round(1234.5678, 0)).toBe(1235)
    expect(round(null)).toBeNull()
    expect(round(Number.NaN)).toBeNull()
  })
  it('ratePerSecond', () => {
    expect(ratePerSecond(500, 250)).toBe(2000)
    expect(ratePerSecond(5, 0)).toBe(0)
  })
})

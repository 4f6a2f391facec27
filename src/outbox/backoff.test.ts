import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultBackoff, retryDelayMs } from './backoff.ts'

describe('retry delay', () => {
  it('honours the platform reset when given, even beyond the cap', () => {
    expect(retryDelayMs(1, 15 * 60_000, defaultBackoff)).toBe(15 * 60_000)
    expect(retryDelayMs(3, 0, defaultBackoff)).toBe(250)
  })

  it('doubles per attempt within ±20 % jitter and stays under the cap', () => {
    expect(retryDelayMs(1, null, defaultBackoff, () => 0.5)).toBe(2_000)
    expect(retryDelayMs(2, null, defaultBackoff, () => 0.5)).toBe(4_000)
    expect(retryDelayMs(4, null, defaultBackoff, () => 0.5)).toBe(16_000)
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (attempt, r) => {
      const ms = retryDelayMs(attempt, null, defaultBackoff, () => r)
      expect(ms).toBeGreaterThanOrEqual(250)
      expect(ms).toBeLessThanOrEqual(defaultBackoff.capMs)
    }))
  })
})

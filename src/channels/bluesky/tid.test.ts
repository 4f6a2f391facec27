import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { rkeyForIdempotencyKey, tidFrom, tidPattern } from './tid.ts'

const base32Sortable = '234567abcdefghijklmnopqrstuvwxyz'

function tidTimestampUs(tid: string): number {
  let value = 0n
  for (const ch of tid) value = (value << 5n) | BigInt(base32Sortable.indexOf(ch))
  return Number(value >> 10n)
}

describe('TIDs', () => {
  it('encodes timestamp and clock id in 13 sortable base32 characters', () => {
    expect(tidFrom(0, 0)).toBe('2222222222222')
    const tid = tidFrom(1_779_719_009_132_431, 7)
    expect(tid).toMatch(tidPattern)
    expect(tidTimestampUs(tid)).toBe(1_779_719_009_132_431)
    expect(tidFrom(1_779_719_009_132_432, 0) > tidFrom(1_779_719_009_132_431, 1023)).toBe(true)
  })

  it('derives the same rkey for the same idempotency key and different ones for different keys', () => {
    const anchor = new Date('2026-05-25T14:23:28.757Z')
    expect(rkeyForIdempotencyKey('outbox-1', anchor)).toBe(rkeyForIdempotencyKey('outbox-1', anchor))
    const keys = Array.from({ length: 2_000 }, (_, i) => rkeyForIdempotencyKey(`outbox-${i}`, anchor))
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('always yields a valid TID dated within 1000 s after the anchor', () => {
    fc.assert(fc.property(fc.string(), fc.date({ min: new Date(0), max: new Date('2200-01-01'), noInvalidDate: true }), (key, anchor) => {
      const rkey = rkeyForIdempotencyKey(key, anchor)
      expect(rkey).toMatch(tidPattern)
      const offsetUs = tidTimestampUs(rkey) - anchor.getTime() * 1000
      expect(offsetUs).toBeGreaterThanOrEqual(0)
      expect(offsetUs).toBeLessThan(1_000_000_000)
    }), { numRuns: 300 })
    expect(rkeyForIdempotencyKey('k', new Date(Number.NaN))).toMatch(tidPattern)
  })
})

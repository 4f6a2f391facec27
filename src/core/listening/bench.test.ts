import { describe, expect, it } from 'vitest'
import { benchListening, formatListeningBench, generateListeningWorkload } from './bench.ts'
import { parseRule } from './parse.ts'

describe('benchListening', () => {
  it('runs end to end on small numbers and agrees with the naive baseline', () => {
    const result = benchListening({ rules: 60, messages: 400 })
    expect(result.rules).toBe(60)
    expect(result.messages).toBe(400)
    expect(result.baseline_messages).toBe(400)
    expect(result.agree).toBe(true)
    expect(result.matched).toBeGreaterThan(0)
    expect(result.messages_matched).toBeLessThan(400)
    expect(result.msgs_per_s).toBeGreaterThan(0)
    expect(formatListeningBench(result)).toContain('msgs/s')
  })

  it('generates the same valid workload for a seed', () => {
    const a = generateListeningWorkload({ seed: 7, rules: 40, messages: 50 })
    expect(generateListeningWorkload({ seed: 7, rules: 40, messages: 50 })).toEqual(a)
    for (const rule of a.rules) expect(parseRule(rule.query).ok).toBe(true)
  })

  it('refuses sizes out of range', () => {
    expect(() => benchListening({ rules: 0, messages: 10 })).toThrow(RangeError)
    expect(() => benchListening({ rules: 10, messages: 1.5 })).toThrow(RangeError)
  })
})

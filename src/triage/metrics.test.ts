import { describe, expect, it } from 'vitest'
import { computeMetrics, formatMetrics, rocAuc } from './metrics.ts'

describe('computeMetrics', () => {
  // gold: a a a b b c ; pred: a a b b c c
  const gold = ['a', 'a', 'a', 'b', 'b', 'c']
  const pred = ['a', 'a', 'b', 'b', 'c', 'c']
  const m = computeMetrics(gold, pred, ['a', 'b', 'c'])
  it('accuracy', () => expect(m.accuracy).toBeCloseTo(4 / 6, 10))
  it('per class, by hand', () => {
    // a: P 2/2 R 2/3 F1 0.8 ; b: P 1/2 R 1/2 F1 0.5 ; c: P 1/2 R 1/1 F1 2/3
    expect(m.per_class.a).toMatchObject({ precision: 1, support: 3, predicted: 2 })
    expect(m.per_class.a!.recall).toBeCloseTo(2 / 3, 10)
    expect(m.per_class.a!.f1).toBeCloseTo(0.8, 10)
    expect(m.per_class.b!.f1).toBeCloseTo(0.5, 10)
    expect(m.per_class.c!.f1).toBeCloseTo(2 / 3, 10)
  })
  it('macro-F1 and macro-recall', () => {
    expect(m.macro_f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 10)
    expect(m.macro_recall).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 10)
  })
  it('confusion rows are gold, columns predicted', () => {
    expect(m.confusion).toEqual({ a: { a: 2, b: 1, c: 0 }, b: { a: 0, b: 1, c: 1 }, c: { a: 0, b: 0, c: 1 } })
  })
  it('a class never predicted and never seen scores 0 and still counts in the macro average', () => {
    const z = computeMetrics(['a', 'a'], ['a', 'a'], ['a', 'b'])
    expect(z.macro_f1).toBeCloseTo(0.5, 10)
    expect(z.per_class.b).toMatchObject({ precision: 0, recall: 0, f1: 0 })
  })
  it('formats', () => expect(formatMetrics(m)).toContain('macro-F1'))
})

describe('rocAuc', () => {
  it('perfect, inverted, ties', () => {
    expect(rocAuc([false, false, true, true], [0.1, 0.2, 0.8, 0.9])).toBe(1)
    expect(rocAuc([true, true, false, false], [0.1, 0.2, 0.8, 0.9])).toBe(0)
    expect(rocAuc([true, false], [0.5, 0.5])).toBe(0.5)
    expect(rocAuc([true, true], [0.5, 0.5])).toBeNaN()
  })
})

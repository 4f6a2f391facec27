import { describe, expect, it } from 'vitest'
import { balancedClassWeights, calibrateTemperature, compact, deserializeModel, predictProbs, serializeModel, trainSoftmax, type Example } from './model.ts'
import { featurize, type FeatureConfig } from './text.ts'

const cfg: FeatureConfig = { bits: 12, charMin: 2, charMax: 4, wordBigrams: true }
const pos = ['i love it', 'great service thanks', 'awesome crew', 'love this so much', 'best day ever', 'wonderful and great']
const neg = ['i hate it', 'terrible service', 'awful crew', 'worst day ever', 'this is bad', 'horrible and rude']
const data: Example[] = [...pos.map((t) => ({ x: compact(featurize(t, cfg)), y: 1 })), ...neg.map((t) => ({ x: compact(featurize(t, cfg)), y: 0 }))]

describe('trainSoftmax (tiny data)', () => {
  const train = (): ReturnType<typeof trainSoftmax> => trainSoftmax('t', ['neg', 'pos'], cfg, data, { epochs: 10, lr: 0.3, l2: 0, seed: 7 })
  it('fits a separable toy set', () => {
    const m = train()
    expect(predictProbs(m, featurize('love it, great', cfg))[1]).toBeGreaterThan(0.5)
    expect(predictProbs(m, featurize('hate it, awful', cfg))[0]).toBeGreaterThan(0.5)
  })
  it('is deterministic for a seed', () => {
    expect(Array.from(train().weights)).toEqual(Array.from(train().weights))
  })
  it('round-trips through the int8 file format within quantisation error', () => {
    const m = train()
    m.temperature = calibrateTemperature(m, data)
    const back = deserializeModel(serializeModel(m))
    expect(back.classes).toEqual(['neg', 'pos'])
    expect(back.temperature).toBe(m.temperature)
    const x = featurize('great crew', cfg)
    expect(predictProbs(back, x)[1]).toBeCloseTo(predictProbs(m, x)[1]!, 2)
  })
  it('stops early after `patience` epochs without a better score and keeps the best epoch', () => {
    const seen: number[] = []
    const m = trainSoftmax('t', ['neg', 'pos'], cfg, data, { epochs: 10, lr: 0.3, l2: 0, seed: 7, patience: 2, onEpoch: (e) => { seen.push(e); return e === 2 ? 1 : 0 } })
    expect(seen).toEqual([1, 2, 3, 4])
    expect(m.meta.bestEpoch).toBe(2)
  })
  it('balanced class weights', () => {
    expect(balancedClassWeights([0, 0, 0, 1], 2)).toEqual([4 / 6, 2])
  })
  it('refuses files that are not models', () => {
    expect(() => deserializeModel(Buffer.from('nope nope'))).toThrow(/not an Earshot model/)
  })
})

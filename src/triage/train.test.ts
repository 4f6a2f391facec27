import { describe, expect, it } from 'vitest'
import type { LabeledText } from './data.ts'
import { predictProbs } from './model.ts'
import { featurize, type FeatureConfig } from './text.ts'
import { DEFAULT_TRAIN, customerCrossDomain, trainSentimentModel, type TrainSettings } from './train.ts'

// Tiny synthetic data, small hashed space: checks what the customer rows do, not model quality.
const cfg: FeatureConfig = { bits: 14, charMin: 2, charMax: 3, wordBigrams: true }
const s: TrainSettings = { ...DEFAULT_TRAIN, features: cfg, epochs: 6, lr: 0.3, log: () => {} }
const general: LabeledText[] = [
  ...['i love it', 'great day', 'awesome stuff', 'so happy today', 'best ever'].map((text) => ({ text, label: 'positive', split: 'train' })),
  ...['i hate it', 'awful day', 'terrible stuff', 'so sad today', 'worst ever'].map((text) => ({ text, label: 'negative', split: 'train' })),
  ...['the bus leaves at five', 'it is tuesday', 'the shop opens at nine', 'a new phone came out', 'the match is tonight'].map((text) => ({ text, label: 'neutral', split: 'train' })),
  ...['love it', 'hate it', 'it is monday'].map((text, i) => ({ text, label: ['positive', 'negative', 'neutral'][i]!, split: 'validation' })),
]
// "zorbled" appears only in the customer rows, always in negative ones
const customer = (group: string): LabeledText[] => [
  ...['my parcel zorbled at the depot', 'parcel zorbled again at the depot', 'the depot zorbled my parcel'].map((text) => ({ text, label: 'negative', split: 'train', domain: group })),
  ...['thanks the parcel arrived', 'parcel arrived thanks'].map((text) => ({ text, label: 'positive', split: 'train', domain: group })),
  { text: 'what time does the depot open', label: 'neutral', split: 'train', domain: group },
]

describe('sentiment training with labelled customer tweets', () => {
  const pNeg = (extra: Parameters<typeof trainSentimentModel>[2]): number =>
    predictProbs(trainSentimentModel(general, s, { ...extra, evaluate: false }).model, featurize('parcel zorbled at the depot', cfg))[0]!
  it('learns the customer rows: a zorbled parcel (a word only they use) reads more negative with them than without', () => {
    expect(pNeg({ customer: customer('retail'), customerWeight: 5 })).toBeGreaterThan(pNeg({}) + 0.1)
  })
  it('weight 0 leaves them out', () => {
    expect(pNeg({ customer: customer('retail'), customerWeight: 0 })).toBeCloseTo(pNeg({}), 6)
  })
})

describe('customerCrossDomain', () => {
  it('scores each industry held out, pooled over the held-out rows, with the baselines on the same rows', () => {
    const rows = [...customer('travel'), ...customer('retail'), ...customer('other')]
    const r = customerCrossDomain(general, s, { customerWeight: 5 }, { labelled: rows, unlabelled: [] })
    expect(Object.keys(r.perGroup).sort()).toEqual(['retail', 'travel']) // `other` is never held out
    expect(r.perGroup.travel!.n).toBe(6)
    expect(r.pooled.n).toBe(12)
    for (const v of [r.pooled.macro_f1, r.pooled.vader, r.pooled.afinn, r.perGroup.retail!.model_alone]) {
      expect(v).toBeGreaterThanOrEqual(0)
      expect(v).toBeLessThanOrEqual(1)
    }
    expect(Object.keys(r.pooled.f1)).toEqual(['negative', 'neutral', 'positive'])
  })
})

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EvalInputError, normalizeLabel, readEvalCsv, runEval } from './eval.ts'

const dir = mkdtempSync(join(tmpdir(), 'earshot-eval-'))
function csv(name: string, body: string): string {
  const f = join(dir, name)
  writeFileSync(f, body)
  return f
}

describe('label mapping', () => {
  it.each([
    ['sentiment', 'pos', 'positive'], ['sentiment', 'NEG', 'negative'], ['sentiment', 'Neutral', 'neutral'],
    ['intent', 'Suggestion', 'idea'], ['intent', 'feature request', 'idea'], ['intent', 'abuse', 'spam'],
    ['complaint', 'not_complaint', 'not_complaint'], ['complaint', '1', 'complaint'],
  ] as const)('%s %s → %s', (task, raw, want) => expect(normalizeLabel(task, raw)).toBe(want))
  it('unknown labels → null', () => expect(normalizeLabel('sentiment', 'mixed')).toBeNull())
})

describe('readEvalCsv', () => {
  it('reads text,label with extra columns and quoting, reports synonyms', () => {
    const { rows, synonymsUsed } = readEvalCsv('sentiment', 'id,text,label\n1,"good, really",pos\n2,"bad ""very""",negative\n')
    expect(rows).toEqual([{ text: 'good, really', label: 'positive' }, { text: 'bad "very"', label: 'negative' }])
    expect(synonymsUsed).toEqual({ pos: 'positive' })
  })
  it('unknown labels → a clear error listing the known ones', () => {
    expect(() => readEvalCsv('sentiment', 'text,label\na,mixed\nb,positive\n')).toThrow(/unknown sentiment labels: "mixed" \(1 rows\)\. Known labels: negative, neutral, positive/)
  })
  it('points complaint data at the complaint task', () => {
    expect(() => readEvalCsv('intent', 'text,label\na,not_complaint\n')).toThrow(/use the `complaint` task/)
  })
  it('missing columns', () => {
    expect(() => readEvalCsv('sentiment', 'tweet,label\na,pos\n')).toThrow(EvalInputError)
    expect(() => readEvalCsv('sentiment', 'text,foo\na,pos\n')).toThrow(/"label" column/)
  })
})

describe('runEval', () => {
  const f = csv('s.csv', 'text,label\n"I hate this, worst airline ever",negative\nthanks so much great crew!,positive\nflight 123 departs at 5pm,neutral\n')
  it('prints JSON with the contract keys', () => {
    const out = JSON.parse(runEval('sentiment', f, { json: true })) as Record<string, unknown>
    for (const k of ['accuracy', 'macro_f1', 'macro_recall', 'per_class', 'confusion']) expect(out).toHaveProperty(k)
    expect(out).toHaveProperty('scored', 'earshot')
  })
  it('with --baseline the top-level figures are the baseline\'s, Earshot\'s beside them', () => {
    const ours = JSON.parse(runEval('sentiment', f, { json: true })) as { macro_f1: number; confusion: unknown }
    const out = JSON.parse(runEval('sentiment', f, { json: true, baseline: 'vader' })) as Record<string, unknown> & { earshot: { macro_f1: number; confusion: unknown } }
    for (const k of ['accuracy', 'macro_f1', 'macro_recall', 'per_class', 'confusion']) expect(out).toHaveProperty(k)
    expect(out).toHaveProperty('scored', 'vader')
    expect(out.earshot.macro_f1).toBe(ours.macro_f1)
    expect(out.earshot.confusion).toEqual(ours.confusion)
  })
  it('the baseline\'s figures are VADER\'s labels scored against the gold ones', () => {
    // VADER: "love" positive, "hate" negative, no sentiment words neutral; gold says all positive
    const g = csv('v.csv', 'text,label\nI love it,positive\nI hate it,positive\nthe bus is at 5,positive\n')
    const out = JSON.parse(runEval('sentiment', g, { json: true, baseline: 'vader' })) as { accuracy: number; per_class: Record<string, { predicted: number }> }
    expect(out.accuracy).toBeCloseTo(1 / 3)
    expect(out.per_class.negative!.predicted).toBe(1)
    expect(out.per_class.neutral!.predicted).toBe(1)
  })
  it('prints a text report', () => {
    const out = runEval('sentiment', f, { baseline: 'afinn' })
    expect(out).toContain('macro-F1')
    expect(out).toContain('baseline afinn')
  })
  it('rejects unknown tasks and baselines', () => {
    expect(() => runEval('emotion', f, {})).toThrow(/unknown task/)
    expect(() => runEval('sentiment', f, { baseline: 'textblob' })).toThrow(/unknown baseline/)
    expect(() => runEval('sentiment', join(dir, 'nope.csv'), {})).toThrow(/cannot read/)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { benchEnrich, enrich, loadTriageModels } from './index.ts'

describe('enrich', () => {
  it('loads the committed model files', () => {
    expect(loadTriageModels().errors).toEqual([])
  })

  it('never throws and returns well-formed results for any string', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 500 })), (s) => {
      const e = enrich(s)
      const p = e.sentimentProbs
      expect(p.negative + p.neutral + p.positive).toBeCloseTo(1, 6)
      for (const v of [p.negative, p.neutral, p.positive, e.intentConfidence, e.langConfidence]) {
        expect(v).toBeGreaterThanOrEqual(0)
        expect(v).toBeLessThanOrEqual(1)
      }
      expect(e.sentimentScore).toBeGreaterThanOrEqual(-1)
      expect(e.sentimentScore).toBeLessThanOrEqual(1)
      expect(['negative', 'neutral', 'positive']).toContain(e.sentiment)
      expect(['complaint', 'question', 'praise', 'idea', 'spam', 'other']).toContain(e.intent)
    }), { numRuns: 300 })
  })

  it('survives odd inputs', () => {
    for (const s of ['', ' ', '\u0000', '🙂'.repeat(5000), '@'.repeat(100), 'a'.repeat(200_000), '\ud800', null as unknown as string]) {
      expect(() => enrich(s)).not.toThrow()
    }
  })

  it.each([
    ['@Delta you lost my bag AGAIN and nobody at the desk will help. Worst airline ever, three hours on hold', 'negative', 'complaint'],
    ['thanks, great crew!', 'positive', 'praise'],
    ['@AmazonHelp how do I change the delivery address on my order?', null, 'question'],
    ['@SpotifyCares it would be great if you could add a sleep timer to the desktop app', null, 'idea'],
    ['FREE FOLLOWERS!!! click here http://spam.example http://a.example http://b.example', null, 'spam'],
    // the demo's two mis-triaged posts (issue 5): praise told as a story about an angry passenger, a question with "don't want to pay"
    ['the Northwind agent at gate C19 handled a very angry passenger with so much patience. give her a raise', 'positive', 'praise'],
    // sentiment is a near tie here (negative 0.50 / neutral 0.44 since the customer-tweet labels): only "not positive" is pinned
    ["@northwindair what's the cabin bag allowance on economy light? flying BOS→DUB next week and don't want to pay at the gate", 'not positive', 'question'],
  ])('%s', (text, sentiment, intent) => {
    const e = enrich(text)
    if (sentiment === 'not positive') expect(e.sentiment).not.toBe('positive')
    else if (sentiment) expect(e.sentiment).toBe(sentiment)
    expect(e.intent).toBe(intent)
  })

  it('detects languages of clear sentences and takes hints', () => {
    expect(enrich('Le vol a été annulé sans aucune explication, c\'est honteux').lang).toBe('fr')
    expect(enrich('Das ist wirklich nicht gut, warum dauert das so lange?').lang).toBe('de')
    expect(enrich('I really love this airline, the crew was wonderful').lang).toBe('en')
    expect(enrich('ok').lang === null || enrich('ok').langConfidence < 0.8).toBe(true)
    expect(enrich('Das ist nicht gut', { langs: ['en', 'de'] }).lang).toBe('de')
  })

  it('benchEnrich reports a rate (no timing assertion)', () => {
    const r = benchEnrich(['hello world', 'my flight was delayed'], 1)
    expect(r.messages).toBe(2)
    expect(r.msgsPerSec).toBeGreaterThan(0)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { answerCharsMax, completionText, defaultConfidence, parseDraft, parseTriageAnswer } from './parse.ts'

const sentiment = fc.constantFrom('negative', 'neutral', 'positive')
const intent = fc.constantFrom('complaint', 'question', 'praise', 'idea', 'spam', 'other')

describe('parseTriageAnswer', () => {
  it('accepts every well-formed answer, fenced or not, and keeps its values', () => {
    fc.assert(fc.property(sentiment, intent, fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }), fc.option(fc.string({ maxLength: 100 }), { nil: undefined }), fc.boolean(),
      (s, i, c, reason, fenced) => {
        const json = JSON.stringify({ sentiment: s, intent: i, ...(c === undefined ? {} : { confidence: c }), ...(reason === undefined ? {} : { reason }) })
        const r = parseTriageAnswer(fenced ? '```json\n' + json + '\n```' : ` ${json}\n`)
        expect(r).toEqual({ sentiment: s, intent: i, confidence: c ?? defaultConfidence })
      }))
  })

  it('never throws and returns null or a valid answer for any string', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (s) => {
      const r = parseTriageAnswer(s)
      if (r !== null) {
        expect(['negative', 'neutral', 'positive']).toContain(r.sentiment)
        expect(['complaint', 'question', 'praise', 'idea', 'spam', 'other']).toContain(r.intent)
        expect(r.confidence).toBeGreaterThanOrEqual(0)
        expect(r.confidence).toBeLessThanOrEqual(1)
      }
    }), { numRuns: 500 })
  })

  it('refuses unknown labels, extra keys, bad confidences and non-objects', () => {
    fc.assert(fc.property(sentiment, intent, fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['sentiment', 'intent', 'confidence', 'reason'].includes(k)), (s, i, extra) => {
      expect(parseTriageAnswer(JSON.stringify({ sentiment: s, intent: i, [extra]: 1 }))).toBeNull()
    }))
    for (const bad of [
      '{"sentiment":"Negative","intent":"complaint"}', '{"sentiment":"negative","intent":"idea/suggestion"}', '{"sentiment":"negative"}',
      '{"sentiment":"negative","intent":"complaint","confidence":1.5}', '{"sentiment":"negative","intent":"complaint","confidence":"0.9"}',
      '{"sentiment":"negative","intent":"complaint","reason":5}', '[{"sentiment":"negative","intent":"complaint"}]', 'null', '',
      'The sentiment is negative and the intent is complaint.', '{"sentiment":"negative","intent":"complaint"} and more',
      '{"sentiment":"negative","intent":"complaint","reason":"' + 'x'.repeat(answerCharsMax) + '"}',
    ]) expect(parseTriageAnswer(bad)).toBeNull()
    expect(parseTriageAnswer(42)).toBeNull()
  })
})

describe('completionText and parseDraft', () => {
  it('reads choices[0].message.content and refuses other shapes', () => {
    expect(completionText({ choices: [{ message: { role: 'assistant', content: 'hi' } }] })).toBe('hi')
    for (const bad of [null, {}, { choices: [] }, { choices: [{}] }, { choices: [{ message: { content: 3 } }] }, { choices: 'x' }]) expect(completionText(bad)).toBeNull()
    fc.assert(fc.property(fc.anything(), (v) => { const r = completionText(v); expect(r === null || typeof r === 'string').toBe(true) }))
  })
  it('a draft is trimmed non-empty text under the cap', () => {
    expect(parseDraft('  Thanks for telling us.  ')).toBe('Thanks for telling us.')
    expect(parseDraft('   ')).toBeNull()
    expect(parseDraft('x'.repeat(1001))).toBeNull()
    fc.assert(fc.property(fc.string(), (s) => { const r = parseDraft(s); expect(r === null || (r.length > 0 && r.length <= 1000 && r === r.trim())).toBe(true) }))
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { classifyIntent, INTENTS, type IntentInput } from './intent.ts'

const neutral = { pNeg: 0.2, pNeu: 0.6, pPos: 0.2, pComplaint: 0.1, pRequest: 0 }
const at = (text: string, p: Partial<Omit<IntentInput, 'text'>> = {}): ReturnType<typeof classifyIntent> => classifyIntent({ text, ...neutral, ...p })

describe('classifyIntent (the combination, with given model probabilities)', () => {
  it('a question stays a question when the complaint model fires but the text is not clearly negative', () => {
    expect(at("@brand what's the cabin bag allowance?", { pComplaint: 0.72, pNeg: 0.51 }).intent).toBe('question')
  })
  it('a clearly negative complaint phrased as a question is a complaint unless the request model sees asking', () => {
    expect(at('@brand why was I charged twice? this is theft', { pComplaint: 0.93, pNeg: 0.86 }).intent).toBe('complaint')
    expect(at('@brand why was I charged twice? this is theft', { pComplaint: 0.93, pNeg: 0.86, pRequest: 0.9 }).intent).toBe('question')
  })
  it('the request model alone makes a question (no "?", no question word)', () => {
    expect(at('I need to change the address on my order', { pRequest: 0.95 }).intent).toBe('question')
    expect(at('I need to change the address on my order', { pRequest: 0.2 }).intent).toBe('other')
  })
  it('praise idioms win over a negative story, but not when negated or sarcastic', () => {
    expect(at('the agent handled a very angry passenger with so much patience. give her a raise', { pNeg: 0.62, pPos: 0.14, pComplaint: 0.72 }).intent).toBe('praise')
    expect(at('not impressed at all, the agent was not helpful', { pNeg: 0.7, pPos: 0.1, pComplaint: 0.72 }).intent).toBe('complaint')
    expect(at('great job losing my bag. thanks a lot', { pNeg: 0.7, pPos: 0.1, pComplaint: 0.8 }).intent).toBe('complaint')
  })
  it('explicit suggestion markers are ideas even when the complaint model fires', () => {
    expect(at('please add dark mode to the app, the white screen at 5am hurts', { pComplaint: 0.9, pNeg: 0.7 }).intent).toBe('idea')
  })
  it('"what a …" is an exclamation, not a question', () => {
    expect(at('what a sunset tonight', { pPos: 0.7, pNeg: 0.05, pNeu: 0.25 }).intent).toBe('praise')
    expect(at('what time does the engineer arrive').intent).toBe('question')
  })
  it('always returns a known intent with a confidence in [0, 1]', () => {
    const p = fc.double({ min: 0, max: 1, noNaN: true })
    fc.assert(fc.property(fc.string(), p, p, p, p, (text, pNeg, pPos, pComplaint, pRequest) => {
      const r = classifyIntent({ text, pNeg, pNeu: Math.max(0, 1 - pNeg - pPos), pPos, pComplaint, pRequest })
      expect(INTENTS).toContain(r.intent)
      expect(r.confidence).toBeGreaterThanOrEqual(0)
      expect(r.confidence).toBeLessThanOrEqual(1)
    }), { numRuns: 300 })
  })
})

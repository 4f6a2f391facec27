// Lexicon baselines for `earshot eval --baseline`: VADER (vader-sentiment) and AFINN (sentiment).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export type Polarity = 'negative' | 'neutral' | 'positive'
export type BaselineName = 'vader' | 'afinn'
export const baselineNames: BaselineName[] = ['vader', 'afinn']

interface Vader { SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } } }
interface AfinnCtor { new (): { analyze(text: string): { score: number } } }

let vader: Vader | null = null
let afinn: { analyze(text: string): { score: number } } | null = null

/** VADER compound ≥ 0.05 → positive, ≤ −0.05 → negative, else neutral (the authors' thresholds). */
export function vaderSentiment(text: string): { label: Polarity; score: number } {
  vader ??= require('vader-sentiment') as Vader
  const c = vader.SentimentIntensityAnalyzer.polarity_scores(text).compound
  return { label: c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral', score: c }
}

/** AFINN-165 score > 0 → positive, < 0 → negative, 0 → neutral. */
export function afinnSentiment(text: string): { label: Polarity; score: number } {
  if (!afinn) { const Ctor = require('sentiment') as AfinnCtor; afinn = new Ctor() }
  const s = afinn.analyze(text).score
  return { label: s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral', score: s }
}

export function baseline(name: BaselineName): (text: string) => { label: Polarity; score: number } {
  return name === 'vader' ? vaderSentiment : afinnSentiment
}

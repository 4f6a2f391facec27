// Message enrichment: language, sentiment (calibrated), intent. Pure and synchronous once the
// model files in ./models are loaded (lazily, on the first call). Never throws.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { detectLanguage } from './lang.ts'
import { classifyIntent, type Intent } from './intent.ts'
import { loadModel, predictProbs, softmax, type LinearModel } from './model.ts'
import { DEFAULT_FEATURES, extractFeatures, newSparseVec, tokenize, type FeatureConfig } from './text.ts'

export type Sentiment = 'negative' | 'neutral' | 'positive'
export type { Intent } from './intent.ts'
export { detectLanguage } from './lang.ts'

export interface Enrichment {
  lang: string | null
  langConfidence: number
  sentiment: Sentiment
  /** P(positive) − P(negative), from temperature-calibrated probabilities: −1..1 */
  sentimentScore: number
  sentimentProbs: { negative: number; neutral: number; positive: number }
  intent: Intent
  intentConfidence: number
}

export const modelsDir = join(dirname(fileURLToPath(import.meta.url)), 'models')
export const SENTIMENT_MODEL_FILE = 'sentiment.eshm.gz'
export const COMPLAINT_MODEL_FILE = 'complaint.eshm.gz'

interface Loaded { sentiment: LinearModel | null; complaint: LinearModel | null; cfg: FeatureConfig; errors: string[]; joint?: Float32Array | null }
let loaded: Loaded | null = null

function tryLoad(file: string, errors: string[]): LinearModel | null {
  const path = join(modelsDir, file)
  if (!existsSync(path)) { errors.push(`${file} missing (run \`earshot train\`)`); return null }
  try { return loadModel(path) } catch (e) { errors.push(`${file}: ${e instanceof Error ? e.message : String(e)}`); return null }
}

/** Loads the models once. Missing or stale files leave that part neutral and are reported here. */
export function loadTriageModels(): { errors: string[] } {
  if (!loaded) {
    const errors: string[] = []
    const sentiment = tryLoad(SENTIMENT_MODEL_FILE, errors)
    const complaint = tryLoad(COMPLAINT_MODEL_FILE, errors)
    let cfg = sentiment?.features ?? complaint?.features ?? DEFAULT_FEATURES
    if (sentiment && complaint && JSON.stringify(sentiment.features) !== JSON.stringify(complaint.features)) {
      errors.push('sentiment and complaint models use different feature settings; complaint model ignored')
      loaded = { sentiment, complaint: null, cfg, errors }
    } else loaded = { sentiment, complaint, cfg, errors }
    cfg = loaded.cfg
    loaded.joint = interleave(loaded.sentiment, loaded.complaint)
  }
  return { errors: loaded.errors }
}

/** For tests and `earshot train`: use these models instead of the files. */
export function setTriageModels(models: { sentiment: LinearModel | null; complaint: LinearModel | null } | null): void {
  loaded = models ? { ...models, cfg: models.sentiment?.features ?? models.complaint?.features ?? DEFAULT_FEATURES, errors: [] } : null
  if (loaded) loaded.joint = interleave(loaded.sentiment, loaded.complaint)
}

/** Both models' weights side by side per bucket (stride 5): one cache line per feature. */
function interleave(s: LinearModel | null, c: LinearModel | null): Float32Array | null {
  if (!s || !c || s.classes.length !== 3 || c.classes.length !== 2 || s.weights.length / 3 !== c.weights.length / 2) return null
  const D = s.weights.length / 3
  const j = new Float32Array(D * 5)
  for (let f = 0; f < D; f++) {
    j[f * 5] = s.weights[f * 3]!; j[f * 5 + 1] = s.weights[f * 3 + 1]!; j[f * 5 + 2] = s.weights[f * 3 + 2]!
    j[f * 5 + 3] = c.weights[f * 2]!; j[f * 5 + 4] = c.weights[f * 2 + 1]!
  }
  return j
}

const buf = newSparseVec()
const sp = new Float64Array(3)
const cp = new Float64Array(2)
const SENT: Sentiment[] = ['negative', 'neutral', 'positive']

/** Sentiment and complaint probabilities from one feature pass. */
export function scoreText(text: string): { probs: [number, number, number]; pComplaint: number } {
  if (!loaded) loadTriageModels()
  const m = loaded!
  const x = extractFeatures(tokenize(text), m.cfg, buf)
  if (m.joint && m.sentiment && m.complaint) {
    const w = m.joint
    let a = m.sentiment.bias[0]!, b = m.sentiment.bias[1]!, c = m.sentiment.bias[2]!
    let d = m.complaint.bias[0]!, e = m.complaint.bias[1]!
    for (let i = 0; i < x.n; i++) {
      const o = x.idx[i]! * 5
      const v = x.val[i]!
      a += w[o]! * v; b += w[o + 1]! * v; c += w[o + 2]! * v; d += w[o + 3]! * v; e += w[o + 4]! * v
    }
    sp[0] = a; sp[1] = b; sp[2] = c; softmax(sp, m.sentiment.temperature)
    cp[0] = d; cp[1] = e; softmax(cp, m.complaint.temperature)
    const ci = m.complaint.classes.indexOf('complaint')
    return { probs: [sp[0]!, sp[1]!, sp[2]!], pComplaint: cp[ci]! }
  }
  let probs: [number, number, number] = [0.2, 0.6, 0.2]
  if (m.sentiment) {
    const p = predictProbs(m.sentiment, x, sp)
    probs = [p[0]!, p[1]!, p[2]!]
  }
  let pComplaint = 0
  if (m.complaint) pComplaint = predictProbs(m.complaint, x, cp)[m.complaint.classes.indexOf('complaint')] ?? 0
  return { probs, pComplaint }
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4

export function enrich(text: string, hints?: { langs?: string[] }): Enrichment {
  const t = typeof text === 'string' ? text : text == null ? '' : String(text)
  try {
    const lang = detectLanguage(t, hints)
    const { probs, pComplaint } = scoreText(t)
    let best = 0
    for (let k = 1; k < 3; k++) if (probs[k]! > probs[best]!) best = k
    const intent = classifyIntent({ text: t, pNeg: probs[0], pNeu: probs[1], pPos: probs[2], pComplaint })
    return {
      lang: lang.lang,
      langConfidence: lang.confidence,
      sentiment: SENT[best]!,
      sentimentScore: Math.max(-1, Math.min(1, round(probs[2] - probs[0]))),
      sentimentProbs: { negative: probs[0], neutral: probs[1], positive: probs[2] },
      intent: intent.intent,
      intentConfidence: round(intent.confidence),
    }
  } catch {
    return { lang: null, langConfidence: 0, sentiment: 'neutral', sentimentScore: 0, sentimentProbs: { negative: 0, neutral: 1, positive: 0 }, intent: 'other', intentConfidence: 0 }
  }
}

/**
 * Enrichment throughput on the given texts (after a warm-up), single-threaded: msgs/s of wall time,
 * and msgs per second of this process's CPU time (steadier on a shared, loaded machine).
 */
export function benchEnrich(texts: string[], rounds = 3): { messages: number; seconds: number; msgsPerSec: number; cpuSeconds: number; msgsPerCpuSec: number } {
  loadTriageModels()
  for (let i = 0; i < Math.min(texts.length, 2000); i++) enrich(texts[i]!)
  let n = 0
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (let r = 0; r < rounds; r++) for (const t of texts) { enrich(t); n++ }
  const seconds = (performance.now() - t0) / 1000
  const c = process.cpuUsage(c0)
  const cpuSeconds = (c.user + c.system) / 1e6
  return { messages: n, seconds, msgsPerSec: n / seconds, cpuSeconds, msgsPerCpuSec: n / cpuSeconds }
}

// Strict parsing of what an OpenAI-compatible chat-completions endpoint answers. Anything that is not
// exactly the expected shape is refused (null): the caller then keeps the local model's answer.
import type { Intent, Sentiment } from '../../core/triage-facts.ts'

export interface LlmTriage {
  sentiment: Sentiment
  intent: Intent
  /** the endpoint's own confidence, 0..1 (0.7 when it gave none) */
  confidence: number
}

const SENTIMENTS: readonly string[] = ['negative', 'neutral', 'positive']
const INTENTS: readonly string[] = ['complaint', 'question', 'praise', 'idea', 'spam', 'other']
const ALLOWED_KEYS = new Set(['sentiment', 'intent', 'confidence', 'reason'])
/** Longer answers are not a small JSON object: refused before JSON.parse. */
export const answerCharsMax = 2000
export const defaultConfidence = 0.7

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The assistant message text of a chat-completions response body, or null. */
export function completionText(body: unknown): string | null {
  if (!isRecord(body) || !Array.isArray(body.choices) || body.choices.length === 0) return null
  const first: unknown = body.choices[0]
  if (!isRecord(first) || !isRecord(first.message)) return null
  const content = first.message.content
  return typeof content === 'string' ? content : null
}

/** Removes one surrounding ```json … ``` (or ``` … ```) fence, which models add despite instructions. */
function unfence(s: string): string {
  const m = /^```(?:json)?\s*\n?([\s\S]*?)\n?```$/u.exec(s)
  return m ? m[1]!.trim() : s
}

/**
 * `{"sentiment": "...", "intent": "...", "confidence": 0.8, "reason": "..."}` → LlmTriage; anything else → null.
 * Labels must be ours exactly (lower case), confidence a finite number in [0, 1], no other keys.
 */
export function parseTriageAnswer(content: unknown): LlmTriage | null {
  if (typeof content !== 'string' || content.length > answerCharsMax) return null
  const text = unfence(content.trim())
  if (!text.startsWith('{') || !text.endsWith('}')) return null
  let value: unknown
  try { value = JSON.parse(text) } catch { return null }
  if (!isRecord(value)) return null
  for (const key of Object.keys(value)) if (!ALLOWED_KEYS.has(key)) return null
  const { sentiment, intent, confidence, reason } = value
  if (typeof sentiment !== 'string' || !SENTIMENTS.includes(sentiment)) return null
  if (typeof intent !== 'string' || !INTENTS.includes(intent)) return null
  if (reason !== undefined && typeof reason !== 'string') return null
  let c = defaultConfidence
  if (confidence !== undefined) {
    if (typeof confidence !== 'number' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1) return null
    c = confidence
  }
  return { sentiment: sentiment as Sentiment, intent: intent as Intent, confidence: c }
}

/** A drafted reply: non-empty text after trimming, at most `charsMax` characters (longer is refused). */
export function parseDraft(content: unknown, charsMax = 1000): string | null {
  if (typeof content !== 'string') return null
  const text = content.trim()
  if (text.length === 0 || text.length > charsMax) return null
  return text
}

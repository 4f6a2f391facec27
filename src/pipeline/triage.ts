// The enrichment stage: language, sentiment, intent (trained models) and risk cues (rules), computed
// before the store transaction so no lock is held while the CPU works.
import type { NormalizedMessage } from '../core/model.ts'
import { neutralTriage, type TriageFacts } from '../core/triage-facts.ts'
import { enrich } from '../triage/index.ts'
import { findRiskCues } from '../triage/risk.ts'

export function triageMessage(msg: NormalizedMessage): TriageFacts {
  if (msg.op === 'delete' || msg.direction === 'out' || msg.text.trim() === '') return neutralTriage
  const e = enrich(msg.text, { langs: msg.langs })
  const risk = findRiskCues(msg.text, msg.visibility)
  return {
    lang: e.lang,
    langConfidence: e.langConfidence,
    sentiment: e.sentiment,
    sentimentScore: e.sentimentScore,
    intent: e.intent,
    intentConfidence: e.intentConfidence,
    riskFlags: risk.flags,
    pii: risk.pii,
  }
}

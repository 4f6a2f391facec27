// What triage says about one message, as the pipeline stores and scores it. Produced by src/triage.

export const riskFlagNames = ['legal', 'safety', 'churn', 'press', 'regulator', 'abuse', 'pii'] as const
export type RiskFlag = (typeof riskFlagNames)[number]

export type PiiKind = 'card' | 'phone' | 'email' | 'order'

export interface PiiMatch {
  kind: PiiKind
  start: number
  end: number
}

export type Sentiment = 'negative' | 'neutral' | 'positive'
export type Intent = 'complaint' | 'question' | 'praise' | 'idea' | 'spam' | 'other'

export interface TriageFacts {
  lang: string | null
  langConfidence: number
  sentiment: Sentiment
  /** −1 (negative) .. 1 (positive), calibrated */
  sentimentScore: number
  intent: Intent
  intentConfidence: number
  riskFlags: RiskFlag[]
  pii: PiiMatch[]
}

export const neutralTriage: TriageFacts = {
  lang: null, langConfidence: 0, sentiment: 'neutral', sentimentScore: 0, intent: 'other', intentConfidence: 0, riskFlags: [], pii: [],
}

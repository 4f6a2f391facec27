// Risk cues a supervisor wants raised before anyone replies: legal threats, safety, churn, press,
// regulators, abuse, and personal data exposed in public. Pure; regexes run once per message.

import type { PiiKind, PiiMatch, RiskFlag } from '../core/triage-facts.ts'

export type { PiiKind, PiiMatch, RiskFlag }

export interface RiskCues {
  flags: RiskFlag[]
  pii: PiiMatch[]
}

const cuePatterns: [RiskFlag, RegExp][] = [
  ['legal', /\b(lawyers?|attorneys?|solicitors?|sue|suing|lawsuit|legal action|small claims|court|class action|avocat|abogado|anwalt)\b/i],
  ['safety', /\b(injur(ed|y|ies)|hurt|bleeding|hospital|ambulance|unsafe|dangerous|fire|smoke|allergic reaction|food poisoning|emergency landing|assault(ed)?)\b/i],
  ['churn', /\b(switch(ing|ed)? to|cancel(l?ing)? my|clos(e|ing) my account|never (again|flying|using|buying)|done with (you|them)|taking my business|last time i|going with a competitor|leaving (you|for))\b/i],
  ['press', /\b(journalist|reporter|press|news ?desk|writing (a|an) (piece|story|article)|going viral|my followers|blog(ger)? post|podcast)\b/i],
  ['regulator', /\b(regulator|ombudsman|ftc|fcc|cfpb|dot complaint|department of transportation|caa|trading standards|consumer protection|bbb|better business bureau|gdpr|data protection authority)\b/i],
  ['abuse', /\b(idiots?|morons?|stupid|scum|fuck(ing)?|shit(ty)?|bastards?|kill (you|yourself)|die in)\b/i],
]

function luhnValid(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

const cardPattern = /\b(?:\d[ -]?){12,18}\d\b/g
const emailPattern = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/g
const phonePattern = /(?<![\w@]|\d[ .-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}[ .-]\d{3,4}[ .-]?\d{3,4}(?!\w|[ .-]\d)/g
const orderPattern = /\b(?:order|booking|confirmation|reservation|ref(?:erence)?|pnr|ticket)(?:\s*(?:no\.?|number|#|:))?\s*#?\s*([A-Z0-9]{5,12})\b/gi

function collect(text: string, pattern: RegExp, kind: PiiKind, accept: (m: RegExpExecArray) => boolean, out: PiiMatch[]): void {
  pattern.lastIndex = 0
  for (let m = pattern.exec(text), n = 0; m !== null && n < 50; m = pattern.exec(text), n++) {
    if (!accept(m)) continue
    const start = kind === 'order' && m[1] !== undefined ? m.index + m[0].lastIndexOf(m[1]) : m.index
    const end = kind === 'order' && m[1] !== undefined ? start + m[1].length : m.index + m[0].length
    if (!out.some((p) => start < p.end && end > p.start)) out.push({ kind, start, end })
  }
}

/** Personal data in a text, as spans, so a public view can mask them. */
export function findPii(text: string): PiiMatch[] {
  const out: PiiMatch[] = []
  collect(text, cardPattern, 'card', (m) => {
    const digits = m[0].replace(/\D/g, '')
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits)
  }, out)
  collect(text, emailPattern, 'email', () => true, out)
  collect(text, phonePattern, 'phone', (m) => m[0].replace(/\D/g, '').length >= 8, out)
  collect(text, orderPattern, 'order', (m) => m[1] !== undefined && /\d/.test(m[1]) && /[A-Z]/i.test(m[1]) || /^\d{6,12}$/.test(m[1] ?? ''), out)
  return out.sort((a, b) => a.start - b.start)
}

export function findRiskCues(text: string, visibility: 'public' | 'private'): RiskCues {
  const bounded = text.length > 10_000 ? text.slice(0, 10_000) : text
  const flags: RiskFlag[] = cuePatterns.filter(([, re]) => re.test(bounded)).map(([flag]) => flag)
  const pii = findPii(bounded)
  if (visibility === 'public' && pii.length > 0) flags.push('pii')
  return { flags, pii }
}

/** Replaces each personal-data span with a mask that keeps its last two characters for recognition. */
export function maskPii(text: string, pii: PiiMatch[]): string {
  let out = ''
  let at = 0
  for (const p of pii) {
    if (p.start < at) continue
    const value = text.slice(p.start, p.end)
    out += text.slice(at, p.start) + '•'.repeat(Math.max(0, value.length - 2)) + value.slice(-2)
    at = p.end
  }
  return out + text.slice(at)
}

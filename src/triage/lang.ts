// Language identification with eld (Nito-ELD, pure JS n-gram detector, "small" database: as accurate
// as "large" on tweets here and ~3x faster), chosen by measured
// accuracy on short tweets (see src/triage/README.md and scripts/lang-measure.ts).
import { eld } from 'eld/small'
import { fastEld } from './eld-fast.ts'

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/giu
const MENTION_RE = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu
const HASH_RE = /#([\p{L}\p{N}_]+)/gu
const RT_RE = /^\s*RT\b:?/u
/** Every URL_RE match contains one of these (case-insensitively). */
export const URL_HINT = /https?:\/\/|www\./iu

/** Strips what carries no language signal in a tweet: URLs, @mentions, the RT marker, '#'. */
export function prepareForLangId(text: string): string {
  // each pattern only where its marker occurs (most posts have no URL, mention or hashtag): same result, less scanning
  let s = text
  if (s.includes('RT')) s = s.replace(RT_RE, ' ')
  if (URL_HINT.test(s)) s = s.replace(URL_RE, ' ')
  if (s.includes('@')) s = s.replace(MENTION_RE, '$1 ')
  if (s.includes('#')) s = s.replace(HASH_RE, '$1')
  return s.replace(/\s+/gu, ' ').trim()
}

export interface LanguageGuess { lang: string | null; confidence: number }

let subset: string[] | null = null
let fastSubset: Int32Array | null = null

/**
 * Detects the language of a short text. Returns `{lang: null, confidence: 0}` when there is too
 * little text. `confidence` is 0.95 when eld calls the result reliable, else 0.55, dampened for
 * inputs under 20 characters.
 */
export function detectLanguage(text: string, hints?: { langs?: string[] }): LanguageGuess {
  try {
    const clean = prepareForLangId(typeof text === 'string' ? text : String(text))
    if (clean.replace(/[^\p{L}]/gu, '').length < 2) return { lang: null, confidence: 0 }
    const want = hints?.langs && hints.langs.length > 0 ? hints.langs : null
    if (want?.join(',') !== subset?.join(',')) {
      eld.setLanguageSubset(want ?? false)
      fastSubset = want && fastEld ? fastEld.subsetOf(want) : null
      subset = want
    }
    // the same answers as eld.detect (checked in lang.test.ts), ~6x faster; eld when unavailable
    let language: string
    let reliable: boolean
    if (fastEld) ({ language, reliable } = fastEld.detect(clean, fastSubset))
    else { const res = eld.detect(clean); language = res.language; reliable = language ? res.isReliable() : false }
    if (!language) return { lang: null, confidence: 0 }
    // eld's getScores() costs as much as detection itself, so confidence comes from its
    // reliability check and the amount of text.
    let conf = reliable ? 0.95 : 0.55
    const letters = clean.length
    if (letters < 20) conf *= 0.5 + letters / 40
    return { lang: language, confidence: Math.max(0, Math.min(1, Number(conf.toFixed(3)))) }
  } catch {
    return { lang: null, confidence: 0 }
  }
}

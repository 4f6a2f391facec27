// Tweet normalisation, tokenisation and hashed feature extraction shared by training and
// inference. Everything here is pure and allocation-light: it runs on every message.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

/** Bumped whenever feature extraction changes; model files record it and refuse a mismatch. */
export const FEATURE_VERSION = 4

const URL_RE = /\b(?:https?:\/\/|www\.)\S+/giu
/** Every URL_RE match contains one of these (case-insensitively): checked first, most texts have none. */
const URL_HINT = /https?:\/\/|www\./iu
const MENTION_RE = /(^|[^\p{L}\p{N}_@])@[\p{L}\p{N}_]+/gu

// Emoticons, longest first within each family. Mapped to EMO_POS / EMO_NEG / EMO_LAUGH tokens.
const EMOTICONS: Array<[RegExp, string]> = [
  [/(?:^|\s)(?:[:=;8x]-?[)\]}dp*3]+|\^_*\^|<3+|\(:|\(-:)(?=\s|$|[.,!?])/giu, ' emopos '],
  [/(?:^|\s)(?:[:=;]'?-?[(\[{\/\\|]+|>:[(\[]|d:|<\/3|:-?[oO@]|\):|\)-:)(?=\s|$|[.,!?])/giu, ' emoneg '],
]

// Every emoticon above contains one of these (checked first: most tweets have none, and the two
// patterns above are the costliest part of normalisation).
const EMOTICON_HINT = /[:=;^<()]|[8x]-?[)\]}dp*3]/iu

const NEGATORS = new Set([
  'not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'nowhere', 'without', 'cannot', 'cant',
  'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'shouldnt', 'couldnt',
  'havent', 'hasnt', 'hadnt', 'aint', 'mustnt', 'neednt', 'lack', 'lacks', 'lacking', 'hardly', 'barely',
])

// Token pattern: placeholders, hashtags, words (with inner apostrophes), emoji, punctuation runs.
const TOKEN_RE = /@user|#[\p{L}\p{N}_]+|[\p{L}\p{N}]+(?:['’][\p{L}]+)*|\p{Extended_Pictographic}|[!?]+|\.{2,}|[.,:;]/gu
const PUNCT_STOP = /^(?:[!?]+|\.{1,}|[,:;])$/u

/**
 * Normalises a tweet the way the training data was normalised: lower case, every @mention →
 * `@user`, URLs → `http`, emoticons → emopos/emoneg, letters repeated 3+ times collapsed to two
 * ("sooo" → "soo") with an elongation flag.
 */
export function normalizeText(text: string): { norm: string; elongated: boolean; caps: number } {
  let s = text.length > 2000 ? text.slice(0, 2000) : text
  if (URL_HINT.test(s)) s = s.replace(URL_RE, ' http ')
  if (s.includes('@')) s = s.replace(MENTION_RE, '$1@user')
  let caps = 0
  const capWords = s.match(/\b[A-Z]{3,}\b/gu)
  if (capWords) for (const w of capWords) if (w !== 'RT' && w !== 'USA' && w !== 'HTTP') caps++
  if (EMOTICON_HINT.test(s)) for (const [re, rep] of EMOTICONS) s = s.replace(re, rep)
  s = s.toLowerCase()
  let elongated = false
  s = s.replace(/(\p{L})\1{2,}/gu, (_m, c: string) => { elongated = true; return c + c })
  return { norm: s, elongated, caps }
}

export interface Tokens {
  /** word-level tokens, negation-scoped ones prefixed `neg_` */
  words: string[]
  /** the normalised text used for character n-grams */
  norm: string
  /** extra whole-message cue tokens (elongation, caps, sarcasm, question...) */
  cues: string[]
  /** lexicon polarity (VADER lexicon means, negation-flipped) of each scored word */
  lex: number[]
}

/** Tokenises a tweet: hashtags also yield their bare word, negation scope marked until punctuation. */
export function tokenize(text: string): Tokens {
  const { norm, elongated, caps } = normalizeText(text)
  const raw = norm.match(TOKEN_RE) ?? []
  const words: string[] = []
  const cues: string[] = []
  const lex: number[] = []
  const lexicon = getLexicon()
  let negate = false
  let prev = ''
  for (let t of raw) {
    if (PUNCT_STOP.test(t)) {
      negate = false
      if (t.includes('!')) words.push(t.length > 1 ? '!!' : '!')
      else if (t.includes('?')) words.push(t.length > 1 ? '??' : '?')
      else if (t.length > 1) words.push('...')
      prev = t
      continue
    }
    if (t.includes('’')) t = t.replace(/’/gu, "'")
    if (t.charCodeAt(0) === 35 /* # */ && t.length > 1) {
      const bare = t.slice(1)
      words.push(t)
      if (bare === 'sarcasm' || bare === 'not' || bare === 'irony' || bare === 'fail' || bare === 'smh') cues.push('cue_hash_' + bare)
      t = bare
    }
    const flat = t.includes("'") ? t.replace(/'/gu, '') : t
    if (NEGATORS.has(flat) || flat.endsWith("n't") || (flat.endsWith('nt') && NEGATORS.has(flat))) {
      negate = true
      words.push(flat === 'cant' || flat === 'cannot' ? 'cant' : flat.endsWith('nt') ? 'nt' : flat)
      prev = flat
      continue
    }
    if (t.endsWith("n't")) { negate = true; words.push('nt'); prev = 'nt'; continue }
    const score = lexicon.get(t) ?? lexicon.get(flat)
    if (score !== undefined) lex.push(negate ? -0.74 * score : score)
    words.push(negate && t !== '@user' && t !== 'http' ? 'neg_' + t : t)
    prev = t
  }
  void prev
  if (elongated) cues.push('cue_elong')
  if (caps > 0) cues.push(caps > 2 ? 'cue_caps_many' : 'cue_caps')
  if (/\?\s*$/u.test(norm.trim())) cues.push('cue_ends_q')
  if (/\b(?:yeah right|thanks a lot|just what i needed|great job|so much for|love (?:it )?(?:how|when)|nothing like)\b/u.test(norm)) cues.push('cue_sarc_phrase')
  return { words, norm, cues, lex }
}

// ---------------------------------------------------------------------------------------------
// Lexicon (VADER's MIT-licensed word list shipped in the vader-sentiment package).

let lexiconCache: Map<string, number> | null = null

export function getLexicon(): Map<string, number> {
  if (lexiconCache) return lexiconCache
  const map = new Map<string, number>()
  try {
    const require = createRequire(import.meta.url)
    const file = require.resolve('vader-sentiment/vader_lexicon.txt')
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const tab = line.indexOf('\t')
      if (tab <= 0) continue
      const word = line.slice(0, tab).toLowerCase()
      const score = Number.parseFloat(line.slice(tab + 1))
      if (Number.isFinite(score) && !map.has(word)) map.set(word, score)
    }
    map.set('emopos', 2)
    map.set('emoneg', -2)
  } catch {
    // without the lexicon the lexical features are simply absent
  }
  lexiconCache = map
  return map
}

// ---------------------------------------------------------------------------------------------
// Hashed features.

export interface FeatureConfig { bits: number; charMin: number; charMax: number; wordBigrams: boolean }

export const DEFAULT_FEATURES: FeatureConfig = { bits: 19, charMin: 2, charMax: 5, wordBigrams: true }

export interface SparseVec { idx: Int32Array; val: Float32Array; n: number }

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

function hashString(s: string, seed: number): number {
  let h = (FNV_OFFSET ^ seed) >>> 0
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME)
  // final avalanche (murmur3 fmix32) so low bits are well mixed
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16
  return h >>> 0
}

/** FNV-1a state after feeding `s` (no final mix): lets bigrams hash without concatenating. */
function fnvFeed(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME)
  return h
}

/** hashString(a + ' ' + b, seed) without building the string. */
function hashPair(a: string, b: string, seed: number): number {
  return mix(fnvFeed(Math.imul((fnvFeed((FNV_OFFSET ^ seed) >>> 0, a)) ^ 32, FNV_PRIME), b))
}

function mix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16
  return h >>> 0
}

const SEED_WORD = 0x1234567
const SEED_BIGRAM = 0x2345678
const SEED_CHAR = 0x3456789
const SEED_CUE = 0x4567890

// cue names are a small fixed set: hash each once
const cueHashes = new Map<string, number>()
function cueHash(c: string): number {
  let h = cueHashes.get(c)
  if (h === undefined) { h = hashString(c, SEED_CUE); if (cueHashes.size < 1024) cueHashes.set(c, h) }
  return h
}

/** A reusable feature buffer; `extractFeatures` writes into it and returns it. */
export function newSparseVec(capacity = 4096): SparseVec {
  return { idx: new Int32Array(capacity), val: new Float32Array(capacity), n: 0 }
}

function push(v: SparseVec, i: number, x: number): void {
  if (v.n >= v.idx.length) return
  v.idx[v.n] = i
  v.val[v.n] = x
  v.n++
}

/**
 * Hashed features: word unigrams + bigrams (group-normalised), char n-grams of the normalised
 * text with word boundaries (group-normalised), message cues and lexicon aggregates.
 */
export function extractFeatures(tokens: Tokens, cfg: FeatureConfig, out: SparseVec = newSparseVec()): SparseVec {
  out.n = 0
  const mask = (1 << cfg.bits) - 1
  const words = tokens.words
  // words
  const wStart = out.n
  for (let i = 0; i < words.length; i++) {
    const h = hashString(words[i]!, SEED_WORD)
    push(out, h & mask, 1)
    if (cfg.wordBigrams) push(out, hashPair(i === 0 ? '<s>' : words[i - 1]!, words[i]!, SEED_BIGRAM) & mask, 1)
  }
  if (cfg.wordBigrams && words.length > 0) push(out, hashPair(words[words.length - 1]!, '</s>', SEED_BIGRAM) & mask, 1)
  scale(out, wStart)
  // characters: over " w1 w2 ... " of the normalised text, without neg_ marks, capped length
  const cStart = out.n
  const s = ' ' + tokens.norm.replace(/\s+/gu, ' ').trim().slice(0, 280) + ' '
  const len = s.length
  for (let i = 0; i < len; i++) {
    let h = (FNV_OFFSET ^ SEED_CHAR) >>> 0
    for (let k = 0; k < cfg.charMax && i + k < len; k++) {
      h = Math.imul(h ^ s.charCodeAt(i + k), FNV_PRIME)
      if (k + 1 >= cfg.charMin) push(out, mix(h ^ (k + 1)) & mask, 1)
    }
  }
  scale(out, cStart)
  // cues and lexicon aggregates (unnormalised, bounded values)
  for (const c of tokens.cues) push(out, cueHash(c) & mask, 1)
  let pos = 0
  let neg = 0
  for (const x of tokens.lex) { if (x > 0) pos += x; else neg -= x }
  if (pos > 0) push(out, cueHash('lex_pos') & mask, Math.tanh(pos / 3))
  if (neg > 0) push(out, cueHash('lex_neg') & mask, Math.tanh(neg / 3))
  const net = pos - neg
  push(out, cueHash(net > 0.5 ? 'lex_net_pos' : net < -0.5 ? 'lex_net_neg' : 'lex_net_0') & mask, 1)
  if (pos > 0 && neg > 0) push(out, cueHash('lex_mixed') & mask, 1)
  push(out, cueHash('bias') & mask, 1)
  return out
}

function scale(v: SparseVec, from: number): void {
  const n = v.n - from
  if (n <= 0) return
  const f = 1 / Math.sqrt(n)
  for (let i = from; i < v.n; i++) v.val[i] = v.val[i]! * f
}

/** Convenience: text → features. */
export function featurize(text: string, cfg: FeatureConfig = DEFAULT_FEATURES, out?: SparseVec): SparseVec {
  return extractFeatures(tokenize(text), cfg, out)
}

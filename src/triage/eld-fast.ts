// A faster evaluation of eld's "small" detector (Nito-ELD, Apache-2.0, package `eld`) over the
// same n-gram database: the same algorithm (separator clean-up, UTF-8 byte 4-grams with stride 3,
// summed per-language scores, the same isReliable rule), with the data re-laid into a Map and flat
// typed arrays and the separator regex replaced by a letter table built from eld's own pattern.
// eld spends most of its time in that regex and in `for…in` over per-n-gram objects.
// `lang.test.ts` checks that it returns what `eld.detect` returns; lang.ts falls back to eld
// whenever the database cannot be loaded.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

interface EldFiles {
  ngramsData: { type: string; languages: Record<string, string>; ngrams: Record<string, Record<string, number>> }
  avgScore: Record<string, number>
  dictionary: string[]
  separators: RegExp
}

export interface FastEld {
  /** language code ('' when none) and eld's isReliable() verdict */
  detect(text: string, subset: Int32Array | null): { language: string; reliable: boolean }
  /** eld's setLanguageSubset: codes → sorted indices (null when none is known) */
  subsetOf(codes: string[]): Int32Array | null
}

const BASE_NGRAM_SCORE = 53 // eld subtracts this from every stored score to shrink its database
const APOS = (c: number): boolean => c === 0x27 || c === 0x60 || c === 0x2019

async function loadEldFiles(): Promise<EldFiles | null> {
  // eld's package exports hide src/, so locate it beside the package entry in node_modules.
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const src = join(dir, 'node_modules', 'eld', 'src')
    if (existsSync(join(src, 'ngrams', 'small.js'))) {
      const imp = (f: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(src, f)).href) as Promise<Record<string, unknown>>
      const [ng, avg, dict, re] = await Promise.all([imp('ngrams/small.js'), imp('avgScore.js'), imp('dictionary.js'), imp('regexPatterns.js')])
      return { ngramsData: ng.ngramsData as EldFiles['ngramsData'], avgScore: avg.avgScore as EldFiles['avgScore'], dictionary: dict.dictionary as string[], separators: re.separators as RegExp }
    }
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return null
}

export function buildFastEld(files: EldFiles): FastEld | null {
  const { ngramsData, avgScore, dictionary } = files
  const source = files.separators.source
  const open = source.indexOf('[^')
  const close = source.lastIndexOf(']+')
  if (open !== 0 || close < 0) return null
  const letterRe = new RegExp('[' + source.slice(2, close) + ']', 'u')
  const isLetter = new Uint8Array(65536)
  for (let c = 0; c < 65536; c++) if (c < 0xd800 || c > 0xdfff) isLetter[c] = letterRe.test(String.fromCharCode(c)) ? 1 : 0
  const nLang = Object.keys(ngramsData.languages).length
  const codes: string[] = []
  for (let i = 0; i < nLang; i++) codes.push(ngramsData.languages[i]!)
  const ids = new Map<string, number>()
  const starts: number[] = [0]
  const pairs: number[] = []
  for (const g in ngramsData.ngrams) {
    const row = ngramsData.ngrams[g]!
    for (const l in row) pairs.push(Number(l), row[l]! + BASE_NGRAM_SCORE)
    ids.set(g, starts.length - 1)
    starts.push(pairs.length)
  }
  const start = Int32Array.from(starts)
  const data = Int32Array.from(pairs)
  const avg = codes.map((c) => avgScore[c] ?? 0)
  const scores = new Float64Array(nLang)
  const seen = new Set<number>()
  const unknown = new Set<string>()

  /** eld's separator replacement: a run of non-letters → ' ', except trailing apostrophes. */
  function separate(text: string): string {
    let out = ''
    let i = 0
    const n = text.length
    let last = 0
    while (i < n) {
      if (isLetter[text.charCodeAt(i)] === 1) { i++; continue }
      let j = i
      while (j < n && isLetter[text.charCodeAt(j)] !== 1) j++
      let e = j
      while (e > i && APOS(text.charCodeAt(e - 1))) e--
      if (e > i) { out += text.slice(last, i) + ' '; last = e }
      i = j
    }
    return last === 0 ? text : out + text.slice(last)
  }

  function addNgram(g: string): void {
    const id = ids.get(g)
    if (id === undefined) { unknown.add(g); return } // still counts in eld's numNgrams
    if (seen.has(id)) return
    seen.add(id)
    for (let p = start[id]!; p < start[id + 1]!; p += 2) scores[data[p]!] = scores[data[p]!]! + data[p + 1]!
  }

  function ngramsOfWord(word: string): void {
    let len = word.length
    if (len > 70) len = 70
    let j = 0
    for (; j + 4 < len; j += 3) addNgram((j === 0 ? ' ' : '') + word.substring(j, j + 4))
    addNgram((j === 0 ? ' ' : '') + word.substring(len !== 3 ? len - 4 : 0) + ' ')
  }

  /** eld's strToUtf8Bytes: each UTF-8 byte as one dictionary character; words split on ' '. */
  function eachWord(str: string): void {
    let encoded = ''
    let countBytes = 0
    for (let ii = 0; ii < str.length; ii++) {
      let c = str.charCodeAt(ii)
      if (c < 0x80) {
        if (c === 32) {
          if (encoded !== '') { ngramsOfWord(encoded); encoded = '' }
          if (countBytes > 350) break
        } else encoded += str[ii]
        countBytes++
      } else if (c < 0x800) {
        encoded += dictionary[0xc0 | (c >> 6)]! + dictionary[0x80 | (c & 0x3f)]!
        countBytes += 2
      } else if (c < 0xd800 || c >= 0xe000) {
        encoded += dictionary[0xe0 | (c >> 12)]! + dictionary[0x80 | ((c >> 6) & 0x3f)]! + dictionary[0x80 | (c & 0x3f)]!
        countBytes += 3
      } else {
        ii++
        c = 0x10000 + (((c & 0x3ff) << 10) | (str.charCodeAt(ii) & 0x3ff))
        encoded += dictionary[0xf0 | (c >> 18)]! + dictionary[0x80 | ((c >> 12) & 0x3f)]! + dictionary[0x80 | ((c >> 6) & 0x3f)]! + dictionary[0x80 | (c & 0x3f)]!
        countBytes += 4
      }
      if (countBytes > 380) break
    }
    if (encoded !== '') ngramsOfWord(encoded)
  }

  function detect(text: string, subset: Int32Array | null): { language: string; reliable: boolean } {
    scores.fill(0)
    seen.clear()
    unknown.clear()
    eachWord(separate(text.substring(0, 1000)).trim().toLowerCase())
    const numNgrams = seen.size + unknown.size
    if (subset) for (let k = 0; k < nLang; k++) if (scores[k]! > 0 && !subset.includes(k)) scores[k] = 0
    // eld's getMaxLang: first index with the largest positive score
    let top = -1
    for (let k = 0; k < nLang; k++) if (scores[k]! > 0 && (top < 0 || scores[k]! > scores[top]!)) top = k
    if (top < 0) return { language: '', reliable: false }
    // eld's isReliable(0.75): scaled top score against the language's average, and (as eld does)
    // the second-ranked entry's language *index* as "next score"
    if (numNgrams < 3) return { language: codes[top]!, reliable: false }
    let second = -1
    for (let k = 0; k < nLang; k++) if (k !== top && scores[k]! > 0 && (second < 0 || scores[k]! > scores[second]!)) second = k
    const s = scores[top]! / numNgrams
    const scaled = s / (s + 25)
    const next = second >= 0 ? second : 0
    const reliable = !(avg[top]! * 0.75 > scaled || 0.01 > Math.abs(scaled - next))
    return { language: codes[top]!, reliable }
  }

  function subsetOf(want: string[]): Int32Array | null {
    const idx = want.map((c) => codes.indexOf(c)).filter((i) => i >= 0).sort((a, b) => a - b)
    return idx.length > 0 ? Int32Array.from(idx) : null
  }
  return { detect, subsetOf }
}

let fast: FastEld | null = null
try {
  const files = await loadEldFiles()
  fast = files ? buildFastEld(files) : null
} catch {
  fast = null
}

/** The fast detector, or null when eld's database could not be loaded (lang.ts then uses eld). */
export const fastEld: FastEld | null = fast

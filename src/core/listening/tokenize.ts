// Text folding and tokenisation shared by the rule parser (query terms), the compiled matcher and the
// reference evaluator, so a term and the text it should match are always cut the same way. Pure.
//
// Folding: NFKD → lower case → strip diacritic marks (Latin/Greek/Cyrillic combining blocks, Arabic
// harakat) and variation selectors → a few letters NFKD keeps whole (ß → ss, ø → o, ł → l …) → NFC.
// Marks that carry meaning (Indic vowel signs, kana voicing) are kept; NFC recomposes Hangul and kana.
//
// Tokens: a word starts with a letter or digit and runs over letters, digits and the remaining marks;
// everything else separates words (`_`, `-`, `.`, `'` included). Han and Hiragana characters are one
// token each: scripts written without spaces have no other word boundary we can find without a
// dictionary. `#tag` and `@handle` (when the `#`/`@` is not glued to a preceding word character, so
// `bob@example.com` is no mention) are also kept as hashtag/mention tokens, and their letters still
// count as words. A handle may contain `.` and `-` inside (`@northwind.bsky.social`); a hashtag and a
// handle may contain `_`.

const asciiOnly = /^[\x00-\x7f]*$/
const diacritics = /[\ufe00-\ufe0f\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670]/g
const unsplitLetters = /[ßæœøłđðþı]/g
const unsplitFolds: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i',
}

/** Lower-cases, removes diacritics and applies compatibility folding. Idempotent. */
export function foldText(text: string): string {
  if (asciiOnly.test(text)) return text.toLowerCase()
  return text
    .normalize('NFKD')
    .toLowerCase()
    .normalize('NFKD')
    .replace(diacritics, '')
    .replace(unsplitLetters, (c) => unsplitFolds[c] ?? c)
    .normalize('NFC')
}

export interface TextTokens {
  /** Word tokens in text order (also the words inside hashtags and handles). */
  words: string[]
  /** Hashtags without `#`, in text order. */
  hashtags: string[]
  /** Mentioned handles without `@`, in text order. */
  mentions: string[]
}

// Character classes. A word starts with a letter or digit and goes on over letters, digits, marks and
// ZWNJ/ZWJ; a Han or Hiragana character is a word by itself (with its marks).
const SEPARATOR = 1
const WORD = 2
const JOINER = 3
const SOLO = 4
const HASH = 0x23
const AT = 0x40
const UNDERSCORE = 0x5f
const DOT = 0x2e
const HYPHEN = 0x2d

const soloPattern = /^[\p{Script=Han}\p{Script=Hiragana}]$/u
const wordPattern = /^[\p{L}\p{N}]$/u
const joinerPattern = /^[\p{M}\u200c\u200d]$/u

function classify(char: string): number {
  if (soloPattern.test(char)) return SOLO
  if (wordPattern.test(char)) return WORD
  if (joinerPattern.test(char)) return JOINER
  return SEPARATOR
}

/** Class of every BMP code unit, filled lazily (0 = not yet known). */
const bmpClasses = new Uint8Array(0x10000)
for (let c = 0; c < 0x80; c++) bmpClasses[c] = classify(String.fromCharCode(c))
const astralClasses = new Map<number, number>()
const astralClassesMax = 4096

function classAt(text: string, i: number): number {
  const unit = text.charCodeAt(i)
  if (unit < 0xd800 || unit > 0xdfff) {
    const known = bmpClasses[unit]!
    if (known !== 0) return known
    const cls = classify(String.fromCharCode(unit))
    bmpClasses[unit] = cls
    return cls
  }
  const cp = text.codePointAt(i)!
  if (cp <= 0xffff) return SEPARATOR // lone surrogate
  if (cp >= 0x1f000 && cp <= 0x1faff) return SEPARATOR // emoji and pictographs
  const known = astralClasses.get(cp)
  if (known !== undefined) return known
  const cls = classify(String.fromCodePoint(cp))
  if (astralClasses.size < astralClassesMax) astralClasses.set(cp, cls)
  return cls
}

/** UTF-16 length of the character at i. */
function widthAt(text: string, i: number): number {
  const unit = text.charCodeAt(i)
  return unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length ? 2 : 1
}

/** A character that may be part of a hashtag or handle (and so stops a `#`/`@` right after it). */
function isTagCharAt(text: string, i: number): boolean {
  return text.charCodeAt(i) === UNDERSCORE || classAt(text, i) !== SEPARATOR
}

function isTagCharBefore(text: string, i: number): boolean {
  if (i === 0) return false
  const unit = text.charCodeAt(i - 1)
  const start = unit >= 0xdc00 && unit <= 0xdfff && i >= 2 ? i - 2 : i - 1
  return isTagCharAt(text, start)
}

/** End of the hashtag (or handle, with `.`/`-` inside) starting at `from`; `from` when there is none. */
function tagEnd(text: string, from: number, handle: boolean): number {
  let j = from
  while (j < text.length) {
    if (isTagCharAt(text, j)) {
      j += widthAt(text, j)
      continue
    }
    const unit = text.charCodeAt(j)
    if (handle && j > from && (unit === DOT || unit === HYPHEN) && j + 1 < text.length && isTagCharAt(text, j + 1)) {
      j++
      continue
    }
    break
  }
  return j
}

/** Tokenises already-folded text (one pass over its characters). */
export function tokenizeFolded(folded: string): TextTokens {
  const words: string[] = []
  const hashtags: string[] = []
  const mentions: string[] = []
  const n = folded.length
  let i = 0
  while (i < n) {
    const unit = folded.charCodeAt(i)
    if ((unit === HASH || unit === AT) && !isTagCharBefore(folded, i)) {
      const end = tagEnd(folded, i + 1, unit === AT)
      if (end > i + 1) (unit === AT ? mentions : hashtags).push(folded.slice(i + 1, end))
      i++ // the words inside the tag are read by the loop
      continue
    }
    const cls = classAt(folded, i)
    if (cls === WORD || cls === SOLO) {
      let j = i + widthAt(folded, i)
      for (;;) {
        if (j >= n) break
        const next = classAt(folded, j)
        if (next === JOINER || (next === WORD && cls === WORD)) j += widthAt(folded, j)
        else break
      }
      words.push(folded.slice(i, j))
      i = j
    } else {
      i += widthAt(folded, i)
    }
  }
  return { words, hashtags, mentions }
}

/** Folds and tokenises message text. */
export function tokenizeText(text: string): TextTokens {
  return tokenizeFolded(foldText(text))
}

/** Folds an author handle for `from:` matching: leading `@` removed, case and diacritics folded. */
export function foldHandle(handle: string): string {
  return foldText(handle.startsWith('@') ? handle.slice(1) : handle)
}

/**
 * The language tags of a message, lower-cased, each with its shorter prefixes (`pt-BR` → `pt`,
 * `pt-br`), so `lang:pt` matches `pt-BR` and `lang:pt-br` matches only Brazilian Portuguese.
 */
export function langKeys(langs: readonly string[], lang: string | null): string[] {
  const keys: string[] = []
  for (const l of langs) addLangKeys(keys, l)
  if (lang !== null) addLangKeys(keys, lang)
  return keys
}

function addLangKeys(keys: string[], raw: string): void {
  const tag = raw.trim().toLowerCase().replace(/_/g, '-')
  if (tag === '') return
  for (let end = tag.indexOf('-'); end !== -1; end = tag.indexOf('-', end + 1)) keys.push(tag.slice(0, end))
  keys.push(tag)
}

// Text folding and tokenisation shared by the rule parser (query terms), the compiled matcher and the
// reference evaluator, so a term and the text it should match are always cut the same way. Pure.
//
// Folding: NFKD → lower case → strip diacritic marks (Latin/Greek/Cyrillic combining blocks, Arabic
// harakat) → a few letters NFKD keeps whole (ß → ss, ø → o, ł → l …) → NFC. Marks that carry meaning
// (Indic vowel signs, kana voicing) are kept, and NFC recomposes Hangul and kana.
//
// Tokens: a word is a run of letters, digits and non-diacritic marks; everything else separates words
// (`_`, `-`, `.`, `'` included). Han and Hiragana characters are one token each, as scripts written
// without spaces have no other word boundary we can find without a dictionary. `#tag` and `@handle`
// (when `#`/`@` is not glued to a preceding word character, so `bob@example.com` is no mention) are
// also kept as hashtag/mention tokens; their letters still count as words. A handle may contain `.`
// and `-` inside (`@northwind.bsky.social`); a hashtag may contain `_`.

const asciiOnly = /^[\x00-\x7f]*$/
const diacritics = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670]/g
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

// W = a word character (letters, digits, marks, ZWNJ/ZWJ). `_` joins inside hashtags and handles only.
const W = String.raw`\p{L}\p{N}\p{M}\u200c\u200d`
const tokenPattern = new RegExp(
  String.raw`(?<![${W}_])(?:@([${W}_]+(?:[.\-][${W}_]+)*)|#([${W}_]+))|([${W}]+)`,
  'gu',
)
const wordPattern = new RegExp(`[${W}]+`, 'gu')
const unspacedScript = /[\p{Script=Han}\p{Script=Hiragana}]/u
const unspacedSplit = /[\p{Script=Han}\p{Script=Hiragana}]\p{M}*|[^\p{Script=Han}\p{Script=Hiragana}]+/gu

export interface TextTokens {
  /** Word tokens in text order (also the words inside hashtags and handles). */
  words: string[]
  /** Hashtags without `#`, in text order. */
  hashtags: string[]
  /** Mentioned handles without `@`, in text order. */
  mentions: string[]
}

/** Tokenises already-folded text. */
export function tokenizeFolded(folded: string): TextTokens {
  const words: string[] = []
  const hashtags: string[] = []
  const mentions: string[] = []
  const ascii = asciiOnly.test(folded)
  tokenPattern.lastIndex = 0
  for (let m = tokenPattern.exec(folded); m !== null; m = tokenPattern.exec(folded)) {
    const word = m[3]
    if (word !== undefined) {
      pushWord(words, word, ascii)
      continue
    }
    const mention = m[1]
    const tag = mention ?? m[2] ?? ''
    if (mention !== undefined) mentions.push(mention)
    else hashtags.push(tag)
    wordPattern.lastIndex = 0
    for (let w = wordPattern.exec(tag); w !== null; w = wordPattern.exec(tag)) pushWord(words, w[0], ascii)
  }
  return { words, hashtags, mentions }
}

function pushWord(words: string[], word: string, ascii: boolean): void {
  if (ascii || !unspacedScript.test(word)) {
    words.push(word)
    return
  }
  for (const piece of word.match(unspacedSplit) ?? []) words.push(piece)
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
  const add = (raw: string): void => {
    const tag = raw.trim().toLowerCase().replace(/_/g, '-')
    if (tag === '') return
    let end = tag.indexOf('-')
    while (end !== -1) {
      keys.push(tag.slice(0, end))
      end = tag.indexOf('-', end + 1)
    }
    keys.push(tag)
  }
  for (const l of langs) add(l)
  if (lang !== null) add(lang)
  return keys
}

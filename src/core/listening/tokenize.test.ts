import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { foldHandle, foldText, langKeys, tokenizeText } from './tokenize.ts'

describe('foldText', () => {
  it.each([
    ['Northwind', 'northwind'],
    ['Café CRÈME', 'cafe creme'],
    ['Straße', 'strasse'],
    ['Verspätung', 'verspatung'],
    ['ŁÓDŹ Ørsted', 'lodz orsted'],
    ['ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
    ['ﬁne', 'fine'],
    ['İstanbul', 'istanbul'],
    ['Ελληνικά', 'ελληνικα'],
    ['ガイド', 'ガイド'],
    ['한국어', '한국어'],
    ['हिन्दी', 'हिन्दी'],
  ])('%s → %s', (input, expected) => {
    expect(foldText(input)).toBe(expected)
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const once = foldText(s)
        expect(foldText(once)).toBe(once)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('tokenizeText', () => {
  it.each<[string, string[], string[], string[]]>([
    ['Third time this month my Northwind flight is delayed.', ['third', 'time', 'this', 'month', 'my', 'northwind', 'flight', 'is', 'delayed'], [], []],
    ['#NorthwindFail @NorthwindAir', ['northwindfail', 'northwindair'], ['northwindfail'], ['northwindair']],
    ['hi @northwind.bsky.social.', ['hi', 'northwind', 'bsky', 'social'], [], ['northwind.bsky.social']],
    ['mail bob@northwind.com', ['mail', 'bob', 'northwind', 'com'], [], []],
    ['c#sharp #a_b', ['c', 'sharp', 'a', 'b'], ['a_b'], []],
    ['wi-fi is_down', ['wi', 'fi', 'is', 'down'], [], []],
    ['naïve déjà-vu', ['naive', 'deja', 'vu'], [], []],
    ['東京に行きます', ['東', '京', 'に', '行', 'き', 'ま', 'す'], [], []],
    ['#東京 ガイド', ['東', '京', 'ガイド'], ['東京'], []],
    ['love it ❤️👍🏽 ok', ['love', 'it', 'ok'], [], []],
    ['## @@ # @', [], [], []],
  ])('%s', (text, words, hashtags, mentions) => {
    expect(tokenizeText(text)).toEqual({ words, hashtags, mentions })
  })

  it('never throws and yields non-empty tokens', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const t = tokenizeText(s)
        return [...t.words, ...t.hashtags, ...t.mentions].every((w) => w.length > 0)
      }),
      { numRuns: 500 },
    )
  })
})

describe('foldHandle and langKeys', () => {
  it('folds handles with or without @', () => {
    expect(foldHandle('@NorthwindAir')).toBe('northwindair')
    expect(foldHandle('NorthwindAir')).toBe('northwindair')
  })

  it('expands language tags to their prefixes', () => {
    expect(langKeys(['pt-BR', 'en_US'], 'FR')).toEqual(['pt', 'pt-br', 'en', 'en-us', 'fr'])
    expect(langKeys([' '], null)).toEqual([])
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseCsatReply } from './reply.ts'

const score = fc.integer({ min: 1, max: 5 })
const space = fc.constantFrom('', ' ', '  ', '\n', '\t', ' \n ')
const fullwidth = '０１２３４５６７８９'

describe('parseCsatReply', () => {
  it.each([
    ['4', 4], [' 5 ', 5], ['1.', 1], ['3!', 3], ['4/5', 4], ['2 / 5', 2], ['５', 5], ['4️⃣', 4], ['4\u20E3', 4],
    ['⭐⭐⭐', 3], ['⭐️⭐️⭐️⭐️⭐️', 5], ['★★★★☆', 4], ['★☆☆☆☆', 1], ['🌟🌟', 2], ['⭐ ⭐ ⭐ ⭐', 4],
  ])('%j is %i', (text, expected) => {
    expect(parseCsatReply(text)).toBe(expected)
  })

  it.each(['', '0', '6', '10', '45', '4.5', '-3', '5 stars but the food was cold', 'I would say 4', '4 of them were late', 'thanks', '⭐⭐⭐⭐⭐⭐', '☆☆☆☆☆', '★★☆', '4/10', '3/5/5', '0️⃣', '６', '4 4'])('%j is not a score', (text) => {
    expect(parseCsatReply(text)).toBeNull()
  })

  it('reads any score written as a digit, a fullwidth digit, a keycap or stars, with spaces around', () => {
    fc.assert(fc.property(score, space, space, fc.constantFrom('digit', 'fullwidth', 'keycap', 'outOf5', 'stars', 'starsPadded'), (n, before, after, form) => {
      const body = {
        digit: String(n),
        fullwidth: fullwidth[n]!,
        keycap: `${n}\uFE0F\u20E3`,
        outOf5: `${n}/5`,
        stars: '⭐'.repeat(n),
        starsPadded: '★'.repeat(n) + '☆'.repeat(5 - n),
      }[form]
      expect(parseCsatReply(`${before}${body}${after}`)).toBe(n)
    }))
  })

  it('never takes a sentence for a score, even one with a digit in it', () => {
    const word = fc.stringMatching(/^[A-Za-zÀ-ÿ]{2,12}$/)
    fc.assert(fc.property(score, word, fc.boolean(), (n, w, wordFirst) => {
      expect(parseCsatReply(wordFirst ? `${w} ${n}` : `${n} ${w}`)).toBeNull()
    }))
  })

  it('is total: any text gives null or an integer 1..5', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
      const r = parseCsatReply(text)
      expect(r === null || (Number.isInteger(r) && r >= 1 && r <= 5)).toBe(true)
    }), { numRuns: 2000 })
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
      const r = parseCsatReply(text)
      expect(r === null || (r >= 1 && r <= 5)).toBe(true)
    }), { numRuns: 2000 })
  })

  it('ignores long messages outright', () => {
    expect(parseCsatReply(`${' '.repeat(100)}5`)).toBeNull()
  })
})

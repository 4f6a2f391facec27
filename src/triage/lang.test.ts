import { eld } from 'eld/small'
import { describe, expect, it } from 'vitest'
import { fastEld } from './eld-fast.ts'
import { detectLanguage, prepareForLangId } from './lang.ts'
import { enrichBenchTexts } from './bench.ts'

const samples = [
  ...enrichBenchTexts(300, 7).map(prepareForLangId),
  'I really love this airline, the crew was wonderful', 'Le vol a été annulé sans aucune explication, c\'est honteux',
  'Das ist wirklich nicht gut, warum dauert das so lange?', 'no puedo entrar a mi cuenta desde ayer', 'هذا سيء جدا',
  'मुझे यह पसंद है', 'İstanbul çok güzel', "don't stop ’til it's done '' ``", '😀 hi 😀', '\ud800 x', 'ok', 'a', '', '12345',
  'Привет, как дела?', '東京は晴れです', 'x'.repeat(3000), 'word '.repeat(400),
]

describe('fastEld (eld-fast.ts)', () => {
  it('loads eld\'s database', () => {
    expect(fastEld).not.toBeNull()
  })
  it.each([null, ['en', 'de'], ['fr', 'es', 'pt']])('returns what eld.detect returns (subset %s)', (langs) => {
    eld.setLanguageSubset(langs ?? false)
    const sub = langs ? fastEld!.subsetOf(langs) : null
    try {
      for (const t of samples) {
        const want = eld.detect(t)
        expect(fastEld!.detect(t, sub)).toEqual({ language: want.language, reliable: want.language ? want.isReliable() : false })
      }
    } finally {
      eld.setLanguageSubset(false)
    }
  })
  it('detectLanguage keeps working with hints after a subset change', () => {
    expect(detectLanguage('Das ist nicht gut', { langs: ['en', 'de'] }).lang).toBe('de')
    expect(detectLanguage('I really love this airline, the crew was wonderful').lang).toBe('en')
  })
})

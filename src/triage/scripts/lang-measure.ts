// Measures language-id accuracy of eld and franc on short tweets from ../shared/data:
// sentiment_multilingual.csv (test split, 7 languages) + English tweets (sentiment_tweets test split, first 870).
// Run: npx tsx src/triage/scripts/lang-measure.ts [--data-dir DIR]
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCsvTable } from '../csv.ts'
import { sharedDataDir } from '../../testing/shared.ts'
import { eld } from 'eld/large'
import { franc } from 'franc'
import { eld as eldSmall } from 'eld/small'
import { prepareForLangId } from '../lang.ts'

const dir = process.argv.includes('--data-dir') ? process.argv[process.argv.indexOf('--data-dir') + 1]! : sharedDataDir
const multi = parseCsvTable(readFileSync(join(dir, 'sentiment_multilingual.csv'), 'utf8')).records.filter((r) => r.split === 'test')
const en = parseCsvTable(readFileSync(join(dir, 'sentiment_tweets.csv'), 'utf8')).records.filter((r) => r.split === 'test').slice(0, 870)
const samples = [...multi.map((r) => ({ text: r.text!, lang: r.language! })), ...en.map((r) => ({ text: r.text!, lang: 'en' }))]
const iso3: Record<string, string> = { arb: 'ar', ara: 'ar', fra: 'fr', deu: 'de', hin: 'hi', ita: 'it', por: 'pt', spa: 'es', eng: 'en' }
const langs = ['ar', 'de', 'en', 'es', 'fr', 'hi', 'it', 'pt']
const franc3 = ['arb', 'fra', 'deu', 'hin', 'ita', 'por', 'spa', 'eng']

const detectors: Record<string, (t: string) => string> = {
  'eld large': (t) => eld.detect(t).language,
  'eld large (cleaned)': (t) => eld.detect(prepareForLangId(t)).language,
  'eld small (cleaned)': (t) => eldSmall.detect(prepareForLangId(t)).language,
  'franc (all, minLength 3)': (t) => iso3[franc(t, { minLength: 3 })] ?? 'und',
  'franc (cleaned)': (t) => iso3[franc(prepareForLangId(t), { minLength: 3 })] ?? 'und',
  'franc (8-lang whitelist, cleaned)': (t) => iso3[franc(prepareForLangId(t), { minLength: 3, only: franc3 })] ?? 'und',
}
console.log(`samples: ${samples.length} (${langs.map((l) => `${l} ${samples.filter((s) => s.lang === l).length}`).join(', ')})`)
console.log(`| detector | overall | ${langs.join(' | ')} | µs/msg |`)
console.log(`|---|---|${langs.map(() => '---').join('|')}|---|`)
for (const [name, fn] of Object.entries(detectors)) {
  const ok: Record<string, number> = {}
  const tot: Record<string, number> = {}
  let correct = 0
  const t0 = performance.now()
  for (const s of samples) {
    const got = fn(s.text)
    tot[s.lang] = (tot[s.lang] ?? 0) + 1
    if (got === s.lang) { ok[s.lang] = (ok[s.lang] ?? 0) + 1; correct++ }
  }
  const us = ((performance.now() - t0) * 1000) / samples.length
  console.log(`| ${name} | ${(correct / samples.length).toFixed(3)} | ${langs.map((l) => ((ok[l] ?? 0) / (tot[l] ?? 1)).toFixed(3)).join(' | ')} | ${us.toFixed(1)} |`)
}

// fast-check arbitraries for listening-rule tests: rule trees over a small vocabulary (so random rules
// and random messages share terms often) and messages written from the same vocabulary with case,
// diacritics and punctuation variations. Test-only.
import fc from 'fast-check'
import type { RuleAst, RuleTerm } from './ast.ts'
import type { ListeningMessage } from './compile.ts'

const vocabulary = ['northwind', 'air', 'flight', 'delay', 'delayed', 'refund', 'cafe', 'wi', 'fi', 'and', 'not', 'x1']
const prefixes = ['no', 'north', 'del', 'delay', 're', 'ca', 'fl']
const handles = ['northwind', 'northwindair', 'northwind.bsky.social', 'trav_1', 'x1']
const hashtags = ['northwind', 'northwindfail', 'delay', 'cafe', 'a_b']
const langs = ['en', 'fr', 'pt', 'pt-br', 'de']
const channels = ['bluesky', 'x-twitter', 'rss-atom', 'mastodon']

/** Terms over the shared vocabulary. */
export const vocabularyTerm: fc.Arbitrary<RuleTerm> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...vocabulary).map((value): RuleTerm => ({ kind: 'word', value, prefix: false })) },
  { weight: 2, arbitrary: fc.constantFrom(...prefixes).map((value): RuleTerm => ({ kind: 'word', value, prefix: true })) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...vocabulary), { minLength: 2, maxLength: 3 }).map((words): RuleTerm => ({ kind: 'phrase', words })) },
  { weight: 1, arbitrary: fc.record({ value: fc.constantFrom(...hashtags), prefix: fc.boolean() }).map(({ value, prefix }): RuleTerm => ({ kind: 'hashtag', value: prefix ? value.slice(0, 4) : value, prefix })) },
  { weight: 1, arbitrary: fc.record({ value: fc.constantFrom(...handles), prefix: fc.boolean() }).map(({ value, prefix }): RuleTerm => ({ kind: 'mention', value: prefix ? value.slice(0, 5) : value, prefix })) },
  { weight: 1, arbitrary: fc.record({ value: fc.constantFrom(...handles), prefix: fc.boolean() }).map(({ value, prefix }): RuleTerm => ({ kind: 'from', value: prefix ? value.slice(0, 5) : value, prefix })) },
  { weight: 1, arbitrary: fc.constantFrom(...langs).map((value): RuleTerm => ({ kind: 'lang', value })) },
  { weight: 1, arbitrary: fc.constantFrom(...channels).map((value): RuleTerm => ({ kind: 'channel', value })) },
)

const token = fc.stringMatching(/^[a-z0-9]{1,8}$/)
const unicodeWord = fc.constantFrom('東', 'ガイド', '한국어', 'हिन्दी', 'ελληνικα', 'strasse', 'lodz')
const wordValue = fc.oneof(token, unicodeWord)
const handleValue = fc.stringMatching(/^[a-z0-9_]{1,6}(?:[.-][a-z0-9_]{1,6}){0,2}$/)

/** Terms over arbitrary (already folded) values, for round-trip tests. */
export const anyTerm: fc.Arbitrary<RuleTerm> = fc.oneof(
  fc.record({ value: wordValue, prefix: fc.boolean() }).map(({ value, prefix }): RuleTerm => ({ kind: 'word', value, prefix: prefix && [...value].length >= 2 })),
  fc.array(wordValue, { minLength: 2, maxLength: 4 }).map((words): RuleTerm => ({ kind: 'phrase', words })),
  fc.record({ value: fc.stringMatching(/^[a-z0-9_]{2,8}$/), prefix: fc.boolean() }).map(({ value, prefix }): RuleTerm => ({ kind: 'hashtag', value, prefix })),
  fc.record({ value: handleValue, prefix: fc.boolean() }).map(({ value, prefix }): RuleTerm => ({ kind: 'mention', value, prefix: prefix && value.length >= 2 })),
  fc.record({ value: handleValue, prefix: fc.boolean() }).map(({ value, prefix }): RuleTerm => ({ kind: 'from', value, prefix: prefix && value.length >= 2 })),
  fc.stringMatching(/^[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,2}$/).map((value): RuleTerm => ({ kind: 'lang', value })),
  fc.stringMatching(/^[a-z0-9-]{1,12}$/).map((value): RuleTerm => ({ kind: 'channel', value })),
)

/** Rule trees with the given leaves; AND/OR have at least two children, as the parser builds them. */
export function ruleAst(leaf: fc.Arbitrary<RuleTerm>, depthMax = 5): fc.Arbitrary<RuleAst> {
  const { node } = fc.letrec<{ node: RuleAst }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: depthMax, withCrossShrink: true },
      leaf,
      fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((children): RuleAst => ({ kind: 'and', children })),
      fc.array(tie('node'), { minLength: 2, maxLength: 4 }).map((children): RuleAst => ({ kind: 'or', children })),
      tie('node').map((child): RuleAst => ({ kind: 'not', child })),
    ),
  }))
  return node
}

const textPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...vocabulary) },
  { weight: 2, arbitrary: fc.constantFrom('Northwind', 'NORTHWIND', 'Délay', 'DELAYED', 'Café', 'CAFÉ', 'refunds', 'flights', 'northwinds', 'Wi-Fi', 'wifi') },
  { weight: 2, arbitrary: fc.constantFrom(...hashtags.map((h) => `#${h}`), '#NorthwindFail', '#delayed', '#Café') },
  { weight: 2, arbitrary: fc.constantFrom(...handles.map((h) => `@${h}`), '@NorthwindAir', 'bob@northwind.com', '@northwind.') },
  { weight: 2, arbitrary: fc.constantFrom(',', '.', '!', '?', '-', '—', '😡', '❤️', '"', '(', ')', '_', '*', ':') },
  { weight: 1, arbitrary: fc.constantFrom('other', 'words', 'here', 'the', 'my', '東京', 'ガイド') },
)

export const message: fc.Arbitrary<ListeningMessage> = fc.record({
  text: fc.array(fc.tuple(textPiece, fc.constantFrom(' ', ' ', '', '\n')), { maxLength: 14 }).map((parts) => parts.map(([p, sep]) => p + sep).join('')),
  authorHandle: fc.constantFrom(null, '@northwindair', 'NorthwindAir', 'northwind', 'trav_1', '@northwind.bsky.social', 'someone'),
  langs: fc.subarray(['en', 'fr', 'pt-BR', 'EN-us', 'de']),
  lang: fc.constantFrom(null, 'en', 'fr', 'pt', 'pt_BR'),
  channel: fc.constantFrom(...channels, 'Bluesky'),
})

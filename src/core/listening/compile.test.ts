import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compileParsedRules, compileRules, matchRules, type ListeningMessage } from './compile.ts'
import { evaluateRule, viewMessage } from './evaluate.ts'
import { printRule } from './parse.ts'
import { message, ruleAst, vocabularyTerm } from './testing.ts'

const msg = (text: string, over: Partial<ListeningMessage> = {}): ListeningMessage => ({
  text,
  authorHandle: '@someone',
  langs: [],
  lang: null,
  channel: 'bluesky',
  ...over,
})

/** Does the single rule `query` match `m`? */
function matches(query: string, m: ListeningMessage): boolean {
  return matchRules(compileRules([{ id: 'r', query, tags: ['brand'] }]), m).length === 1
}

describe('matchRules', () => {
  const complaint = 'third time this month my Northwind flight is delayed and nobody tells us anything. never again'

  it('finds brand mentions but not the brand itself', () => {
    const query = '"northwind" AND NOT from:northwindair'
    expect(matches(query, msg(complaint, { authorHandle: '@traveller' }))).toBe(true)
    expect(matches(query, msg(complaint, { authorHandle: '@northwindair' }))).toBe(false)
    expect(matches(query, msg(complaint, { authorHandle: 'NorthwindAir' }))).toBe(false)
    expect(matches(query, msg(complaint, { authorHandle: null }))).toBe(true)
    expect(matches(query, msg('third time this month my flight is delayed', { authorHandle: '@traveller' }))).toBe(false)
  })

  it.each<[string, string, boolean]>([
    // whole words and wildcards
    ['delay', 'my flight is delayed', false],
    ['delay', 'another delay today', true],
    ['delay*', 'my flight is delayed', true],
    ['delay*', 'another delay today', true],
    ['delay*', 'no delays? ok', true],
    ['delay*', 'relay delay', true],
    ['delay*', 'we relayed it', false],
    ['northwind', 'Northwinds new app', false],
    ['northwind', 'Northwind’s new app', true],
    // phrases: consecutive words, punctuation between them ignored
    ['"flight delayed"', 'my flight, delayed again', true],
    ['"flight delayed"', 'delayed flight again', false],
    ['"flight delayed"', 'flight was delayed', false],
    ['"flight delayed" OR "flight flight delayed"', 'flight flight delayed', true],
    ['wi-fi', 'the Wi-Fi is down', true],
    ['wi-fi', 'the wifi is down', false],
    ['wi-fi', 'wi fi', true],
    // hashtags, mentions, words inside them
    ['#delay', 'so much #Delay today', true],
    ['#delay', 'so much delay today', false],
    ['delay', 'so much #delay today', true],
    ['#north*', '#NorthwindFail', true],
    ['@northwindair', 'hey @NorthwindAir help', true],
    ['@northwindair', 'hey northwindair help', false],
    ['@northwind', 'mail bob@northwind.com', false],
    ['@northwind.bsky.social', 'cc @northwind.bsky.social.', true],
    ['northwind', 'cc @northwind.bsky.social', true],
    // diacritics and case
    ['cafe', 'Le CAFÉ est fermé', true],
    ['café', 'le cafe est ferme', true],
    ['straße', 'STRASSE gesperrt', true],
    ['Verspätung', 'wieder verspatung', true],
    ['"déjà vu"', 'Deja-vu again', true],
    ['東京', '東京に行きます', true],
    ['東京', '京東', false],
    // NOT-only and negative rules
    ['NOT spam', 'hello', true],
    ['NOT spam', 'buy spam now', false],
    ['-giveaway -spam', 'a normal post', true],
    ['-giveaway -spam', 'free #giveaway', false],
    ['NOT (a OR b)', 'c', true],
    ['NOT (a OR b)', 'b', false],
    ['a OR NOT b', '', true],
    ['NOT NOT a', 'a', true],
    ['NOT NOT a', 'b', false],
    // precedence
    ['a OR b c', 'b', false],
    ['a OR b c', 'c b', true],
    ['NOT a b', 'a b', false],
    ['NOT a b', 'b', true],
  ])('%s on %j → %s', (query, text, expected) => {
    expect(matches(query, msg(text))).toBe(expected)
  })

  it('filters on language: primary tag matches any region, platform tags and detected language both count', () => {
    expect(matches('lang:fr', msg('bonjour', { langs: ['fr-FR'] }))).toBe(true)
    expect(matches('lang:fr', msg('bonjour', { lang: 'fr' }))).toBe(true)
    expect(matches('lang:fr', msg('bonjour', { langs: ['en'], lang: 'en' }))).toBe(false)
    expect(matches('lang:fr', msg('bonjour'))).toBe(false)
    expect(matches('lang:pt-br', msg('oi', { langs: ['pt-BR'] }))).toBe(true)
    expect(matches('lang:pt-br', msg('oi', { lang: 'pt_BR' }))).toBe(true)
    expect(matches('lang:pt-br', msg('oi', { langs: ['pt'] }))).toBe(false)
    expect(matches('lang:pt', msg('oi', { langs: ['pt-BR'] }))).toBe(true)
    expect(matches('lang:fr', msg('bonjour', { langs: ['fra'] }))).toBe(false)
    expect(matches('NOT lang:en', msg('hola', { lang: 'es' }))).toBe(true)
  })

  it('filters on channel, including channels the model does not know yet', () => {
    expect(matches('northwind channel:bluesky', msg('northwind', { channel: 'bluesky' }))).toBe(true)
    expect(matches('northwind channel:bluesky', msg('northwind', { channel: 'x-twitter' }))).toBe(false)
    expect(matches('channel:mastodon', msg('x', { channel: 'mastodon' }))).toBe(true)
    expect(matches('northwind -channel:rss-atom', msg('northwind', { channel: 'rss-atom' }))).toBe(false)
  })

  it('matches from: on the author handle, case-insensitive, with or without @, with a wildcard', () => {
    expect(matches('from:@Traveller', msg('x', { authorHandle: 'traveller' }))).toBe(true)
    expect(matches('from:traveller', msg('x', { authorHandle: '@TRAVELLER' }))).toBe(true)
    expect(matches('from:traveller', msg('x', { authorHandle: 'traveller2' }))).toBe(false)
    expect(matches('from:trav*', msg('x', { authorHandle: 'traveller2' }))).toBe(true)
    expect(matches('from:northwind.bsky.social', msg('x', { authorHandle: 'northwind.bsky.social' }))).toBe(true)
    expect(matches('from:traveller', msg('x', { authorHandle: null }))).toBe(false)
  })

  it('returns the ids of all matching rules in rule order, sharing terms between rules', () => {
    const compiled = compileRules([
      { id: 'complaints', query: 'northwind (delay* OR refund)', tags: ['brand'] },
      { id: 'not-spam', query: 'NOT spam', tags: ['campaign'] },
      { id: 'phrase', query: '"northwind air"', tags: ['product'] },
      { id: 'competitor', query: 'skyways OR #skyways', tags: ['competitor'] },
      { id: 'french', query: 'lang:fr northwind', tags: ['brand'] },
    ])
    expect(matchRules(compiled, msg('Northwind Air delayed again'))).toEqual(['complaints', 'not-spam', 'phrase'])
    expect(matchRules(compiled, msg('#skyways is better', { lang: 'fr' }))).toEqual(['not-spam', 'competitor'])
    expect(matchRules(compiled, msg('northwind spam', { langs: ['fr'] }))).toEqual(['french'])
    expect(matchRules(compiled, msg('spam'))).toEqual([])
    expect(compiled.ruleTags).toEqual([['brand'], ['campaign'], ['product'], ['competitor'], ['brand']])
    expect(compiled.alwaysEvaluated).toEqual([1])
  })

  it('handles no rules and empty text', () => {
    expect(matchRules(compileRules([]), msg(''))).toEqual([])
    expect(matches('a', msg(''))).toBe(false)
  })

  it('treats invalid input from the caller as a programmer error', () => {
    expect(() => compileRules([{ id: 'r', query: 'a AND', tags: [] }])).toThrow(/does not parse/)
    expect(() => compileRules([{ id: 'r', query: 'a', tags: [] }, { id: 'r', query: 'b', tags: [] }])).toThrow(/unique/)
    expect(() => compileRules([{ id: 'r', query: 'a', tags: ['vip'] }])).toThrow(/unknown tag/)
  })
})

describe('matchRules agrees with the reference evaluator', () => {
  it('on random rule sets and random messages', () => {
    fc.assert(
      fc.property(
        fc.array(ruleAst(vocabularyTerm, 4), { minLength: 1, maxLength: 8 }),
        fc.array(message, { minLength: 1, maxLength: 8 }),
        (asts, messages) => {
          const rules = asts.map((ast, i) => ({ id: `r${i}`, ast, tags: [] }))
          const compiled = compileParsedRules(rules)
          const viaQueries = compileRules(rules.map((r) => ({ id: r.id, query: printRule(r.ast), tags: [] })))
          for (const m of messages) {
            const view = viewMessage(m)
            const expected = rules.filter((r) => evaluateRule(r.ast, view)).map((r) => r.id)
            expect(matchRules(compiled, m)).toEqual(expected)
            expect(matchRules(viaQueries, m)).toEqual(expected)
          }
        },
      ),
      { numRuns: 1500 },
    )
  })

  it('on many overlapping phrases (the Aho-Corasick failure links)', () => {
    const word = fc.constantFrom('a', 'b', 'c')
    fc.assert(
      fc.property(
        fc.array(fc.array(word, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.array(word, { maxLength: 24 }).map((w) => w.join(' ')), { minLength: 1, maxLength: 6 }),
        (phrases, texts) => {
          const rules = phrases.map((words, i) => ({ id: `p${i}`, ast: { kind: 'phrase' as const, words }, tags: [] }))
          const compiled = compileParsedRules(rules)
          for (const text of texts) {
            const view = viewMessage(msg(text))
            expect(matchRules(compiled, msg(text))).toEqual(rules.filter((r) => evaluateRule(r.ast, view)).map((r) => r.id))
          }
        },
      ),
      { numRuns: 1500 },
    )
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { RuleAst } from './ast.ts'
import { parseRule, printRule } from './parse.ts'
import { anyTerm, ruleAst, vocabularyTerm } from './testing.ts'

const w = (value: string, prefix = false): RuleAst => ({ kind: 'word', value, prefix })
const and = (...children: RuleAst[]): RuleAst => ({ kind: 'and', children })
const or = (...children: RuleAst[]): RuleAst => ({ kind: 'or', children })
const not = (child: RuleAst): RuleAst => ({ kind: 'not', child })

describe('parseRule: valid queries', () => {
  it.each<[string, RuleAst]>([
    ['northwind', w('northwind')],
    ['  Northwind  ', w('northwind')],
    ['"Northwind Air"', { kind: 'phrase', words: ['northwind', 'air'] }],
    ['"delay"', w('delay')],
    ['delay*', w('delay', true)],
    ['Café', w('cafe')],
    ['wi-fi', { kind: 'phrase', words: ['wi', 'fi'] }],
    ['東京', { kind: 'phrase', words: ['東', '京'] }],
    ['and', w('and')],
    ['a b', and(w('a'), w('b'))],
    ['a AND b', and(w('a'), w('b'))],
    ['a OR b c', or(w('a'), and(w('b'), w('c')))],
    ['a b OR c', or(and(w('a'), w('b')), w('c'))],
    ['NOT a b', and(not(w('a')), w('b'))],
    ['NOT NOT a', not(not(w('a')))],
    ['-a', not(w('a'))],
    ['x -"a b"', and(w('x'), not({ kind: 'phrase', words: ['a', 'b'] }))],
    ['-(a OR b) c', and(not(or(w('a'), w('b'))), w('c'))],
    ['a AND NOT (b OR c)', and(w('a'), not(or(w('b'), w('c'))))],
    ['(a)', w('a')],
    ['a AND (b AND c)', and(w('a'), and(w('b'), w('c')))],
    ['a(b)"c d"', and(w('a'), w('b'), { kind: 'phrase', words: ['c', 'd'] })],
    ['#NorthwindFail', { kind: 'hashtag', value: 'northwindfail', prefix: false }],
    ['#north*', { kind: 'hashtag', value: 'north', prefix: true }],
    ['@NorthwindAir', { kind: 'mention', value: 'northwindair', prefix: false }],
    ['@northwind.bsky.social', { kind: 'mention', value: 'northwind.bsky.social', prefix: false }],
    ['from:@NorthwindAir', { kind: 'from', value: 'northwindair', prefix: false }],
    ['from:northwind*', { kind: 'from', value: 'northwind', prefix: true }],
    ['lang:FR', { kind: 'lang', value: 'fr' }],
    ['lang:pt-BR', { kind: 'lang', value: 'pt-br' }],
    ['Lang:fr', { kind: 'lang', value: 'fr' }],
    ['channel:mastodon', { kind: 'channel', value: 'mastodon' }],
    ['channel:x-twitter', { kind: 'channel', value: 'x-twitter' }],
    ['"foo:bar"', { kind: 'phrase', words: ['foo', 'bar'] }],
    ['12:30', { kind: 'phrase', words: ['12', '30'] }],
    [
      '"northwind" AND NOT from:northwindair',
      and(w('northwind'), not({ kind: 'from', value: 'northwindair', prefix: false })),
    ],
  ])('%s', (query, ast) => {
    expect(parseRule(query)).toEqual({ ok: true, ast })
  })

  it('accepts 32 nested parentheses and 2,000 characters', () => {
    expect(parseRule(`${'('.repeat(32)}a${')'.repeat(32)}`)).toEqual({ ok: true, ast: w('a') })
    expect(parseRule('a'.repeat(2000)).ok).toBe(true)
  })
})

const invalidQueries: [query: string, position: number, message: RegExp][] = [
    ['', 0, /empty/],
    ['   ', 0, /empty/],
    ['(a OR b', 0, /'\(' is never closed/],
    ['a (b (c)', 2, /'\(' is never closed/],
    ['(', 0, /never closed/],
    ['a OR b)', 6, /'\)' has no matching '\('/],
    [')', 0, /no matching/],
    ['a AND', 2, /'AND' needs a term on its right/],
    ['a OR', 2, /'OR' needs a term on its right/],
    ['AND a', 0, /'AND' needs a term on its left/],
    ['a OR OR b', 2, /'OR' needs a term on its right/],
    ['(a AND) b', 3, /'AND' needs a term on its right/],
    ['(OR a)', 1, /'OR' needs a term on its left/],
    ['NOT', 0, /'NOT' needs a term after it/],
    ['a NOT', 2, /'NOT' needs a term after it/],
    ['a NOT OR b', 2, /'NOT' needs a term after it/],
    ['"abc', 0, /unterminated quote/],
    ['x "abc', 2, /unterminated quote/],
    ['"a" "b', 4, /unterminated quote/],
    ['foo:bar', 0, /unknown field 'foo:'/],
    ['a -foo:bar', 3, /unknown field/],
    ['http://example.com', 0, /unknown field 'http:'/],
    ['lang:english', 5, /not a language code/],
    ['lang:', 5, /needs a value/],
    ['channel:x_y', 8, /not a channel name/],
    ['from:@', 5, /not a valid handle/],
    ['()', 0, /empty parentheses/],
    ['a ( )', 2, /empty parentheses/],
    ['de*lay', 2, /only allowed at the end/],
    ['delay**', 5, /only allowed at the end/],
    ['*', 0, /no letters or digits/],
    ['a*', 0, /at least 2 letters/],
    ['#a*', 0, /at least 2 letters/],
    ['wi-fi*', 0, /one word/],
    ['"delay*"', 6, /not supported inside quotes/],
    ['""', 0, /no letters or digits/],
    ['- a', 0, /'-' must touch/],
    ['a - b', 2, /'-' must touch/],
    ['a -', 2, /'-' must touch/],
    ['!!!', 0, /no letters or digits/],
    ['#', 0, /not a valid hashtag/],
    ['#a-b', 0, /not a valid hashtag/],
    ['@a..b', 0, /not a valid handle/],
    ['x'.repeat(2001), 2000, /longer than 2000/],
    [`${'('.repeat(33)}a${')'.repeat(33)}`, 32, /deeper than 32/],
]

describe('parseRule: invalid queries', () => {
  const rows = invalidQueries.map(([query, position, message]) => {
    const label = query.length > 40 ? `${query.slice(0, 12)}… (${query.length} chars)` : query
    return [label, position, query, message] as const
  })
  it.each(rows)(
    '%j → error at %i',
    (_label, position, query, message) => {
    const result = parseRule(query)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.position).toBe(position)
    expect(result.error.message).toMatch(message)
    },
  )
})

describe('parseRule properties', () => {
  it('never throws on arbitrary strings, and errors point inside the query', () => {
    const check = (query: string): boolean => {
      const result = parseRule(query)
      return result.ok || (result.error.position >= 0 && result.error.position <= query.length && result.error.message !== '')
    }
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), check), { numRuns: 1000 })
    const piece = fc.constantFrom('(', ')', '"', ' ', 'AND', 'OR', 'NOT', '-', '*', 'a', 'Café', '#b', '@c.d', 'lang:fr', 'from:x', 'foo:', ':', 'channel:', 'x-y')
    fc.assert(fc.property(fc.array(piece, { maxLength: 20 }).map((p) => p.join('')), check), { numRuns: 3000 })
    fc.assert(fc.property(fc.array(piece, { maxLength: 20 }).map((p) => p.join(' ')), check), { numRuns: 3000 })
  })

  it('parse(print(ast)) gives the tree back', () => {
    fc.assert(
      fc.property(fc.oneof(ruleAst(anyTerm), ruleAst(vocabularyTerm)), (ast) => {
        expect(parseRule(printRule(ast))).toEqual({ ok: true, ast })
      }),
      { numRuns: 2000 },
    )
  })

  it('printing a parsed query is a fixed point', () => {
    const piece = fc.constantFrom('(', ')', '"x y"', 'AND', 'OR', 'NOT', '-a', 'b*', 'Café', '#b', '@c.d', 'lang:fr', 'from:x')
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 16 }).map((p) => p.join(' ')), (query) => {
        const parsed = parseRule(query)
        if (!parsed.ok) return
        const printed = printRule(parsed.ast)
        expect(parseRule(printed)).toEqual(parsed)
        const again = parseRule(printed)
        if (again.ok) expect(printRule(again.ast)).toBe(printed)
      }),
      { numRuns: 3000 },
    )
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { facetsFor, findLinks, findMentions } from './facets.ts'

function bytesOf(text: string, span: { byteStart: number; byteEnd: number }): string {
  return Buffer.from(text, 'utf8').subarray(span.byteStart, span.byteEnd).toString('utf8')
}

describe('mention and link facets', () => {
  it('uses UTF-8 byte offsets after emoji and accented text', () => {
    const text = 'Olá 👋🏽 café — @Alice.example.com can help'
    const [mention] = findMentions(text)
    expect(mention).toEqual({ handle: 'alice.example.com', byteStart: 24, byteEnd: 42 })
    expect(text.indexOf('@')).toBe(16)
    expect(bytesOf(text, mention!)).toBe('@Alice.example.com')
  })

  it('finds mentions at the start, after whitespace or "(", not inside e-mail addresses', () => {
    const text = '@shop.example thanks (@help.example.org) write to me@mail.example.com @nodot @x.example.'
    expect(findMentions(text).map((m) => m.handle)).toEqual(['shop.example', 'help.example.org', 'x.example'])
  })

  it('finds links without trailing punctuation or an unbalanced parenthesis', () => {
    const text = 'See https://example.com/a?b=1. Or (https://example.org/x) ✨ https://ex.example/ü!'
    const links = findLinks(text)
    expect(links.map((l) => l.uri)).toEqual(['https://example.com/a?b=1', 'https://example.org/x', 'https://ex.example/ü'])
    for (const l of links) expect(bytesOf(text, l)).toBe(l.uri)
  })

  it('builds facets only for resolved handles, sorted by position', () => {
    const text = 'Hi @bob.example and @ghost.example, see https://status.example.com'
    const facets = facetsFor(text, new Map([['bob.example', 'did:plc:bob']]))
    expect(facets).toEqual([
      { index: { byteStart: 3, byteEnd: 15 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:bob' }] },
      { index: { byteStart: 40, byteEnd: 66 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://status.example.com' }] },
    ])
  })

  it('every span lies inside the text and covers what it names, whatever the text', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom(' @a.example', ' https://x.example/p', '👩‍👩‍👧', 'é', '(', ' ', '@', '.'))
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }).map((p) => p.join('')), (text) => {
      const length = Buffer.byteLength(text)
      for (const m of findMentions(text)) {
        expect(m.byteEnd).toBeLessThanOrEqual(length)
        expect(bytesOf(text, m).toLowerCase()).toBe(`@${m.handle}`)
      }
      for (const l of findLinks(text)) expect(bytesOf(text, l)).toBe(l.uri)
    }), { numRuns: 500 })
  })
})

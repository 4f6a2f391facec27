import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cannedValues, checkTemplate, renderCanned, suggestCanned, type CannedResponse } from './canned.ts'
import { graphemeCount } from '../core/text.ts'

const values = cannedValues({ customer: { name: 'Léa Martin', handle: '@lea' }, agent: { name: 'Sam Okafor' }, conversation: { id: 'conv-42', channel: 'bluesky' }, brand: { name: 'Northwind Air' } })

describe('renderCanned', () => {
  it('fills variables, with spaces and first names', () => {
    expect(renderCanned('Hi {{customer.firstName}}, {{ agent.name }} from {{brand.name}} here (ref {{conversation.id}}).', values, 'bluesky'))
      .toEqual({ ok: true, text: 'Hi Léa, Sam Okafor from Northwind Air here (ref conv-42).', graphemes: 57, limit: 300 })
  })

  it('uses the fallback when a value is missing, and reports it otherwise', () => {
    const noName = cannedValues({ agent: { name: 'Sam' } })
    expect(renderCanned('Hi {{customer.firstName | there}}!', noName, 'email')).toMatchObject({ ok: true, text: 'Hi there!', limit: null })
    expect(renderCanned('Hi {{customer.name}}!', noName, 'email')).toEqual({ ok: false, problems: [{ kind: 'missing_value', name: 'customer.name' }] })
  })

  it('reports unknown variables and stray braces instead of rendering them', () => {
    const body = 'Hi {{customer.nickname}}, order {{order.id}} {{order.id}} {{customer.name}'
    const r = renderCanned(body, values, 'x-twitter')
    expect(r).toEqual({
      ok: false,
      problems: [{ kind: 'unknown_variable', name: 'customer.nickname' }, { kind: 'unknown_variable', name: 'order.id' }, { kind: 'malformed', at: body.lastIndexOf('{{'), detail: 'unmatched "{{"' }],
    })
    expect(checkTemplate('{{agent.name}} }} oops')).toEqual([{ kind: 'malformed', at: 15, detail: 'unmatched "}}"' }])
    expect(checkTemplate('Thanks {{customer.name | friend}}!')).toEqual([])
    expect(checkTemplate('{{{agent.name}}}')).toEqual([{ kind: 'malformed', at: 0, detail: '"{{{": a brace touches a variable' }])
  })

  it('counts graphemes, not code units, against the channel limit', () => {
    expect(graphemeCount('👩‍👩‍👧‍👦🇫🇷é')).toBe(3)
    const family = '👩‍👩‍👧‍👦'.repeat(280)
    expect(renderCanned(family, values, 'x-twitter')).toMatchObject({ ok: true, graphemes: 280 })
    expect(renderCanned(`${family}!`, values, 'x-twitter')).toEqual({ ok: false, problems: [{ kind: 'too_long', graphemes: 281, limit: 280 }] })
    expect(renderCanned('a'.repeat(301), values, 'bluesky')).toMatchObject({ ok: false })
    expect(renderCanned('a'.repeat(500), values, 'mastodon')).toMatchObject({ ok: true, limit: 500 })
  })

  it('never leaves a template brace in rendered text', () => {
    const piece = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('{{', '}}', '{{customer.name}}', '{{agent.firstName|x}}', '{{nope}}', '{', '}', '{{ brand.name }}'))
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const body = parts.join('')
      const r = renderCanned(body, values, 'email')
      // Values here hold no braces, so any "{{" or "}}" in the text would come from the template.
      if (r.ok) expect(r.text).not.toMatch(/\{\{|\}\}/)
    }), { numRuns: 500 })
  })
})

describe('suggestCanned', () => {
  const snippets: CannedResponse[] = [
    { id: '1', title: 'Apology (FR)', body: 'Désolés {{customer.firstName|}} …', language: 'fr', channels: null, intents: ['complaint'] },
    { id: '2', title: 'Apology (EN)', body: 'Sorry {{customer.firstName}} …', language: 'en', channels: null, intents: ['complaint'] },
    { id: '3', title: 'Merci', body: 'Merci !', language: 'fr', channels: null, intents: ['praise'] },
    { id: '4', title: 'DM us (Bluesky)', body: 'Écrivez-nous en DM', language: 'fr-CA', channels: ['bluesky'], intents: [] },
    { id: '5', title: 'Long FR', body: 'x'.repeat(400), language: 'fr', channels: null, intents: ['complaint'] },
    { id: '6', title: 'Email only', body: 'Bonjour', language: 'fr', channels: ['email'], intents: ['complaint'] },
  ]

  it('ranks by intent, language and channel, with reasons', () => {
    const out = suggestCanned('complaint', 'fr', 'bluesky', snippets)
    expect(out.map((s) => s.canned.id)).toEqual(['1', '5', '4'])
    expect(out[0]).toMatchObject({ score: 9, reasons: ['answers complaint', 'in fr'] })
    expect(out[1]?.reasons).toContain('may exceed 300 graphemes')
    expect(out[2]?.reasons).toEqual(['generic', 'in fr-CA (close to fr)', 'written for bluesky'])
  })

  it('falls back to the workspace language and limits the list', () => {
    expect(suggestCanned('complaint', 'de', 'x-twitter', snippets).length).toBe(0)
    const fallback = suggestCanned('complaint', 'de', 'x-twitter', snippets, { fallbackLanguage: 'en' })
    expect(fallback.map((s) => s.canned.id)).toEqual(['2'])
    expect(suggestCanned('complaint', null, 'bluesky', snippets, { limit: 2 })).toHaveLength(2)
  })
})

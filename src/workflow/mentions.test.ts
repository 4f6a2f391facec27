import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { mentionKey, parseMentions, resolveMentions, suggestedHandle, type MentionableAgent } from './mentions.ts'

const agents: MentionableAgent[] = [
  { id: 'ana', name: 'Ana Souza', email: 'ana@northwind.example' },
  { id: 'bo', name: 'Bo Lindqvist', email: 'bo@northwind.example' },
  { id: 'chloe', name: 'Chloé Martin', email: 'c.martin@northwind.example' },
  { id: 'chloe2', name: 'Chloé Dubois', email: null },
]

describe('parseMentions', () => {
  it.each([
    ['@ana please look', ['ana']],
    ['cc @Bo, and (@chloe.martin).', ['Bo', 'chloe.martin']],
    ['thanks @bo.', ['bo']],
    ['write to bo@northwind.example', []],
    ['a+@bo and x.@bo are addresses, not mentions', []],
    ['@@bo', ['bo']],
    ['@ alone, @- and @. are nothing', []],
    ['@Chloé Martin', ['Chloé']],
  ])('%s', (text, handles) => {
    expect(parseMentions(text).map((m) => m.handle)).toEqual(handles)
  })

  it('gives spans that slice to the mention, in order and without overlap', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom('a', 'B', 'é', '@', ' ', '.', '-', '_', '+', '1', ',', '\n', 'ß', '😀') }), (text) => {
      let last = 0
      for (const m of parseMentions(text)) {
        expect(text.slice(m.start, m.end)).toBe(`@${m.handle}`)
        expect(m.handle).not.toMatch(/\s|@|[._-]$/u)
        expect(m.start).toBeGreaterThanOrEqual(last)
        last = m.end
      }
    }), { numRuns: 1000 })
  })

  it('finds a handle written after a space or at the start, and never one inside an e-mail address', () => {
    const word = fc.stringMatching(/^[a-z0-9]{1,12}$/)
    fc.assert(fc.property(word, fc.array(word, { maxLength: 4 }), fc.array(word, { maxLength: 4 }), (handle, before, after) => {
      const text = [...before, `@${handle}`, ...after].join(' ')
      expect(parseMentions(text).map((m) => m.handle)).toContain(handle)
      expect(parseMentions(`${[...before, `${handle}@${handle}.example`].join(' ')}`)).toEqual([])
    }))
  })
})

describe('resolveMentions', () => {
  it('resolves by e-mail local part, whole name or a unique first name, ignoring accents and case', () => {
    expect(resolveMentions('@ANA and @bob? no: @bo.lindqvist', agents)).toEqual({
      agents: [{ agentId: 'ana', handle: 'ANA' }, { agentId: 'bo', handle: 'bo.lindqvist' }], unresolved: ['bob'],
    })
    expect(resolveMentions('@BoLindqvist @c.martin @chloe-dubois', agents).agents.map((a) => a.agentId)).toEqual(['bo', 'chloe', 'chloe2'])
    expect(resolveMentions('@bo @Bo again', agents).agents).toEqual([{ agentId: 'bo', handle: 'bo' }])
  })

  it('leaves ambiguous and unknown handles unresolved', () => {
    expect(resolveMentions('@chloe and @zed', agents)).toEqual({ agents: [], unresolved: ['chloe', 'zed'] })
  })

  it('resolves every agent by the handle the app suggests for them', () => {
    const name = fc.stringMatching(/^[A-Z][a-zà-ÿ]{1,8}( [A-Z][a-z]{1,8})?$/)
    const local = fc.option(fc.stringMatching(/^[a-z][a-z0-9._]{0,10}[a-z0-9]$/), { nil: null })
    fc.assert(fc.property(fc.uniqueArray(fc.record({ name, local }), { minLength: 1, maxLength: 6, selector: (a) => mentionKey(a.name) }), (specs) => {
      const team = specs.map((s, i) => ({ id: `a${i}`, name: s.name, email: s.local === null ? null : `${s.local}@x.example` }))
      for (const agent of team) {
        const handle = suggestedHandle(agent)
        // a colleague whose name or e-mail shares the key makes it ambiguous: then nobody is picked, never the wrong one
        const r = resolveMentions(`hi @${handle}!`, team)
        if (r.agents.length > 0) expect(r.agents).toEqual([{ agentId: agent.id, handle }])
        const clash = team.filter((a) => a !== agent && [mentionKey(a.name), mentionKey(a.email?.split('@')[0] ?? '')].includes(mentionKey(handle)))
        if (clash.length === 0) expect(r.agents.map((a) => a.agentId)).toEqual([agent.id])
      }
    }), { numRuns: 300 })
  })
})

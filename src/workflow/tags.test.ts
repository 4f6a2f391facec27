import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizeTag, normalizeTags, tagLengthMax } from './tags.ts'

describe('normalizeTag', () => {
  it.each([
    ['Refund', 'refund'],
    ['  #Late Flight ', 'late-flight'],
    ['vip:gold', 'vip:gold'],
    ['Été\t2026', 'été-2026'],
    ['LHR_T5', 'lhr_t5'],
  ])('%j → %j', (raw, tag) => {
    expect(normalizeTag(raw)).toEqual({ ok: true, tag })
  })

  it.each([
    ['', 'is empty'],
    ['  # ', 'is empty'],
    ['a/b', 'contains "/"'],
    ['x'.repeat(tagLengthMax + 1), 'at most 50'],
    ['emoji😀', 'contains "😀"'],
  ])('refuses %j', (raw, reason) => {
    const r = normalizeTag(raw)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toContain(reason)
  })

  it('is idempotent and yields lowercase tags without spaces, within the length', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60, unit: fc.oneof(fc.constantFrom(' ', '#', '-', 'É', 'İ', 'ß', '\t', ':', '/'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }), (raw) => {
      const once = normalizeTag(raw)
      if (!once.ok) return
      expect(normalizeTag(once.tag)).toEqual(once)
      expect(once.tag).toBe(once.tag.toLowerCase())
      expect(once.tag).not.toMatch(/\s/u)
      expect([...once.tag].length).toBeLessThanOrEqual(tagLengthMax)
    }), { numRuns: 2000 })
  })

  it('ignores case and a leading # for ASCII tags', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,50}$/), (raw) => {
      expect(normalizeTag(`#${raw.toUpperCase()}`)).toEqual(normalizeTag(raw.toLowerCase()))
    }))
  })
})

describe('normalizeTags', () => {
  it('collapses duplicates after normalising and sorts', () => {
    expect(normalizeTags(['Refund', '#refund', 'baggage'])).toEqual({ ok: true, tags: ['baggage', 'refund'] })
  })

  it('reports every bad tag with its index, and more than 20 tags', () => {
    expect(normalizeTags(['ok', 'a b/c', ''])).toEqual({ ok: false, problems: [
      { index: 1, value: 'a b/c', reason: 'contains "/": use letters, digits, "-", "_", "." or ":"' },
      { index: 2, value: '', reason: 'is empty' },
    ] })
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`)
    const r = normalizeTags(many)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems[0]!.reason).toContain('at most 20')
    expect(normalizeTags([...many.slice(0, 20), 'T0']).ok).toBe(true)
  })
})

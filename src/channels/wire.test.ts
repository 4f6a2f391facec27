import { describe, expect, it } from 'vitest'
import { capText, countAt, dateFromIso, dateFromMsText, decodeJson, engagementOf, isRecord, stringsAt, textLengthMax } from './wire.ts'

describe('wire helpers', () => {
  it('decodes JSON without throwing', () => {
    expect(decodeJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } })
    expect(decodeJson('{"a":')).toMatchObject({ ok: false })
  })

  it('tells records from arrays and null', () => {
    expect(isRecord({})).toBe(true)
    expect(isRecord([])).toBe(false)
    expect(isRecord(null)).toBe(false)
  })

  it('reads counts only as non-negative safe integers', () => {
    expect(countAt({ n: 3 }, 'n')).toBe(3)
    for (const n of [-1, 1.5, Number.MAX_VALUE, '3', null]) expect(countAt({ n }, 'n')).toBeNull()
  })

  it('keeps non-empty strings of a list, bounded', () => {
    expect(stringsAt({ l: ['a', '', 1, 'b', 'c'] }, 'l', 2)).toEqual(['a', 'b'])
    expect(stringsAt({ l: 'a' }, 'l', 2)).toEqual([])
  })

  it('accepts only ISO timestamps and decimal millisecond strings as dates', () => {
    expect(dateFromIso('2024-06-01T12:00:00+02:00')).toEqual(new Date('2024-06-01T10:00:00Z'))
    expect(dateFromIso('June 1, 2024')).toBeNull()
    expect(dateFromIso('275760-09-13T00:00:00Z')).toBeNull()
    expect(dateFromMsText('1717243200000')).toEqual(new Date(1_717_243_200_000))
    expect(dateFromMsText('')).toBeNull()
    expect(dateFromMsText('1e3')).toBeNull()
  })

  it('caps text and builds engagement only when a count exists', () => {
    expect(capText('x'.repeat(textLengthMax + 1))).toHaveLength(textLengthMax)
    expect(engagementOf(null, null, null, null)).toBeNull()
    expect(engagementOf(1, null, null, null)).toEqual({ likes: 1, reposts: 0, replies: 0, quotes: 0 })
  })
})

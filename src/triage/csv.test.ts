import { describe, expect, it } from 'vitest'
import { parseCsv, parseCsvTable } from './csv.ts'

describe('parseCsv (RFC 4180)', () => {
  it.each([
    ['a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['a,b\n1,2', [['a', 'b'], ['1', '2']]],
    ['"x,y",z\n', [['x,y', 'z']]],
    ['"he said ""hi""",1\n', [['he said "hi"', '1']]],
    ['"line1\r\nline2",2\r\n', [['line1\r\nline2', '2']]],
    ['"a\nb"\n', [['a\nb']]],
    ['a,,c\n', [['a', '', 'c']]],
    ['a,b,\n', [['a', 'b', '']]],
    ['""\n', [['']]],
    ['\ufefftext,label\n', [['text', 'label']]],
    ['a\n\nb\n', [['a'], ['b']]],
    ['x"y,z\n', [['x"y', 'z']]],
    ['"unterminated,1', [['unterminated,1']]],
    ['', []],
  ])('%j', (input, want) => {
    expect(parseCsv(input)).toEqual(want)
  })
  it('maps a header table, extra and missing columns', () => {
    const t = parseCsvTable('Text,Label,extra\n"hi, there",pos,x\nshort,neg\n')
    expect(t.header).toEqual(['text', 'label', 'extra'])
    expect(t.records).toEqual([{ text: 'hi, there', label: 'pos', extra: 'x' }, { text: 'short', label: 'neg', extra: '' }])
  })
})

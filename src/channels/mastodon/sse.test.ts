import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareIds, newestId, normalizeAcct, sameAcct } from './ids.ts'
import { SseDecoder, parseSseText, sseBlock, sseLineCharsMax } from './sse.ts'

describe('SseDecoder', () => {
  it('reads events, joins data lines, counts heartbeats and defaults the event name to message', () => {
    const decoder = new SseDecoder()
    expect(decoder.push(':)\n:thump\n\nevent: update\ndata: a\ndata: b\n\ndata:c\nid: 5\n\n')).toEqual([
      { event: 'update', data: 'a\nb' }, { event: 'message', data: 'c' },
    ])
    expect(decoder.comments).toBe(2)
  })

  it('gives the same events however the text is cut into chunks (CRLF split across chunks too)', () => {
    const text = [':thump', '', 'event: update', 'data: {"id":"1"}', '', 'event: delete', 'data: 2', '', ''].join('\r\n')
    const whole = parseSseText(text)
    expect(whole).toEqual([{ event: 'update', data: '{"id":"1"}' }, { event: 'delete', data: '2' }])
    fc.assert(fc.property(fc.array(fc.nat(text.length), { maxLength: 8 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b)
      const decoder = new SseDecoder()
      const events = []
      let from = 0
      for (const p of [...points, text.length]) {
        events.push(...decoder.push(text.slice(from, p)))
        from = p
      }
      events.push(...decoder.end())
      expect(events).toEqual(whole)
    }), { numRuns: 200 })
  })

  it('drops a line longer than the limit instead of growing without bound, and recovers', () => {
    const decoder = new SseDecoder()
    expect(decoder.push(`event: update\ndata: ${'x'.repeat(sseLineCharsMax + 1)}`)).toEqual([])
    expect(decoder.droppedLines).toBe(1)
    expect(decoder.push('\n\nevent: delete\ndata: 3\n\n')).toEqual([{ event: 'delete', data: '3' }])
  })

  it('round-trips sseBlock, multi-line data included', () => {
    expect(parseSseText(sseBlock('update', 'a\nb'))).toEqual([{ event: 'update', data: 'a\nb' }])
  })
})

describe('ids and accts', () => {
  it('orders decimal ids like BigInts, beyond 2^53', () => {
    expect(compareIds('9', '10')).toBeLessThan(0)
    expect(compareIds('109348684737626801', '109348684737626800')).toBeGreaterThan(0)
    expect(newestId(['103270115826048975', '99', '108914327388663283'])).toBe('108914327388663283')
    expect(newestId([], '5')).toBe('5')
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.bigInt({ min: 0n, max: 2n ** 64n }), (a, b) => {
      expect(Math.sign(compareIds(a.toString(), b.toString()))).toBe(a < b ? -1 : a > b ? 1 : 0)
    }))
  })

  it('compares accts without @, case or the own instance host', () => {
    expect(normalizeAcct('@Brand@Example.Social', 'example.social')).toBe('brand')
    expect(sameAcct('brand', '@BRAND')).toBe(true)
    expect(sameAcct('brand@other.example', 'brand', 'example.social')).toBe(false)
  })
})

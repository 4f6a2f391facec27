import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { frameBudget, parsePresenceFrame } from './presence.ts'

const id = '0b6f3a52-4c1e-4d5e-9a51-3f2d8c6b7e10'

describe('parsePresenceFrame', () => {
  it('reads a presence frame as text or bytes', () => {
    expect(parsePresenceFrame(JSON.stringify({ type: 'presence', conversationId: id, state: 'typing' }))).toEqual({ conversationId: id, state: 'typing' })
    expect(parsePresenceFrame(Buffer.from(JSON.stringify({ type: 'presence', conversationId: id.toUpperCase(), state: 'left' })))).toEqual({ conversationId: id, state: 'left' })
  })

  it.each([
    ['not json', '{type:'],
    ['another type', JSON.stringify({ type: 'hello', conversationId: id, state: 'viewing' })],
    ['a bad id', JSON.stringify({ type: 'presence', conversationId: '../etc', state: 'viewing' })],
    ['an unknown state', JSON.stringify({ type: 'presence', conversationId: id, state: 'lurking' })],
    ['an array', JSON.stringify([{ type: 'presence' }])],
    ['too large', JSON.stringify({ type: 'presence', conversationId: id, state: 'viewing', pad: 'x'.repeat(600) })],
  ])('ignores %s', (_name, frame) => {
    expect(parsePresenceFrame(frame)).toBeNull()
  })

  it('never throws, and only accepts a known state for a uuid', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 700 }).map((b) => Buffer.from(b))), (frame) => {
      const claim = parsePresenceFrame(frame)
      if (claim !== null) expect(['viewing', 'typing', 'left']).toContain(claim.state)
    }), { numRuns: 500 })
  })
})

describe('frameBudget', () => {
  it('allows max frames per window, then refuses until the window turns', () => {
    const allow = frameBudget(3, 1_000)
    expect([allow(0), allow(10), allow(20), allow(30)]).toEqual([true, true, true, false])
    expect(allow(1_000)).toBe(true)
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { parseResultProblems } from '../testing.ts'
import { unitOf } from './frames.ts'
import { webchat } from './index.ts'
import { parseWebchatUnit, webchatUnitCharsMax } from './parse.ts'

const visitorId = '3f2c1a9e-5b7d-4c8e-9a1f-0d2e4b6c8a10'
const unit = {
  type: 'webchat.message', account_id: 'acc_42', visitor_id: visitorId, client_id: 'c-1',
  text: 'Is the store open on Sunday?', name: 'Grace', email: 'grace@example.com', received_at: '2025-03-01T10:15:00.000Z',
}

function parse(value: unknown): ParseResult {
  return parseWebchatUnit({ body: typeof value === 'string' ? value : JSON.stringify(value), origin: 'test' })
}

function only(result: ParseResult): NormalizedMessage {
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`)
  expect(parseResultProblems(result)).toEqual([])
  expect(result.messages).toHaveLength(1)
  const [m] = result.messages
  if (m === undefined) throw new Error('no message')
  return m
}

describe('webchat channel', () => {
  it('is registered as a document channel with a 4000-character reply and a sender', () => {
    expect(webchat).toMatchObject({ name: 'webchat', label: 'Web chat', framing: 'document', openListening: false, replyLengthMax: 4000 })
    expect(webchat.parse).toBe(parseWebchatUnit)
    expect(webchat.verify).toBeUndefined()
    expect(webchat.send?.actions).toEqual(['reply', 'dm'])
  })
})

describe('parseWebchatUnit', () => {
  it('makes a private inbound message in the visitor\'s thread', () => {
    expect(only(parse(unit))).toEqual({
      channel: 'webchat',
      op: 'create',
      externalId: `${visitorId}:c-1`,
      author: { externalUserId: visitorId, handle: 'grace@example.com', displayName: 'Grace', followers: null, verified: false },
      direction: 'in',
      visibility: 'private',
      text: 'Is the store open on Sunday?',
      langs: [],
      createdAt: new Date('2025-03-01T10:15:00.000Z'),
      parentExternalId: null,
      threadExternalId: `webchat:acc_42:${visitorId}`,
      url: null,
      engagement: null,
      raw: unit,
    })
  })

  it('reads what the gateway writes, without name and email', () => {
    const body = unitOf('acc_42', visitorId, { clientId: 'c-2', text: 'hi', name: null, email: null }, new Date('2025-03-01T10:16:00Z'))
    expect(only(parseWebchatUnit({ body }))).toMatchObject({
      externalId: `${visitorId}:c-2`, text: 'hi', author: { handle: null, displayName: null }, createdAt: new Date('2025-03-01T10:16:00Z'),
    })
  })

  it('gives a re-sent message the same externalId', () => {
    expect(only(parse({ ...unit, received_at: '2025-03-01T10:20:00Z' })).externalId).toBe(only(parse(unit)).externalId)
  })

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['not JSON', '{', 'MALFORMED_JSON', /./],
    ['an array', [unit], 'INVALID_SHAPE', /not an object/],
    ['another type', { ...unit, type: 'webchat.typing' }, 'UNSUPPORTED_EVENT', /type/],
    ['a short visitor id', { ...unit, visitor_id: 'abc' }, 'INVALID_SHAPE', /visitor_id/],
    ['a visitor id with a colon', { ...unit, visitor_id: 'aaaaaaaa:bbbb' }, 'INVALID_SHAPE', /visitor_id/],
    ['a missing client id', { ...unit, client_id: undefined }, 'INVALID_SHAPE', /client_id/],
    ['a bad account id', { ...unit, account_id: 'a/b' }, 'INVALID_SHAPE', /account_id/],
    ['blank text', { ...unit, text: '  ' }, 'INVALID_SHAPE', /text/],
    ['too long text', { ...unit, text: 'x'.repeat(4001) }, 'INVALID_SHAPE', /text/],
    ['a numeric name', { ...unit, name: 7 }, 'INVALID_SHAPE', /name/],
    ['a bad email', { ...unit, email: 'not an email' }, 'INVALID_SHAPE', /email/],
    ['a bad date', { ...unit, received_at: 'yesterday' }, 'INVALID_SHAPE', /received_at/],
  ]
  it.each(bad)('parks %s', (_name, body, reason, detail) => {
    const result = parse(body)
    expect(result).toMatchObject({ ok: false, reason })
    if (!result.ok) expect(result.detail).toMatch(detail)
  })

  it('parks oversized units and ignores blank ones', () => {
    expect(parseWebchatUnit({ body: ' '.repeat(webchatUnitCharsMax + 1) })).toMatchObject({ ok: false, reason: 'TOO_LARGE' })
    expect(parse('\n')).toEqual({ ok: true, messages: [], skipped: 0 })
  })

  it('never throws and stays well-formed on arbitrary strings and JSON', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (body) => {
      expect(parseResultProblems(parseWebchatUnit({ body }))).toEqual([])
    }), { numRuns: 400 })
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
      expect(parseResultProblems(parse(value))).toEqual([])
    }), { numRuns: 400 })
  })

  it('never throws on units with hostile field values', () => {
    const anything = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }))
    const field = (name: keyof typeof unit) => fc.option(fc.oneof(anything, fc.constant(unit[name])), { nil: undefined })
    const hostile = fc.record({
      type: fc.constantFrom('webchat.message', 'x'), account_id: field('account_id'), visitor_id: field('visitor_id'), client_id: field('client_id'),
      text: field('text'), name: field('name'), email: field('email'), received_at: field('received_at'),
    })
    fc.assert(fc.property(hostile, (u) => {
      const result = parse(u)
      expect(parseResultProblems(result)).toEqual([])
      if (result.ok) expect(result.messages[0]?.visibility).toBe('private')
    }), { numRuns: 1000 })
  })
})

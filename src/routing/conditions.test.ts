import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { describeCondition, evaluate, factsOf, validateCondition, type Condition, type ConditionFacts } from './conditions.ts'
import { conversationOf } from './testing.ts'

const facts: ConditionFacts = {
  channel: 'bluesky', visibility: 'public', language: 'fr-CA', intent: 'complaint', sentiment: 'negative', risk: ['churn'],
  tags: ['Flight-Disruption', 'northwind'], vip: false, priority: 62, workspace: 'ws-1', status: 'new', queue: null,
}

function ok(json: unknown): Condition {
  const r = validateCondition(json)
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.reason}`)
  return r.condition
}

describe('validateCondition', () => {
  it.each([
    [{ field: 'intent', op: 'eq', value: 'complaint' }],
    [{ field: 'language', op: 'in', value: ['fr', 'de'] }],
    [{ field: 'priority', op: 'gte', value: 60 }],
    [{ field: 'tags', op: 'contains', value: 'vip' }],
    [{ field: 'risk', op: 'nin', value: ['legal'] }],
    [{ all: [{ field: 'vip', op: 'eq', value: true }, { not: { field: 'channel', op: 'eq', value: 'email' } }] }],
    [{ any: [{ field: 'workspace', op: 'contains', value: 'ws' }] }],
  ])('accepts %j', (json) => {
    expect(validateCondition(json).ok).toBe(true)
  })

  it.each([
    [null, '$', 'must be an object'],
    [{ field: 'mood', op: 'eq', value: 'x' }, '$.field', 'must be one of'],
    [{ field: 'intent', op: 'like', value: 'x' }, '$.op', 'must be one of'],
    [{ field: 'intent', op: 'gte', value: 'x' }, '$.op', 'does not apply to intent'],
    [{ field: 'tags', op: 'eq', value: 'x' }, '$.op', 'use contains'],
    [{ field: 'intent', op: 'eq', value: 'rant' }, '$.value', 'not a known intent'],
    [{ field: 'priority', op: 'gte', value: '60' }, '$.value', 'number'],
    [{ field: 'language', op: 'in', value: [] }, '$.value', 'non-empty list'],
    [{ field: 'language', op: 'eq', value: 'french!' }, '$.value', 'language tag'],
    [{ field: 'intent', op: 'eq' }, '$.value', 'is required'],
    [{ field: 'intent', op: 'eq', value: 'complaint', extra: 1 }, '$.extra', 'unknown key'],
    [{ all: [] }, '$.all', 'non-empty'],
    [{ all: [{ field: 'vip', op: 'eq', value: true }], any: [] }, '$', 'only key'],
    [{ any: [{ field: 'vip', op: 'eq', value: true }, { not: { field: 'risk', op: 'contains', value: 'fraud' } }] }, '$.any[1].not.value', 'not a known risk'],
  ])('refuses %j at %s', (json, path, reason) => {
    const r = validateCondition(json)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.path).toBe(path)
      expect(r.error.reason).toContain(reason)
    }
  })

  it('refuses conditions nested too deep or too large', () => {
    let deep: unknown = { field: 'vip', op: 'eq', value: true }
    for (let i = 0; i < 20; i++) deep = { not: deep }
    expect(validateCondition(deep)).toMatchObject({ ok: false, error: { reason: expect.stringContaining('deeper') } })
    const wide = { any: Array.from({ length: 300 }, () => ({ field: 'vip', op: 'eq', value: true })) }
    expect(validateCondition(wide)).toMatchObject({ ok: false, error: { reason: expect.stringContaining('more than') } })
  })

  it('never throws on arbitrary JSON or values', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (json) => {
      const r = validateCondition(json)
      expect(typeof r.ok).toBe('boolean')
    }), { numRuns: 500 })
  })

  it('never throws on near-miss conditions built from real fields and ops', () => {
    const leaf = fc.record({
      field: fc.constantFrom('channel', 'language', 'intent', 'risk', 'tags', 'vip', 'priority', 'nope'),
      op: fc.constantFrom('eq', 'neq', 'in', 'nin', 'gte', 'lte', 'contains', 'x'),
      value: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string()), fc.constant(null)),
    })
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.record({ all: fc.array(tie('node')) }), fc.record({ any: fc.array(tie('node')) }), fc.record({ not: tie('node') })),
    })).node
    fc.assert(fc.property(tree, (json) => {
      const r = validateCondition(json)
      if (r.ok) expect(typeof evaluate(r.condition, facts)).toBe('boolean')
    }), { numRuns: 500 })
  })
})

describe('evaluate', () => {
  it.each([
    [{ field: 'intent', op: 'eq', value: 'complaint' }, true],
    [{ field: 'intent', op: 'neq', value: 'complaint' }, false],
    [{ field: 'language', op: 'eq', value: 'fr' }, true],
    [{ field: 'language', op: 'eq', value: 'fr-FR' }, false],
    [{ field: 'language', op: 'nin', value: ['de', 'en'] }, true],
    [{ field: 'tags', op: 'contains', value: 'flight-disruption' }, true],
    [{ field: 'tags', op: 'in', value: ['baggage', 'northwind'] }, true],
    [{ field: 'tags', op: 'nin', value: ['northwind'] }, false],
    [{ field: 'risk', op: 'contains', value: 'churn' }, true],
    [{ field: 'priority', op: 'gte', value: 62 }, true],
    [{ field: 'priority', op: 'lte', value: 61 }, false],
    [{ field: 'priority', op: 'in', value: [61, 62] }, true],
    [{ field: 'vip', op: 'eq', value: false }, true],
    [{ field: 'workspace', op: 'contains', value: 'WS' }, true],
    [{ field: 'queue', op: 'eq', value: 'q1' }, false],
    [{ field: 'queue', op: 'neq', value: 'q1' }, true],
    [{ all: [{ field: 'intent', op: 'eq', value: 'complaint' }, { field: 'vip', op: 'eq', value: true }] }, false],
    [{ any: [{ field: 'intent', op: 'eq', value: 'praise' }, { field: 'channel', op: 'in', value: ['bluesky', 'mastodon'] }] }, true],
    [{ not: { field: 'sentiment', op: 'eq', value: 'negative' } }, false],
  ])('%j → %s', (json, expected) => {
    expect(evaluate(ok(json), facts)).toBe(expected)
  })

  it('unknown language matches only negative operators', () => {
    const unknown = { ...facts, language: null }
    expect(evaluate(ok({ field: 'language', op: 'eq', value: 'fr' }), unknown)).toBe(false)
    expect(evaluate(ok({ field: 'language', op: 'in', value: ['fr'] }), unknown)).toBe(false)
    expect(evaluate(ok({ field: 'language', op: 'neq', value: 'fr' }), unknown)).toBe(true)
  })

  it('not inverts, all/any agree with every/some', () => {
    const leaves = [
      ok({ field: 'intent', op: 'eq', value: 'complaint' }), ok({ field: 'vip', op: 'eq', value: true }),
      ok({ field: 'priority', op: 'gte', value: 50 }), ok({ field: 'tags', op: 'contains', value: 'northwind' }),
    ]
    fc.assert(fc.property(fc.subarray(leaves, { minLength: 1 }), fc.integer({ min: 0, max: 100 }), fc.boolean(), (subset, priority, vip) => {
      const f = { ...facts, priority, vip }
      expect(evaluate({ all: subset }, f)).toBe(subset.every((c) => evaluate(c, f)))
      expect(evaluate({ any: subset }, f)).toBe(subset.some((c) => evaluate(c, f)))
      expect(evaluate({ not: { all: subset } }, f)).toBe(!evaluate({ all: subset }, f))
    }))
  })

  it('reads facts from a routable conversation', () => {
    const f = factsOf(conversationOf({ id: 'c1', tags: ['x'], riskFlags: ['legal'], queueId: 'q1' }), { status: 'open' })
    expect(f).toMatchObject({ channel: 'x-twitter', risk: ['legal'], tags: ['x'], queue: 'q1', status: 'open', workspace: 'ws-1' })
  })
})

describe('describeCondition', () => {
  it('reads like a sentence', () => {
    expect(describeCondition(ok({ all: [{ field: 'intent', op: 'eq', value: 'complaint' }, { any: [{ field: 'language', op: 'in', value: ['fr', 'de'] }, { not: { field: 'vip', op: 'eq', value: true } }] }] })))
      .toBe('intent = complaint and (language in [fr, de] or not vip = true)')
  })
})

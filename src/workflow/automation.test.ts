import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dryRun, runAutomations, validateAutomationRule, type AutomationFacts, type AutomationRule } from './automation.ts'

const facts: AutomationFacts = {
  channel: 'x-twitter', visibility: 'public', language: 'en', intent: 'spam', sentiment: 'negative', risk: [], tags: ['promo'], vip: false,
  priority: 5, workspace: 'ws-1', status: 'new', queue: 'general', assigneeId: null, priorityOverride: null, hidden: false,
}

function rule(json: unknown): AutomationRule {
  const r = validateAutomationRule(json)
  if (!r.ok) throw new Error(`${r.error.path}: ${r.error.reason}`)
  return r.rule
}

const hideSpam = rule({ id: 'r-spam', name: 'Hide spam', when: 'message.created', if: { field: 'intent', op: 'eq', value: 'spam' }, then: [{ type: 'hide' }, { type: 'add_tag', tag: 'spam' }, { type: 'set_status', status: 'resolved' }], stop: true })
const tagPromo = rule({ id: 'r-promo', name: 'Tag promo', when: 'message.created', if: null, then: [{ type: 'add_tag', tag: 'promo' }, { type: 'add_tag', tag: 'seen' }] })
const legal = rule({ id: 'r-legal', name: 'Legal to legal queue', when: 'conversation.updated', if: { field: 'risk', op: 'contains', value: 'legal' }, then: [{ type: 'set_queue', queueId: 'legal' }, { type: 'set_priority_override', score: 90 }, { type: 'assign', agentId: 'counsel' }] })

describe('runAutomations', () => {
  it('returns the actions with their rule ids, honouring stop', () => {
    expect(runAutomations({ type: 'message.created' }, facts, [hideSpam, tagPromo])).toEqual([
      { ruleId: 'r-spam', action: { type: 'hide' } },
      { ruleId: 'r-spam', action: { type: 'add_tag', tag: 'spam' } },
      { ruleId: 'r-spam', action: { type: 'set_status', status: 'resolved' } },
    ])
    expect(runAutomations({ type: 'message.created' }, { ...facts, intent: 'question' }, [hideSpam, tagPromo])).toEqual([
      { ruleId: 'r-promo', action: { type: 'add_tag', tag: 'seen' } },
    ])
  })

  it('only runs rules for the event, and skips disabled ones', () => {
    const risky = { ...facts, risk: ['legal'] }
    expect(runAutomations({ type: 'message.created' }, risky, [legal])).toEqual([])
    expect(runAutomations({ type: 'conversation.updated' }, risky, [legal]).map((a) => a.action.type)).toEqual(['set_queue', 'set_priority_override', 'assign'])
    expect(runAutomations({ type: 'conversation.updated' }, risky, [{ ...legal, enabled: false }])).toEqual([])
  })

  it('drops actions that change nothing, so updates cannot loop', () => {
    const applied = { ...facts, risk: ['legal'], queue: 'legal', priorityOverride: 90, assigneeId: 'counsel' }
    expect(runAutomations({ type: 'conversation.updated' }, applied, [legal])).toEqual([])
    expect(runAutomations({ type: 'message.created' }, { ...facts, hidden: true, tags: ['SPAM'], status: 'resolved' }, [hideSpam])).toEqual([])
    // The same action asked twice comes out once.
    expect(runAutomations({ type: 'message.created' }, { ...facts, intent: 'question', tags: [] }, [tagPromo, { ...tagPromo, id: 'dup' }])).toHaveLength(2)
  })

  it('applying the actions and running again yields nothing (fixpoint)', () => {
    fc.assert(fc.property(fc.constantFrom('spam', 'question', 'complaint'), fc.boolean(), fc.subarray(['promo', 'spam', 'seen']), (intent, legalRisk, tags) => {
      let f: AutomationFacts = { ...facts, intent, risk: legalRisk ? ['legal'] : [], tags }
      for (const event of ['message.created', 'conversation.updated'] as const) {
        for (const { action } of runAutomations({ type: event }, f, [hideSpam, tagPromo, legal])) {
          if (action.type === 'add_tag') f = { ...f, tags: [...f.tags, action.tag] }
          if (action.type === 'set_queue') f = { ...f, queue: action.queueId }
          if (action.type === 'set_status') f = { ...f, status: action.status }
          if (action.type === 'set_priority_override') f = { ...f, priorityOverride: action.score }
          if (action.type === 'assign') f = { ...f, assigneeId: action.agentId }
          if (action.type === 'hide') f = { ...f, hidden: true }
        }
        expect(runAutomations({ type: event }, f, [hideSpam, tagPromo, legal])).toEqual([])
      }
    }))
  })
})

describe('validateAutomationRule', () => {
  it.each([
    [{ name: 'x', when: 'message.created', then: [{ type: 'hide' }] }, '$.id'],
    [{ id: 'r', name: 'x', when: 'message.deleted', then: [{ type: 'hide' }] }, '$.when'],
    [{ id: 'r', name: 'x', when: 'conversation.updated', then: [{ type: 'hide' }] }, '$.then[0].type'],
    [{ id: 'r', name: 'x', when: 'message.created', then: [] }, '$.then'],
    [{ id: 'r', name: 'x', when: 'message.created', then: [{ type: 'add_tag', tag: 'two words' }] }, '$.then[0].tag'],
    [{ id: 'r', name: 'x', when: 'message.created', then: [{ type: 'set_status', status: 'closed' }] }, '$.then[0].status'],
    [{ id: 'r', name: 'x', when: 'message.created', then: [{ type: 'set_priority_override', score: 101 }] }, '$.then[0].score'],
    [{ id: 'r', name: 'x', when: 'message.created', then: [{ type: 'email_boss' }] }, '$.then[0].type'],
    [{ id: 'r', name: 'x', when: 'message.created', if: { field: 'intent', op: 'eq', value: 'rant' }, then: [{ type: 'hide' }] }, '$.if.value'],
    [{ id: 'r', name: 'x', when: 'message.created', then: [{ type: 'hide' }], priority: 1 }, '$.priority'],
  ])('refuses %j at %s', (json, path) => {
    const r = validateAutomationRule(json)
    expect(r.ok ? null : r.error.path).toBe(path)
  })

  it('fills defaults', () => {
    expect(rule({ id: 'r', name: 'x', when: 'message.created', then: [{ type: 'hide' }] })).toMatchObject({ enabled: true, stop: false, if: null })
  })

  it('never throws on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (json) => {
      expect(typeof validateAutomationRule(json).ok).toBe('boolean')
    }), { numRuns: 300 })
  })
})

describe('dryRun', () => {
  it('counts matches and would-fire per rule with examples, trying disabled rules too', () => {
    const recent = [
      { id: 'c1', facts },
      { id: 'c2', facts: { ...facts, intent: 'question' } },
      { id: 'c3', facts: { ...facts, intent: 'spam', hidden: true, tags: ['spam'], status: 'resolved' as const } },
      { id: 'c4', facts: { ...facts, intent: 'question', risk: ['legal'] } },
    ]
    const rows = dryRun([hideSpam, tagPromo, { ...legal, enabled: false }], recent, 1)
    expect(rows).toEqual([
      { ruleId: 'r-spam', name: 'Hide spam', matched: 2, wouldFire: 1, total: 4, examples: ['c1'] },
      { ruleId: 'r-promo', name: 'Tag promo', matched: 4, wouldFire: 2, total: 4, examples: ['c2'] },
      { ruleId: 'r-legal', name: 'Legal to legal queue', matched: 1, wouldFire: 1, total: 4, examples: ['c4'] },
    ])
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chooseAgent, nextBest, reassignOnOffline } from './assign.ts'
import { isOpenAt, type BusinessCalendar } from './calendar.ts'
import { defaultUnits, loadUnits, unitsFor } from './capacity.ts'
import type { Agent, Presence, Queue } from './model.ts'
import { chooseQueue } from './queues.ts'
import { agentOf, conversationOf, queueOf, t0 } from './testing.ts'

const minutes = (n: number): Date => new Date(t0.getTime() - n * 60_000)

describe('the issue scenario in miniature', () => {
  const complaintsFr = queueOf({ id: 'q-fr', name: 'Plaintes FR', languages: ['fr'], requiredSkills: [{ name: 'complaints', levelMin: 2 }], conditions: { field: 'intent', op: 'eq', value: 'complaint' } })
  const questionsEn = queueOf({ id: 'q-en', name: 'Questions EN', languages: ['en'], requiredSkills: [{ name: 'billing', levelMin: 2 }], conditions: { field: 'intent', op: 'eq', value: 'question' } })
  const general = queueOf({ id: 'q-general', name: 'General', isDefault: true })
  const queues = [complaintsFr, questionsEn, general]
  const camille = agentOf({ id: 'camille', name: 'Camille', languages: ['fr', 'en'], skills: [{ name: 'complaints', level: 4 }], capacity: { public: 1, private: 1, email: 1 }, idleSince: minutes(12) })
  const bob = agentOf({ id: 'bob', name: 'Bob', languages: ['en'], skills: [{ name: 'billing', level: 4 }], idleSince: minutes(3) })
  const agents = [camille, bob]
  const complaint = conversationOf({ id: 'c-fr', language: 'fr', intent: 'complaint', sentiment: 'negative' })
  const question = conversationOf({ id: 'c-en', language: 'en', intent: 'question' })

  it('routes the French complaint to the French complaints agent with reasons', () => {
    const queue = chooseQueue(complaint, queues).queue!
    expect(queue.id).toBe('q-fr')
    const choice = chooseAgent({ ...complaint, queueId: queue.id }, queue, agents, t0)
    expect(choice.agent?.id).toBe('camille')
    expect(choice.reasons).toEqual(['agent Camille', 'skill complaints 4/5', 'speaks fr', 'load 0/1', 'idle 12 min'])
    expect(choice.skipped).toEqual([{ agentId: 'bob', reason: 'lacks skill complaints' }])
  })

  it('routes the English question to the billing agent with reasons', () => {
    const queue = chooseQueue(question, queues).queue!
    expect(queue.id).toBe('q-en')
    const choice = chooseAgent(question, queue, agents, t0)
    expect(choice.agent?.id).toBe('bob')
    expect(choice.reasons).toEqual(['agent Bob', 'skill billing 4/5', 'speaks en', 'load 0/3', 'idle 3 min'])
  })

  it('an agent at capacity gets nothing more', () => {
    const busy: Agent = { ...camille, load: [{ conversationId: 'c-fr', kind: 'public', units: 1 }] }
    const second = conversationOf({ id: 'c-fr-2', language: 'fr', intent: 'complaint' })
    const choice = chooseAgent(second, complaintsFr, [busy, bob], t0)
    expect(choice.agent).toBeNull()
    expect(choice.reasons).toEqual(['no agent available in Plaintes FR: conversation waits in queue'])
    expect(choice.skipped).toContainEqual({ agentId: 'camille', reason: 'at capacity: public 1/1' })
    // A DM is budgeted apart: Camille still has a private unit.
    expect(chooseAgent({ ...second, visibility: 'private' }, complaintsFr, [busy, bob], t0).agent?.id).toBe('camille')
  })
})

describe('chooseAgent', () => {
  const queue = queueOf({ id: 'q', name: 'Billing', requiredSkills: [{ name: 'billing', levelMin: 2 }] })
  const c = conversationOf({ id: 'c1' })

  it('ranks by skill level, then load ratio, then longest idle', () => {
    const expert = agentOf({ id: 'a', skills: [{ name: 'billing', level: 5 }], load: [{ conversationId: 'x', kind: 'public', units: 2 }] })
    const good = agentOf({ id: 'b', skills: [{ name: 'Billing', level: 3 }] })
    expect(chooseAgent(c, queue, [good, expert], t0).agent?.id).toBe('a')
    expect(chooseAgent(c, queue, [good, expert], t0, { rankBySkillLevel: false }).agent?.id).toBe('b')
    const busier = agentOf({ id: 'c', skills: [{ name: 'billing', level: 3 }], load: [{ conversationId: 'y', kind: 'public', units: 1 }] })
    expect(chooseAgent(c, queue, [busier, good], t0).agent?.id).toBe('b')
    const idleLong = agentOf({ id: 'd', skills: [{ name: 'billing', level: 3 }], idleSince: minutes(30) })
    const idleShort = agentOf({ id: 'e', skills: [{ name: 'billing', level: 3 }], idleSince: minutes(2) })
    expect(chooseAgent(c, queue, [idleShort, idleLong], t0).agent?.id).toBe('d')
  })

  it('skips agents who are not online, off shift, outside the queue, under-skilled or already holding it', () => {
    const shift: BusinessCalendar = { timezone: 'America/New_York', weekly: { mon: [{ start: '09:00', end: '17:00' }] }, holidays: [] }
    const agents = [
      agentOf({ id: 'away', presence: 'away', skills: [{ name: 'billing', level: 5 }] }),
      agentOf({ id: 'night', workingHours: shift, skills: [{ name: 'billing', level: 5 }] }),
      agentOf({ id: 'other', queueIds: ['q-other'], skills: [{ name: 'billing', level: 5 }] }),
      agentOf({ id: 'junior', skills: [{ name: 'billing', level: 1 }] }),
      agentOf({ id: 'holder', skills: [{ name: 'billing', level: 5 }], load: [{ conversationId: 'c1', kind: 'public', units: 1 }] }),
      agentOf({ id: 'nodm', skills: [{ name: 'billing', level: 5 }], capacity: { public: 0, private: 0, email: 0 } }),
    ]
    const choice = chooseAgent(c, queue, agents, t0)
    expect(choice.agent).toBeNull()
    expect(choice.skipped.map((s) => s.reason)).toEqual([
      'away', 'outside working hours', 'not in queue Billing', 'skill billing 1/5 below 2', 'already holds this conversation', 'takes no public conversations',
    ])
  })

  it('requires the language in a language queue and prefers it elsewhere', () => {
    const fr = conversationOf({ id: 'c', language: 'fr' })
    const en = agentOf({ id: 'a', languages: ['en'], idleSince: minutes(60) })
    const frAgent = agentOf({ id: 'b', languages: ['fr-FR', 'en'], idleSince: minutes(1) })
    expect(chooseAgent(fr, queueOf({ id: 'g', name: 'General' }), [en, frAgent], t0).agent?.id).toBe('b')
    expect(chooseAgent(fr, queueOf({ id: 'fr', name: 'FR', languages: ['fr'] }), [en], t0).agent).toBeNull()
    // Unknown language in a language queue: the agent must speak one of the queue's languages.
    const unknown = conversationOf({ id: 'u', language: null })
    expect(chooseAgent(unknown, queueOf({ id: 'de', name: 'DE', languages: ['de'] }), [en], t0).skipped[0]?.reason).toBe('speaks none of de')
  })

  it('prefers the last agent within the sticky window, and says why not otherwise', () => {
    const last = agentOf({ id: 'last', name: 'Lea', skills: [{ name: 'billing', level: 2 }], load: [{ conversationId: 'z', kind: 'public', units: 2 }] })
    const free = agentOf({ id: 'free', skills: [{ name: 'billing', level: 5 }] })
    const returning = conversationOf({ id: 'r', lastAgentId: 'last', lastAgentAt: minutes(60 * 24) })
    const choice = chooseAgent(returning, queue, [free, last], t0)
    expect(choice).toMatchObject({ agent: { id: 'last' }, sticky: true })
    expect(choice.reasons[1]).toBe('sticky: last agent within 48 h')
    expect(chooseAgent({ ...returning, lastAgentAt: minutes(60 * 49) }, queue, [free, last], t0).agent?.id).toBe('free')
    expect(chooseAgent(returning, queue, [free, last], t0, { sticky: false }).agent?.id).toBe('free')
    const offline = chooseAgent(returning, queue, [free, { ...last, presence: 'offline' }], t0)
    expect(offline.agent?.id).toBe('free')
    expect(offline.reasons).toContain('sticky: last agent Lea unavailable (offline)')
  })

  it('counts email as half a unit by default, configurable', () => {
    const mail = conversationOf({ id: 'm', channel: 'email', visibility: 'private' })
    const agent = agentOf({ id: 'a', capacity: { public: 1, private: 1, email: 1 }, load: [{ conversationId: 'm0', kind: 'email', units: 0.5 }] })
    const g = queueOf({ id: 'g' })
    expect(chooseAgent(mail, g, [agent], t0).reasons).toContain('load 0.5/1')
    expect(chooseAgent(mail, g, [agent], t0, { units: { ...defaultUnits, email: 1 } }).agent).toBeNull()
  })
})

// ── properties ──────────────────────────────────────────────────────────────────────────────────

const skills = ['billing', 'refunds', 'baggage']
const langs = ['en', 'fr', 'de']
const shift: BusinessCalendar = { timezone: 'Europe/Paris', weekly: { mon: [{ start: '08:00', end: '12:00' }], tue: [{ start: '08:00', end: '20:00' }] }, holidays: [] }

const agentArb = fc.record({
  id: fc.uuid(),
  presence: fc.constantFrom<Presence>('online', 'online', 'away', 'offline', 'break'),
  skills: fc.uniqueArray(fc.record({ name: fc.constantFrom(...skills), level: fc.integer({ min: 1, max: 5 }) }), { selector: (s) => s.name, maxLength: 3 }),
  languages: fc.uniqueArray(fc.constantFrom(...langs), { minLength: 1, maxLength: 2 }),
  capacity: fc.record({ public: fc.integer({ min: 0, max: 3 }), private: fc.integer({ min: 0, max: 2 }), email: fc.integer({ min: 0, max: 3 }) }),
  shifted: fc.boolean(),
  loadPublic: fc.integer({ min: 0, max: 4 }),
  loadEmail: fc.integer({ min: 0, max: 6 }),
  idleMinutes: fc.option(fc.integer({ min: 0, max: 600 })),
}).map((a): Agent => agentOf({
  id: a.id, presence: a.presence, skills: a.skills, languages: a.languages, capacity: a.capacity, workingHours: a.shifted ? shift : null,
  load: [
    ...Array.from({ length: a.loadPublic }, (_, i) => ({ conversationId: `p${i}`, kind: 'public' as const, units: 1 })),
    ...Array.from({ length: a.loadEmail }, (_, i) => ({ conversationId: `e${i}`, kind: 'email' as const, units: 0.5 })),
  ],
  idleSince: a.idleMinutes === null ? null : minutes(a.idleMinutes),
}))

const queueArb = fc.record({
  required: fc.uniqueArray(fc.record({ name: fc.constantFrom(...skills), levelMin: fc.integer({ min: 1, max: 5 }) }), { selector: (s) => s.name, maxLength: 2 }),
  languages: fc.subarray(langs, { maxLength: 2 }),
}).map((q): Queue => queueOf({ id: 'q', requiredSkills: q.required, languages: q.languages }))

const conversationArb = fc.record({
  channel: fc.constantFrom('x-twitter' as const, 'email' as const, 'facebook' as const),
  visibility: fc.constantFrom('public' as const, 'private' as const),
  language: fc.option(fc.constantFrom(...langs, 'fr-CA')),
  sticky: fc.option(fc.integer({ min: 0, max: 9 })),
}).map((c) => conversationOf({ id: 'new', channel: c.channel, visibility: c.channel === 'email' ? 'private' : c.visibility, language: c.language }))

const nowArb = fc.integer({ min: Date.parse('2026-03-02T05:00:00Z'), max: Date.parse('2026-03-04T00:00:00Z') }).map((ms) => new Date(ms))

describe('routing properties', () => {
  it('the chosen agent is online, within hours, skilled, speaks the queue language and has room; an agent at capacity is never chosen', () => {
    fc.assert(fc.property(fc.array(agentArb, { maxLength: 8 }), queueArb, conversationArb, nowArb, fc.option(fc.nat(7)), (agents, queue, c, now, stickyIndex) => {
      const sticky = stickyIndex === null || agents.length === 0 ? c : { ...c, lastAgentId: agents[stickyIndex % agents.length]!.id, lastAgentAt: now }
      const choice = chooseAgent(sticky, queue, agents, now)
      const need = unitsFor(sticky)
      if (choice.agent === null) {
        expect(choice.skipped).toHaveLength(agents.length)
        return
      }
      const a = choice.agent
      expect(a.presence).toBe('online')
      if (a.workingHours !== null) expect(isOpenAt(a.workingHours, now)).toBe(true)
      for (const r of queue.requiredSkills) expect(a.skills.find((s) => s.name === r.name)?.level ?? 0).toBeGreaterThanOrEqual(r.levelMin)
      if (queue.languages.length > 0) {
        const wanted = sticky.language === null ? queue.languages : [sticky.language.split('-')[0]!]
        expect(a.languages.some((l) => wanted.includes(l))).toBe(true)
      }
      expect(loadUnits(a, need.kind) + need.units).toBeLessThanOrEqual(a.capacity[need.kind])
    }), { numRuns: 400 })
  })

  it('assigning repeatedly never exceeds any capacity and stops when all are full', () => {
    fc.assert(fc.property(fc.array(agentArb, { minLength: 1, maxLength: 5 }), conversationArb, (agents, c) => {
      const queue = queueOf({ id: 'g' })
      const state = agents.map((a) => ({ ...a, load: [...a.load] }))
      const before = state.map((a) => ({ public: loadUnits(a, 'public'), private: loadUnits(a, 'private'), email: loadUnits(a, 'email') }))
      for (let i = 0; i < 40; i++) {
        const next = { ...c, id: `n${i}` }
        const choice = chooseAgent(next, queue, state, t0)
        if (choice.agent === null) break
        const need = unitsFor(next)
        choice.agent.load.push({ conversationId: next.id, kind: need.kind, units: need.units })
      }
      state.forEach((a, i) => {
        for (const kind of ['public', 'private', 'email'] as const) {
          // Loads that started over capacity never grow; others never pass it.
          expect(loadUnits(a, kind)).toBeLessThanOrEqual(Math.max(a.capacity[kind], before[i]![kind]) + 1e-9)
        }
      })
    }), { numRuns: 300 })
  })
})

describe('nextBest (pull mode)', () => {
  const billing = queueOf({ id: 'billing', name: 'Billing', priority: 1, requiredSkills: [{ name: 'billing', levelMin: 2 }] })
  const vip = queueOf({ id: 'vip', name: 'VIP', priority: 5 })
  const agent = agentOf({ id: 'a', name: 'Ana', skills: [{ name: 'billing', level: 3 }] })

  it('takes queue priority, then conversation priority, then the longest wait', () => {
    const waiting = [
      conversationOf({ id: 'old-low', queueId: 'billing', priority: 10, queuedAt: minutes(50) }),
      conversationOf({ id: 'new-high', queueId: 'billing', priority: 60, queuedAt: minutes(1) }),
      conversationOf({ id: 'vip', queueId: 'vip', priority: 5, queuedAt: minutes(2) }),
    ]
    const first = nextBest(agent, waiting, [billing, vip], t0)
    expect(first.conversation?.id).toBe('vip')
    expect(first.reasons.slice(0, 3)).toEqual(['queue VIP (priority 5)', 'priority 5', 'waiting 2 min'])
    expect(nextBest(agent, waiting.slice(0, 2), [billing, vip], t0).conversation?.id).toBe('new-high')
    const tie = [conversationOf({ id: 'x', queueId: 'billing', queuedAt: minutes(5) }), conversationOf({ id: 'y', queueId: 'billing', queuedAt: minutes(9) })]
    expect(nextBest(agent, tie, [billing], t0).conversation?.id).toBe('y')
  })

  it('puts the agent\'s own returning customers first and skips what the agent cannot take', () => {
    const waiting = [
      conversationOf({ id: 'vip', queueId: 'vip', priority: 90 }),
      conversationOf({ id: 'mine', queueId: 'billing', lastAgentId: 'a', lastAgentAt: minutes(60) }),
    ]
    const pick = nextBest(agent, waiting, [billing, vip], t0)
    expect(pick).toMatchObject({ conversation: { id: 'mine' }, sticky: true })
    const unskilled = agentOf({ id: 'b', skills: [] })
    expect(nextBest(unskilled, waiting.slice(1), [billing, vip], t0).conversation).toBeNull()
    expect(nextBest({ ...agent, presence: 'break' }, waiting, [billing, vip], t0).reasons[0]).toBe('Ana cannot take work: break')
    expect(nextBest(agent, [conversationOf({ id: 'unrouted' })], [billing], t0).conversation).toBeNull()
  })
})

describe('reassignOnOffline', () => {
  const load = [
    { conversationId: 'open-1', kind: 'public' as const, units: 1 },
    { conversationId: 'pending-1', kind: 'private' as const, units: 1 },
    { conversationId: 'lost', kind: 'email' as const, units: 0.5 },
    { conversationId: 'done', kind: 'public' as const, units: 1 },
  ]
  const held = [
    { id: 'open-1', status: 'open' as const, queueId: 'q1' },
    { id: 'pending-1', status: 'pending' as const, queueId: 'q1' },
    { id: 'done', status: 'resolved' as const, queueId: 'q1' },
  ]

  it('requeues what still needs an answer when the agent goes offline', () => {
    const out = reassignOnOffline(agentOf({ id: 'a', name: 'Ana', presence: 'offline', load }), held)
    expect(out.requeue.map((r) => [r.conversationId, r.queueId])).toEqual([['open-1', 'q1'], ['lost', null]])
    expect(out.keep.map((k) => k.conversationId)).toEqual(['pending-1', 'done'])
    expect(out.requeue[0]?.reason).toBe('Ana went offline holding a open conversation')
  })

  it('keeps everything on a break unless configured', () => {
    const onBreak = agentOf({ id: 'a', presence: 'break', load })
    expect(reassignOnOffline(onBreak, held).requeue).toEqual([])
    expect(reassignOnOffline(onBreak, held, { releaseOn: ['offline', 'break'], keepStatuses: [] }).requeue.map((r) => r.conversationId)).toEqual(['open-1', 'pending-1', 'lost'])
  })
})

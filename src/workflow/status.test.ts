import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { conversationStatuses, type ConversationStatus } from '../core/model.ts'
import { agentTransitions, transition, type StatusEvent, type StatusState } from './status.ts'

const now = new Date('2026-03-02T10:00:00Z')
const later = (ms: number): Date => new Date(now.getTime() + ms)
const state = (status: ConversationStatus, over: Partial<StatusState> = {}): StatusState => ({
  status, snoozedUntil: status === 'snoozed' ? later(3_600_000) : null, resolvedAt: status === 'resolved' ? later(-60_000) : null, ...over,
})

describe('transition', () => {
  it('walks the happy path new → open → pending → snoozed → resolved', () => {
    let s = state('new')
    for (const [event, to] of [[{ type: 'open' }, 'open'], [{ type: 'pend' }, 'pending'], [{ type: 'snooze', until: later(60_000) }, 'snoozed'], [{ type: 'resolve' }, 'resolved']] as [StatusEvent, ConversationStatus][]) {
      const r = transition(s, event, now)
      expect(r.ok).toBe(true)
      if (!r.ok) return
      expect(r.state.status).toBe(to)
      expect(r.changed).toBe(true)
      s = r.state
    }
    expect(s.resolvedAt).toEqual(now)
    expect(s.snoozedUntil).toBeNull()
  })

  it('reopens on a customer message within the window, starts a new conversation after it', () => {
    const resolved = state('resolved', { resolvedAt: later(-86_400_000) })
    expect(transition(resolved, { type: 'customer_message' }, now)).toMatchObject({ ok: true, state: { status: 'open', resolvedAt: null }, startNew: false })
    const old = state('resolved', { resolvedAt: later(-8 * 86_400_000) })
    expect(transition(old, { type: 'customer_message' }, now)).toMatchObject({ ok: true, changed: false, startNew: true, state: { status: 'resolved' } })
    expect(transition(old, { type: 'customer_message' }, now, { reopenWindowMs: 10 * 86_400_000 })).toMatchObject({ state: { status: 'open' } })
  })

  it('a customer message wakes pending and snoozed conversations and leaves new/open alone', () => {
    expect(transition(state('pending'), { type: 'customer_message' }, now)).toMatchObject({ state: { status: 'open' } })
    expect(transition(state('snoozed'), { type: 'customer_message' }, now)).toMatchObject({ state: { status: 'open', snoozedUntil: null } })
    expect(transition(state('new'), { type: 'customer_message' }, now)).toMatchObject({ state: { status: 'new' }, changed: false })
  })

  it('wakes a snoozed conversation on the tick after its time', () => {
    const snoozed = state('snoozed', { snoozedUntil: later(60_000) })
    expect(transition(snoozed, { type: 'tick' }, now)).toMatchObject({ changed: false })
    expect(transition(snoozed, { type: 'tick' }, later(60_000))).toMatchObject({ changed: true, state: { status: 'open' } })
  })

  it('an agent reply opens a new conversation, or makes it pending when configured', () => {
    expect(transition(state('new'), { type: 'agent_reply' }, now)).toMatchObject({ state: { status: 'open' } })
    expect(transition(state('open'), { type: 'agent_reply' }, now, { pendingAfterReply: true })).toMatchObject({ state: { status: 'pending' } })
    expect(transition(state('resolved'), { type: 'agent_reply' }, now)).toMatchObject({ changed: false })
  })

  it('refuses impossible moves with clear errors', () => {
    expect(transition(state('resolved'), { type: 'pend' }, now)).toEqual({ ok: false, code: 'INVALID_TRANSITION', message: 'cannot pend a resolved conversation: reopen it first' })
    expect(transition(state('resolved'), { type: 'snooze', until: later(1000) }, now)).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect(transition(state('open'), { type: 'reopen' }, now)).toMatchObject({ ok: false, message: 'cannot reopen a open conversation: only resolved conversations are reopened' })
    expect(transition(state('open'), { type: 'snooze', until: now }, now)).toMatchObject({ ok: false, code: 'SNOOZE_IN_PAST' })
    expect(transition(state('open'), { type: 'snooze', until: new Date(Number.NaN) }, now)).toMatchObject({ ok: false, code: 'INVALID_DATE' })
    expect(transition(state('resolved'), { type: 'reopen' }, now)).toMatchObject({ ok: true, state: { status: 'open' } })
  })

  it('never throws; results are valid statuses with snooze/resolve times exactly when they apply', () => {
    const event: fc.Arbitrary<StatusEvent> = fc.oneof(
      fc.constantFrom<StatusEvent>({ type: 'open' }, { type: 'pend' }, { type: 'resolve' }, { type: 'reopen' }, { type: 'customer_message' }, { type: 'agent_reply' }, { type: 'tick' }),
      fc.integer({ min: -1e7, max: 1e7 }).map((ms): StatusEvent => ({ type: 'snooze', until: later(ms) })),
    )
    fc.assert(fc.property(fc.array(event, { maxLength: 30 }), fc.boolean(), (events, pendingAfterReply) => {
      let s = state('new')
      let t = now
      for (const e of events) {
        t = new Date(t.getTime() + 60_000)
        const r = transition(s, e, t, { pendingAfterReply })
        if (!r.ok) {
          expect(r.message.length).toBeGreaterThan(0)
          continue
        }
        s = r.state
        expect(conversationStatuses).toContain(s.status)
        expect(s.snoozedUntil !== null).toBe(s.status === 'snoozed')
        if (s.status !== 'resolved') expect(s.resolvedAt).toBeNull()
        if (e.type === 'customer_message' && !r.startNew) expect(['new', 'open']).toContain(s.status)
      }
    }))
  })

  it('agent moves follow the transition table', () => {
    for (const from of conversationStatuses) {
      for (const [type, to] of [['open', 'open'], ['pend', 'pending'], ['resolve', 'resolved']] as const) {
        const r = transition(state(from), { type }, now)
        expect(r.ok).toBe(from === to || agentTransitions[from].includes(to))
      }
    }
  })
})

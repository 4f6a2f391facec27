// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { Conversation } from '../../api/types.ts'
import { slaText } from '../../components/SlaTimer.tsx'
import { isUnread, markSeen, resetSeen } from './unread.ts'
import { inView, viewsFor, type Me } from './views.ts'

const conv = (id: string, over: Partial<Conversation> = {}) => ({ id, assignee: null, queue: null, lastMessageAt: '2026-12-07T10:00:00.000Z', ...over }) as Conversation

describe('inbox views', () => {
  const me: Me = { agentId: 'bo', queueIds: ['q-billing'] }
  const list = [
    conv('1', { assignee: { id: 'bo', name: 'Bo' }, queue: { id: 'q-billing', name: 'Billing' } }),
    conv('2', { assignee: { id: 'ana', name: 'Ana' }, queue: { id: 'q-fr', name: 'FR' } }),
    conv('3', { queue: { id: 'q-billing', name: 'Billing' } }),
    conv('4'),
  ]
  const ids = (v: Parameters<typeof inView>[0], who: Me = me) => list.filter((c) => inView(v, c, who)).map((c) => c.id)

  it('splits the inbox into mine, my queues, unassigned and all', () => {
    expect(ids('mine')).toEqual(['1'])
    expect(ids('queues')).toEqual(['1', '3'])
    expect(ids('unassigned')).toEqual(['3', '4'])
    expect(ids('all')).toEqual(['1', '2', '3', '4'])
    expect(ids('queues', { agentId: 'bo', queueIds: null }), 'no queue list: every queue').toEqual(['1', '2', '3'])
  })

  it('offers no "mine" to someone who is not an agent', () => {
    expect(viewsFor({ agentId: null, queueIds: null })).toEqual(['unassigned', 'all'])
    expect(ids('mine', { agentId: null, queueIds: null })).toEqual([])
  })
})

describe('unread', () => {
  it('is unread until shown, and again when a newer message arrives', () => {
    resetSeen()
    const c = conv('x')
    expect(isUnread(c)).toBe(true)
    markSeen('x', c.lastMessageAt)
    expect(isUnread(c)).toBe(false)
    markSeen('x', '2026-12-07T09:00:00.000Z') // an older view does not move it back
    expect(isUnread(c)).toBe(false)
    expect(isUnread({ ...c, lastMessageAt: '2026-12-07T10:05:00.000Z' })).toBe(true)
  })
})

describe('slaText', () => {
  const now = Date.parse('2026-12-07T10:00:00Z')
  it('says what is due and when, warns, and counts lateness', () => {
    expect(slaText({ state: 'ok', metric: 'first_response', dueAt: '2026-12-07T10:12:00Z' }, now)).toEqual({ text: 'first response due in 12 min', tone: 'ok' })
    expect(slaText({ state: 'warning', metric: 'resolution', dueAt: '2026-12-07T13:30:00Z' }, now)).toEqual({ text: 'resolution due in 3 h 30 min', tone: 'warning' })
    expect(slaText({ state: 'breached', metric: 'first_response', dueAt: '2026-12-07T09:55:00Z' }, now)).toEqual({ text: 'first response 5 min late', tone: 'breached' })
    expect(slaText({ state: 'ok', metric: 'next_response', dueAt: '2026-12-07T09:59:00Z' }, now)?.tone, 'past due counts as breached before the watch says so').toBe('breached')
    expect(slaText(null, now)).toBeNull()
  })
})

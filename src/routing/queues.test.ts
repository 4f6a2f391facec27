import { describe, expect, it } from 'vitest'
import { chooseQueue, overflow } from './queues.ts'
import { conversationOf, queueOf, t0 } from './testing.ts'

const vip = queueOf({ id: 'vip', name: 'VIP', conditions: { all: [{ field: 'vip', op: 'eq', value: true }, { field: 'priority', op: 'gte', value: 50 }] } })
const frComplaints = queueOf({ id: 'fr-c', name: 'French complaints', languages: ['fr'], conditions: { field: 'intent', op: 'eq', value: 'complaint' } })
const french = queueOf({ id: 'fr', name: 'French', languages: ['fr'] })
const general = queueOf({ id: 'general', name: 'General', isDefault: true })
const queues = [vip, frComplaints, french, general]

describe('chooseQueue', () => {
  it('takes the first matching rule in order, with reasons', () => {
    const choice = chooseQueue(conversationOf({ id: 'c', language: 'fr-CA', intent: 'complaint' }), queues)
    expect(choice.queue?.id).toBe('fr-c')
    expect(choice.matchedBy).toBe('rule')
    expect(choice.reasons).toEqual(['queue French complaints', 'rule matched: intent = complaint', 'language fr-CA served by French complaints'])
  })

  it('rule order wins over later matches', () => {
    expect(chooseQueue(conversationOf({ id: 'c', vip: true, priority: 80, language: 'fr', intent: 'complaint' }), queues).queue?.id).toBe('vip')
  })

  it('a language-only queue matches its language; unknown language never matches a language queue', () => {
    expect(chooseQueue(conversationOf({ id: 'c', language: 'fr', intent: 'question' }), queues).queue?.id).toBe('fr')
    expect(chooseQueue(conversationOf({ id: 'c', language: null, intent: 'complaint' }), queues).queue?.id).toBe('general')
  })

  it('falls back to the default queue, or says there is none', () => {
    const choice = chooseQueue(conversationOf({ id: 'c', language: 'en' }), queues)
    expect(choice).toMatchObject({ matchedBy: 'default', queue: { id: 'general' } })
    expect(choice.reasons).toContain('no queue rule matched: default queue')
    expect(chooseQueue(conversationOf({ id: 'c' }), [vip])).toMatchObject({ queue: null, matchedBy: 'none' })
  })
})

describe('overflow', () => {
  const a = queueOf({ id: 'a', name: 'A', overflow: { afterSeconds: 600, toQueueId: 'b' } })
  const b = queueOf({ id: 'b', name: 'B', overflow: { afterSeconds: 300, toQueueId: 'c' } })
  const c = queueOf({ id: 'c', name: 'C', overflow: { afterSeconds: 60, toQueueId: 'a' } })
  const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000)
  const waiting = conversationOf({ id: 'w', queueId: 'a', queuedAt: t0 })

  it('stays before the limit and moves after it', () => {
    expect(overflow(waiting, [a, b, c], at(599))).toBeNull()
    const move = overflow(waiting, [a, b, c], at(600))
    expect(move?.to.id).toBe('b')
    expect(move?.reasons[0]).toBe('overflow: waited 10 min in A (limit 10 min), moved to B')
  })

  it('follows a chain by cumulative waits and stops at a loop', () => {
    expect(overflow(waiting, [a, b, c], at(900))?.path.map((q) => q.id)).toEqual(['b', 'c'])
    expect(overflow(waiting, [a, b, c], at(100_000))?.to.id).toBe('c')
  })

  it('ignores unrouted conversations, unknown queues and unknown targets', () => {
    expect(overflow({ ...waiting, queueId: null }, [a], at(9999))).toBeNull()
    expect(overflow({ ...waiting, queueId: 'zzz' }, [a], at(9999))).toBeNull()
    expect(overflow(waiting, [a], at(9999))).toBeNull()
  })

  it('runs from arrivedAt when queuedAt is unknown', () => {
    expect(overflow({ ...waiting, queuedAt: null, arrivedAt: at(-600) }, [a, b], t0)?.to.id).toBe('b')
  })
})

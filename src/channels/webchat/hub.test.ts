import { describe, expect, it } from 'vitest'
import { WebchatHub, type AgentReply, type VisitorSocket } from './hub.ts'

function socket(open = true): VisitorSocket & { sent: string[]; open: boolean } {
  const s = {
    sent: [] as string[],
    open,
    isOpen: () => s.open,
    send(text: string) {
      if (!s.open) throw new Error('closed')
      s.sent.push(text)
    },
  }
  return s
}

const reply = (id: string): AgentReply => ({ type: 'reply', id, text: `text ${id}`, at: '2025-03-01T12:00:00Z' })
const ids = (sent: string[]) => sent.map((t) => (JSON.parse(t) as AgentReply).id)

describe('WebchatHub', () => {
  it('delivers live to open sockets and queues for absent visitors, per account', () => {
    const hub = new WebchatHub()
    const s = socket()
    hub.attach('a1', 'visitor-1', s)
    expect(hub.deliver('a1', 'visitor-1', reply('r1'))).toBe('live')
    expect(hub.deliver('a2', 'visitor-1', reply('r2'))).toBe('queued')
    expect(ids(s.sent)).toEqual(['r1'])
    expect(hub.queued('a2', 'visitor-1').map((r) => r.id)).toEqual(['r2'])
  })

  it('flushes the queue to the next socket, in order, once', () => {
    const hub = new WebchatHub()
    hub.deliver('a', 'visitor-1', reply('r1'))
    hub.deliver('a', 'visitor-1', reply('r2'))
    const s = socket()
    hub.attach('a', 'visitor-1', s)
    expect(ids(s.sent)).toEqual(['r1', 'r2'])
    expect(hub.queued('a', 'visitor-1')).toEqual([])
    const later = socket()
    hub.attach('a', 'visitor-1', later)
    expect(later.sent).toEqual([])
  })

  it('drops a repeated reply id whether queued or already delivered', () => {
    const hub = new WebchatHub()
    expect(hub.deliver('a', 'visitor-1', reply('r1'))).toBe('queued')
    expect(hub.deliver('a', 'visitor-1', reply('r1'))).toBe('duplicate')
    const s = socket()
    hub.attach('a', 'visitor-1', s)
    expect(hub.deliver('a', 'visitor-1', reply('r1'))).toBe('duplicate')
    expect(hub.deliver('a', 'visitor-1', reply('r2'))).toBe('live')
    expect(hub.deliver('a', 'visitor-1', reply('r2'))).toBe('duplicate')
    expect(ids(s.sent)).toEqual(['r1', 'r2'])
  })

  it('queues when the only socket closed without detaching, and after detach', () => {
    const hub = new WebchatHub()
    const s = socket()
    const detach = hub.attach('a', 'visitor-1', s)
    s.open = false
    expect(hub.deliver('a', 'visitor-1', reply('r1'))).toBe('queued')
    detach()
    expect(hub.isOnline('a', 'visitor-1')).toBe(false)
    expect(hub.deliver('a', 'visitor-1', reply('r2'))).toBe('queued')
    expect(hub.queued('a', 'visitor-1').map((r) => r.id)).toEqual(['r1', 'r2'])
  })

  it('bounds each queue, the number of queues and the remembered ids', () => {
    const hub = new WebchatHub({ queuedPerVisitorMax: 2, queuedVisitorsMax: 2, deliveredIdsPerVisitorMax: 1 })
    for (const id of ['r1', 'r2', 'r3']) hub.deliver('a', 'visitor-1', reply(id))
    expect(hub.queued('a', 'visitor-1').map((r) => r.id)).toEqual(['r2', 'r3'])
    hub.deliver('a', 'visitor-2', reply('x'))
    hub.deliver('a', 'visitor-3', reply('y'))
    expect(hub.queued('a', 'visitor-1')).toEqual([])
    expect(hub.queued('a', 'visitor-3').map((r) => r.id)).toEqual(['y'])

    const s = socket()
    hub.attach('a', 'visitor-4', s)
    hub.deliver('a', 'visitor-4', reply('d1'))
    hub.deliver('a', 'visitor-4', reply('d2'))
    // Only the last id is remembered now, so an old one goes through again (the widget drops it).
    expect(hub.deliver('a', 'visitor-4', reply('d2'))).toBe('duplicate')
    expect(hub.deliver('a', 'visitor-4', reply('d1'))).toBe('live')
  })
})

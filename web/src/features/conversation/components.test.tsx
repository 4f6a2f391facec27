// @vitest-environment happy-dom
// Component tests (Testing Library in happy-dom): the pieces of the conversation view that decide what
// an agent sees before answering in public.
import { act, cleanup, fireEvent, render, renderHook, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CannedSuggestion, Message } from '../../api/types.ts'
import { dispatchLiveEvent } from '../inbox/live-stream.ts'
import { CannedPicker } from './CannedPicker.tsx'
import { CollisionWarning } from './CollisionWarning.tsx'
import { MessageItem, MessageText } from './MessageItem.tsx'
import { useViewers } from './presence.ts'

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const suggestion = (title: string, text: string | null, problems: string[] = []): CannedSuggestion => ({
  canned: { id: title, title, body: '…', language: 'en', channels: null, intents: ['complaint'] },
  score: 9, reasons: ['answers complaint', 'in en'], text, graphemes: text?.length ?? null, limit: 300,
  problems: problems.map((detail) => ({ kind: 'too_long', detail })),
})

describe('CannedPicker', () => {
  it('offers rendered snippets; picking one hands its text over; one that cannot be sent says why and cannot be picked', () => {
    const picked: string[] = []
    render(<CannedPicker items={[suggestion('Lost bag', 'Sorry Maria, DM us your file number.'), suggestion('Long apology', null, ['412 characters; the channel allows 300'])]} onPick={(t) => picked.push(t)} />)
    fireEvent.click(screen.getByText('Canned responses (2)'))
    fireEvent.click(screen.getByRole('button', { name: 'Lost bag' }))
    expect(picked).toEqual(['Sorry Maria, DM us your file number.'])
    const long = screen.getByRole('button', { name: 'Long apology' })
    expect((long as HTMLButtonElement).disabled).toBe(true)
    expect(screen.getByText('412 characters; the channel allows 300')).toBeTruthy()
    expect(screen.getAllByText(/answers complaint · in en/)).toHaveLength(2)
  })

  it('renders nothing without suggestions', () => {
    const { container } = render(<CannedPicker items={[]} onPick={() => undefined} />)
    expect(container.innerHTML).toBe('')
  })
})

describe('CollisionWarning', () => {
  it('shows who answered what, as an alert, and lets the agent send anyway or keep editing', () => {
    const calls: string[] = []
    render(<CollisionWarning collision={{ replies: 2, unseen: [{ by: 'token:Ana Costa', at: '2026-12-07T10:00:00Z', status: 'sent', text: 'We are on it, DM us.' }] }}
      onSend={() => calls.push('send')} onCancel={() => calls.push('cancel')} />)
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('A colleague answered meanwhile')
    expect(within(alert).getByText(/Ana Costa/).textContent).toBe('Ana Costa:')
    expect(alert.textContent).toContain('We are on it, DM us.')
    fireEvent.click(screen.getByRole('button', { name: 'Send mine anyway' }))
    fireEvent.click(screen.getByRole('button', { name: 'Keep editing' }))
    expect(calls).toEqual(['send', 'cancel'])
  })
})

describe('MessageText', () => {
  const m = { visibility: 'public', text: 'call me on +44 7700 900123 please', pii: [{ kind: 'phone', start: 11, end: 26 }] } as unknown as Message

  it('hides personal data in a public message until shown', () => {
    const { container, rerender } = render(<MessageText m={m} shown={false} />)
    expect(container.textContent).toBe('call me on [phone] please')
    expect(screen.getByLabelText('hidden phone')).toBeTruthy()
    rerender(<MessageText m={m} shown />)
    expect(container.querySelector('mark.pii')?.textContent).toBe('+44 7700 900123')
  })

  it('shows a private message as it is', () => {
    const { container } = render(<MessageText m={{ ...m, visibility: 'private' } as Message} shown={false} />)
    expect(container.textContent).toBe('call me on +44 7700 900123 please')
  })
})

describe('useViewers', () => {
  const id = 'c0ffee00-0000-4000-8000-000000000001'
  const presence = (key: string, name: string, state: string) => ({ type: 'presence', conversationId: id, state, who: { key, name, agentId: key }, connection: `conn-${key}`, at: '' })

  it('lists colleagues from the live stream, typing included, drops those who left and those silent for 40 s', () => {
    vi.useFakeTimers()
    const { result } = renderHook(() => useViewers(id))
    expect(result.current).toEqual([])
    act(() => {
      dispatchLiveEvent(presence('a', 'Ana', 'viewing'))
      dispatchLiveEvent(presence('b', 'Bo', 'typing'))
      dispatchLiveEvent({ type: 'presence', conversationId: id, state: 'typing' }) // no who: ignored
    })
    expect(result.current.map((v) => [v.name, v.state])).toEqual([['Ana', 'viewing'], ['Bo', 'typing']])
    act(() => dispatchLiveEvent(presence('b', 'Bo', 'left')))
    expect(result.current.map((v) => v.name)).toEqual(['Ana'])
    act(() => vi.advanceTimersByTime(45_000))
    expect(result.current).toEqual([])
  })
})

describe('MessageItem', () => {
  const base = { id: 'm', channel: 'bluesky', externalId: 'x', langs: [], parentExternalId: null, url: null, engagement: null, priority: 0, priorityReasons: [], lang: null, sentiment: null, sentimentScore: null, intent: null, riskFlags: [], pii: [], listeningMatches: [], createdAt: '2026-12-07T10:00:00Z', receivedAt: '2026-12-07T10:00:00Z', editedAt: null, deletedAt: null }
  const parent = { ...base, id: 'p', externalId: 'p1', direction: 'in', visibility: 'public', text: 'Where is my bag?', author: { identityId: 'i', externalUserId: 'u', handle: 'maria', displayName: 'Maria', followers: 10, verified: false } } as unknown as Message
  const reply = { ...base, id: 'r', externalId: 'r1', direction: 'out', visibility: 'public', text: 'We are tracing it.', author: null, parentExternalId: 'p1', editedAt: '2026-12-07T10:05:00Z' } as unknown as Message

  it('quotes the post it answers, marks our reply and its edit', () => {
    const { container } = render(<ol><MessageItem m={reply} nowMs={Date.parse('2026-12-07T10:10:00Z')} fallbackAuthor={null} parent={parent} /></ol>)
    expect(container.querySelector('blockquote.parent-quote')?.textContent).toBe('replying to @maria: Where is my bag?')
    expect(screen.getByText('Our reply')).toBeTruthy()
    expect(screen.getByText('edited')).toBeTruthy()
  })

  it('lists media as links with their alt text, opened in a new tab without a referrer', () => {
    const withMedia = { ...parent, media: [{ kind: 'image', url: 'https://cdn.example/bag.jpg', alt: 'a torn suitcase' }] } as unknown as Message
    render(<ol><MessageItem m={{ ...withMedia, direction: 'out', author: null } as Message} nowMs={0} fallbackAuthor={null} /></ol>)
    const link = screen.getByRole('link', { name: 'image: a torn suitcase' })
    expect(link.getAttribute('href')).toBe('https://cdn.example/bag.jpg')
    expect(link.getAttribute('rel')).toContain('noreferrer')
  })

  it('does not repeat personal data from a quoted public post', () => {
    const withPii = { ...parent, text: 'my card is 4111 1111 1111 1111', pii: [{ kind: 'card', start: 11, end: 30 }] } as Message
    const { container } = render(<ol><MessageItem m={reply} nowMs={0} fallbackAuthor={null} parent={withPii} /></ol>)
    expect(container.textContent).not.toContain('4111')
    expect(container.querySelector('blockquote')?.textContent).toContain('(contains personal data)')
  })
})

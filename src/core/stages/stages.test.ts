import { describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../model.ts'
import { decideChange } from './dedupe.ts'
import { threadKeyOf } from './thread.ts'

const msg = (over: Partial<NormalizedMessage>): NormalizedMessage => ({
  channel: 'bluesky',
  op: 'create',
  externalId: 'at://did:plc:a/app.bsky.feed.post/1',
  author: { externalUserId: 'did:plc:a', handle: null, displayName: null, followers: null, verified: false },
  direction: 'in',
  visibility: 'public',
  text: 'hello',
  langs: [],
  createdAt: new Date(0),
  parentExternalId: null,
  threadExternalId: null,
  url: null,
  engagement: null,
  raw: {},
  ...over,
})

describe('decideChange', () => {
  const stored = { text: 'hello', engagement: { likes: 1, reposts: 2, replies: 0, quotes: 0 }, deleted: false }
  it.each([
    ['new message', null, msg({}), 'insert'],
    ['exact replay', stored, msg({ engagement: { likes: 1, reposts: 2, replies: 0, quotes: 0 } }), 'duplicate'],
    ['replay without metrics', stored, msg({ engagement: null }), 'duplicate'],
    ['engagement grew', stored, msg({ engagement: { likes: 1, reposts: 40, replies: 0, quotes: 0 } }), 'update'],
    ['edited text', stored, msg({ op: 'update', text: 'hello again', engagement: null }), 'update'],
    ['delete of a known message', stored, msg({ op: 'delete', text: '' }), 'delete'],
    ['delete of an unknown message', null, msg({ op: 'delete' }), 'ignore'],
    ['second delete', { ...stored, deleted: true }, msg({ op: 'delete' }), 'ignore'],
    ['replay after delete', { ...stored, deleted: true }, msg({}), 'duplicate'],
  ] as const)('%s', (_name, existing, incoming, expected) => {
    expect(decideChange(existing, incoming)).toBe(expected)
  })
})

describe('threadKeyOf', () => {
  it('prefers the platform conversation key, then the parent thread, then itself', () => {
    expect(threadKeyOf({ threadExternalId: 'root', externalId: 'x' }, 'parent-thread')).toBe('root')
    expect(threadKeyOf({ threadExternalId: null, externalId: 'x' }, 'parent-thread')).toBe('parent-thread')
    expect(threadKeyOf({ threadExternalId: null, externalId: 'x' }, null)).toBe('x')
  })
})

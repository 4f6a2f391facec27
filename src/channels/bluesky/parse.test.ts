import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, listFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { jsonLines, parseResultProblems } from '../testing.ts'
import { textLengthMax } from '../wire.ts'
import { bluesky } from './index.ts'
import { jetstreamLineCharsMax, parseJetstreamEvent } from './parse.ts'

warnIfNoShared()

const did = 'did:plc:testauthor00000000000000'
const rootUri = 'at://did:plc:rootauthor000000000000000/app.bsky.feed.post/3kroot00000a2'
const parentUri = 'at://did:plc:parentauthor0000000000000/app.bsky.feed.post/3kparent000a2'

function line(value: unknown): string {
  return JSON.stringify(value)
}

function postEvent(record: Record<string, unknown>, operation = 'create', rkey = '3ktestpost2a2'): string {
  return line({
    did,
    time_us: 1_725_000_000_123_456,
    kind: 'commit',
    commit: { rev: '3ktestrev0002', operation, collection: 'app.bsky.feed.post', rkey, record, cid: 'bafyreitest' },
  })
}

function parse(body: string): ParseResult {
  return parseJetstreamEvent({ body, origin: 'test' })
}

function onlyMessage(result: ParseResult): NormalizedMessage {
  expect(result.ok).toBe(true)
  if (!result.ok) throw new Error(result.detail)
  expect(result.messages).toHaveLength(1)
  const [message] = result.messages
  if (message === undefined) throw new Error('no message')
  return message
}

function parked(result: ParseResult): string {
  expect(result.ok).toBe(false)
  return result.ok ? '' : result.reason
}

describe('bluesky channel', () => {
  it('is registered with the Jetstream framing and the 300-character reply limit', () => {
    expect(bluesky).toMatchObject({ name: 'bluesky', label: 'Bluesky', framing: 'jsonl', replyLengthMax: 300 })
    expect(bluesky.parse).toBe(parseJetstreamEvent)
  })
})

describe('parseJetstreamEvent: own payloads', () => {
  it('turns a top-level post into a public inbound message', () => {
    const m = onlyMessage(parse(postEvent({
      $type: 'app.bsky.feed.post', text: 'My order #123 never arrived', langs: ['en'], createdAt: '2024-08-30T10:00:00.000Z',
    })))
    expect(m).toEqual({
      channel: 'bluesky',
      op: 'create',
      externalId: `at://${did}/app.bsky.feed.post/3ktestpost2a2`,
      author: { externalUserId: did, handle: null, displayName: null, followers: null, verified: false },
      direction: 'in',
      visibility: 'public',
      text: 'My order #123 never arrived',
      langs: ['en'],
      createdAt: new Date('2024-08-30T10:00:00.000Z'),
      parentExternalId: null,
      threadExternalId: null,
      url: `https://bsky.app/profile/${did}/post/3ktestpost2a2`,
      engagement: null,
      media: [],
      raw: JSON.parse(postEvent({
        $type: 'app.bsky.feed.post', text: 'My order #123 never arrived', langs: ['en'], createdAt: '2024-08-30T10:00:00.000Z',
      })),
    })
  })

  it('threads a reply by parent uri and root uri', () => {
    const m = onlyMessage(parse(postEvent({
      text: '@shop any update?',
      createdAt: '2024-08-30T10:05:00Z',
      reply: { root: { uri: rootUri, cid: 'bafyroot' }, parent: { uri: parentUri, cid: 'bafyparent' } },
    })))
    expect(m.parentExternalId).toBe(parentUri)
    expect(m.threadExternalId).toBe(rootUri)
  })

  it('keeps the post uri on update so the edit replaces the same message', () => {
    const m = onlyMessage(parse(postEvent({ text: 'edited text', createdAt: '2024-08-30T10:00:00Z' }, 'update')))
    expect(m.op).toBe('update')
    expect(m.externalId).toBe(`at://${did}/app.bsky.feed.post/3ktestpost2a2`)
    expect(m.text).toBe('edited text')
  })

  it('reads a post delete (no record) as op delete without author or text', () => {
    const body = line({
      did, time_us: 1_725_000_000_123_456, kind: 'commit',
      commit: { rev: 'r', operation: 'delete', collection: 'app.bsky.feed.post', rkey: '3kgone0000002' },
    })
    const m = onlyMessage(parse(body))
    expect(m).toMatchObject({
      op: 'delete', externalId: `at://${did}/app.bsky.feed.post/3kgone0000002`, author: null, text: '', url: null,
      createdAt: new Date(1_725_000_000_123),
    })
  })

  it('falls back to time_us when createdAt is missing or not a timestamp', () => {
    expect(onlyMessage(parse(postEvent({ text: 'a' }))).createdAt).toEqual(new Date(1_725_000_000_123))
    expect(onlyMessage(parse(postEvent({ text: 'a', createdAt: 'yesterday' }))).createdAt).toEqual(new Date(1_725_000_000_123))
  })

  it('ignores malformed reply refs and non-string langs instead of failing', () => {
    const m = onlyMessage(parse(postEvent({ text: 'x', reply: { root: 'nope', parent: { uri: 42 } }, langs: ['de', 7, ''] })))
    expect(m.parentExternalId).toBeNull()
    expect(m.threadExternalId).toBeNull()
    expect(m.langs).toEqual(['de'])
  })

  it(`caps text at ${textLengthMax} characters`, () => {
    expect(onlyMessage(parse(postEvent({ text: 'a'.repeat(textLengthMax + 5) }))).text).toHaveLength(textLengthMax)
  })

  it.each([
    ['like', { kind: 'commit', commit: { operation: 'create', collection: 'app.bsky.feed.like', rkey: 'abc', record: {} } }],
    ['repost', { kind: 'commit', commit: { operation: 'create', collection: 'app.bsky.feed.repost', rkey: 'abc', record: {} } }],
    ['follow delete', { kind: 'commit', commit: { operation: 'delete', collection: 'app.bsky.graph.follow', rkey: 'abc' } }],
    ['profile update', { kind: 'commit', commit: { operation: 'update', collection: 'app.bsky.actor.profile', rkey: 'self', record: {} } }],
    ['other lexicon', { kind: 'commit', commit: { operation: 'create', collection: 'com.example.thing', rkey: 'abc' } }],
    ['identity', { kind: 'identity', identity: { did, seq: 1, time: '2024-08-30T10:00:00Z' } }],
    ['account', { kind: 'account', account: { active: false, did, seq: 2, time: '2024-08-30T10:00:00Z', status: 'deleted' } }],
    ['future kind', { kind: 'something-new' }],
  ])('skips a %s event', (_name, fields) => {
    expect(parse(line({ did, time_us: 1_725_000_000_000_000, ...fields }))).toEqual({ ok: true, messages: [], skipped: 1 })
  })

  it('treats a blank line as nothing', () => {
    expect(parse('')).toEqual({ ok: true, messages: [], skipped: 0 })
    expect(parse('  \r\n')).toEqual({ ok: true, messages: [], skipped: 0 })
  })

  it('parks malformed JSON with the origin in the detail', () => {
    const result = parse('{"did":"did:plc:x","time_us":1,')
    expect(result).toMatchObject({ ok: false, reason: 'MALFORMED_JSON' })
    expect(result.ok ? '' : result.detail).toMatch(/^test: /)
  })

  it.each([
    ['an array', '[]'],
    ['a number', '42'],
    ['no did', line({ time_us: 1, kind: 'commit', commit: {} })],
    ['a did with a path', line({ did: 'did:plc:x/../../evil', time_us: 1, kind: 'identity' })],
    ['no time_us', line({ did, kind: 'identity' })],
    ['commit without commit object', line({ did, time_us: 1, kind: 'commit' })],
    ['post without record', line({ did, time_us: 1, kind: 'commit', commit: { operation: 'create', collection: 'app.bsky.feed.post', rkey: 'abc' } })],
    ['post with numeric text', postEvent({ text: 12 })],
    ['post rkey with a slash', postEvent({ text: 'x' }, 'create', 'a/b')],
    ['unknown operation', postEvent({ text: 'x' }, 'upsert')],
  ])('parks %s as INVALID_SHAPE', (_name, body) => {
    expect(parked(parse(body))).toBe('INVALID_SHAPE')
  })

  it('parks an oversized line as TOO_LARGE without decoding it', () => {
    expect(parked(parse(' '.repeat(jetstreamLineCharsMax + 1)))).toBe('TOO_LARGE')
  })
})

describe.skipIf(!hasSharedFixtures)('parseJetstreamEvent: shared Jetstream fixtures', () => {
  function parseFile(file: string): ParseResult[] {
    return jsonLines(readFixture('bluesky', file)).map((body, i) => parseJetstreamEvent({ body, origin: `${file}:${i + 1}` }))
  }

  function messagesOf(results: ParseResult[]): NormalizedMessage[] {
    return results.flatMap((r) => (r.ok ? r.messages : []))
  }

  it('parses every line of every fixture without parking and with well-formed results', () => {
    const files = listFixtures('bluesky').filter((f) => f.endsWith('.jsonl'))
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const file of files) {
      for (const result of parseFile(file)) {
        expect(result.ok, JSON.stringify(result)).toBe(true)
        expect(parseResultProblems(result)).toEqual([])
      }
    }
  })

  it('golden_mixed: only the reply post is a message, the 9 other events are skipped', () => {
    const results = parseFile('jetstream_v1_golden_mixed.jsonl')
    expect(results.reduce((n, r) => n + (r.ok ? r.skipped : 0), 0)).toBe(9)
    const [m] = messagesOf(results)
    expect(messagesOf(results)).toHaveLength(1)
    expect(m).toMatchObject({
      op: 'create',
      externalId: 'at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223',
      author: { externalUserId: 'did:plc:q235v55g5unth4zjjdpacfdr', handle: null },
      text: 'Try RSV for a good time !!',
      langs: ['en'],
      createdAt: new Date('2026-05-25T14:23:28.757Z'),
      parentExternalId: 'at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26',
      threadExternalId: 'at://did:plc:j76trmiofvaxxpvx2vnb2vwf/app.bsky.feed.post/3mmojbrjwbs26',
      url: 'https://bsky.app/profile/did:plc:q235v55g5unth4zjjdpacfdr/post/3mmoojp4cd223',
      visibility: 'public',
      direction: 'in',
    })
  })

  it('live window: 17 post creates and 1 post delete out of 152 events', () => {
    const results = parseFile('jetstream_v1_live_window_152_events.jsonl')
    expect(results).toHaveLength(152)
    const messages = messagesOf(results)
    expect(messages.filter((m) => m.op === 'create')).toHaveLength(17)
    expect(messages.filter((m) => m.op === 'delete')).toEqual([
      expect.objectContaining({
        externalId: 'at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p',
        author: null,
        text: '',
        createdAt: new Date(1_783_175_888_377),
      }),
    ])
    expect(results.reduce((n, r) => n + (r.ok ? r.skipped : 0), 0)).toBe(152 - 18)
  })

  it('wantedCollections=app.bsky.feed.post: 18 post events, identity and account skipped', () => {
    const results = parseFile('jetstream_v1_wantedCollections_app.bsky.feed.post.jsonl')
    const messages = messagesOf(results)
    expect(messages).toHaveLength(18)
    expect(results.reduce((n, r) => n + (r.ok ? r.skipped : 0), 0)).toBe(2)
    const offsetDated = messages.find((m) => m.externalId.endsWith('/3mptbyoigog2b'))
    expect(offsetDated?.createdAt).toEqual(new Date('2026-07-04T14:38:02Z'))
    expect(offsetDated?.langs).toEqual(['en-US', 'en'])
    const korean = messages.find((m) => m.externalId.endsWith('/3mptbyp7lu223'))
    expect(korean).toMatchObject({
      text: '이쁘시네용~~~',
      parentExternalId: 'at://did:plc:i5y2f3gtpjxs3qg6fwgb6jb4/app.bsky.feed.post/3mpt7u2vlgs2c',
    })
  })

  it('never throws on any prefix of a real line (a garbled or cut frame)', () => {
    const lines = jsonLines(readFixture('bluesky', 'jetstream_v1_golden_mixed.jsonl'))
    fc.assert(fc.property(fc.constantFrom(...lines), fc.nat(), (body, cut) => {
      const result = parseJetstreamEvent({ body: body.slice(0, cut % (body.length + 1)) })
      expect(parseResultProblems(result)).toEqual([])
    }), { numRuns: 300 })
  })
})

describe('parseJetstreamEvent: properties', () => {
  const total = (body: string) => {
    const result = parseJetstreamEvent({ body })
    expect(parseResultProblems(result)).toEqual([])
  }

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), total), { numRuns: 500 })
  })

  it('never throws on arbitrary JSON text', () => {
    fc.assert(fc.property(fc.json(), total), { numRuns: 500 })
    fc.assert(fc.property(fc.anything(), (value) => total(JSON.stringify(value) ?? 'null')), { numRuns: 300 })
  })

  const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue())
  const envelope = fc.record({
    did: fc.oneof(fc.constant(did), fc.string(), anyValue),
    time_us: fc.oneof(fc.integer({ min: -1e15, max: 1e17 }), fc.double(), anyValue),
    kind: fc.oneof(fc.constantFrom('commit', 'identity', 'account'), anyValue),
    commit: fc.oneof(anyValue, fc.record({
      operation: fc.oneof(fc.constantFrom('create', 'update', 'delete'), anyValue),
      collection: fc.oneof(fc.constantFrom('app.bsky.feed.post', 'app.bsky.feed.like'), anyValue),
      rkey: fc.oneof(fc.constant('3kabc'), fc.string(), anyValue),
      record: fc.oneof(anyValue, fc.record({
        text: fc.oneof(fc.string(), anyValue),
        createdAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), anyValue),
        langs: fc.oneof(fc.array(fc.string()), anyValue),
        reply: fc.oneof(anyValue, fc.record({
          root: fc.oneof(anyValue, fc.record({ uri: fc.oneof(fc.constant(rootUri), anyValue) })),
          parent: fc.oneof(anyValue, fc.record({ uri: fc.oneof(fc.constant(parentUri), anyValue) })),
        }, { requiredKeys: [] })),
      }, { requiredKeys: [] })),
    }, { requiredKeys: [] })),
  }, { requiredKeys: [] })

  it('returns a well-formed result for loosely Jetstream-shaped objects', () => {
    fc.assert(fc.property(envelope, (event) => {
      const result = parseJetstreamEvent({ body: JSON.stringify(event) })
      expect(parseResultProblems(result)).toEqual([])
      if (result.ok) for (const m of result.messages) expect(m.externalId).toMatch(/^at:\/\/did:/)
    }), { numRuns: 1000 })
  })
})

describe('parseJetstreamEvent: media', () => {
  const cid = 'bafkreibj4pupm3ddnlbzt4xnkl2ed3vvbpvjifpmzquay6rhj7jcfbclbq'
  const image = (alt: string, link = cid) => ({ alt, image: { $type: 'blob', ref: { $link: link }, mimeType: 'image/jpeg', size: 120_000 } })

  it('turns image embeds into CDN links with their alt text', () => {
    const m = onlyMessage(parse(postEvent({ text: 'look at my bag', createdAt: '2024-09-01T10:00:00Z', embed: { $type: 'app.bsky.embed.images', images: [image('torn suitcase'), image('', 'not a cid!')] } })))
    expect(m.media).toEqual([{ kind: 'image', url: `https://cdn.bsky.app/img/feed_fullsize/plain/${did}/${cid}@jpeg`, alt: 'torn suitcase' }])
  })

  it('reads an external link card, and the media beside a quoted post', () => {
    const external = onlyMessage(parse(postEvent({ text: 'read this', createdAt: '2024-09-01T10:00:00Z', embed: { $type: 'app.bsky.embed.external', external: { uri: 'https://news.example/delays', title: 'Delays again', description: '' } } })))
    expect(external.media).toEqual([{ kind: 'link', url: 'https://news.example/delays', alt: 'Delays again' }])
    const quoted = onlyMessage(parse(postEvent({ text: 'same here', createdAt: '2024-09-01T10:00:00Z', embed: { $type: 'app.bsky.embed.recordWithMedia', record: { record: { uri: rootUri, cid: 'bafyreitest' } }, media: { $type: 'app.bsky.embed.images', images: [image('queue at the desk')] } } })))
    expect(quoted.media?.map((x) => x.alt)).toEqual(['queue at the desk'])
  })

  it('keeps no link that is not http(s)', () => {
    const m = onlyMessage(parse(postEvent({ text: 'x', createdAt: '2024-09-01T10:00:00Z', embed: { $type: 'app.bsky.embed.external', external: { uri: 'javascript:alert(1)', title: 't' } } })))
    expect(m.media).toEqual([])
  })
})

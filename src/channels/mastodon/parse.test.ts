import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, listFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { messagesOf, onlyMessage, parseResultProblems } from '../testing.ts'
import { textLengthMax } from '../wire.ts'
import { contentToText } from './content.ts'
import { mastodon } from './index.ts'
import { mastodonBodyCharsMax, parseMastodonPayload, type MastodonStatusRaw } from './parse.ts'
import { sseBlock } from './sse.ts'
import { accountEntity, customer, mentionNotification, statusEntity, wsEvent } from './test-payloads.ts'

warnIfNoShared()

function parse(body: string): ParseResult {
  return parseMastodonPayload({ body, origin: 'test' })
}

function parked(result: ParseResult): string {
  expect(result.ok).toBe(false)
  return result.ok ? '' : result.reason
}

const status = statusEntity('112000000000000010')

describe('mastodon channel', () => {
  it('is registered as a document channel with a 500-character reply limit and the fields its code reads', () => {
    expect(mastodon).toMatchObject({ name: 'mastodon', label: 'Mastodon', framing: 'document', openListening: false, replyLengthMax: 500 })
    expect(mastodon.parse).toBe(parseMastodonPayload)
    expect(mastodon.source?.kind).toBe('poll')
    expect(mastodon.send?.actions).toEqual(['reply', 'dm', 'edit', 'delete', 'like'])
    expect(mastodon.accountFields).toEqual({ settings: ['apiBaseUrl', 'streamingUrl', 'streaming', 'acct', 'replyVisibility'], secrets: ['accessToken'] })
  })
})

describe('parseMastodonPayload: own payloads', () => {
  it('turns a Status entity into a public inbound message with plain text, engagement and the raw refs send needs', () => {
    const m = onlyMessage(parse(JSON.stringify(status)))
    expect(m).toEqual({
      channel: 'mastodon',
      op: 'create',
      externalId: '112000000000000010',
      author: { externalUserId: '110000000000000002', handle: 'alice@other.example', displayName: 'alice display', followers: 42, verified: false },
      direction: 'in',
      visibility: 'public',
      text: '@brand my order #123 never arrived & nobody answers',
      langs: ['en'],
      createdAt: new Date('2024-05-01T10:00:00.000Z'),
      parentExternalId: null,
      threadExternalId: null,
      url: 'https://other.example/@alice/112000000000000010',
      engagement: { likes: 3, reposts: 2, replies: 1, quotes: 0 },
      media: [],
      raw: {
        id: '112000000000000010',
        uri: 'https://other.example/users/alice/statuses/112000000000000010',
        url: 'https://other.example/@alice/112000000000000010',
        visibility: 'public',
        in_reply_to_id: null,
        in_reply_to_account_id: null,
        account: { id: '110000000000000002', acct: 'alice@other.example', url: 'https://example.social/@alice' },
        mentions: [{ id: '109000000000000001', acct: 'brand' }],
        edited_at: null,
        notification_id: null,
      } satisfies MastodonStatusRaw,
    })
  })

  it('takes the parent from in_reply_to_id and leaves the thread to the pipeline (root unknown)', () => {
    const m = onlyMessage(parse(JSON.stringify(statusEntity('112000000000000011', { in_reply_to_id: '112000000000000010', in_reply_to_account_id: '109000000000000001' }))))
    expect(m.parentExternalId).toBe('112000000000000010')
    expect(m.threadExternalId).toBeNull()
    expect((m.raw as MastodonStatusRaw).in_reply_to_account_id).toBe('109000000000000001')
  })

  it('reads a direct status as private and keeps the Mastodon visibility in raw', () => {
    const m = onlyMessage(parse(JSON.stringify(statusEntity('112000000000000012', { visibility: 'direct' }))))
    expect(m.visibility).toBe('private')
    expect((m.raw as MastodonStatusRaw).visibility).toBe('direct')
    for (const visibility of ['unlisted', 'private']) {
      expect(onlyMessage(parse(JSON.stringify(statusEntity('112000000000000013', { visibility })))).visibility).toBe('public')
    }
  })

  it('reads edited_at as an update of the same status', () => {
    const m = onlyMessage(parse(JSON.stringify(statusEntity('112000000000000010', { edited_at: '2024-05-01T10:05:00.000Z', content: '<p>edited</p>' }))))
    expect(m).toMatchObject({ op: 'update', externalId: '112000000000000010', text: 'edited' })
  })

  it('keeps a content warning in front of the text', () => {
    expect(onlyMessage(parse(JSON.stringify(statusEntity('1', { spoiler_text: 'billing', content: '<p>charged twice</p>' })))).text).toBe('CW: billing\n\ncharged twice')
    expect(onlyMessage(parse(JSON.stringify(statusEntity('1', { spoiler_text: 'pic', content: '' })))).text).toBe('CW: pic')
  })

  it('reads a mention notification as its status and remembers the notification id', () => {
    const m = onlyMessage(parse(JSON.stringify(mentionNotification('900', status))))
    expect(m.externalId).toBe('112000000000000010')
    expect((m.raw as MastodonStatusRaw).notification_id).toBe('900')
  })

  it.each(['favourite', 'reblog', 'follow', 'poll', 'status', 'update', 'admin.sign_up'])('skips a %s notification', (type) => {
    expect(parse(JSON.stringify({ id: '901', type, created_at: '2024-05-01T10:00:00Z', account: customer, status }))).toEqual({ ok: true, messages: [], skipped: 1 })
  })

  it('skips a boost (the reblogged status is someone else sharing it)', () => {
    expect(parse(JSON.stringify(statusEntity('2', { reblog: status })))).toEqual({ ok: true, messages: [], skipped: 1 })
  })

  it('reads a page (array) of notifications, skipping the other types', () => {
    const page = [
      mentionNotification('903', statusEntity('112000000000000030')),
      { id: '902', type: 'favourite', created_at: '2024-05-01T10:00:00Z', account: customer, status },
      mentionNotification('901', statusEntity('112000000000000020')),
    ]
    const result = parse(JSON.stringify(page))
    expect(messagesOf(result).map((m) => m.externalId)).toEqual(['112000000000000030', '112000000000000020'])
    expect(result.ok && result.skipped).toBe(1)
    expect(parse('[]')).toEqual({ ok: true, messages: [], skipped: 0 })
  })

  it('keeps the good items of a page and counts a broken one as skipped', () => {
    const result = parse(JSON.stringify([status, { id: 'x' }, 7]))
    expect(messagesOf(result)).toHaveLength(1)
    expect(result.ok && result.skipped).toBe(2)
  })

  describe('WebSocket-form streaming events', () => {
    it('decodes the payload string of update, status.update and notification', () => {
      expect(onlyMessage(parse(wsEvent('update', status)))).toMatchObject({ op: 'create', externalId: '112000000000000010' })
      expect(onlyMessage(parse(wsEvent('status.update', statusEntity('112000000000000010', { edited_at: '2024-05-01T10:05:00Z' }))))).toMatchObject({ op: 'update' })
      // status.update is an edit even when an instance leaves edited_at out.
      expect(onlyMessage(parse(wsEvent('status.update', status)))).toMatchObject({ op: 'update' })
      expect(onlyMessage(parse(wsEvent('notification', mentionNotification('905', status))))).toMatchObject({ externalId: '112000000000000010' })
    })

    it('reads delete (payload = the bare id) as op delete without author or text', () => {
      expect(onlyMessage(parse(wsEvent('delete', '112000000000000010')))).toEqual({
        channel: 'mastodon', op: 'delete', externalId: '112000000000000010', author: null, direction: 'in', visibility: 'public', text: '',
        langs: [], createdAt: new Date(0), parentExternalId: null, threadExternalId: null, url: null, engagement: null,
        raw: { id: '112000000000000010', deleted: true },
      })
    })

    it('skips filters_changed (no payload), announcements, conversations and events it does not know', () => {
      for (const event of ['filters_changed', 'announcement', 'announcement.reaction', 'conversation', 'notifications_merged', 'something.new']) {
        expect(parse(wsEvent(event, event === 'filters_changed' ? undefined : '{}'))).toEqual({ ok: true, messages: [], skipped: 1 })
      }
    })

    it('marks the brand\'s own statuses out when the unit says which acct is ours (for_acct)', () => {
      const own = statusEntity('112000000000000040', { account: accountEntity('109000000000000001', 'brand'), in_reply_to_id: '112000000000000010' })
      expect(onlyMessage(parse(wsEvent('update', own, { for_acct: 'Brand' }))).direction).toBe('out')
      expect(onlyMessage(parse(wsEvent('update', status, { for_acct: 'brand' }))).direction).toBe('in')
      expect(onlyMessage(parse(wsEvent('update', own))).direction).toBe('in')
    })

    it('parks a payload that is not a JSON string or not valid JSON', () => {
      expect(parked(parse(JSON.stringify({ event: 'update', payload: status })))).toBe('INVALID_SHAPE')
      expect(parked(parse(wsEvent('update', '{"id":"1",')))).toBe('MALFORMED_JSON')
      expect(parked(parse(wsEvent('delete', '../../etc')))).toBe('INVALID_SHAPE')
      expect(parked(parse(JSON.stringify({ event: 'delete', payload: 12 })))).toBe('INVALID_SHAPE')
    })

    it('reads an array of events', () => {
      const result = parse(`[${wsEvent('update', status)},${wsEvent('delete', '5')},${wsEvent('filters_changed')}]`)
      expect(messagesOf(result).map((m) => m.op)).toEqual(['create', 'delete'])
      expect(result.ok && result.skipped).toBe(1)
    })
  })

  describe('server-sent events text', () => {
    it('reads one SSE block and a whole stream with heartbeats, CRLF and several events', () => {
      expect(onlyMessage(parse(sseBlock('update', JSON.stringify(status))))).toMatchObject({ externalId: '112000000000000010' })
      const text = [':)', ':thump', '', sseBlock('notification', JSON.stringify(mentionNotification('906', status))), 'event: delete', 'data: 77', '', 'event: filters_changed', 'data: undefined', '', ':thump', ''].join('\r\n')
      const result = parse(text)
      expect(messagesOf(result).map((m) => [m.op, m.externalId])).toEqual([['create', '112000000000000010'], ['delete', '77']])
      expect(result.ok && result.skipped).toBe(1)
    })

    it('treats heartbeats alone as nothing, and a last event without its blank line as complete', () => {
      expect(parse(':thump\n:thump\n')).toEqual({ ok: true, messages: [], skipped: 0 })
      expect(onlyMessage(parse(`event: delete\ndata: 99`)).externalId).toBe('99')
    })

    it('parks a stream whose only event is garbled, but keeps the others when one is', () => {
      expect(parked(parse('event: update\ndata: {"id":'))).toBe('MALFORMED_JSON')
      const mixed = parse(`event: update\ndata: {"id":\n\n${sseBlock('update', JSON.stringify(status))}`)
      expect(messagesOf(mixed)).toHaveLength(1)
      expect(mixed.ok && mixed.skipped).toBe(1)
    })
  })

  it('parks a Mastodon error body as PLATFORM_ERROR', () => {
    const result = parse('{"error":"The access token is invalid"}')
    expect(result).toEqual({ ok: false, reason: 'PLATFORM_ERROR', detail: 'test: The access token is invalid' })
  })

  it.each([
    ['a number', '42'],
    ['a string', '"hello"'],
    ['a status without account', JSON.stringify({ ...status, account: null })],
    ['a status with an empty acct', JSON.stringify({ ...status, account: { id: '3', acct: '' } })],
    ['a status with a numeric id', JSON.stringify({ ...status, id: 112000000000000010 })],
    ['a status id with a slash', JSON.stringify({ ...status, id: 'a/b' })],
    ['a status without created_at', JSON.stringify({ ...status, created_at: 'yesterday' })],
    ['a mention without status', JSON.stringify({ id: '1', type: 'mention', account: customer })],
    ['an array of junk', '[1,2,3]'],
  ])('parks %s as INVALID_SHAPE', (_name, body) => {
    expect(parked(parse(body))).toBe('INVALID_SHAPE')
  })

  it('parks malformed JSON with the origin in the detail, and an oversized body as TOO_LARGE', () => {
    const result = parse('{"id":"1",')
    expect(result).toMatchObject({ ok: false, reason: 'MALFORMED_JSON' })
    expect(result.ok ? '' : result.detail).toMatch(/^test: /)
    expect(parked(parse(' '.repeat(mastodonBodyCharsMax + 1)))).toBe('TOO_LARGE')
    expect(parse('  \n')).toEqual({ ok: true, messages: [], skipped: 0 })
    expect(onlyMessage(parse(`\uFEFF${JSON.stringify(status)}`)).externalId).toBe('112000000000000010')
  })

  it(`caps text at ${textLengthMax} characters and ignores malformed optional fields`, () => {
    const m = onlyMessage(parse(JSON.stringify(statusEntity('1', {
      content: `<p>${'a'.repeat(textLengthMax + 10)}</p>`, language: 'not a language!', url: 'javascript:alert(1)', uri: 'ftp://x', favourites_count: -1,
      reblogs_count: 'many', replies_count: 1.5, mentions: [{ id: 3 }, 'x'], in_reply_to_id: 7,
    }))))
    expect(m.text).toHaveLength(textLengthMax)
    expect(m).toMatchObject({ langs: [], url: null, parentExternalId: null, engagement: null })
    expect((m.raw as MastodonStatusRaw).mentions).toEqual([])
  })
})

describe('contentToText', () => {
  it('keeps mention and hashtag text without their URLs, shows other links once, decodes entities', () => {
    expect(contentToText('<p><span class="h-card"><a href="https://x.example/@bob" class="u-url mention">@<span>bob</span></a></span> see <a href="https://x.example/tags/help" class="mention hashtag" rel="tag">#<span>help</span></a></p>'))
      .toBe('@bob see #help')
    expect(contentToText('<p>docs: <a href="https://example.com/a/very/long/path" rel="nofollow"><span class="invisible">https://</span><span class="ellipsis">example.com/a/very</span><span class="invisible">/long/path</span></a></p>'))
      .toBe('docs: https://example.com/a/very/long/path')
    expect(contentToText('<p>a &lt;b&gt; &amp; &quot;c&quot;</p><p>line<br>two</p>')).toBe('a <b> & "c"\n\nline\ntwo')
    expect(contentToText('<p>x</p><script>alert(1)</script>')).toBe('x')
  })
})

describe.skipIf(!hasSharedFixtures)('parseMastodonPayload: shared fixtures', () => {
  function parseFile(file: string): ParseResult {
    return parseMastodonPayload({ body: readFixture('mastodon', file), origin: file })
  }

  it('parses every fixture file as one document without parking and with well-formed results', () => {
    const files = listFixtures('mastodon')
    expect(files.length).toBeGreaterThanOrEqual(7)
    for (const file of files) {
      const result = parseFile(file)
      expect(result.ok, `${file}: ${JSON.stringify(result)}`).toBe(true)
      expect(parseResultProblems(result)).toEqual([])
    }
  })

  it('status_entity_example: the public status with engagement, author followers and the link shown once', () => {
    expect(onlyMessage(parseFile('status_entity_example.json'))).toMatchObject({
      op: 'create', externalId: '103270115826048975', visibility: 'public', direction: 'in', langs: ['en'],
      author: { externalUserId: '1', handle: 'Gargron', displayName: 'Eugen', followers: 322930 },
      text: '"I lost my inheritance with one wrong digit on my sort code"\n\nhttps://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code',
      engagement: { likes: 11, reposts: 6, replies: 5, quotes: 2 },
      url: 'https://mastodon.social/@Gargron/103270115826048975',
      createdAt: new Date('2019-12-08T03:48:33.901Z'),
    })
  })

  it('status_reply_with_mention: parent, remote acct and mention text', () => {
    const m = onlyMessage(parseFile('status_reply_with_mention.json'))
    expect(m).toMatchObject({ externalId: '108914327388663283', parentExternalId: '108914298452377720', text: '@disarray glad i was able to help', author: { handle: 'freon@letsalllovela.in' }, langs: [] })
    expect((m.raw as MastodonStatusRaw)).toMatchObject({ visibility: 'unlisted', account: { acct: 'freon@letsalllovela.in' }, mentions: [{ id: '107946650784398271', acct: 'disarray@pl.nulled.red' }] })
  })

  it('notification_mention: its status, with the notification id kept', () => {
    const m = onlyMessage(parseFile('notification_mention.json'))
    expect(m).toMatchObject({ externalId: '108914343542683797', text: '@trwnh test', author: { handle: 'a@pl.nulled.red' } })
    expect((m.raw as MastodonStatusRaw).notification_id).toBe('68739215')
  })

  it('status_edited_with_tags: an update with hashtags as plain #tags', () => {
    const m = onlyMessage(parseFile('status_edited_with_tags.json'))
    expect(m).toMatchObject({ op: 'update', externalId: '109348684737626801' })
    expect(m.text).toContain('#musicTuesday')
    expect(m.text).not.toContain('/tags/')
  })

  it('streaming_user.sse.txt: update, mention notification and edit; filters_changed skipped', () => {
    const result = parseFile('streaming_user.sse.txt')
    expect(messagesOf(result).map((m) => [m.op, m.externalId])).toEqual([
      ['create', '108914327388663283'], ['create', '108914343542683797'], ['update', '109348677773283527'],
    ])
    expect(result.ok && result.skipped).toBe(1)
  })

  it('streaming_public_delete_and_edit.sse.txt: a delete by bare id and the edit of a reply', () => {
    expect(messagesOf(parseFile('streaming_public_delete_and_edit.sse.txt')).map((m) => [m.op, m.externalId, m.parentExternalId])).toEqual([
      ['delete', '107214471804101576', null], ['update', '109348699525106378', '109348674754176227'],
    ])
  })

  it('streaming_websocket_messages.json: the array of WebSocket frames', () => {
    const result = parseFile('streaming_websocket_messages.json')
    expect(messagesOf(result).map((m) => [m.op, m.externalId])).toEqual([['create', '108913983692647032'], ['delete', '106692867363994015']])
    expect(result.ok && result.skipped).toBe(1)
  })

  it('never throws on any prefix of a fixture (a cut frame)', () => {
    const bodies = listFixtures('mastodon').map((f) => readFixture('mastodon', f))
    fc.assert(fc.property(fc.constantFrom(...bodies), fc.nat(), (body, cut) => {
      expect(parseResultProblems(parseMastodonPayload({ body: body.slice(0, cut % (body.length + 1)) }))).toEqual([])
    }), { numRuns: 300 })
  })
})

describe('parseMastodonPayload: properties', () => {
  // A plain throw rather than expect(): vitest's expect is slow over thousands of runs.
  const total = (body: string) => {
    const problems = parseResultProblems(parseMastodonPayload({ body }))
    if (problems.length > 0) throw new Error(`${JSON.stringify(body.slice(0, 200))}: ${problems.join('; ')}`)
  }

  it('never throws on arbitrary strings, JSON and SSE-looking text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), total), { numRuns: 400 })
    fc.assert(fc.property(fc.json(), total), { numRuns: 400 })
    fc.assert(fc.property(fc.anything(), (value) => total(JSON.stringify(value) ?? 'null')), { numRuns: 300 })
    fc.assert(fc.property(fc.string(), fc.string(), (event, data) => total(`event: ${event}\ndata: ${data}\n\n`)), { numRuns: 300 })
  })

  it('never throws on statuses, notifications and events with any field replaced by arbitrary JSON', () => {
    const keys = Object.keys(status)
    fc.assert(fc.property(fc.constantFrom(...keys), fc.jsonValue(), fc.constantFrom('status', 'notification', 'ws', 'sse'), (key, value, form) => {
      const mutated = { ...status, [key]: value }
      const body = form === 'status' ? JSON.stringify(mutated)
        : form === 'notification' ? JSON.stringify(mentionNotification('1', mutated))
          : form === 'ws' ? wsEvent('update', mutated) : sseBlock('status.update', JSON.stringify(mutated))
      total(body)
    }), { numRuns: 500 })
  })

  it('gives the same externalId every time the same status is parsed (replays dedupe)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[1-9][0-9]{0,18}$/), (id) => {
      const forms = [JSON.stringify(statusEntity(id)), JSON.stringify(mentionNotification('5', statusEntity(id))), wsEvent('update', statusEntity(id)), sseBlock('update', JSON.stringify(statusEntity(id)))]
      expect(new Set(forms.map((body) => onlyMessage(parse(body)).externalId))).toEqual(new Set([id]))
    }), { numRuns: 100 })
  })
})

describe('parseMastodonPayload: media', () => {
  it('reads media attachments (url, else remote_url) with descriptions, and the link card', () => {
    const body = JSON.stringify(statusEntity('112000000000000077', {
      media_attachments: [
        { id: '1', type: 'image', url: 'https://files.example.social/media/bag.png', remote_url: null, description: 'broken handle' },
        { id: '2', type: 'gifv', url: null, remote_url: 'https://other.example/clip.mp4', description: null },
        { id: '3', type: 'unknown', url: 'ftp://nope.example/x' },
      ],
      card: { url: 'https://status.example/outage', title: 'Outage report' },
    }))
    const m = onlyMessage(parse(body))
    expect(m.media).toEqual([
      { kind: 'image', url: 'https://files.example.social/media/bag.png', alt: 'broken handle' },
      { kind: 'video', url: 'https://other.example/clip.mp4', alt: null },
      { kind: 'link', url: 'https://status.example/outage', alt: 'Outage report' },
    ])
  })
})

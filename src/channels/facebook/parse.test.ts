import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, listFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { metaBodyCharsMax } from '../meta/envelope.ts'
import { readMetaRef } from '../meta/raw.ts'
import { messagesOf, onlyMessage, parseResultProblems } from '../testing.ts'
import { isRecord } from '../wire.ts'
import { facebook } from './index.ts'
import { parseFacebookPayload } from './parse.ts'

warnIfNoShared()

const pageId = '104000000000001'
const customer = { id: '7000000000000001', name: 'Grumpy Customer' }
const postId = `${pageId}_500000000000001`

function parse(body: unknown): ParseResult {
  return parseFacebookPayload({ body: typeof body === 'string' ? body : JSON.stringify(body), origin: 'test' })
}

const feed = (value: Record<string, unknown>, time = 1_717_243_200) => ({
  object: 'page', entry: [{ id: pageId, time, changes: [{ field: 'feed', value }] }],
})
const messaging = (...events: unknown[]) => ({ object: 'page', entry: [{ id: pageId, time: 1_717_243_200_500, messaging: events }] })

const topComment = {
  from: customer, item: 'comment', comment_id: '500000000000001_600000000000001', post_id: postId,
  verb: 'add', parent_id: postId, created_time: 1_717_243_200, message: 'My order never arrived',
}

describe('facebook channel', () => {
  it('is registered as Facebook, document framing, 8000-character replies, Meta verify and send', () => {
    expect(facebook).toMatchObject({ name: 'facebook', label: 'Facebook', framing: 'document', openListening: false, replyLengthMax: 8000 })
    expect(facebook.parse).toBe(parseFacebookPayload)
    expect(facebook.verify).toBeTypeOf('function')
    expect(facebook.send?.actions).toEqual(['reply', 'dm', 'hide', 'delete', 'like', 'edit'])
    expect(facebook.accountFields).toEqual({ settings: ['apiBaseUrl', 'pageId', 'graphVersion'], secrets: ['pageAccessToken', 'appSecret', 'verifyToken'] })
  })
})

describe('parseFacebookPayload: feed comments and posts', () => {
  it('reads a top-level comment: parent and thread are the post, raw keeps the ids send needs', () => {
    expect(onlyMessage(parse(feed(topComment)))).toEqual({
      channel: 'facebook', op: 'create', externalId: '500000000000001_600000000000001',
      author: { externalUserId: customer.id, handle: null, displayName: 'Grumpy Customer', followers: null, verified: false },
      direction: 'in', visibility: 'public', text: 'My order never arrived', langs: [],
      createdAt: new Date(1_717_243_200_000), parentExternalId: postId, threadExternalId: postId,
      url: `https://www.facebook.com/${postId}?comment_id=500000000000001_600000000000001`, engagement: null,
      raw: {
        kind: 'comment', ownerId: pageId, commentId: '500000000000001_600000000000001', postId, parentCommentId: null, fromId: customer.id,
        event: topComment,
      },
    })
  })

  it('reads a reply to a comment: parent is the comment, thread the post', () => {
    const reply = { ...topComment, comment_id: '500000000000001_600000000000002', parent_id: '500000000000001_600000000000001' }
    const m = onlyMessage(parse(feed(reply)))
    expect(m).toMatchObject({ parentExternalId: '500000000000001_600000000000001', threadExternalId: postId })
    expect(readMetaRef(m.raw)).toMatchObject({ kind: 'comment', parentCommentId: '500000000000001_600000000000001' })
  })

  it('edited → update with the same id; remove → delete with empty text and no author', () => {
    expect(onlyMessage(parse(feed({ ...topComment, verb: 'edited', message: 'Arrived now, thanks' })))).toMatchObject({
      op: 'update', externalId: topComment.comment_id, text: 'Arrived now, thanks',
    })
    expect(onlyMessage(parse(feed({ from: { id: customer.id }, item: 'comment', verb: 'remove', comment_id: topComment.comment_id, post_id: postId, parent_id: postId, created_time: 1_717_243_300 }))))
      .toMatchObject({ op: 'delete', externalId: topComment.comment_id, text: '', author: null, parentExternalId: postId })
  })

  it('the Page’s own comment is outbound', () => {
    const own = { ...topComment, from: { id: pageId, name: 'Acme' }, comment_id: '500000000000001_600000000000009', message: 'Sorry! DM us.' }
    expect(onlyMessage(parse(feed(own)))).toMatchObject({ direction: 'out', author: { externalUserId: pageId } })
  })

  it('reads visitor posts and Page statuses as thread roots; keeps photo links; uses the permalink', () => {
    const visitorPost = {
      from: customer, item: 'post', post_id: postId, verb: 'add', created_time: 1_717_243_200, message: 'Look at this', photo: 'https://scontent.example/p.jpg',
      post: { permalink_url: 'https://www.facebook.com/acme/posts/1' },
    }
    expect(onlyMessage(parse(feed(visitorPost)))).toMatchObject({
      externalId: postId, op: 'create', parentExternalId: null, threadExternalId: null, text: 'Look at this\nhttps://scontent.example/p.jpg',
      url: 'https://www.facebook.com/acme/posts/1', raw: { kind: 'post', postId, fromId: customer.id },
    })
    const status = { from: { id: pageId }, item: 'status', post_id: postId, verb: 'add', created_time: 1_717_243_200, message: 'New!', post: { permalink_url: 'javascript:alert(1)' } }
    expect(onlyMessage(parse(feed(status)))).toMatchObject({ direction: 'out', url: `https://www.facebook.com/${postId}` })
  })

  it('skips reactions, likes, hide verbs, other items and other fields, counting them', () => {
    const body = {
      object: 'page',
      entry: [{
        id: pageId, time: 1_717_243_200,
        changes: [
          { field: 'feed', value: { item: 'reaction', verb: 'add', reaction_type: 'like', post_id: postId, from: customer, created_time: 1 } },
          { field: 'feed', value: { item: 'like', verb: 'add', post_id: postId, from: customer, created_time: 1 } },
          { field: 'feed', value: { ...topComment, verb: 'hide' } },
          { field: 'feed', value: { item: 'event', verb: 'add', post_id: postId, created_time: 1 } },
          { field: 'mention', value: { post_id: postId } },
          'junk',
          { field: 'feed', value: topComment },
        ],
      }],
    }
    const result = parse(body)
    expect(messagesOf(result).map((m) => m.externalId)).toEqual([topComment.comment_id])
    expect(result.ok && result.skipped).toBe(6)
  })

  it('reads several pages and changes per delivery; falls back to entry.time; ids as numbers only when exact', () => {
    const body = {
      object: 'page',
      entry: [
        { id: pageId, time: 1_717_243_200, changes: [{ field: 'feed', value: { ...topComment, created_time: undefined } }] },
        { id: 222, time: 1_717_243_201, changes: [{ field: 'feed', value: { ...topComment, comment_id: '9_9', from: { id: 222 } } }] },
        { time: 1, changes: [{ field: 'feed', value: topComment }] },
      ],
    }
    const result = parse(body)
    const [first, second] = messagesOf(result)
    expect(first?.createdAt).toEqual(new Date(1_717_243_200_000))
    expect(second).toMatchObject({ externalId: '9_9', direction: 'out', raw: { ownerId: '222' } })
    expect(result.ok && result.skipped).toBe(1)
  })

  it('gives the same externalId for a replayed delivery', () => {
    const body = JSON.stringify(feed(topComment))
    expect(onlyMessage(parse(body)).externalId).toBe(onlyMessage(parse(body)).externalId)
  })
})

describe('parseFacebookPayload: Messenger', () => {
  const psid = '2400000000000001'
  const inbound = (message: Record<string, unknown>, timestamp = 1_717_243_200_123) =>
    ({ sender: { id: psid }, recipient: { id: pageId }, timestamp, message })

  it('reads a text DM as private, threaded per customer, raw keeps page, PSID, mid and time', () => {
    const event = inbound({ mid: 'm_AAA', text: 'Where is my refund?' })
    expect(onlyMessage(parse(messaging(event)))).toEqual({
      channel: 'facebook', op: 'create', externalId: 'm_AAA',
      author: { externalUserId: psid, handle: null, displayName: null, followers: null, verified: false },
      direction: 'in', visibility: 'private', text: 'Where is my refund?', langs: [],
      createdAt: new Date(1_717_243_200_123), parentExternalId: null, threadExternalId: `messenger:${pageId}:${psid}`,
      url: null, engagement: null,
      raw: { kind: 'dm', ownerId: pageId, customerId: psid, mid: 'm_AAA', timestampMs: 1_717_243_200_123, event },
    })
  })

  it('lists attachments as links, keeps quick-reply text, threads replies to a message', () => {
    const m = onlyMessage(parse(messaging(inbound({
      mid: 'm_B', text: 'see photo', reply_to: { mid: 'm_A' }, quick_reply: { payload: 'YES' },
      attachments: [{ type: 'image', payload: { url: 'https://cdn.example/1.jpg' } }, { type: 'fallback', title: 'Shared link', payload: null }, 'junk'],
    }))))
    expect(m.text).toBe('see photo\n[image] https://cdn.example/1.jpg\n[fallback] Shared link')
    expect(m.parentExternalId).toBe('m_A')
    expect(onlyMessage(parse(messaging(inbound({ mid: 'm_C', attachments: [{ type: 'sticker', payload: { url: 'https://cdn.example/s.png', sticker_id: 369239263222822 } }] })))).text)
      .toBe('[sticker] https://cdn.example/s.png')
  })

  it('echoes of the Page’s own sends are outbound in the customer’s thread', () => {
    const echo = { sender: { id: pageId }, recipient: { id: psid }, timestamp: 1_717_243_300_000, message: { mid: 'm_E', is_echo: true, app_id: 1, text: 'We are on it' } }
    expect(onlyMessage(parse(messaging(echo)))).toMatchObject({
      direction: 'out', visibility: 'private', author: { externalUserId: pageId }, threadExternalId: `messenger:${pageId}:${psid}`,
    })
  })

  it('postbacks read their title (or payload); without a mid the id is sender + timestamp', () => {
    expect(onlyMessage(parse(messaging({ sender: { id: psid }, recipient: { id: pageId }, timestamp: 5_000_000_000_000, postback: { mid: 'm_P', title: 'Track order', payload: 'TRACK' } }))))
      .toMatchObject({ externalId: 'm_P', text: 'Track order', direction: 'in' })
    expect(onlyMessage(parse(messaging({ sender: { id: psid }, recipient: { id: pageId }, timestamp: 5_000_000_000_000, postback: { payload: 'GET_STARTED' } }))))
      .toMatchObject({ externalId: `postback:${psid}:5000000000000`, text: 'GET_STARTED' })
  })

  it('unsends are deletes, message_edit events are updates of the same mid', () => {
    expect(onlyMessage(parse(messaging(inbound({ mid: 'm_AAA', is_deleted: true }))))).toMatchObject({ op: 'delete', externalId: 'm_AAA', text: '', author: null })
    expect(onlyMessage(parse(messaging({ sender: { id: psid }, recipient: { id: pageId }, timestamp: 1_717_243_400_000, message_edit: { mid: 'm_AAA', text: 'Where is my refund??', num_edit: 1 } }))))
      .toMatchObject({ op: 'update', externalId: 'm_AAA', text: 'Where is my refund??', direction: 'in' })
  })

  it('skips receipts, referrals, reactions, optins, events without a sender or mid, and standby', () => {
    const body = {
      object: 'page',
      entry: [{
        id: pageId, time: 1_717_243_200_500,
        messaging: [
          { sender: { id: psid }, recipient: { id: pageId }, delivery: { mids: ['m_1'], watermark: 1 } },
          { sender: { id: psid }, recipient: { id: pageId }, timestamp: 1, read: { watermark: 1 } },
          { sender: { id: psid }, recipient: { id: pageId }, timestamp: 1, referral: { ref: 'ad' } },
          { sender: { id: psid }, recipient: { id: pageId }, timestamp: 1, reaction: { mid: 'm_1', action: 'react', reaction: 'love' } },
          { recipient: { id: pageId }, timestamp: 1, message: { mid: 'm_x', text: 'who?' } },
          { sender: { id: psid }, recipient: { id: pageId }, timestamp: 1, message: { text: 'no mid' } },
          inbound({ mid: 'm_ok', text: 'ok' }),
        ],
        standby: [inbound({ mid: 'm_standby', text: 'other app' })],
      }],
    }
    const result = parse(body)
    expect(messagesOf(result).map((m) => m.externalId)).toEqual(['m_ok'])
    expect(result.ok && result.skipped).toBe(7)
  })
})

describe('parseFacebookPayload: not a Page delivery', () => {
  it.each([
    ['bad JSON', '{"object":', 'MALFORMED_JSON'],
    ['an array', '[]', 'INVALID_SHAPE'],
    ['no entry', '{"object":"page"}', 'INVALID_SHAPE'],
    ['an Instagram delivery', '{"object":"instagram","entry":[]}', 'UNSUPPORTED_EVENT'],
    ['a permissions delivery', '{"object":"permissions","entry":[]}', 'UNSUPPORTED_EVENT'],
    ['a Graph error', '{"error":{"message":"Invalid OAuth access token","code":190}}', 'PLATFORM_ERROR'],
  ])('parks %s', (_what, body, reason) => {
    expect(parse(body)).toMatchObject({ ok: false, reason })
  })

  it('parks oversized bodies and answers nothing for an empty entry list', () => {
    expect(parse(' '.repeat(metaBodyCharsMax + 1))).toMatchObject({ ok: false, reason: 'TOO_LARGE' })
    expect(parse({ object: 'page', entry: [] })).toEqual({ ok: true, messages: [], skipped: 0 })
  })
})

describe.skipIf(!hasSharedFixtures)('parseFacebookPayload: shared Meta fixtures', () => {
  const feedCases = (): Record<string, unknown> => {
    const all: unknown = JSON.parse(readFixture('meta', 'page_feed_changes.reconstructed.json'))
    return isRecord(all) ? { ...all } : {}
  }
  const feedCase = (name: string) => parse(feedCases()[name])

  it('every fixture document and feed case parses well-formed without throwing', () => {
    for (const file of listFixtures('meta')) {
      const text = readFixture('meta', file)
      expect(parseResultProblems(parseFacebookPayload({ body: text })), file).toEqual([])
    }
    for (const [name, body] of Object.entries(feedCases())) expect(parseResultProblems(parse(body)), name).toEqual([])
  })

  it('page feed: statuses, comments, edits and removes; reactions skipped; the Page’s own comment is out', () => {
    expect(onlyMessage(feedCase('statusAdd'))).toMatchObject({ op: 'create', externalId: '137542570280222_139610053406744', text: 'test', author: { externalUserId: '139560936744123', displayName: 'user' }, threadExternalId: null })
    expect(onlyMessage(feedCase('statusEdited'))).toMatchObject({ op: 'update', externalId: '137542570280222_139560936744456', text: '1234' })
    expect(onlyMessage(feedCase('postRemove'))).toMatchObject({ op: 'delete', externalId: '137542570280222_139610053406744', text: '' })
    expect(onlyMessage(feedCase('commentAdd'))).toMatchObject({
      op: 'create', externalId: '139560936744456_139620233405726', text: 'Good', createdAt: new Date(1_511_951_015_000),
      parentExternalId: '139560936744456_139562213411528', threadExternalId: '137542570280222_139560936744456', direction: 'in',
    })
    expect(onlyMessage(feedCase('commentEdited'))).toMatchObject({ op: 'update', externalId: '139560936744456_139597043408045', text: 'Great', parentExternalId: '137542570280222_139560936744456' })
    expect(onlyMessage(feedCase('commentRemove'))).toMatchObject({ op: 'delete', externalId: '139560936744456_139597043408045', author: null })
    for (const name of ['reactionAdd', 'reactionEdit', 'reactionRemove', 'postReaction']) expect(feedCase(name), name).toEqual({ ok: true, messages: [], skipped: 1 })
    expect(onlyMessage(feedCase('sentByPage'))).toMatchObject({ direction: 'out', text: 'Public reply!', author: { displayName: 'Bottender' } })
    expect(onlyMessage(feedCase('videoCommentAdd'))).toMatchObject({ text: '100', url: 'https://www.facebook.com/xxx/posts/1111?comment_id=139560936755999_140077616693321' })
  })

  it('Messenger: text, quick reply, nlp, echo, postback are messages; delivery/read/referral skipped', () => {
    const fixture = (file: string) => parseFacebookPayload({ body: readFixture('meta', file), origin: file })
    expect(onlyMessage(fixture('messenger_message_text.json'))).toMatchObject({
      externalId: 'mid.1480279487147:4388d3b344', text: 'Hi', visibility: 'private', direction: 'in',
      author: { externalUserId: '1433960459967306' }, threadExternalId: 'messenger:111899832631525:1433960459967306',
      createdAt: new Date(1_480_279_487_147),
    })
    expect(onlyMessage(fixture('messenger_message_quick_reply.json'))).toMatchObject({ text: 'Red', raw: { event: { message: { quick_reply: { payload: 'MY_PAYLOAD' } } } } })
    expect(onlyMessage(fixture('messenger_message_with_nlp.json'))).toMatchObject({ externalId: 'mid.$cAABlxfDuVgpkzP8I5Fem7nAgTm_7', text: 'bye, see you tomorrow at 4pm' })
    // botman's echo keeps the customer as sender: still outbound, still in the customer's thread.
    expect(onlyMessage(fixture('messenger_message_echo.json'))).toMatchObject({ direction: 'out', threadExternalId: 'messenger:111899832631525:1433960459967306' })
    expect(onlyMessage(fixture('messenger_postback.json'))).toMatchObject({ externalId: 'postback:1433960459967306:1480279487147', text: 'MY_PAYLOAD' })
    for (const file of ['messenger_delivery.json', 'messenger_read.json', 'messenger_referral.json']) expect(fixture(file), file).toEqual({ ok: true, messages: [], skipped: 1 })
  })

  it('Instagram deliveries and the vectors file are not Page deliveries', () => {
    const ig: unknown = JSON.parse(readFixture('meta', 'instagram_webhooks.CONSTRUCTED.json'))
    const first = isRecord(ig) ? ig['comment_on_media'] : null
    expect(parse(first)).toMatchObject({ ok: false, reason: 'UNSUPPORTED_EVENT' })
    expect(parseFacebookPayload({ body: readFixture('meta', 'webhook_verification_and_signature_vectors.json') })).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' })
  })

  it('never throws on any prefix of a real delivery', () => {
    const body = readFixture('meta', 'messenger_message_with_nlp.json')
    fc.assert(fc.property(fc.nat(), (cut) => {
      expect(parseResultProblems(parseFacebookPayload({ body: body.slice(0, cut % (body.length + 1)) }))).toEqual([])
    }), { numRuns: 200 })
  })
})

describe('parseFacebookPayload: properties', () => {
  const total = (body: string) => {
    expect(parseResultProblems(parseFacebookPayload({ body }))).toEqual([])
  }

  it('never throws on arbitrary strings and JSON', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), total), { numRuns: 300 })
    // Any UTF-16 code units, lone surrogates and control characters included.
    const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((units) => String.fromCharCode(...units))
    fc.assert(fc.property(codeUnits, total), { numRuns: 300 })
    fc.assert(fc.property(fc.json(), total), { numRuns: 300 })
  })

  const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue())
  const id = fc.oneof(fc.constantFrom(pageId, customer.id, postId, '1_2'), fc.nat().map(String), anyValue)
  const value = fc.record({
    from: fc.oneof(fc.record({ id, name: anyValue }), anyValue), item: fc.oneof(fc.constantFrom('comment', 'post', 'status', 'reaction', 'photo'), anyValue),
    verb: fc.oneof(fc.constantFrom('add', 'edited', 'remove', 'hide'), anyValue), comment_id: id, post_id: id, parent_id: id,
    created_time: fc.oneof(fc.integer(), fc.double(), fc.constant('2024-06-01T12:00:00+0000'), anyValue), message: anyValue, photo: anyValue,
    post: fc.oneof(fc.record({ permalink_url: anyValue }), anyValue),
  }, { requiredKeys: [] })
  const event = fc.record({
    sender: fc.oneof(fc.record({ id }), anyValue), recipient: fc.oneof(fc.record({ id }), anyValue), timestamp: fc.oneof(fc.integer(), fc.double(), anyValue),
    message: fc.oneof(fc.record({ mid: id, text: anyValue, is_echo: anyValue, is_deleted: anyValue, attachments: anyValue, reply_to: anyValue }, { requiredKeys: [] }), anyValue),
    postback: fc.oneof(fc.record({ mid: id, title: anyValue, payload: anyValue }, { requiredKeys: [] }), anyValue),
    message_edit: fc.oneof(fc.record({ mid: id, text: anyValue }, { requiredKeys: [] }), anyValue),
  }, { requiredKeys: [] })
  const delivery = fc.record({
    object: fc.oneof(fc.constant('page'), anyValue),
    entry: fc.oneof(fc.array(fc.record({
      id, time: fc.oneof(fc.integer(), anyValue), changes: fc.oneof(fc.array(fc.record({ field: fc.oneof(fc.constant('feed'), anyValue), value: fc.oneof(value, anyValue) })), anyValue),
      messaging: fc.oneof(fc.array(event), anyValue),
    }, { requiredKeys: [] }), { maxLength: 3 }), anyValue),
  }, { requiredKeys: [] })

  it('results are always well-formed for Page-shaped deliveries with hostile fields', () => {
    fc.assert(fc.property(delivery, (body) => total(JSON.stringify(body))), { numRuns: 500 })
  })
})

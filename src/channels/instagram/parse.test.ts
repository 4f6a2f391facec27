import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { messagesOf, onlyMessage, parseResultProblems } from '../testing.ts'
import { isRecord } from '../wire.ts'
import { instagram } from './index.ts'
import { parseInstagramPayload } from './parse.ts'

warnIfNoShared()

const igId = '17841400000000099'
const customer = { id: '5550000000000001', username: 'happy_cust' }
const mediaId = '17890000000000099'

function parse(body: unknown): ParseResult {
  return parseInstagramPayload({ body: typeof body === 'string' ? body : JSON.stringify(body), origin: 'test' })
}

const change = (field: string, value: unknown, time = 1_719_835_200) => ({ object: 'instagram', entry: [{ id: igId, time, changes: [{ field, value }] }] })
const comment = { from: customer, media: { id: mediaId, media_product_type: 'FEED' }, id: '17860000000000099', text: 'Does it come in blue?' }

describe('instagram channel', () => {
  it('is registered as Instagram, document framing, 2200-character replies, Meta verify and send', () => {
    expect(instagram).toMatchObject({ name: 'instagram', label: 'Instagram', framing: 'document', openListening: false, replyLengthMax: 2200 })
    expect(instagram.parse).toBe(parseInstagramPayload)
    expect(instagram.verify).toBeTypeOf('function')
    expect(instagram.send?.actions).toEqual(['reply', 'dm', 'hide', 'delete'])
    expect(instagram.accountFields).toEqual({ settings: ['apiBaseUrl', 'igUserId', 'graphVersion'], secrets: ['pageAccessToken', 'appSecret', 'verifyToken'] })
  })
})

describe('parseInstagramPayload: comments and mentions', () => {
  it('reads a comment on our media: thread is the media, raw keeps the ids send needs', () => {
    expect(onlyMessage(parse(change('comments', comment)))).toEqual({
      channel: 'instagram', op: 'create', externalId: '17860000000000099',
      author: { externalUserId: customer.id, handle: 'happy_cust', displayName: null, followers: null, verified: false },
      direction: 'in', visibility: 'public', text: 'Does it come in blue?', langs: [],
      createdAt: new Date(1_719_835_200_000), parentExternalId: mediaId, threadExternalId: mediaId, url: null, engagement: null,
      raw: { kind: 'comment', ownerId: igId, commentId: '17860000000000099', postId: mediaId, parentCommentId: null, fromId: customer.id, event: comment },
    })
  })

  it('reads replies (parent_id), live comments, and our own replies as outbound', () => {
    const reply = { ...comment, id: '17860000000000100', parent_id: '17860000000000099' }
    expect(onlyMessage(parse(change('comments', reply)))).toMatchObject({ parentExternalId: '17860000000000099', threadExternalId: mediaId, raw: { parentCommentId: '17860000000000099' } })
    expect(onlyMessage(parse(change('live_comments', { ...comment, id: '1786000000000101', media: undefined, media_id: mediaId })))).toMatchObject({ threadExternalId: mediaId })
    expect(onlyMessage(parse(change('comments', { ...reply, from: { id: igId, username: 'acme' } })))).toMatchObject({ direction: 'out', author: { handle: 'acme' } })
  })

  it('reads mentions: comment mentions thread under the media, caption mentions are their own root', () => {
    expect(onlyMessage(parse(change('mentions', { media_id: mediaId, comment_id: '17860000000000200' })))).toMatchObject({
      externalId: '17860000000000200', text: '', author: null, parentExternalId: mediaId, threadExternalId: mediaId,
      raw: { kind: 'mention', ownerId: igId, mediaId, commentId: '17860000000000200' },
    })
    expect(onlyMessage(parse(change('mentions', { media_id: mediaId })))).toMatchObject({ externalId: mediaId, threadExternalId: null, raw: { commentId: null } })
  })

  it('skips other fields and comments without ids, counting them', () => {
    const body = {
      object: 'instagram',
      entry: [{ id: igId, time: 1_719_835_200, changes: [
        { field: 'story_insights', value: { media_id: '1', impressions: 3 } },
        { field: 'comments', value: { ...comment, id: undefined } },
        { field: 'comments', value: { ...comment, media: { media_product_type: 'FEED' } } },
        { field: 'comments' },
        { field: 'comments', value: comment },
      ] }],
    }
    const result = parse(body)
    expect(messagesOf(result)).toHaveLength(1)
    expect(result.ok && result.skipped).toBe(4)
  })
})

describe('parseInstagramPayload: DMs', () => {
  const dm = (event: Record<string, unknown>) => ({ object: 'instagram', entry: [{ id: igId, time: 1_719_835_380_123, messaging: [event] }] })
  const base = { sender: { id: customer.id }, recipient: { id: igId }, timestamp: 1_719_835_379_876 }

  it('reads a DM as private in the customer thread; echoes are outbound; unsends are deletes', () => {
    expect(onlyMessage(parse(dm({ ...base, message: { mid: 'aWdf1', text: 'Hi' } })))).toMatchObject({
      externalId: 'aWdf1', visibility: 'private', direction: 'in', text: 'Hi', threadExternalId: `instagram:${igId}:${customer.id}`,
      raw: { kind: 'dm', ownerId: igId, customerId: customer.id, mid: 'aWdf1', timestampMs: 1_719_835_379_876 },
    })
    expect(onlyMessage(parse(dm({ sender: { id: igId }, recipient: { id: customer.id }, timestamp: 1, message: { mid: 'aWdf2', text: 'Hello!', is_echo: true } }))))
      .toMatchObject({ direction: 'out', threadExternalId: `instagram:${igId}:${customer.id}` })
    expect(onlyMessage(parse(dm({ ...base, message: { mid: 'aWdf1', is_deleted: true } })))).toMatchObject({ op: 'delete', text: '' })
  })

  it('reads story mentions as attachment links; skips reactions and reads', () => {
    expect(onlyMessage(parse(dm({ ...base, message: { mid: 'aWdf3', attachments: [{ type: 'story_mention', payload: { url: 'https://lookaside.example/x' } }] } }))).text)
      .toBe('[story_mention] https://lookaside.example/x')
    expect(parse(dm({ ...base, reaction: { mid: 'aWdf1', action: 'react', emoji: '❤️' } }))).toEqual({ ok: true, messages: [], skipped: 1 })
    expect(parse(dm({ ...base, read: { mid: 'aWdf1' } }))).toEqual({ ok: true, messages: [], skipped: 1 })
  })

  it('parks Page deliveries and garbage', () => {
    expect(parse({ object: 'page', entry: [] })).toMatchObject({ ok: false, reason: 'UNSUPPORTED_EVENT' })
    expect(parse('nope')).toMatchObject({ ok: false, reason: 'MALFORMED_JSON' })
    expect(parse({ entry: [] })).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' })
  })
})

describe.skipIf(!hasSharedFixtures)('parseInstagramPayload: shared CONSTRUCTED fixture (shape only)', () => {
  const cases = (): Record<string, unknown> => {
    const all: unknown = JSON.parse(readFixture('meta', 'instagram_webhooks.CONSTRUCTED.json'))
    return isRecord(all) ? { ...all } : {}
  }
  const fixture = (name: string) => parse(cases()[name])

  it('every sample parses well-formed', () => {
    for (const [name, body] of Object.entries(cases())) {
      if (name.startsWith('_')) continue
      expect(parseResultProblems(parse(body)), name).toEqual([])
      expect(parse(body).ok, name).toBe(true)
    }
  })

  it('comments, replies, mentions, DMs, unsend, echo, story mention; reactions and reads skipped', () => {
    expect(onlyMessage(fixture('comment_on_media'))).toMatchObject({ externalId: '17860000000000001', text: 'Does this come in size M?', author: { handle: 'some_customer' }, threadExternalId: '17890000000000001' })
    expect(onlyMessage(fixture('reply_to_comment'))).toMatchObject({ externalId: '17860000000000002', parentExternalId: '17860000000000001' })
    expect(onlyMessage(fixture('mention_in_comment'))).toMatchObject({ externalId: '17860000000000003', threadExternalId: '17890000000000002' })
    const text = onlyMessage(fixture('dm_text'))
    expect(text).toMatchObject({ text: "Hi, my order hasn't arrived", visibility: 'private', createdAt: new Date(1_719_835_379_876) })
    expect(onlyMessage(fixture('dm_unsend'))).toMatchObject({ op: 'delete', externalId: text.externalId })
    expect(onlyMessage(fixture('dm_echo_sent_by_business'))).toMatchObject({ direction: 'out', threadExternalId: text.threadExternalId })
    expect(onlyMessage(fixture('dm_story_mention')).text).toMatch(/^\[story_mention\] https:\/\/lookaside/)
    expect(fixture('dm_reaction')).toEqual({ ok: true, messages: [], skipped: 1 })
    expect(fixture('dm_read')).toEqual({ ok: true, messages: [], skipped: 1 })
  })
})

describe('parseInstagramPayload: properties', () => {
  const total = (body: string) => {
    expect(parseResultProblems(parseInstagramPayload({ body }))).toEqual([])
  }
  const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue())
  const id = fc.oneof(fc.constantFrom(igId, customer.id, mediaId), fc.nat().map(String), anyValue)
  const value = fc.record({
    from: fc.oneof(fc.record({ id, username: anyValue }), anyValue), media: fc.oneof(fc.record({ id }), anyValue), media_id: id,
    id, parent_id: id, comment_id: id, text: anyValue, timestamp: anyValue,
  }, { requiredKeys: [] })
  const delivery = fc.record({
    object: fc.oneof(fc.constant('instagram'), anyValue),
    entry: fc.oneof(fc.array(fc.record({
      id, time: fc.oneof(fc.integer(), anyValue),
      changes: fc.oneof(fc.array(fc.record({ field: fc.oneof(fc.constantFrom('comments', 'live_comments', 'mentions'), anyValue), value: fc.oneof(value, anyValue) })), anyValue),
      messaging: fc.oneof(fc.array(fc.record({ sender: fc.record({ id }), recipient: fc.record({ id }), timestamp: anyValue, message: anyValue })), anyValue),
    }, { requiredKeys: [] }), { maxLength: 3 }), anyValue),
  }, { requiredKeys: [] })

  it('never throws on arbitrary JSON, and Instagram-shaped deliveries stay well-formed', () => {
    fc.assert(fc.property(fc.json(), total), { numRuns: 300 })
    fc.assert(fc.property(fc.string({ maxLength: 200 }), total), { numRuns: 200 })
    fc.assert(fc.property(delivery, (body) => total(JSON.stringify(body))), { numRuns: 500 })
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, listFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { jsonLines, messagesOf, onlyMessage, parseResultProblems } from '../testing.ts'
import { isRecord } from '../wire.ts'
import { xTwitter } from './index.ts'
import { parseXPayload, xBodyCharsMax } from './parse.ts'

warnIfNoShared()

const brandId = '1500000000000000001'
const customerId = '1400000000000000002'

function parse(body: string): ParseResult {
  return parseXPayload({ body, origin: 'test' })
}

const customer = {
  id: customerId, username: 'grumpy_cust', name: 'Grumpy Customer', verified: false,
  public_metrics: { followers_count: 321, following_count: 10, tweet_count: 99, listed_count: 0 },
}
const brand = { id: brandId, username: 'AcmeHelp', name: 'Acme Support', verified: true, public_metrics: { followers_count: 90000 } }

const replyTweet = {
  id: '1800000000000000100',
  text: '@AcmeHelp my router is dead again',
  author_id: customerId,
  conversation_id: '1800000000000000001',
  created_at: '2024-06-01T12:00:00.000Z',
  lang: 'en',
  edit_history_tweet_ids: ['1800000000000000100'],
  referenced_tweets: [{ type: 'replied_to', id: '1800000000000000050' }],
  public_metrics: { retweet_count: 1, reply_count: 2, like_count: 3, quote_count: 4 },
}

describe('x-twitter channel', () => {
  it('is registered as X with jsonl framing and 280-character replies', () => {
    expect(xTwitter).toMatchObject({ name: 'x-twitter', label: 'X', framing: 'jsonl', replyLengthMax: 280 })
    expect(xTwitter.parse).toBe(parseXPayload)
  })
})

describe('parseXPayload: v2 own payloads', () => {
  it('joins the author from includes.users and threads a reply by conversation_id', () => {
    const line = JSON.stringify({ data: replyTweet, includes: { users: [customer, brand] }, matching_rules: [{ id: '17', tag: 'brand' }] })
    expect(onlyMessage(parse(line))).toEqual({
      channel: 'x-twitter',
      op: 'create',
      externalId: '1800000000000000100',
      author: { externalUserId: customerId, handle: 'grumpy_cust', displayName: 'Grumpy Customer', followers: 321, verified: false },
      direction: 'in',
      visibility: 'public',
      text: '@AcmeHelp my router is dead again',
      langs: ['en'],
      createdAt: new Date('2024-06-01T12:00:00.000Z'),
      parentExternalId: '1800000000000000050',
      threadExternalId: '1800000000000000001',
      url: 'https://x.com/grumpy_cust/status/1800000000000000100',
      engagement: { likes: 3, reposts: 1, replies: 2, quotes: 4 },
      media: [],
      raw: replyTweet,
    })
  })

  it('gives a conversation root no thread key', () => {
    const root = { ...replyTweet, id: '1800000000000000001', referenced_tweets: undefined }
    const m = onlyMessage(parse(JSON.stringify({ data: root, includes: { users: [customer] } })))
    expect(m.threadExternalId).toBeNull()
    expect(m.parentExternalId).toBeNull()
  })

  it('keys an edited Tweet by its original id and marks it as an update; the url shows the latest version', () => {
    const edited = { ...replyTweet, id: '1800000000000000300', edit_history_tweet_ids: ['1800000000000000100', '1800000000000000300'] }
    const m = onlyMessage(parse(JSON.stringify({ data: edited, includes: { users: [customer] } })))
    expect(m.op).toBe('update')
    expect(m.externalId).toBe('1800000000000000100')
    expect(m.url).toBe('https://x.com/grumpy_cust/status/1800000000000000300')
  })

  it('maps a reply to a later version of an edited Tweet back to its original id when includes has the history', () => {
    const parent = { id: '1800000000000000060', text: 'v2', edit_history_tweet_ids: ['1800000000000000050', '1800000000000000060'] }
    const reply = { ...replyTweet, conversation_id: '1800000000000000060', referenced_tweets: [{ type: 'replied_to', id: '1800000000000000060' }] }
    const m = onlyMessage(parse(JSON.stringify({ data: reply, includes: { users: [customer], tweets: [parent] } })))
    expect(m.parentExternalId).toBe('1800000000000000050')
    expect(m.threadExternalId).toBe('1800000000000000050')
  })

  it('reads a lookup page: Tweets become messages, retweets and non-Tweets are skipped', () => {
    const retweet = { ...replyTweet, id: '1800000000000000200', referenced_tweets: [{ type: 'retweeted', id: '1800000000000000001' }] }
    const quote = {
      ...replyTweet, id: '1800000000000000201', edit_history_tweet_ids: ['1800000000000000201'],
      referenced_tweets: [{ type: 'quoted', id: '1800000000000000001' }],
    }
    const result = parse(JSON.stringify({ data: [replyTweet, retweet, quote, { nope: true }, 'x'], includes: { users: [customer] }, meta: { result_count: 5 } }))
    expect(messagesOf(result).map((m) => m.externalId)).toEqual(['1800000000000000100', '1800000000000000201'])
    expect(result.ok && result.skipped).toBe(3)
  })

  it('ignores an edit history that does not contain the Tweet id', () => {
    const odd = { ...replyTweet, edit_history_tweet_ids: ['1800000000000000001', '1800000000000000002'] }
    expect(onlyMessage(parse(JSON.stringify({ data: odd })))).toMatchObject({ externalId: '1800000000000000100', op: 'create' })
  })

  it('uses note_tweet text for long posts and falls back to a bare author and the snowflake time', () => {
    const tweet = { id: '1578516295611748353', text: 'cut…', note_tweet: { text: 'the whole long post' }, author_id: customerId, lang: 'und' }
    const m = onlyMessage(parse(JSON.stringify({ data: [tweet] })))
    expect(m.text).toBe('the whole long post')
    expect(m.author).toEqual({ externalUserId: customerId, handle: null, displayName: null, followers: null, verified: false })
    expect(m.createdAt).toEqual(new Date(1_665_182_586_945))
    expect(m.langs).toEqual([])
    expect(m.url).toBe('https://x.com/i/web/status/1578516295611748353')
    expect(m.engagement).toBeNull()
  })

  it('reads v2 DM events as private messages in their dm_conversation', () => {
    const body = {
      data: [
        { id: '1585800613752881156', event_type: 'MessageCreate', text: 'where is my refund', sender_id: customerId,
          dm_conversation_id: `${customerId}-${brandId}`, created_at: '2024-06-02T08:00:00.000Z' },
        { id: '1585800613752881157', event_type: 'ParticipantsJoin', dm_conversation_id: 'x' },
      ],
      includes: { users: [customer] },
    }
    const result = parse(JSON.stringify(body))
    expect(messagesOf(result)).toEqual([expect.objectContaining({
      externalId: '1585800613752881156', visibility: 'private', direction: 'in', text: 'where is my refund',
      threadExternalId: `${customerId}-${brandId}`, author: expect.objectContaining({ handle: 'grumpy_cust' }), url: null,
    })])
    expect(result.ok && result.skipped).toBe(1)
  })

  it('returns nothing for keep-alives and empty pages', () => {
    expect(parse('\r\n')).toEqual({ ok: true, messages: [], skipped: 0 })
    expect(parse('')).toEqual({ ok: true, messages: [], skipped: 0 })
    expect(parse('{"meta":{"result_count":0}}')).toEqual({ ok: true, messages: [], skipped: 0 })
  })

  it('parks in-stream error objects as PLATFORM_ERROR', () => {
    const disconnect = {
      errors: [{ title: 'operational-disconnect', disconnect_type: 'UpstreamOperationalDisconnect',
        detail: 'This stream has been disconnected upstream for operational reasons.',
        type: 'https://api.twitter.com/2/problems/operational-disconnect' }],
    }
    const result = parse(JSON.stringify(disconnect))
    expect(result).toMatchObject({ ok: false, reason: 'PLATFORM_ERROR' })
    expect(result.ok ? '' : result.detail).toContain('operational-disconnect')
    expect(parse('{"errors":[{"code":88,"message":"Rate limit exceeded"}]}')).toMatchObject({ ok: false, reason: 'PLATFORM_ERROR' })
  })

  it('keeps the Tweets of a partial lookup that also reports errors', () => {
    const body = { data: [replyTweet], errors: [{ value: '1', detail: 'Could not find tweet with ids: [1].', title: 'Not Found Error' }] }
    expect(messagesOf(parse(JSON.stringify(body)))).toHaveLength(1)
  })
})

describe('parseXPayload: v1.1 and Account Activity own payloads', () => {
  // Written as text: the numeric `id` is beyond 2^53 and JSON.parse rounds it.
  const v1Reply = `{"created_at":"Sat Jun 01 12:00:00 +0000 2024","id":1800000000000000777,"id_str":"1800000000000000777",
    "text":"@AcmeHelp still broken","in_reply_to_status_id":1800000000000000700,"in_reply_to_status_id_str":"1800000000000000700",
    "user":{"id":1400000000000000002,"id_str":"${customerId}","name":"Grumpy Customer","screen_name":"grumpy_cust",
    "followers_count":321,"verified":false},"retweet_count":0,"favorite_count":5,"lang":"en"}`

  it('reads id_str, never the rounded numeric id', () => {
    expect(JSON.parse(v1Reply).id).not.toBe(1800000000000000777n.toString())
    const m = onlyMessage(parse(v1Reply))
    expect(m).toMatchObject({
      externalId: '1800000000000000777', parentExternalId: '1800000000000000700', threadExternalId: null,
      author: { externalUserId: customerId, handle: 'grumpy_cust', followers: 321, verified: false },
      createdAt: new Date('2024-06-01T12:00:00Z'), url: 'https://x.com/grumpy_cust/status/1800000000000000777',
      engagement: { likes: 5, reposts: 0, replies: 0, quotes: 0 }, direction: 'in', visibility: 'public', langs: ['en'],
    })
  })

  it('prefers extended_tweet.full_text and skips retweets in a timeline array', () => {
    const long = { ...JSON.parse(v1Reply), id_str: '1800000000000000778', extended_tweet: { full_text: 'a much longer text' } }
    const retweet = { ...JSON.parse(v1Reply), id_str: '1800000000000000779', retweeted_status: { id_str: '1' } }
    const result = parse(JSON.stringify([long, retweet]))
    expect(messagesOf(result).map((m) => m.text)).toEqual(['a much longer text'])
    expect(result.ok && result.skipped).toBe(1)
  })

  it('reads an Account Activity DM from a customer as inbound and private', () => {
    const body = {
      for_user_id: brandId,
      direct_message_events: [{
        type: 'message_create', id: '1800000000000000900', created_timestamp: '1717243200000',
        message_create: { target: { recipient_id: brandId }, sender_id: customerId, message_data: { text: 'hello?' } },
      }],
      users: { [customerId]: { id: customerId, name: 'Grumpy Customer', screen_name: 'grumpy_cust', followers_count: 321, verified: false } },
    }
    expect(onlyMessage(parse(JSON.stringify(body)))).toMatchObject({
      externalId: '1800000000000000900', direction: 'in', visibility: 'private', text: 'hello?',
      createdAt: new Date(1_717_243_200_000), threadExternalId: `${customerId}-${brandId}`,
      author: { externalUserId: customerId, handle: 'grumpy_cust' }, parentExternalId: null, url: null,
    })
  })

  it('marks the echo of a DM the account sent itself as outbound', () => {
    const body = {
      for_user_id: brandId,
      direct_message_events: [{
        type: 'message_create', id: '1800000000000000901', created_timestamp: '1717243201000',
        message_create: { target: { recipient_id: customerId }, sender_id: brandId, message_data: { text: 'on it' } },
      }],
    }
    const m = onlyMessage(parse(JSON.stringify(body)))
    expect(m.direction).toBe('out')
    expect(m.threadExternalId).toBe(`${customerId}-${brandId}`)
    expect(m.author).toEqual({ externalUserId: brandId, handle: null, displayName: null, followers: null, verified: false })
  })

  it('reads tweet_create_events (ours out, theirs in), tweet_delete_events and skips other events', () => {
    const ours = { ...JSON.parse(v1Reply), id_str: '1800000000000000800', user: { id_str: brandId, screen_name: 'AcmeHelp' } }
    const body = {
      for_user_id: brandId,
      user_has_blocked: false,
      tweet_create_events: [JSON.parse(v1Reply), ours],
      tweet_delete_events: [{ status: { id: '1800000000000000555', user_id: customerId }, timestamp_ms: '1717243300000' }],
      favorite_events: [{ id: 'f1' }],
    }
    const result = parse(JSON.stringify(body))
    expect(messagesOf(result).map((m) => [m.externalId, m.op, m.direction])).toEqual([
      ['1800000000000000777', 'create', 'in'],
      ['1800000000000000800', 'create', 'out'],
      ['1800000000000000555', 'delete', 'in'],
    ])
    expect(messagesOf(result)[2]).toMatchObject({ author: null, text: '', createdAt: new Date(1_717_243_300_000) })
    expect(result.ok && result.skipped).toBe(1)
  })

  it('reads one POST holding DMs, Tweets, deletes and typing events; the brand\'s own are outbound', () => {
    const body = {
      for_user_id: brandId,
      direct_message_events: [
        { type: 'message_create', id: '1800000000000000910', created_timestamp: '1717243200000',
          message_create: { target: { recipient_id: brandId }, sender_id: customerId, message_data: { text: 'my order?' } } },
        { type: 'message_create', id: '1800000000000000911', created_timestamp: '1717243260000',
          message_create: { target: { recipient_id: customerId }, sender_id: brandId, message_data: { text: 'checking' } } },
      ],
      users: {
        [customerId]: { id: customerId, screen_name: 'grumpy_cust', name: 'Grumpy Customer' },
        [brandId]: { id: brandId, screen_name: 'AcmeHelp', name: 'Acme Support' },
      },
      tweet_create_events: [{ id_str: '1800000000000000920', text: '@grumpy_cust fixed', in_reply_to_status_id_str: '1800000000000000777', user: { id_str: brandId, screen_name: 'AcmeHelp' } }],
      tweet_delete_events: [{ status: { id: '1800000000000000920', user_id: brandId }, timestamp_ms: '1717243400000' }],
      direct_message_indicate_typing_events: [{ created_timestamp: '1717243199000', sender_id: customerId, target: { recipient_id: brandId } }],
    }
    const result = parse(JSON.stringify(body))
    expect(messagesOf(result).map((m) => [m.externalId, m.op, m.direction, m.visibility, m.author?.handle ?? null])).toEqual([
      ['1800000000000000910', 'create', 'in', 'private', 'grumpy_cust'],
      ['1800000000000000911', 'create', 'out', 'private', 'AcmeHelp'],
      ['1800000000000000920', 'create', 'out', 'public', 'AcmeHelp'],
      ['1800000000000000920', 'delete', 'out', 'public', null],
    ])
    expect(messagesOf(result)[1]?.threadExternalId).toBe(`${customerId}-${brandId}`)
    expect(result.ok && result.skipped).toBe(1)
    // A replayed delivery gives the same ids (the pipeline dedupes on them).
    expect(messagesOf(parse(JSON.stringify(body))).map((m) => m.externalId)).toEqual(messagesOf(result).map((m) => m.externalId))
  })

  it('reads a legacy stream delete notice', () => {
    const notice = { delete: { status: { id: 1800000000000000555, id_str: '1800000000000000555', user_id_str: customerId }, timestamp_ms: '1717243300000' } }
    expect(onlyMessage(parse(JSON.stringify(notice)))).toMatchObject({ op: 'delete', externalId: '1800000000000000555' })
  })

  it.each([
    ['a number', '42'],
    ['a string', '"hi"'],
    ['an unknown object', '{"foo":1}'],
    ['data null', '{"data":null}'],
    ['a write acknowledgement', '{"data":{"deleted":true}}'],
    ['an array of non-Tweets', '[1,2,3]'],
    ['for_user_id without events', `{"for_user_id":"${brandId}"}`],
  ])('parks %s as INVALID_SHAPE', (_name, body) => {
    expect(parse(body)).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' })
  })

  it('parks malformed JSON and oversized bodies', () => {
    expect(parse('{"data": {"author_id": "1021159080151404544"')).toMatchObject({ ok: false, reason: 'MALFORMED_JSON' })
    expect(parse(' '.repeat(xBodyCharsMax + 1))).toMatchObject({ ok: false, reason: 'TOO_LARGE' })
  })
})

/** The response bodies of a decoded VCR cassette `{interactions:[{request, response}]}`. */
function cassetteResponses(file: string): { method: string; uri: string; body: string }[] {
  const cassette: unknown = JSON.parse(readFixture('x-twitter', file))
  if (!isRecord(cassette) || !Array.isArray(cassette['interactions'])) throw new Error(`${file} is not a cassette`)
  return cassette['interactions'].flatMap((interaction: unknown) => {
    if (!isRecord(interaction) || !isRecord(interaction['request']) || !isRecord(interaction['response'])) return []
    const { method, uri } = interaction['request']
    return [{ method: String(method), uri: String(uri), body: JSON.stringify(interaction['response']['body']) }]
  })
}

describe.skipIf(!hasSharedFixtures)('parseXPayload: shared X fixtures', () => {
  const lineResults = (file: string) => jsonLines(readFixture('x-twitter', file)).map((body, i) => parseXPayload({ body, origin: `${file}:${i + 1}` }))

  it('parses every line, document and cassette response without throwing, well-formed', () => {
    for (const file of listFixtures('x-twitter')) {
      const bodies = file.endsWith('.jsonl')
        ? jsonLines(readFixture('x-twitter', file))
        : file.startsWith('v2_http_') ? cassetteResponses(file).map((r) => r.body) : [readFixture('x-twitter', file)]
      for (const body of bodies) expect(parseResultProblems(parseXPayload({ body }))).toEqual([])
    }
  })

  it('filtered stream: 7 Tweets, then the truncated 8th line is parked as MALFORMED_JSON', () => {
    const results = lineResults('v2_streaming_output_with_error.jsonl')
    expect(results).toHaveLength(8)
    expect(results.slice(0, 7).every((r) => r.ok && r.messages.length === 1)).toBe(true)
    expect(results[7]).toMatchObject({ ok: false, reason: 'MALFORMED_JSON' })
    expect(results[1] && messagesOf(results[1])[0]).toMatchObject({
      externalId: '1377650093109743620',
      author: { externalUserId: '3026521093', handle: 'sheelaghb18', followers: 837 },
      parentExternalId: '1377266697850257410',
      threadExternalId: '1377266697850257410',
      createdAt: new Date('2021-04-01T15:52:32.000Z'),
      url: 'https://x.com/sheelaghb18/status/1377650093109743620',
    })
    expect(results[4] && messagesOf(results[4])[0]?.author?.verified).toBe(true)
  })

  it('edited Tweet: keyed by the original id, op update, latest id in the url', () => {
    const [result] = lineResults('v2_edited.jsonl')
    expect(result && onlyMessage(result)).toMatchObject({
      op: 'update',
      externalId: '1576994746135764992',
      threadExternalId: null,
      text: 'hey :) https://t.co/rnwEIoNuqd',
      url: 'https://x.com/wongmjane/status/1576994789110992896',
      author: { handle: 'wongmjane', displayName: 'Jane Manchun Wong', followers: 138097, verified: true },
      engagement: { likes: 27, reposts: 2, replies: 12, quotes: 2 },
    })
  })

  it('reply + quote of an edited Tweet: parent and thread point at the original id', () => {
    const [result] = lineResults('v2_quoted_edit.jsonl')
    expect(result && onlyMessage(result)).toMatchObject({
      op: 'create',
      externalId: '1576995594388000768',
      author: { externalUserId: '1494167419413094401', handle: 'dappdavid99' },
      parentExternalId: '1576994746135764992',
      threadExternalId: '1576994746135764992',
      langs: ['en'],
    })
  })

  it('retweet-only pages are skipped, not messages', () => {
    for (const file of ['v2_two_tweets.jsonl', 'v2_mentions_tweet.jsonl']) {
      expect(lineResults(file)[0]).toEqual({ ok: true, messages: [], skipped: 1 })
    }
  })

  it('v1.1 Tweet object: string ids, user, reply parent', () => {
    expect(onlyMessage(parseXPayload({ body: readFixture('x-twitter', 'v1_1_tweet_object_reply.json') }))).toMatchObject({
      externalId: '1341793727208181762',
      parentExternalId: '1341404809354760192',
      author: { externalUserId: '783214', handle: 'Twitter', followers: 58778710, verified: true },
      createdAt: new Date('2020-12-23T17:12:08Z'),
      text: '@TreyNKennedy 👀 https://t.co/1CZ6VbgaIL',
      engagement: { likes: 1043, reposts: 100, replies: 0, quotes: 0 },
      langs: [],
    })
  })

  it('Account Activity DM echo (sender = for_user_id) is outbound', () => {
    expect(onlyMessage(parseXPayload({ body: readFixture('x-twitter', 'aaa_direct_message_events_snowbot.json') }))).toMatchObject({
      externalId: '1076988274588020740',
      direction: 'out',
      visibility: 'private',
      author: { externalUserId: '17200003', handle: 'snowman', followers: 935 },
      threadExternalId: '17200003-1549688316',
      createdAt: new Date(1_545_608_988_793),
      text: '❄ Select your area of interest:',
    })
  })

  it('HTTP exchanges: GET pages are received content, write acknowledgements are not', () => {
    const mentions = cassetteResponses('v2_http_users_mentions.json')
    expect(mentions).toHaveLength(1)
    const page = messagesOf(parseXPayload({ body: mentions[0]?.body ?? '' }))
    expect(page).toHaveLength(10)
    expect(page[0]).toMatchObject({
      externalId: '1578516295611748353', author: null, createdAt: new Date(1_665_182_586_945),
      url: 'https://x.com/i/web/status/1578516295611748353',
    })
    expect(page[0]?.text).toMatch(/^@Twitter @TwitterSupport this is my ENTIRE feed/)

    const dms = cassetteResponses('v2_http_dm_send_and_lookup.json').filter((r) => r.method === 'GET')
    expect(dms.map((r) => parseXPayload({ body: r.body })).map((r) => (r.ok ? r.messages.map((m) => m.text) : r.reason))).toEqual([
      [], ['Testing 2', 'Testing 1'], ['Testing 2', 'Testing 1'],
    ])
    const writes = ['v2_http_create_and_delete_tweet.json', 'v2_http_dm_send_and_lookup.json', 'v2_http_hide_reply.json']
      .flatMap(cassetteResponses).filter((r) => r.method !== 'GET' && !r.uri.endsWith('/2/tweets'))
    expect(writes.length).toBe(6)
    for (const ack of writes) expect(parseXPayload({ body: ack.body })).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' })
  })

  it('webhook CRC/signature vectors are not a payload', () => {
    expect(parseXPayload({ body: readFixture('x-twitter', 'webhook_crc_and_signature_vectors.json') }))
      .toMatchObject({ ok: false, reason: 'INVALID_SHAPE' })
  })

  it('never throws on any prefix of a real stream line', () => {
    const lines = jsonLines(readFixture('x-twitter', 'v2_streaming_output_with_error.jsonl'))
    fc.assert(fc.property(fc.constantFrom(...lines), fc.nat(), (body, cut) => {
      expect(parseResultProblems(parseXPayload({ body: body.slice(0, cut % (body.length + 1)) }))).toEqual([])
    }), { numRuns: 300 })
  })
})

describe('parseXPayload: properties', () => {
  const total = (body: string) => {
    expect(parseResultProblems(parseXPayload({ body }))).toEqual([])
  }

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), total), { numRuns: 500 })
  })

  it('never throws on arbitrary JSON text', () => {
    fc.assert(fc.property(fc.json(), total), { numRuns: 500 })
    fc.assert(fc.property(fc.anything(), (value) => total(JSON.stringify(value) ?? 'null')), { numRuns: 300 })
  })

  const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue())
  const xId = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }).map(String), fc.constant('1377650093109743620'), anyValue)
  const tweet = fc.record({
    id: xId, id_str: xId, text: fc.oneof(fc.string(), anyValue), author_id: xId, conversation_id: xId,
    created_at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), anyValue),
    lang: fc.oneof(fc.constantFrom('en', 'und', 'qme'), anyValue),
    edit_history_tweet_ids: fc.oneof(fc.array(xId, { maxLength: 3 }), anyValue),
    referenced_tweets: fc.oneof(fc.array(fc.record({ type: fc.constantFrom('replied_to', 'quoted', 'retweeted'), id: xId })), anyValue),
    public_metrics: fc.oneof(fc.dictionary(fc.constantFrom('like_count', 'retweet_count', 'reply_count', 'quote_count'), anyValue), anyValue),
    event_type: fc.oneof(fc.constant('MessageCreate'), anyValue),
    sender_id: xId, dm_conversation_id: anyValue,
    user: fc.oneof(fc.record({ id_str: xId, screen_name: anyValue, followers_count: anyValue }, { requiredKeys: [] }), anyValue),
    created_timestamp: fc.oneof(fc.nat().map(String), anyValue),
    message_create: fc.oneof(anyValue, fc.record({
      sender_id: xId, target: fc.oneof(fc.record({ recipient_id: xId }), anyValue),
      message_data: fc.oneof(fc.record({ text: fc.string() }), anyValue),
    }, { requiredKeys: [] })),
    type: fc.oneof(fc.constant('message_create'), anyValue),
    status: fc.oneof(fc.record({ id: xId, user_id: xId }, { requiredKeys: [] }), anyValue),
  }, { requiredKeys: [] })
  const envelope = fc.record({
    data: fc.oneof(tweet, fc.array(tweet, { maxLength: 4 }), anyValue),
    includes: fc.oneof(anyValue, fc.record({
      users: fc.oneof(fc.array(fc.record({ id: xId, username: anyValue, public_metrics: anyValue, verified: anyValue }, { requiredKeys: [] })), anyValue),
      tweets: fc.oneof(fc.array(tweet, { maxLength: 3 }), anyValue),
    }, { requiredKeys: [] })),
    errors: fc.oneof(fc.array(fc.record({ title: anyValue, detail: anyValue }, { requiredKeys: [] })), anyValue),
    meta: anyValue,
    for_user_id: xId,
    direct_message_events: fc.oneof(fc.array(tweet, { maxLength: 3 }), anyValue),
    tweet_create_events: fc.oneof(fc.array(tweet, { maxLength: 3 }), anyValue),
    tweet_delete_events: fc.oneof(fc.array(tweet, { maxLength: 3 }), anyValue),
    users: anyValue,
    id_str: xId,
    text: anyValue,
    delete: anyValue,
  }, { requiredKeys: [] })

  it('returns a well-formed result with digit-string ids for loosely X-shaped objects', () => {
    fc.assert(fc.property(fc.oneof(envelope, fc.array(tweet, { maxLength: 3 })), (body) => {
      const result = parseXPayload({ body: JSON.stringify(body) })
      expect(parseResultProblems(result)).toEqual([])
      if (result.ok) for (const m of result.messages) expect(m.externalId).toMatch(/^\d{1,20}$/)
    }), { numRuns: 1000 })
  })
})

describe('parseXPayload: media', () => {
  it('resolves attachments.media_keys in includes.media: a photo url, a video preview, alt text', () => {
    const tweet = { ...replyTweet, id: '1800000000000000777', attachments: { media_keys: ['3_1', '7_2', '3_missing'] } }
    const body = JSON.stringify({
      data: tweet,
      includes: {
        users: [customer],
        media: [
          { media_key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/bag.jpg', alt_text: 'a crushed suitcase' },
          { media_key: '7_2', type: 'video', preview_image_url: 'https://pbs.twimg.com/ext_tw_video_thumb/1/pu/img/x.jpg' },
        ],
      },
    })
    const m = onlyMessage(parse(body))
    expect(m.media).toEqual([
      { kind: 'image', url: 'https://pbs.twimg.com/media/bag.jpg', alt: 'a crushed suitcase' },
      { kind: 'video', url: 'https://pbs.twimg.com/ext_tw_video_thumb/1/pu/img/x.jpg', alt: null },
    ])
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, listFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { messagesOf, parseResultProblems } from '../testing.ts'
import { textLengthMax } from '../wire.ts'
import { reddit } from './index.ts'
import { commentDepthMax, parseRedditPayload, redditBodyCharsMax } from './parse.ts'
import { commentThing, createdUtc, listingOf, mentionThing, postThing } from './test-payloads.ts'
import { redditUnitBody } from './unit.ts'

warnIfNoShared()

function parse(value: unknown): ParseResult {
  return parseRedditPayload({ body: typeof value === 'string' ? value : JSON.stringify(value), origin: 'test' })
}

function only(result: ParseResult): NormalizedMessage {
  const messages = messagesOf(result)
  expect(messages).toHaveLength(1)
  return messages[0]!
}

describe('reddit channel', () => {
  it('is registered as an open document channel with a 10 000-character reply', () => {
    expect(reddit).toMatchObject({ name: 'reddit', label: 'Reddit', framing: 'document', openListening: true, replyLengthMax: 10_000 })
    expect(reddit.parse).toBe(parseRedditPayload)
    expect(reddit.source?.kind).toBe('poll')
    expect(reddit.send?.actions).toEqual(['reply', 'edit', 'delete'])
    expect(reddit.accountFields).toEqual({
      settings: ['apiBaseUrl', 'authUrl', 'subreddits', 'username', 'userAgent'],
      secrets: ['clientId', 'clientSecret', 'password', 'refreshToken'],
    })
  })
})

describe('parseRedditPayload: own payloads', () => {
  it('reads a comment of a subreddit listing with its parent, thread, link and score', () => {
    const thing = commentThing('c1', { parent_id: 't1_c0', body: 'my order is late' })
    const m = only(parse(listingOf([thing])))
    expect(m).toEqual({
      channel: 'reddit', op: 'create', externalId: 't1_c1',
      author: { externalUserId: 'customer_a', handle: 'customer_a', displayName: null, followers: null, verified: false },
      direction: 'in', visibility: 'public', text: 'my order is late', langs: [], createdAt: new Date(createdUtc * 1000),
      parentExternalId: 't1_c0', threadExternalId: 't3_post1', url: 'https://www.reddit.com/r/acme/comments/post1/title/c1/',
      engagement: { likes: 3, reposts: 0, replies: 0, quotes: 0 },
      raw: { kind: 't1', data: { ...thing.data, replies: undefined } },
    })
    expect(m.raw).not.toHaveProperty('data.replies')
  })

  it('reads a self post as title and body, threaded on itself, with its comment count', () => {
    const m = only(parse(listingOf([postThing('p1', { title: 'Broken zipper', selftext: 'Week two and it broke.' })])))
    expect(m).toMatchObject({
      externalId: 't3_p1', text: 'Broken zipper\n\nWeek two and it broke.', parentExternalId: null, threadExternalId: 't3_p1',
      url: 'https://www.reddit.com/r/acme/comments/p1/post_title/', engagement: { likes: 5, replies: 2, reposts: 0, quotes: 0 },
    })
  })

  it('adds the link of a link post', () => {
    const m = only(parse(postThing('p2', { title: 'Look at this', is_self: false, url: 'https://example.com/review' })))
    expect(m.text).toBe('Look at this\n\nhttps://example.com/review')
  })

  it('reads an inbox mention: thread from its context, url without ?context', () => {
    const m = only(parse(listingOf([mentionThing('m1')])))
    expect(m).toMatchObject({
      externalId: 't1_m1', parentExternalId: 't3_post9', threadExternalId: 't3_post9', visibility: 'public', direction: 'in',
      url: 'https://www.reddit.com/r/other/comments/post9/some_title/m1/',
    })
  })

  it('builds a comment link when the listing gives no permalink', () => {
    const m = only(parse(commentThing('c2', { permalink: undefined })))
    expect(m.url).toBe('https://www.reddit.com/r/acme/comments/post1/_/c2/')
  })

  it('walks a /comments/:id tree: post, nested replies in document order, more stubs skipped', () => {
    const tree = [
      listingOf([postThing('p1')]),
      listingOf([
        commentThing('c1', {
          parent_id: 't3_p1', link_id: 't3_p1',
          replies: listingOf([commentThing('c2', { parent_id: 't1_c1', link_id: 't3_p1', replies: '' }), { kind: 'more', data: { count: 4, children: ['c8', 'c9'] } }]),
        }),
        commentThing('c3', { parent_id: 't3_p1', link_id: 't3_p1' }),
      ]),
    ]
    const result = parse(tree)
    expect(messagesOf(result).map((m) => [m.externalId, m.parentExternalId, m.threadExternalId])).toEqual([
      ['t3_p1', null, 't3_p1'], ['t1_c1', 't3_p1', 't3_p1'], ['t1_c2', 't1_c1', 't3_p1'], ['t1_c3', 't3_p1', 't3_p1'],
    ])
    expect(result.ok && result.skipped).toBe(1)
  })

  it(`survives a reply chain far deeper than the call stack, skipping below depth ${commentDepthMax}`, () => {
    // Built as text: JSON.stringify itself recurses and would overflow first.
    const opening = (id: string) => {
      const [head] = JSON.stringify(listingOf([commentThing(id, { replies: '@@' })])).split('"@@"')
      return head!
    }
    const closing = JSON.stringify(listingOf([commentThing('x', { replies: '@@' })])).split('"@@"')[1]!
    const depth = 20_000
    const openings = ['root', ...Array.from({ length: depth }, (_, i) => `d${i.toString(36)}`)].map(opening)
    const result = parse(`${openings.join('')}""${closing.repeat(depth + 1)}`)
    expect(messagesOf(result)).toHaveLength(commentDepthMax + 1)
    // The first thing past the limit is skipped with everything below it.
    expect(result.ok && result.skipped).toBe(1)
  })

  it('reads an edit (edited = epoch seconds) as op update with the same fullname', () => {
    const m = only(parse(commentThing('c1', { body: 'fixed typo', edited: 1_717_200_500.5 })))
    expect(m).toMatchObject({ op: 'update', externalId: 't1_c1', text: 'fixed typo' })
  })

  it.each([
    ['[deleted] body', { body: '[deleted]' }],
    ['[removed] body', { body: '[removed]' }],
    ['[deleted] author', { author: '[deleted]' }],
  ])('reads a comment with %s as op delete', (_name, fields) => {
    expect(only(parse(commentThing('c1', fields)))).toMatchObject({ op: 'delete', externalId: 't1_c1', text: '', author: null })
  })

  it('reads a removed post as op delete', () => {
    expect(only(parse(postThing('p1', { selftext: '[removed]' })))).toMatchObject({ op: 'delete', externalId: 't3_p1', text: '' })
  })

  it('unescapes &amp; &lt; &gt; unless the unit says raw_json=1 was used', () => {
    const thing = commentThing('c1', { body: 'A &amp;lt; B &lt;3 &gt; &amp;' })
    expect(only(parse(thing)).text).toBe('A &lt; B <3 > &')
    const unit = redditUnitBody({ listing: '/r/acme/comments', username: null, rawJson: true }, listingOf([thing]))
    expect(only(parse(unit)).text).toBe('A &amp;lt; B &lt;3 &gt; &amp;')
  })

  it("marks the brand's own things 'out' when the unit names the account", () => {
    const unit = redditUnitBody({ listing: '/r/acme/comments', username: 'Acme_Care', rawJson: true }, listingOf([
      commentThing('c1', { author: 'acme_care' }), commentThing('c2'),
    ]))
    expect(messagesOf(parse(unit)).map((m) => m.direction)).toEqual(['out', 'in'])
  })

  it("reads the /api/comment answer as the brand's own comment", () => {
    const m = only(parse({ json: { errors: [], data: { things: [commentThing('new1', { author: 'acme_care' })] } } }))
    expect(m).toMatchObject({ externalId: 't1_new1', direction: 'out' })
  })

  it('skips other kinds and things without a valid fullname or creation time', () => {
    const result = parse(listingOf([
      { kind: 't4', data: { id: 'x1', name: 't4_x1', body: 'pm' } },
      { kind: 't5', data: { id: 'x2', name: 't5_x2' } },
      commentThing('c1', { name: 't3_wrongkind' }),
      commentThing('c2', { name: 't1_../../x' }),
      commentThing('c3', { created_utc: 'yesterday' }),
      commentThing('ok'),
      'not a thing',
    ]))
    expect(messagesOf(result).map((m) => m.externalId)).toEqual(['t1_ok'])
    expect(result.ok && result.skipped).toBe(6)
  })

  it('ignores a permalink that is not a site path', () => {
    expect(only(parse(commentThing('c1', { permalink: '//evil.example/x' }))).url).toBe('https://www.reddit.com/r/acme/comments/post1/_/c1/')
    expect(only(parse(postThing('p1', { permalink: 'https://evil.example/' }))).url).toBeNull()
  })

  it(`caps text at ${textLengthMax} characters and clamps negative scores to 0`, () => {
    const m = only(parse(commentThing('c1', { body: 'x'.repeat(textLengthMax + 10), score: -7 })))
    expect(m.text).toHaveLength(textLengthMax)
    expect(m.engagement?.likes).toBe(0)
  })

  it('treats an empty body as nothing and an empty listing as zero messages', () => {
    expect(parse('  ')).toEqual({ ok: true, messages: [], skipped: 0 })
    expect(parse(listingOf([]))).toEqual({ ok: true, messages: [], skipped: 0 })
  })

  it.each([
    ['json.errors', { json: { errors: [['THREAD_LOCKED', 'Comments are locked.', 'parent']] } }, 'PLATFORM_ERROR'],
    ['an error status body', { message: 'Forbidden', error: 403 }, 'PLATFORM_ERROR'],
    ['a number', 42, 'INVALID_SHAPE'],
    ['an object without kind', { data: {} }, 'INVALID_SHAPE'],
    ['an array of non-things', [1, 2], 'INVALID_SHAPE'],
  ])('parks %s', (_name, body, reason) => {
    expect(parse(body)).toMatchObject({ ok: false, reason })
  })

  it('parks malformed JSON with the origin and oversized bodies without decoding', () => {
    const result = parse('{"kind":"Listing",')
    expect(result).toMatchObject({ ok: false, reason: 'MALFORMED_JSON' })
    expect(result.ok ? '' : result.detail).toMatch(/^test: /)
    expect(parse(' '.repeat(redditBodyCharsMax + 1))).toMatchObject({ ok: false, reason: 'TOO_LARGE' })
  })
})

describe.skipIf(!hasSharedFixtures)('parseRedditPayload: shared PRAW fixtures', () => {
  const fixture = (file: string) => readFixture('reddit', file)
  const exchange = (file: string, i = 0) => (JSON.parse(fixture(file)) as { interactions: { response: { body: unknown } }[] }).interactions[i]!.response.body

  it('has the fixture files this channel is tested against', () => {
    expect(listFixtures('reddit')).toEqual(expect.arrayContaining([
      'listing_subreddit_comments_t1.json', 'listing_subreddit_new_t3.json', 'listing_inbox_mentions.json', 'submission_with_comment_tree.json',
      'http_comment_reply.json', 'http_comment_edit.json', 'http_comment_delete.json',
    ]))
  })

  it('subreddit comments: 100 comments threaded by link_id', () => {
    const messages = messagesOf(parse(fixture('listing_subreddit_comments_t1.json')))
    expect(messages).toHaveLength(100)
    expect(messages.every((m) => m.externalId.startsWith('t1_') && m.threadExternalId?.startsWith('t3_') && m.op === 'create')).toBe(true)
    expect(messages[0]).toMatchObject({
      externalId: 't1_d4y8bdp', parentExternalId: 't3_4r4inc', threadExternalId: 't3_4r4inc', author: { externalUserId: 'preppypuppy' },
      text: 'great, life is so much better when you can do what you enjoy for a living', createdAt: new Date(1_467_590_690_000),
      url: 'https://www.reddit.com/r/AskReddit/comments/4r4inc/_/d4y8bdp/',
    })
  })

  it('subreddit new: 100 posts, each its own thread', () => {
    const messages = messagesOf(parse(fixture('listing_subreddit_new_t3.json')))
    expect(messages).toHaveLength(100)
    expect(messages.every((m) => m.threadExternalId === m.externalId && m.parentExternalId === null)).toBe(true)
    expect(messages[0]).toMatchObject({
      externalId: 't3_48fbm9', text: "[Serious] Parents of Reddit, what's the biggest lie about yourself you've told your kids?",
      url: 'https://www.reddit.com/r/AskReddit/comments/48fbm9/serious_parents_of_reddit_whats_the_biggest_lie/',
    })
  })

  it('inbox mentions: 16 comments threaded through their context', () => {
    const messages = messagesOf(parse(fixture('listing_inbox_mentions.json')))
    expect(messages).toHaveLength(16)
    expect(messages.every((m) => m.threadExternalId?.startsWith('t3_') && m.url?.startsWith('https://www.reddit.com/r/') && !m.url.includes('?'))).toBe(true)
    expect(messages[0]).toMatchObject({ externalId: 't1_ekftbox', parentExternalId: 't3_bb24k7', threadExternalId: 't3_bb24k7' })
  })

  it('comment tree: the post and both comments, the reply under its parent', () => {
    expect(messagesOf(parse(fixture('submission_with_comment_tree.json'))).map((m) => [m.externalId, m.parentExternalId, m.threadExternalId])).toEqual([
      ['t3_2gmzqe', null, 't3_2gmzqe'], ['t1_cklfmye', 't3_2gmzqe', 't3_2gmzqe'], ['t1_cklhv0f', 't1_cklfmye', 't3_2gmzqe'],
    ])
  })

  it('HTTP exchanges: the reply is ours, the edit an update, the deleted comment a delete', () => {
    expect(only(parse(exchange('http_comment_reply.json')))).toMatchObject({ op: 'create', externalId: 't1_d1680wu', parentExternalId: 't1_d1616q2', direction: 'out' })
    expect(only(parse(exchange('http_comment_edit.json')))).toMatchObject({ op: 'update', externalId: 't1_d1616q2', text: 'New text' })
    expect(only(parse(exchange('http_comment_delete.json', 1)))).toMatchObject({ op: 'delete', externalId: 't1_d1616q2', text: '' })
  })

  it('never throws on any prefix of a real listing', () => {
    const body = fixture('listing_inbox_mentions.json')
    fc.assert(fc.property(fc.nat({ max: body.length }), (cut) => {
      expect(parseResultProblems(parseRedditPayload({ body: body.slice(0, cut) }))).toEqual([])
    }), { numRuns: 200 })
  })
})

describe('parseRedditPayload: properties', () => {
  const wellFormed = (body: string) => {
    expect(parseResultProblems(parseRedditPayload({ body }))).toEqual([])
  }

  it('never throws on arbitrary strings and JSON', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), wellFormed), { numRuns: 400 })
    fc.assert(fc.property(fc.json(), wellFormed), { numRuns: 400 })
    fc.assert(fc.property(fc.anything(), (v) => {
      wellFormed(JSON.stringify(v) ?? 'null')
    }), { numRuns: 300 })
  })

  const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue())
  const thingData = fc.record({
    id: fc.oneof(fc.constantFrom('abc', 'x9'), anyValue),
    name: fc.oneof(fc.constantFrom('t1_abc', 't3_abc', 't1_'), anyValue),
    author: fc.oneof(fc.constantFrom('someone', '[deleted]', 'acme_care'), anyValue),
    body: fc.oneof(fc.string(), fc.constantFrom('[removed]', '&amp;&lt;'), anyValue),
    title: fc.oneof(fc.string(), anyValue),
    selftext: fc.oneof(fc.string(), anyValue),
    parent_id: fc.oneof(fc.constantFrom('t1_a', 't3_b', 'zz'), anyValue),
    link_id: fc.oneof(fc.constant('t3_b'), anyValue),
    permalink: fc.oneof(fc.constantFrom('/r/a/comments/b/c/', '//x', 'http://x'), anyValue),
    context: fc.oneof(fc.constant('/r/a/comments/b/c/d/?context=3'), anyValue),
    created_utc: fc.oneof(fc.double(), fc.integer(), fc.constant(1e300), anyValue),
    edited: fc.oneof(fc.boolean(), fc.double(), anyValue),
    score: fc.oneof(fc.integer(), fc.double(), anyValue),
    num_comments: fc.oneof(fc.integer(), anyValue),
    replies: fc.oneof(fc.constant(''), anyValue),
  }, { requiredKeys: [] })
  const thing = fc.record({ kind: fc.oneof(fc.constantFrom('t1', 't3', 'more', 'Listing'), anyValue), data: fc.oneof(thingData, anyValue) }, { requiredKeys: [] })

  it('returns well-formed results for loosely Reddit-shaped listings', () => {
    fc.assert(fc.property(fc.array(thing, { maxLength: 8 }), fc.boolean(), (children, wrapped) => {
      const listing = listingOf(children)
      const body = wrapped ? redditUnitBody({ listing: '/r/a/new', username: 'acme_care', rawJson: true }, listing) : JSON.stringify(listing)
      const result = parseRedditPayload({ body })
      expect(parseResultProblems(result)).toEqual([])
      if (result.ok) for (const m of result.messages) expect(m.externalId).toMatch(/^t[13]_[0-9a-z]+$/)
    }), { numRuns: 800 })
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { AccountRuntime, RawEvent, SourceContext } from '../types.ts'
import { commentLinks } from './comment-links.ts'
import { startFeedFake, type FeedFake } from './fake.ts'
import { rssAtom } from './index.ts'
import { parseFeed } from './parse.ts'
import { createFeedSource, defaultUserAgent, feedUrls, readFeedCursor, type FeedCursor } from './source.ts'

warnIfNoShared()

function rss(items: { id: string; comments?: number; commentFeed?: string; title?: string }[], extra = ''): string {
  return `
  <?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel><title>Shop blog</title><link>https://blog.example/</link>${extra}
${items.map((i) => `<item><title>${i.title ?? `Post ${i.id}`}</title><link>https://blog.example/${i.id}</link><guid isPermaLink="false">post-${i.id}</guid>
${i.commentFeed === undefined ? '' : `<wfw:commentRss>${i.commentFeed}</wfw:commentRss>`}${i.comments === undefined ? '' : `<slash:comments>${i.comments}</slash:comments>`}</item>`).join('\n')}
</channel></rss>`
}

function commentsFeed(post: string, count: number): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Comments on: Post ${post}</title><link>https://blog.example/${post}</link>
${Array.from({ length: count }, (_, i) => `<item><title>By reader ${i}</title><link>https://blog.example/${post}#comment-${i}</link><guid isPermaLink="false">comment-${post}-${i}</guid><description>Comment ${i}</description></item>`).join('')}
</channel></rss>`
}

const atomWithReplies = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0" xml:base="https://status.example/blog/">
  <title>Status</title><id>urn:feed</id><updated>2024-06-03T10:00:00Z</updated><author><name>Ops</name></author>
  <entry><id>urn:e1</id><title>Outage</title><link href="e1"/><updated>2024-06-03T10:00:00Z</updated>
    <link rel="replies" type="application/atom+xml" href="e1/comments.atom" thr:count="2"/>
    <link rel="replies" type="text/html" href="e1#comments" thr:count="2"/></entry>
  <entry><id>urn:e2</id><title>Fine</title><link href="e2"/><updated>2024-06-02T10:00:00Z</updated>
    <link rel="replies" href="e2/comments.atom" thr:count="0"/></entry>
</feed>`

interface PollRun {
  emitted: RawEvent[]
  events: string[]
  saved: FeedCursor | null
  sleeps: number[]
  warnings: string[]
}

async function pollOnce(fake: FeedFake, settings: Record<string, string>, cursor: unknown, hooks: { emit?: () => Promise<void>; fetch?: typeof fetch } = {}): Promise<PollRun> {
  const run: PollRun = { emitted: [], events: [], saved: null, sleeps: [], warnings: [] }
  const account: AccountRuntime = { id: 'acct-feed', workspaceId: 'ws', channel: 'rss-atom', name: 'Blog', settings, secrets: {} }
  const ctx: SourceContext = {
    account,
    cursor,
    async saveCursor(value) {
      run.saved = readFeedCursor(value)
      run.events.push('save')
    },
    async emit(units) {
      await hooks.emit?.()
      run.emitted.push(...units)
      run.events.push(...units.map((u) => `emit ${new URL(u.origin ?? '').pathname}`))
    },
    fetch: hooks.fetch ?? fetch,
    signal: new AbortController().signal,
    log: { debug() {}, info() {}, warn: (obj) => run.warnings.push(JSON.stringify(obj)), error() {} },
    now: () => new Date(),
    // Retry-After waits are recorded, not slept: the tests stay fast and still see the wait asked for.
    sleep: async (ms) => {
      run.sleeps.push(ms)
    },
  }
  if (source.kind !== 'poll') throw new Error('feeds are polled')
  await source.poll(ctx)
  return run
}

const source = createFeedSource({ retryWaitMsMax: 5_000 })
const origins = (run: PollRun) => run.emitted.map((u) => new URL(u.origin ?? '').pathname)

let fake: FeedFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

describe('feed source', () => {
  it('emits the feed and the comment feeds with comments, then answers 304s with nothing', async () => {
    fake = await startFeedFake({
      feeds: {
        '/feed.xml': rss([{ id: '1', comments: 2, commentFeed: '/1/feed/' }, { id: '2', comments: 0, commentFeed: '/2/feed/' }]),
        '/1/feed/': commentsFeed('1', 2),
        '/2/feed/': commentsFeed('2', 0),
      },
    })
    const settings = { feeds: fake.url('/feed.xml'), userAgent: 'ShopBot/1.0 (+https://shop.example/bot)' }
    // comment feed links are relative to the feed's <link>: serve them from the fake
    const first = await pollOnce(fake, settings, null, { fetch: fake.redirectingFetch })
    expect(origins(first)).toEqual(['/feed.xml', '/1/feed/'])
    expect(first.events).toEqual(['emit /feed.xml', 'emit /1/feed/', 'save', 'save'])
    const parsed = parseFeed(first.emitted[0] as RawEvent)
    expect(parsed.ok && parsed.messages.map((m) => m.externalId)).toEqual(['post-1', 'post-2'])
    const comments = parseFeed(first.emitted[1] as RawEvent)
    expect(comments.ok && comments.messages.map((m) => m.externalId)).toEqual(['comment-1-0', 'comment-1-1'])
    expect(fake.requests[0]?.headers['user-agent']).toBe('ShopBot/1.0 (+https://shop.example/bot)')
    expect(fake.requests[0]?.headers['if-none-match']).toBeUndefined()
    const feedState = first.saved?.[fake.url('/feed.xml')]
    expect(feedState?.etag).toMatch(/^"[0-9a-f]{16}"$/)
    expect(feedState?.lastModified).toMatch(/GMT$/)
    expect(feedState?.commentCounts).toEqual({ 'https://blog.example/1/feed/': 2, 'https://blog.example/2/feed/': 0 })

    // a restart resumes from the saved cursor: conditional GET, 304, nothing emitted
    const second = await pollOnce(fake, settings, JSON.parse(JSON.stringify(first.saved)), { fetch: fake.redirectingFetch })
    expect(second.emitted).toEqual([])
    const conditional = fake.requests.at(-1)
    expect(conditional?.headers['if-none-match']).toBe(feedState?.etag)
    expect(conditional?.headers['if-modified-since']).toBe(feedState?.lastModified)
    expect(second.saved).toEqual(first.saved)
  })

  it('reads only the comment feed whose count changed, conditionally', async () => {
    fake = await startFeedFake({
      feeds: {
        '/feed.xml': rss([{ id: '1', comments: 1, commentFeed: '/1/feed/' }, { id: '2', comments: 1, commentFeed: '/2/feed/' }]),
        '/1/feed/': commentsFeed('1', 1),
        '/2/feed/': commentsFeed('2', 1),
      },
    })
    const settings = { feeds: fake.url('/feed.xml') }
    const first = await pollOnce(fake, settings, null, { fetch: fake.redirectingFetch })
    expect(origins(first)).toEqual(['/feed.xml', '/1/feed/', '/2/feed/'])
    fake.setFeed('/feed.xml', rss([{ id: '3' }, { id: '1', comments: 1, commentFeed: '/1/feed/' }, { id: '2', comments: 3, commentFeed: '/2/feed/' }]))
    fake.setFeed('/2/feed/', commentsFeed('2', 3))
    const second = await pollOnce(fake, settings, first.saved, { fetch: fake.redirectingFetch })
    expect(origins(second)).toEqual(['/feed.xml', '/2/feed/'])
    const commentRequest = fake.requests.filter((r) => r.path === '/2/feed/').at(-1)
    expect(commentRequest?.headers['if-none-match']).toBe(first.saved?.['https://blog.example/2/feed/']?.etag)
    expect(second.saved?.[fake.url('/feed.xml')]?.commentCounts['https://blog.example/2/feed/']).toBe(3)
  })

  it('does not advance the feed past a comment feed it could not read', async () => {
    fake = await startFeedFake({
      feeds: { '/feed.xml': rss([{ id: '1', comments: 4, commentFeed: '/1/feed/' }]), '/1/feed/': commentsFeed('1', 4) },
    })
    const settings = { feeds: fake.url('/feed.xml') }
    fake.rateLimitNext('/1/feed/', 3_600)
    const first = await pollOnce(fake, settings, null, { fetch: fake.redirectingFetch })
    expect(origins(first)).toEqual(['/feed.xml'])
    expect(first.saved?.[fake.url('/feed.xml')]).toEqual({ etag: null, lastModified: null, commentCounts: {} })
    expect(first.warnings.join()).toContain('retry after 3600000 ms')
    const second = await pollOnce(fake, settings, first.saved, { fetch: fake.redirectingFetch })
    expect(origins(second)).toEqual(['/feed.xml', '/1/feed/'])
    expect(second.saved?.[fake.url('/feed.xml')]?.etag).not.toBeNull()
  })

  it('waits out a short Retry-After on 429 and 503, then fetches', async () => {
    fake = await startFeedFake({ feeds: { '/feed.xml': rss([{ id: '1' }]) } })
    fake.rateLimitNext('/feed.xml', 2)
    fake.rateLimitNext('/feed.xml', 1, 503)
    const run = await pollOnce(fake, { feeds: fake.url('/feed.xml') }, null)
    expect(run.sleeps).toEqual([2_000, 1_000])
    expect(origins(run)).toEqual(['/feed.xml'])
    expect(fake.requests.map((r) => r.path)).toEqual(['/feed.xml', '/feed.xml', '/feed.xml'])
  })

  it('skips a feed whose Retry-After is too long, keeps its cursor and polls the others', async () => {
    fake = await startFeedFake({ feeds: { '/a.xml': rss([{ id: 'a' }]), '/b.xml': rss([{ id: 'b' }]) } })
    const settings = { feeds: `${fake.url('/a.xml')},\n ${fake.url('/b.xml')}` }
    const first = await pollOnce(fake, settings, null)
    fake.setFeed('/a.xml', rss([{ id: 'a2' }, { id: 'a' }]))
    fake.setFeed('/b.xml', rss([{ id: 'b2' }, { id: 'b' }]))
    fake.rateLimitNext('/a.xml', 600)
    const second = await pollOnce(fake, settings, first.saved)
    expect(second.sleeps).toEqual([])
    expect(origins(second)).toEqual(['/b.xml'])
    expect(second.saved?.[fake.url('/a.xml')]).toEqual(first.saved?.[fake.url('/a.xml')])
    expect(second.saved?.[fake.url('/b.xml')]).not.toEqual(first.saved?.[fake.url('/b.xml')])
  })

  it('does not save the cursor when emit fails', async () => {
    fake = await startFeedFake({ feeds: { '/feed.xml': rss([{ id: '1' }]) } })
    const failing = pollOnce(fake, { feeds: fake.url('/feed.xml') }, null, { emit: () => Promise.reject(new Error('store down')) })
    await expect(failing).rejects.toThrow('store down')
  })

  it('decodes ISO-8859-1 and windows-1252 feeds as their prolog declares', async () => {
    const latin1 = Buffer.from(`\n\n<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="2.0"><channel><title>Caf\u00e9</title><item><guid>g1</guid><title>Cr\u00e8me br\u00fbl\u00e9e</title></item></channel></rss>`, 'latin1')
    const cp1252 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><item><guid>g2</guid><title>Price 5 ', 'latin1'),
      Buffer.from([0x80, 0x20, 0x93]), Buffer.from('quoted', 'latin1'), Buffer.from([0x94]), Buffer.from('</title></item></channel></rss>', 'latin1'),
    ])
    fake = await startFeedFake({ feeds: { '/latin1.xml': latin1, '/cp1252.xml': cp1252 }, contentType: 'text/xml; charset=utf-8' })
    const run = await pollOnce(fake, { feeds: `${fake.url('/latin1.xml')}\n${fake.url('/cp1252.xml')}` }, null)
    const titles = run.emitted.map((u) => {
      const result = rssAtom.parse(u)
      return result.ok ? result.messages[0]?.text : result.reason
    })
    expect(titles).toEqual(['Crème brûlée', 'Price 5 € “quoted”'])
  })

  it('sends a User-Agent by default', async () => {
    fake = await startFeedFake({ feeds: { '/feed.xml': rss([{ id: '1' }]) }, userAgentRequired: true })
    const run = await pollOnce(fake, { feeds: fake.url('/feed.xml') }, null)
    expect(run.emitted).toHaveLength(1)
    expect(fake.requests[0]?.headers['user-agent']).toBe(defaultUserAgent)
  })

  it('re-reads uncounted comment feeds of the newest items when the feed changed', async () => {
    fake = await startFeedFake({
      feeds: { '/feed.xml': rss([{ id: '1', commentFeed: '/1/feed/' }]), '/1/feed/': commentsFeed('1', 1) },
    })
    const settings = { feeds: fake.url('/feed.xml') }
    const uncounted = createFeedSource({ uncountedCommentFeedsMax: 1 })
    const run = async (cursor: unknown) => {
      const events: string[] = []
      let saved: unknown = null
      if (uncounted.kind !== 'poll') throw new Error('poll')
      await uncounted.poll({
        account: { id: 'a', workspaceId: 'w', channel: 'rss-atom', name: 'b', settings, secrets: {} }, cursor,
        saveCursor: async (c) => { saved = c }, emit: async (units) => { events.push(...units.map((u) => new URL(u.origin ?? '').pathname)) },
        fetch: fake?.redirectingFetch ?? fetch, signal: new AbortController().signal, log: { debug() {}, info() {}, warn() {}, error() {} },
        now: () => new Date(), sleep: async () => {},
      })
      return { events, saved }
    }
    const first = await run(null)
    expect(first.events).toEqual(['/feed.xml', '/1/feed/'])
    const unchanged = await run(first.saved)
    expect(unchanged.events).toEqual([])
    fake.setFeed('/feed.xml', rss([{ id: '2', commentFeed: '/2/feed/' }, { id: '1', commentFeed: '/1/feed/' }]))
    fake.setFeed('/2/feed/', commentsFeed('2', 0))
    const changed = await run(unchanged.saved)
    // only the newest item's comment feed (the cap is 1); /1/feed/ is not re-read
    expect(changed.events).toEqual(['/feed.xml', '/2/feed/'])
  })
})

describe('feed settings and cursor', () => {
  it('reads feeds separated by newlines or commas, web URLs only, once each', () => {
    expect(feedUrls(' https://a.example/feed ,\nhttps://b.example/rss\n\nftp://x/y, not a url, https://a.example/feed ')).toEqual([
      'https://a.example/feed', 'https://b.example/rss',
    ])
    expect(feedUrls(undefined)).toEqual([])
  })

  it('reads back only well-formed cursor entries', () => {
    expect(readFeedCursor({ 'https://a/': { etag: '"x"', lastModified: 5, commentCounts: { 'https://c/': 2, 'https://d/': 'no' } }, bad: 3 }))
      .toEqual({ 'https://a/': { etag: '"x"', lastModified: null, commentCounts: { 'https://c/': 2 } } })
    expect(readFeedCursor('garbage')).toEqual({})
  })

  it('finds comment feeds in RSS and Atom, resolved against xml:base and the feed', () => {
    expect(commentLinks(atomWithReplies, 'https://status.example/feed.atom')).toEqual([
      { url: 'https://status.example/blog/e1/comments.atom', count: 2 },
      { url: 'https://status.example/blog/e2/comments.atom', count: 0 },
    ])
    expect(commentLinks(rss([{ id: '1', commentFeed: 'comments/1', comments: 7 }]), 'https://blog.example/feed')).toEqual([
      { url: 'https://blog.example/comments/1', count: 7 },
    ])
    expect(commentLinks('not xml', 'https://x/')).toEqual([])
  })
})

describe.skipIf(!hasSharedFixtures)('feed source: shared fixtures', () => {
  it('polls the four fixture feeds and the Atom replies feeds they announce', async () => {
    const samRubyReplies = commentLinks(readFixture('rss-atom', 'SamRuby.xml'), 'http://intertwingly.net/blog/index.atom').filter((l) => (l.count ?? 0) > 0)
    const feeds: Record<string, string> = {
      '/techcrunch': readFixture('rss-atom', 'TechCrunch.xml'),
      '/samruby': readFixture('rss-atom', 'SamRuby.xml'),
      '/hn': readFixture('rss-atom', 'RSSWithComments.xml'),
      '/tenderlove': readFixture('rss-atom', 'TenderLovemaking.xml'),
    }
    for (const link of samRubyReplies) feeds[new URL(link.url).pathname] = commentsFeed(link.url, link.count ?? 0)
    fake = await startFeedFake({ feeds })
    const settings = { feeds: ['/techcrunch', '/samruby', '/hn', '/tenderlove'].map((p) => fake?.url(p)).join('\n') }
    const small = createFeedSource({ uncountedCommentFeedsMax: 0 })
    const emitted: RawEvent[] = []
    let saved: unknown = null
    if (small.kind !== 'poll') throw new Error('poll')
    await small.poll({
      account: { id: 'a', workspaceId: 'w', channel: 'rss-atom', name: 'fixtures', settings, secrets: {} }, cursor: null,
      saveCursor: async (c) => { saved = c }, emit: async (units) => { emitted.push(...units) },
      fetch: fake.redirectingFetch, signal: new AbortController().signal, log: { debug() {}, info() {}, warn() {}, error() {} },
      now: () => new Date(), sleep: async () => {},
    })
    expect(samRubyReplies.length).toBeGreaterThan(0)
    expect(samRubyReplies[0]?.url).toMatch(/^http:\/\/intertwingly\.net\/blog\/\d+\.atom$/)
    // TechCrunch announces 0 comments everywhere; HN has no comment feeds; TenderLovemaking has no counts (cap 0 here)
    expect(emitted.map((u) => new URL(u.origin ?? '').pathname)).toEqual([
      '/techcrunch', '/samruby', ...samRubyReplies.map((l) => new URL(l.url).pathname), '/hn', '/tenderlove',
    ])
    for (const unit of emitted) {
      const once = parseFeed(unit)
      const again = parseFeed({ body: unit.body })
      expect(once.ok).toBe(true)
      // stable externalIds: the pipeline dedupes the next poll's repeats on them
      expect(once.ok && once.messages.map((m) => m.externalId)).toEqual(again.ok && again.messages.map((m) => m.externalId))
    }
    expect(Object.keys(readFeedCursor(saved))).toHaveLength(4 + samRubyReplies.length)
  })
})

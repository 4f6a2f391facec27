import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, listFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { messagesOf, parseResultProblems } from '../testing.ts'
import { textLengthMax } from '../wire.ts'
import { rssAtom } from './index.ts'
import { feedCharsMax, parseFeed } from './parse.ts'

warnIfNoShared()

function parse(body: string): ParseResult {
  return parseFeed({ body, origin: 'test' })
}

function first(result: ParseResult): NormalizedMessage {
  const [message] = messagesOf(result)
  if (message === undefined) throw new Error('no message')
  return message
}

const rss = `\uFEFF
  <?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel xml:base="https://shop.example/">
    <title>Acme Forum &amp; Friends</title>
    <link>https://shop.example/forum</link>
    <atom:link rel="self" href="https://shop.example/forum/feed.xml"/>
    <language>en-gb</language>
    <pubDate>Mon, 03 Jun 2024 09:00:00 GMT</pubDate>
    <item>
      <title>Router keeps &lt;b&gt;rebooting&lt;/b&gt;</title>
      <link>/forum/t/42</link>
      <guid isPermaLink="false">forum-topic-42</guid>
      <dc:creator>Jo Bloggs</dc:creator>
      <pubDate>Sun, 02 Jun 2024 18:30:00 +0200</pubDate>
      <description><![CDATA[<p>It reboots every hour &amp; the <a href="/support">support page</a> did not help.</p><script>steal()</script>]]></description>
      <slash:comments>7</slash:comments>
    </item>
    <item>
      <title>Second</title>
      <link>https://shop.example/forum/t/43</link>
      <author>jane@example.com (Jane Doe)</author>
      <description>short &amp;amp; sweet</description>
      <content:encoded><![CDATA[<p>The <em>full</em> text.</p>]]></content:encoded>
    </item>
    <item>
      <title>No link, no guid</title>
      <description>cannot be deduplicated</description>
    </item>
    <item>
      <guid>https://shop.example/forum/t/44</guid>
      <author>ops@example.com</author>
    </item>
  </channel>
</rss>`

const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0" xml:lang="en" xml:base="https://status.example/">
  <title type="text">Acme status</title>
  <id>urn:uuid:feed-1</id>
  <link rel="self" href="https://status.example/feed.atom"/>
  <link href="/"/>
  <updated>2024-06-03T10:00:00Z</updated>
  <author><name>Status Bot</name><email>status@example.com</email></author>
  <entry>
    <id>tag:status.example,2024:incident-7</id>
    <title type="html">Outage &lt;em&gt;resolved&lt;/em&gt;</title>
    <link rel="alternate" type="text/html" href="incidents/7"/>
    <link rel="replies" type="application/atom+xml" href="incidents/7/comments.atom" thr:count="3"/>
    <published>2024-06-02T08:00:00+02:00</published>
    <updated>2024-06-02T09:00:00+02:00</updated>
    <author><name>Ops Team</name></author>
    <summary type="text">A short summary</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>All <a href="/regions">regions</a> are back &amp; green.</p><svg><text>logo</text></svg></div></content>
  </entry>
  <entry xml:lang="de">
    <id>tag:status.example,2024:comment-1</id>
    <title>Danke</title>
    <thr:in-reply-to ref="tag:status.example,2024:incident-7" href="https://status.example/incidents/7"/>
    <updated>2024-06-02T10:00:00Z</updated>
    <summary type="html">&lt;p&gt;Funktioniert wieder&lt;/p&gt;</summary>
  </entry>
  <entry>
    <link href="https://status.example/only-link"/>
    <title>Only a link</title>
  </entry>
</feed>`

describe('rss-atom channel', () => {
  it('is registered as a document channel that cannot reply', () => {
    expect(rssAtom).toMatchObject({ name: 'rss-atom', label: 'RSS / Atom', framing: 'document', replyLengthMax: null })
    expect(rssAtom.parse).toBe(parseFeed)
  })
})

describe('parseFeed: RSS 2.0 own payload', () => {
  const result = parse(rss)

  it('reads items with a guid or link and skips the one with neither', () => {
    expect(messagesOf(result).map((m) => m.externalId)).toEqual(['forum-topic-42', 'https://shop.example/forum/t/43', 'https://shop.example/forum/t/44'])
    expect(result.ok && result.skipped).toBe(1)
  })

  it('maps the first item: dc:creator, RFC 822 date, html description as text, relative link, slash:comments', () => {
    expect(messagesOf(result)[0]).toMatchObject({
      channel: 'rss-atom',
      op: 'create',
      author: { externalUserId: 'Jo Bloggs', handle: null, displayName: 'Jo Bloggs', followers: null, verified: false },
      direction: 'in',
      visibility: 'public',
      text: 'Router keeps rebooting\n\nIt reboots every hour & the support page (https://shop.example/support) did not help.',
      langs: ['en-gb'],
      createdAt: new Date('2024-06-02T16:30:00Z'),
      parentExternalId: null,
      threadExternalId: null,
      url: 'https://shop.example/forum/t/42',
      engagement: { likes: 0, reposts: 0, replies: 7, quotes: 0 },
    })
    expect(messagesOf(result)[0]?.raw).toMatch(/^<item>[\s\S]*forum-topic-42[\s\S]*<\/item>$/)
  })

  it('prefers content:encoded, parses "email (Name)" authors and falls back to the channel date', () => {
    expect(messagesOf(result)[1]).toMatchObject({
      text: 'Second\n\nThe full text.',
      author: { externalUserId: 'Jane Doe', displayName: 'Jane Doe' },
      createdAt: new Date('2024-06-03T09:00:00Z'),
      engagement: null,
    })
  })

  it('uses a permalink guid as url and an email-only author as id', () => {
    expect(messagesOf(result)[2]).toMatchObject({
      url: 'https://shop.example/forum/t/44',
      text: '',
      author: { externalUserId: 'ops@example.com', displayName: null },
    })
  })
})

describe('parseFeed: Atom own payload', () => {
  const result = parse(atom)

  it('maps an entry: id, xhtml content as text, html title, published date, xml:base links, thr:count', () => {
    expect(messagesOf(result)[0]).toMatchObject({
      externalId: 'tag:status.example,2024:incident-7',
      author: { externalUserId: 'Ops Team', displayName: 'Ops Team' },
      text: 'Outage resolved\n\nAll regions (https://status.example/regions) are back & green.',
      langs: ['en'],
      createdAt: new Date('2024-06-02T06:00:00Z'),
      url: 'https://status.example/incidents/7',
      engagement: { likes: 0, reposts: 0, replies: 3, quotes: 0 },
      parentExternalId: null,
      threadExternalId: null,
    })
  })

  it('threads a comment entry by thr:in-reply-to and inherits the feed author', () => {
    expect(messagesOf(result)[1]).toMatchObject({
      externalId: 'tag:status.example,2024:comment-1',
      parentExternalId: 'tag:status.example,2024:incident-7',
      author: { externalUserId: 'Status Bot', displayName: 'Status Bot' },
      text: 'Danke\n\nFunktioniert wieder',
      langs: ['de'],
      createdAt: new Date('2024-06-02T10:00:00Z'),
      url: null,
    })
  })

  it('keys an entry without id by its link and dates it with the feed', () => {
    expect(messagesOf(result)[2]).toMatchObject({
      externalId: 'https://status.example/only-link',
      createdAt: new Date('2024-06-03T10:00:00Z'),
    })
  })

  it('falls back to the feed link as author and to epoch 0 when no date exists anywhere', () => {
    const bare = '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><link href="https://t.example/"/><entry><id>e1</id></entry></feed>'
    expect(first(parse(bare))).toMatchObject({
      author: { externalUserId: 'https://t.example/', displayName: 'T' },
      createdAt: new Date(0),
      text: '',
    })
  })
})

describe('parseFeed: other inputs', () => {
  it('reads RSS 1.0 (RDF) items', () => {
    const rdf = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link></channel>
      <item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link><dc:date>2024-01-01T00:00:00Z</dc:date><dc:creator>Ann</dc:creator></item>
    </rdf:RDF>`
    expect(first(parse(rdf))).toMatchObject({ externalId: 'https://r.example/1', createdAt: new Date('2024-01-01T00:00:00Z'), author: { externalUserId: 'Ann' } })
  })

  it('still reads a recognisable feed that is not well-formed (a bare &)', () => {
    const sloppy = '<rss><channel><title>A & B</title><item><guid>g1</guid><title>Fish & chips</title></item></channel></rss>'
    expect(first(parse(sloppy))).toMatchObject({ externalId: 'g1', text: 'Fish & chips' })
  })

  it('drops javascript: item links', () => {
    const evil = '<rss><channel><item><guid>g</guid><link>javascript:alert(1)</link><description>&lt;a href="javascript:x()"&gt;hi&lt;/a&gt;</description></item></channel></rss>'
    expect(first(parse(evil))).toMatchObject({ url: null, text: 'hi' })
  })

  it(`caps text at ${textLengthMax} characters`, () => {
    const long = `<rss><channel><item><guid>g</guid><description>${'word '.repeat(10_000)}</description></item></channel></rss>`
    expect(first(parse(long)).text).toHaveLength(textLengthMax)
  })

  it('refuses external entities and survives nested entity expansion', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><guid>&x;</guid></item></channel></rss>'
    expect(parse(xxe)).toMatchObject({ ok: false, reason: 'MALFORMED_XML' })
    const lol = `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
      <rss><channel><item><guid>g</guid><title>${'&c;'.repeat(50)}</title></item></channel></rss>`
    const result = parse(lol)
    expect(parseResultProblems(result)).toEqual([])
    expect(result.ok ? result.messages[0]?.text.length ?? 0 : 0).toBeLessThanOrEqual(textLengthMax)
  })

  it.each([
    ['empty', ''],
    ['plain text', 'hello'],
    ['JSON', '{"items":[]}'],
    ['broken markup that is no feed', '<a><b></a>'],
    ['a lone <', '<'],
  ])('parks %s as MALFORMED_XML', (_name, body) => {
    expect(parse(body)).toMatchObject({ ok: false, reason: 'MALFORMED_XML' })
  })

  it('parks well-formed XML that is not a feed as INVALID_SHAPE', () => {
    expect(parse('<html><body><p>hi</p></body></html>')).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' })
  })

  it('returns ok with no messages for a feed without items', () => {
    expect(parse('<rss version="2.0"><channel><title>t</title></channel></rss>')).toEqual({ ok: true, messages: [], skipped: 0 })
  })

  it('parks an oversized document as TOO_LARGE', () => {
    expect(parse(' '.repeat(feedCharsMax + 1))).toMatchObject({ ok: false, reason: 'TOO_LARGE' })
  })
})

describe.skipIf(!hasSharedFixtures)('parseFeed: shared feed fixtures', () => {
  const feed = (file: string) => parseFeed({ body: readFixture('rss-atom', file), origin: file })

  it('parses every fixture (leading newline before <?xml included), also with a BOM', () => {
    const files = listFixtures('rss-atom').filter((f) => f.endsWith('.xml'))
    expect(files.length).toBeGreaterThanOrEqual(4)
    for (const file of files) {
      const body = readFixture('rss-atom', file)
      const plain = parseFeed({ body })
      const withBom = parseFeed({ body: `\uFEFF${body}` })
      expect(messagesOf(plain).length).toBeGreaterThan(0)
      expect(withBom).toEqual(plain)
    }
  })

  it('Hacker News RSS: no guid, so the link is the id; the feed is the author', () => {
    const messages = messagesOf(feed('RSSWithComments.xml'))
    expect(messages).toHaveLength(30)
    expect(messages[0]).toMatchObject({
      externalId: 'https://aws.amazon.com/blogs/aws/announcing-aws-lambda-function-urls-built-in-https-endpoints-for-single-function-microservices/',
      author: { externalUserId: 'https://news.ycombinator.com/', displayName: 'Hacker News' },
      text: 'AWS Lambda Function URLs: Built-In HTTPS Endpoints for Lambda\n\nComments (https://news.ycombinator.com/item?id=30937433)',
      createdAt: new Date('2022-04-06T21:07:47Z'),
      engagement: null,
    })
  })

  it('Sam Ruby Atom: relative links resolved against the feed, thr:count replies, svg dropped', () => {
    const messages = messagesOf(feed('SamRuby.xml'))
    expect(messages).toHaveLength(20)
    expect(messages[0]).toMatchObject({
      externalId: 'tag:intertwingly.net,2004:3308',
      url: 'http://intertwingly.net/blog/2013/01/30/Plex',
      author: { externalUserId: 'Sam Ruby' },
      createdAt: new Date('2013-01-30T18:12:03Z'),
      engagement: { likes: 0, reposts: 0, replies: 2, quotes: 0 },
    })
    expect(messages[0]?.text).toMatch(/^Plex\n\nScott Hanselman \(http:\/\/www\.hanselman\.com\/blog\/[^)]+\): Plex is the media center/)
    expect(messages[0]?.text).not.toMatch(/radialGradient|stop-color/)
    expect(messages.map((m) => m.engagement?.replies)).toEqual([2, 0, 5, 4, 15, 21, 0, 1, 3, 1, 7, 0, 0, 0, 0, 0, 2, 5, 0, 0])
  })

  it('TechCrunch RSS: non-permalink guid as id, feedburner:origLink as url, dc:creator, slash:comments', () => {
    const messages = messagesOf(feed('TechCrunch.xml'))
    expect(messages).toHaveLength(20)
    expect(messages[0]).toMatchObject({
      externalId: 'http://techcrunch.com/?p=446154',
      url: 'http://techcrunch.com/2011/11/02/angies-list-prices-ipo-at-11-to-13-per-share-valued-at-over-600m/',
      author: { externalUserId: 'Leena Rao' },
      langs: ['en'],
      createdAt: new Date('2011-11-02T17:25:27Z'),
      engagement: { likes: 0, reposts: 0, replies: 0, quotes: 0 },
    })
    expect(messages[0]?.text).toMatch(/^Angie’s List Sets Price Range IPO At \$11 To \$13 Per Share; Valued At Over \$600M\n\nAngie’s List, which offers/)
  })

  it('Tender Lovemaking RSS: entity in the title, CDATA content', () => {
    const messages = messagesOf(feed('TenderLovemaking.xml'))
    expect(messages).toHaveLength(10)
    expect(messages[0]).toMatchObject({
      externalId: 'http://tenderlovemaking.com/?p=198',
      url: 'http://tenderlovemaking.com/2008/12/04/nokogiris-slop-feature/',
      author: { externalUserId: 'Aaron Patterson' },
      createdAt: new Date('2008-12-04T17:17:49Z'),
      engagement: null,
    })
    expect(messages[0]?.text).toMatch(/^Nokogiri’s Slop Feature\n\nOops! When I released nokogiri \(http:\/\/nokogiri\.rubyforge\.org\/\) version 1\.0\.7/)
  })

  it('never throws on a feed cut at any point', () => {
    const bodies = listFixtures('rss-atom').filter((f) => f.endsWith('.xml')).map((f) => readFixture('rss-atom', f))
    fc.assert(fc.property(fc.constantFrom(...bodies), fc.nat(), (body, cut) => {
      expect(parseResultProblems(parseFeed({ body: body.slice(0, cut % (body.length + 1)) }))).toEqual([])
    }), { numRuns: 100 })
  })
})

describe('parseFeed: properties', () => {
  const total = (body: string) => {
    expect(parseResultProblems(parseFeed({ body }))).toEqual([])
  }

  it('never throws on arbitrary strings and JSON', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), total), { numRuns: 500 })
    fc.assert(fc.property(fc.json(), total), { numRuns: 300 })
    fc.assert(fc.property(fc.anything(), (value) => total(JSON.stringify(value) ?? 'null')), { numRuns: 200 })
  })

  const xmlPiece = fc.constantFrom(
    '<?xml version="1.0"?>', '\uFEFF', ' ', '\n', '<rss version="2.0">', '</rss>', '<channel>', '</channel>', '<item>', '</item>',
    '<title>', '</title>', '<link>', '</link>', '<guid isPermaLink="false">', '</guid>', '<description>', '</description>',
    '<pubDate>', '</pubDate>', 'Wed, 6 Apr 2022 21:07:47 +0000', '<dc:creator>', '</dc:creator>', '<slash:comments>', '</slash:comments>',
    '<feed xmlns="http://www.w3.org/2005/Atom">', '</feed>', '<entry>', '</entry>', '<id>', '</id>', '<content type="xhtml">',
    '<content type="html">', '</content>', '<summary>', '</summary>', '<div>', '</div>', '<link href="/x" rel="alternate"/>',
    '<link rel="replies" thr:count="4"/>', '<author><name>', '</name></author>', '<updated>', '</updated>', '2024-01-01T00:00:00Z',
    '<![CDATA[', ']]>', '&amp;', '&lt;p&gt;', '&#x1F600;', '&#0;', '&nbsp;', '&bogus;', '&', '<!--', '-->', '<', '>', '/>',
    'xml:base="https://b.example/"', '<a href="javascript:alert(1)">', '</a>', '<script>', '</script>', '<rdf:RDF>', '</rdf:RDF>',
    '<!DOCTYPE r [<!ENTITY e "ee">]>', '&e;', 'text', '"', "'", '=',
  )
  const xmlish = fc.array(fc.oneof({ weight: 5, arbitrary: xmlPiece }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), { maxLength: 60 })

  it('returns a well-formed result with only web urls for XML-ish strings', () => {
    fc.assert(fc.property(xmlish, (pieces) => {
      const result = parseFeed({ body: pieces.join('') })
      expect(parseResultProblems(result)).toEqual([])
    }), { numRuns: 2000 })
  })

  it('returns a well-formed result for generated feeds with arbitrary field text', () => {
    const field = fc.oneof(fc.string({ maxLength: 30 }), xmlPiece)
    const item = fc.tuple(field, field, field, field).map(([guid, title, link, date]) =>
      `<item><guid>${guid}</guid><title>${title}</title><link>${link}</link><pubDate>${date}</pubDate></item>`)
    fc.assert(fc.property(fc.array(item, { maxLength: 5 }), (items) => {
      total(`<rss version="2.0"><channel><title>t</title>${items.join('')}</channel></rss>`)
    }), { numRuns: 500 })
  })
})

// RSS 2.0 feed documents from invented travel blogs/news sites that write about Northwind Air.
// WordPress-style: guid isPermaLink="false", dc:creator, comments, wfw:commentRss, slash:comments.
import type { DemoLang } from './personas.ts'
import type { Rng } from './prng.ts'
import { render } from './templates.ts'

interface Blog {
  title: string
  host: string
  description: string
  language: string
  lang: DemoLang
  authors: readonly string[]
}

export const blogs: readonly Blog[] = [
  { title: 'The Layover Ledger', host: 'layover-ledger.example', description: 'Honest airline reviews and travel hacks', language: 'en-GB', lang: 'en', authors: ['Mira Castell', 'Owen Pike'] },
  { title: 'Runway Daily', host: 'runway-daily.example', description: 'Aviation news, every morning', language: 'en-US', lang: 'en', authors: ['Staff', 'Daniel Ferro', 'Kat Osei'] },
  { title: 'Le Carnet de Vol', host: 'carnet-de-vol.example', description: 'Voyages, compagnies aériennes et bons plans', language: 'fr-FR', lang: 'fr', authors: ['Élodie Marchand'] },
]

interface Article {
  lang: DemoLang
  title: string
  body: string
  categories: readonly string[]
}

const articles: readonly Article[] = [
  { lang: 'en', title: 'Northwind Air adds {to} to its summer schedule', body: 'Northwind Air will fly {fromCode}–{toCode} four times a week from {month}, with introductory fares from {amount} euros return. We asked the airline whether the route survives the winter; it would not say.', categories: ['News', 'Northwind Air'] },
  { lang: 'en', title: 'Review: Northwind Air economy on {flight}, {from} to {to}', body: 'Boarding at gate {gate} was orderly, the seat ({seat}) was fine for a short hop and the crew were friendly. The app, however, logged us out twice before departure.', categories: ['Reviews', 'Northwind Air'] },
  { lang: 'en', title: 'Northwind Air passengers face delays as ground staff dispute drags on', body: 'Travellers through {fromCode} reported waits of up to {hours} hours on Northwind departures this week. The airline says most flights are operating and passengers can rebook free of charge.', categories: ['News', 'Disruption'] },
  { lang: 'en', title: 'Northwind Air refreshes its app (still no dark mode)', body: 'The new Northwind app brings faster check-in and live bag tracking. Readers keep asking us about dark mode; the airline says it is "on the roadmap".', categories: ['Apps', 'Northwind Air'] },
  { lang: 'en', title: "Is Northwind Air's new basic fare worth it? We did the maths", body: 'On a {fromCode}–{toCode} return, adding a cabin bag and a seat to the basic fare costs {amount} euros more than the standard fare. Read the small print before you book.', categories: ['Guides'] },
  { lang: 'en', title: 'Lost bag on Northwind? Here is how to claim', body: 'File a property irregularity report before you leave the airport, keep every receipt and write to Northwind within 21 days. Our reader waited {days} days for a reply.', categories: ['Guides', 'Baggage'] },
  { lang: 'fr', title: 'Northwind Air ouvre une ligne vers {to}', body: 'La compagnie Northwind Air desservira {toCode} depuis {fromCode} dès le printemps, avec des tarifs d’appel à {amount} euros.', categories: ['Actualités'] },
  { lang: 'fr', title: 'Retards chez Northwind : vos droits en cas d’annulation', body: 'Vol {flight} annulé ou retardé de plus de trois heures ? Voici comment obtenir une indemnisation auprès de Northwind.', categories: ['Guides'] },
]

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const cdata = (s: string): string => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`

/** RFC 822 date as feeds write it: "Tue, 04 Mar 2025 09:12:33 +0000". */
export function rfc822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000')
}

function slugify(title: string): string {
  return title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
}

const WP_EPOCH_MS = Date.UTC(2015, 0, 1)

export interface FeedItemRef {
  guid: string
  link: string
}

/** Feed generator with per-blog post counters, so every item guid is new. */
export class RssFeeds {
  private readonly postIds = new Map<string, number>()
  constructor(private readonly rng: Rng) {}

  /** A feed document with 1–3 new items published shortly before `nowMs` (newest first). */
  document(nowMs: number): { xml: string; items: FeedItemRef[] } {
    const rng = this.rng
    const blog = rng.pick(blogs)
    const pool = articles.filter((a) => a.lang === blog.lang)
    const count = rng.int(1, 3)
    const items: string[] = []
    const refs: FeedItemRef[] = []
    // Items published since the last poll, newest first. Post ids grow with time (one per minute
    // since 2015, bumped past the last one), so a later run never reuses an earlier run's guids.
    const newest = nowMs - rng.int(30, 600) * 1000
    const times = [newest]
    for (let i = 1; i < count; i++) times.push((times[i - 1] ?? newest) - rng.int(2, 12) * 60_000)
    const ids: number[] = []
    let last = this.postIds.get(blog.host) ?? 0
    for (const ms of [...times].reverse()) ids.unshift((last = Math.max(Math.floor((ms - WP_EPOCH_MS) / 60_000), last + 1)))
    this.postIds.set(blog.host, last)
    for (const [i, postId] of ids.entries()) {
      const published = times[i] ?? newest
      const article = rng.pick(pool)
      const ctx = { rng, brandMention: 'Northwind Air', lang: blog.lang }
      const title = render(article.title, ctx)
      const body = render(article.body, ctx)
      const d = new Date(published)
      const link = `https://${blog.host}/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${slugify(title)}-${postId}/`
      const guid = `https://${blog.host}/?p=${postId}`
      refs.push({ guid, link })
      const comments = rng.int(0, 40)
      items.push(
        [
          '\t\t<item>',
          `\t\t<title>${escapeXml(title)}</title>`,
          `\t\t<link>${link}</link>`,
          `\t\t<comments>${link}#comments</comments>`,
          `\t\t<pubDate>${rfc822(published)}</pubDate>`,
          `\t\t<dc:creator>${cdata(rng.pick(blog.authors))}</dc:creator>`,
          ...article.categories.map((c) => `\t\t<category>${cdata(c)}</category>`),
          `\t\t<guid isPermaLink="false">${guid}</guid>`,
          `\t\t<description>${cdata(body)}</description>`,
          `\t\t<content:encoded>${cdata(`<p>${escapeXml(body)}</p>`)}</content:encoded>`,
          `\t\t<wfw:commentRss>${link}feed/</wfw:commentRss>`,
          `\t\t<slash:comments>${comments}</slash:comments>`,
          '\t\t</item>',
        ].join('\n'),
      )
    }
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">',
      '<channel>',
      `\t<title>${escapeXml(blog.title)}</title>`,
      `\t<atom:link href="https://${blog.host}/feed/" rel="self" type="application/rss+xml" />`,
      `\t<link>https://${blog.host}</link>`,
      `\t<description>${escapeXml(blog.description)}</description>`,
      `\t<lastBuildDate>${rfc822(newest)}</lastBuildDate>`,
      `\t<language>${blog.language}</language>`,
      '\t<sy:updatePeriod>hourly</sy:updatePeriod>',
      '\t<sy:updateFrequency>1</sy:updateFrequency>',
      ...items,
      '</channel>',
      '</rss>',
      '',
    ].join('\n')
    return { xml, items: refs }
  }
}

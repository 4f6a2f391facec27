import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { describe, expect, it } from 'vitest'
import { channels } from '../channels/index.ts'
import { snowflakeMs } from './ids.ts'
import { templates } from './templates.ts'
import { DEMO_BRAND, demoTraffic, takeDemoEvents, type DemoEvent } from './traffic.ts'

const start = new Date('2025-03-10T08:00:00.000Z')
const events = takeDemoEvents({ seed: 20250310, start }, 2000)

type Json = Record<string, any>
const json = (e: DemoEvent): Json => JSON.parse(e.body) as Json
/** Event times: start + the running sum of delayMs. */
const times: number[] = []
events.reduce((t, e) => (times.push(t + e.delayMs), t + e.delayMs), start.getTime())

const xml = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'item' || name === 'category' })

describe('demoTraffic', () => {
  it('is deterministic: same seed, same first 200 events; another seed differs', () => {
    const a = takeDemoEvents({ seed: 99, start }, 200)
    const b = takeDemoEvents({ seed: 99, start }, 200)
    const c = takeDemoEvents({ seed: 100, start }, 200)
    expect(a).toEqual(b)
    expect(c.map((e) => e.body)).not.toEqual(a.map((e) => e.body))
  })

  it('talks to and about the same brand accounts whatever the seed', () => {
    for (const seed of [1, 2]) {
      const lines = takeDemoEvents({ seed, start }, 600).filter((e) => e.channel !== 'rss-atom').map(json)
      const toBrand = lines.filter((l) => l.data?.in_reply_to_user_id === DEMO_BRAND.xUserId)
      expect(toBrand.length).toBeGreaterThan(0)
      expect(toBrand.every((l) => l.includes.users.some((u: Json) => u.username === DEMO_BRAND.xUsername))).toBe(true)
      const mentions = lines.flatMap((l) => l.commit?.record?.facets ?? []).flatMap((f: Json) => f.features).filter((f: Json) => f.did)
      expect(mentions.length).toBeGreaterThan(0)
      expect(new Set(mentions.map((f: Json) => f.did))).toEqual(new Set([DEMO_BRAND.blueskyDid]))
      // The brand never shows up as an author: its own posts are not customer traffic.
      expect(lines.some((l) => l.did === DEMO_BRAND.blueskyDid || l.data?.author_id === DEMO_BRAND.xUserId)).toBe(false)
    }
  })

  it('is endless and lazy', () => {
    const gen = demoTraffic({ seed: 1, start })
    for (let i = 0; i < 5000; i++) expect(gen.next().done).toBe(false)
  })

  it('arrives at a gentle rate: mean gap 4–8 s, with jitter, always forward', () => {
    const gaps = events.map((e) => e.delayMs)
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length
    expect(mean).toBeGreaterThan(4000)
    expect(mean).toBeLessThan(8000)
    expect(Math.min(...gaps)).toBeGreaterThan(0)
    expect(new Set(gaps).size).toBeGreaterThan(500)
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000)
  })

  it('mixes the three channels and every scenario', () => {
    const channelsSeen = new Set(events.map((e) => e.channel))
    expect([...channelsSeen].sort()).toEqual(['bluesky', 'rss-atom', 'x-twitter'])
    const scenarios = new Set(events.map((e) => e.scenario))
    for (const s of ['complaint', 'question', 'praise', 'idea', 'spam', 'chatter', 'reply', 'delete', 'noise', 'rss', 'viral', 'viral-update', 'viral-reply']) {
      expect(scenarios, s).toContain(s)
    }
    const rss = events.filter((e) => e.channel === 'rss-atom').length
    expect(rss).toBeGreaterThan(10)
    expect(rss).toBeLessThan(120)
  })

  it('timestamps advance from start by delayMs', () => {
    events.forEach((e, i) => {
      const t = times[i] ?? 0
      if (e.channel === 'bluesky') {
        const line = json(e)
        expect(Math.floor(line.time_us / 1000)).toBe(t)
        const created = line.commit?.record?.createdAt
        if (typeof created === 'string') expect(Date.parse(created)).toBeLessThanOrEqual(t)
      } else if (e.channel === 'x-twitter' && e.scenario !== 'viral-update') {
        const created = Date.parse(json(e).data.created_at)
        expect(created).toBeLessThanOrEqual(t)
        expect(created).toBeGreaterThan(t - 3000)
      } else if (e.channel === 'rss-atom') {
        const doc = xml.parse(e.body)
        expect(Date.parse(doc.rss.channel.lastBuildDate)).toBeLessThanOrEqual(t)
      }
    })
  })
})

describe('ids', () => {
  it('are unique across 2,000 events (re-emissions and deletes aside)', () => {
    const ids: string[] = []
    for (const e of events) {
      if (e.channel === 'x-twitter' && e.scenario !== 'viral-update') ids.push(`x:${json(e).data.id}`)
      if (e.channel === 'bluesky') {
        const line = json(e)
        if (line.kind === 'commit' && line.commit.operation === 'create') {
          ids.push(`at://${line.did}/${line.commit.collection}/${line.commit.rkey}`, `cid:${line.commit.cid}`)
        }
      }
      if (e.channel === 'rss-atom') {
        for (const item of xml.parse(e.body).rss.channel.item) ids.push(`rss:${item.guid['#text']}`)
      }
    }
    expect(ids.length).toBeGreaterThan(1500)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('are strings in realistic formats', () => {
    for (const e of events) {
      if (e.channel === 'x-twitter') {
        const line = json(e)
        const d = line.data
        for (const id of [d.id, d.author_id, d.conversation_id, ...d.edit_history_tweet_ids]) {
          expect(typeof id).toBe('string')
          expect(id).toMatch(/^\d{6,19}$/)
        }
        expect(d.id).toMatch(/^\d{19}$/)
        // The snowflake carries the creation time (created_at is truncated to the second).
        expect(Math.floor(snowflakeMs(d.id) / 1000) * 1000).toBe(Date.parse(d.created_at))
        for (const u of line.includes.users) expect(typeof u.id).toBe('string')
        for (const r of line.matching_rules) expect(typeof r.id).toBe('string')
        for (const r of d.referenced_tweets ?? []) expect(r.id).toMatch(/^\d{19}$/)
        if (d.in_reply_to_user_id !== undefined) expect(typeof d.in_reply_to_user_id).toBe('string')
      }
      if (e.channel === 'bluesky') {
        const line = json(e)
        expect(line.did).toMatch(/^did:plc:[a-z2-7]{24}$/)
        if (line.kind === 'commit') {
          expect(line.commit.rkey).toMatch(/^[2-7a-j][2-7a-z]{12}$/)
          expect(line.commit.rev).toMatch(/^[2-7a-j][2-7a-z]{12}$/)
          if (line.commit.cid !== undefined) expect(line.commit.cid).toMatch(/^bafyrei[a-z2-7]{51}[aeimquy4]$/)
        }
      }
    }
  })
})

describe('the post that is taking off', () => {
  const viral = events.findIndex((e) => e.scenario === 'viral')
  const id: string = json(events[viral] as DemoEvent).data.id
  const updates = events
    .map((e, i) => ({ e, t: times[i] ?? 0 }))
    .filter(({ e }) => e.channel === 'x-twitter' && json(e).data.id === id)

  it('re-appears with the same id and growing counts: 40 reposts within 5 min, then 300', () => {
    const t0 = times[viral] ?? 0
    expect(t0 - start.getTime()).toBeLessThan(3 * 60_000)
    expect(updates.length).toBeGreaterThanOrEqual(8)
    const metrics = updates.map(({ e }) => json(e).data.public_metrics)
    for (let i = 1; i < metrics.length; i++) {
      expect(metrics[i].retweet_count).toBeGreaterThan(metrics[i - 1].retweet_count)
      expect(metrics[i].like_count).toBeGreaterThanOrEqual(metrics[i - 1].like_count)
      expect(metrics[i].quote_count).toBeGreaterThanOrEqual(metrics[i - 1].quote_count)
    }
    const at40 = updates.find(({ e }) => json(e).data.public_metrics.retweet_count === 40)
    const at300 = updates.find(({ e }) => json(e).data.public_metrics.retweet_count === 300)
    expect(at40 && at40.t - t0).toBeLessThanOrEqual(5 * 60_000)
    expect(at300 && at300.t - t0).toBeLessThanOrEqual(12 * 60_000)
    expect(updates.slice(1).every(({ e }) => e.scenario === 'viral-update')).toBe(true)
    // The re-emitted tweet is the same tweet: same text, author and created_at.
    const texts = new Set(updates.map(({ e }) => `${json(e).data.text}|${json(e).data.created_at}|${json(e).data.author_id}`))
    expect(texts.size).toBe(1)
  })

  it('happens about every 10 minutes of generated time, with replies and quotes', () => {
    const minutes = ((times.at(-1) ?? 0) - start.getTime()) / 60_000
    const episodes = events.filter((e) => e.scenario === 'viral').length
    expect(episodes).toBeGreaterThanOrEqual(Math.floor(minutes / 11))
    expect(episodes).toBeLessThanOrEqual(Math.ceil(minutes / 9) + 1)
    const reactions = events.filter((e) => e.scenario === 'viral-reply').map((e) => json(e).data.referenced_tweets[0])
    expect(reactions.some((r) => r.type === 'replied_to' && r.id === id)).toBe(true)
    expect(new Set(reactions.map((r) => r.type))).toEqual(new Set(['replied_to', 'quoted']))
  })
})

describe('wire shapes', () => {
  it('Bluesky bodies are single Jetstream v1 lines', () => {
    for (const e of events.filter((e) => e.channel === 'bluesky')) {
      expect(e.body).not.toContain('\n')
      const line = json(e)
      expect(typeof line.time_us).toBe('number')
      expect(['commit', 'identity', 'account']).toContain(line.kind)
      if (line.kind !== 'commit') continue
      const c = line.commit
      if (c.operation === 'delete') {
        expect(c.record).toBeUndefined()
        expect(c.cid).toBeUndefined()
        continue
      }
      expect(c.record.$type).toBe(c.collection)
      if (c.collection !== 'app.bsky.feed.post') {
        expect(e.scenario).toBe('noise')
        continue
      }
      expect(typeof c.record.text).toBe('string')
      expect(c.record.langs).toHaveLength(1)
      if (c.record.reply) {
        for (const k of ['root', 'parent']) expect(c.record.reply[k].uri).toMatch(/^at:\/\/did:plc:[a-z2-7]{24}\/app\.bsky\.feed\.post\/[2-7a-z]{13}$/)
      }
      // Facet indexes are UTF-8 byte offsets into the text.
      const bytes = new TextEncoder().encode(c.record.text)
      for (const f of c.record.facets ?? []) {
        const covered = new TextDecoder().decode(bytes.slice(f.index.byteStart, f.index.byteEnd))
        const feature = f.features[0]
        if (feature.$type.endsWith('#mention')) expect(covered).toBe('@northwindair.bsky.social')
        if (feature.$type.endsWith('#tag')) expect(covered).toBe(`#${feature.tag}`)
        if (feature.$type.endsWith('#link')) expect(covered).toBe(feature.uri)
      }
      expect([...new Intl.Segmenter().segment(c.record.text)].length).toBeLessThanOrEqual(300)
    }
  })

  it('X bodies are filtered-stream lines with includes and matching_rules', () => {
    const followers: number[] = []
    let verified = 0
    for (const e of events.filter((e) => e.channel === 'x-twitter')) {
      expect(e.body).not.toContain('\n')
      const line = json(e)
      const d = line.data
      expect(Object.keys(line).sort()).toEqual(['data', 'includes', 'matching_rules'])
      for (const k of ['id', 'text', 'author_id', 'conversation_id', 'created_at', 'lang', 'public_metrics', 'edit_history_tweet_ids']) expect(d, k).toHaveProperty(k)
      expect(d.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/)
      expect(Array.from(d.text as string).length).toBeLessThanOrEqual(280)
      expect(line.matching_rules.length).toBeGreaterThan(0)
      const author = line.includes.users.find((u: Json) => u.id === d.author_id)
      expect(author).toBeDefined()
      expect(typeof author.public_metrics.followers_count).toBe('number')
      expect(typeof author.verified).toBe('boolean')
      followers.push(author.public_metrics.followers_count)
      if (author.verified) verified++
      for (const ref of d.referenced_tweets ?? []) {
        expect(line.includes.tweets.map((t: Json) => t.id)).toContain(ref.id)
        if (ref.type === 'replied_to') {
          const parent = line.includes.tweets.find((t: Json) => t.id === ref.id)
          expect(d.conversation_id).toBe(parent.conversation_id)
          expect(d.in_reply_to_user_id).toBe(parent.author_id)
        }
      }
      if (!d.referenced_tweets?.some((r: Json) => r.type === 'replied_to')) expect(d.conversation_id).toBe(d.id)
    }
    // Varied reach: mostly small accounts, a few with 2k–50k followers, some verified.
    const small = followers.filter((f) => f < 1000).length
    expect(small / followers.length).toBeGreaterThan(0.5)
    expect(followers.some((f) => f >= 2000 && f <= 50_000)).toBe(true)
    expect(verified).toBeGreaterThan(0)
  })

  it('RSS bodies are well-formed RSS 2.0 feeds with 1–3 items about Northwind', () => {
    for (const e of events.filter((e) => e.channel === 'rss-atom')) {
      expect(XMLValidator.validate(e.body)).toBe(true)
      const doc = xml.parse(e.body)
      expect(doc.rss['@_version']).toBe('2.0')
      const items = doc.rss.channel.item as Json[]
      expect(items.length).toBeGreaterThanOrEqual(1)
      expect(items.length).toBeLessThanOrEqual(3)
      for (const item of items) {
        expect(`${item.title} ${item.description}`).toMatch(/Northwind/)
        expect(item.guid['@_isPermaLink']).toBe('false')
        expect(Number.isNaN(Date.parse(item.pubDate))).toBe(false)
        expect(item.link).toMatch(/^https:\/\/[a-z-]+\.example\//)
      }
    }
  })
})

describe('content', () => {
  const texts = events.flatMap((e) => {
    if (e.scenario === 'viral-update') return []
    if (e.channel === 'x-twitter') return [json(e).data.text as string]
    if (e.channel === 'bluesky') return [json(e).commit?.record?.text as string | undefined].filter((t): t is string => typeof t === 'string')
    return []
  })

  it('has ~60 templates across 4 languages and every intent', () => {
    expect(templates.length).toBeGreaterThanOrEqual(55)
    expect(new Set(templates.map((t) => t.lang))).toEqual(new Set(['en', 'fr', 'es', 'de']))
    expect(new Set(templates.map((t) => t.intent)).size).toBe(6)
  })

  it('varies: unaddressed complaints, churn words, flight numbers, several languages', () => {
    expect(new Set(texts).size).toBeGreaterThan(texts.length * 0.7)
    expect(texts.some((t) => /^third time this month my Northwind flight is delayed/.test(t))).toBe(true)
    expect(texts.some((t) => /switching to|cancel/i.test(t))).toBe(true)
    expect(texts.some((t) => /\bNW\d{2,4}\b/.test(t))).toBe(true)
    expect(texts.some((t) => /dark (mode|theme)/i.test(t))).toBe(true)
    const langs = new Set(events.filter((e) => e.channel === 'bluesky' && json(e).commit?.record?.langs).map((e) => json(e).commit.record.langs[0]))
    expect(langs).toEqual(new Set(['en', 'fr', 'es', 'de']))
  })

  it('never copies a slot placeholder into a post', () => {
    for (const t of texts) expect(t).not.toMatch(/\{\w+\}/)
  })
})

describe('with the real channel parsers', () => {
  it('every body parses without error; posts yield messages, noise is skipped', () => {
    for (const [i, e] of events.entries()) {
      const result = channels[e.channel].parse({ body: e.body, origin: `demo event ${i} (${e.scenario})` })
      if (!result.ok) throw new Error(`${e.channel} ${e.scenario} event ${i} parked: ${result.reason} ${result.detail}\n${e.body.slice(0, 400)}`)
      if (e.scenario === 'noise') {
        expect(result.messages).toHaveLength(0)
        expect(result.skipped).toBe(1)
        continue
      }
      expect(result.messages.length, `${e.scenario} event ${i}`).toBeGreaterThanOrEqual(1)
      for (const m of result.messages) {
        expect(m.channel).toBe(e.channel)
        expect(typeof m.externalId).toBe('string')
        expect(Number.isNaN(m.createdAt.getTime())).toBe(false)
      }
    }
  })

  it('carries ids, threads, languages, reach and engagement through', () => {
    for (const e of events) {
      const result = channels[e.channel].parse({ body: e.body })
      if (!result.ok) continue
      const [m] = result.messages
      if (m === undefined) continue
      if (e.channel === 'x-twitter') {
        const d = json(e).data
        expect(m.externalId).toBe(d.id)
        expect(m.engagement?.reposts).toBe(d.public_metrics.retweet_count)
        expect(m.langs).toEqual([d.lang])
        expect(m.author?.followers).toBeGreaterThanOrEqual(0)
        const parent = d.referenced_tweets?.find((r: Json) => r.type === 'replied_to')
        expect(m.parentExternalId).toBe(parent?.id ?? null)
        expect(m.threadExternalId).toBe(d.conversation_id === d.id ? null : d.conversation_id)
      }
      if (e.channel === 'bluesky') {
        const line = json(e)
        expect(m.externalId).toBe(`at://${line.did}/app.bsky.feed.post/${line.commit.rkey}`)
        expect(m.op).toBe(line.commit.operation)
        if (line.commit.operation === 'create') {
          expect(m.langs).toEqual(line.commit.record.langs)
          expect(m.parentExternalId).toBe(line.commit.record.reply?.parent.uri ?? null)
        }
      }
      if (e.channel === 'rss-atom') {
        expect(result.messages).toHaveLength((xml.parse(e.body).rss.channel.item as Json[]).length)
        expect(m.text).toMatch(/Northwind/)
      }
    }
  })
})

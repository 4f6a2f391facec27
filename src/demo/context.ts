// Shared state of one demo traffic stream: PRNG, people, the brand's accounts, id allocators and
// the recent posts that replies, likes and deletes refer to.
import { TidClock, postUri, type StrongRef } from './bluesky-wire.ts'
import { cidDagCbor, snowflake, tid } from './ids.ts'
import { buildPersonas, type DemoLang, type Persona } from './personas.ts'
import { createRng, type Rng } from './prng.ts'
import { RssFeeds } from './rss-wire.ts'
import { buildTweet, type MatchingRule, type Tweet } from './x-wire.ts'

export type DemoChannel = 'bluesky' | 'x-twitter' | 'rss-atom'

/** The demo workspace's brand accounts: fixed, so a workspace can be configured with them whatever the seed. */
export const DEMO_BRAND = {
  name: 'Northwind Air',
  xUsername: 'northwindair',
  xUserId: '2401658733',
  blueskyHandle: 'northwindair.bsky.social',
  blueskyDid: 'did:plc:n3rthw7ndairdem2q5kxbv4c',
} as const

export interface BskyPostRef extends StrongRef {
  did: string
  rkey: string
  /** Thread root; the post itself when it starts a thread. */
  root: StrongRef
}

export interface XPostRef {
  tweet: Tweet
  author: Persona
}

export interface DemoContext {
  rng: Rng
  personas: Persona[]
  brandX: Persona
  brandDid: string
  /** Recent brand posts customers reply to (they predate the stream). */
  brandBskyPosts: BskyPostRef[]
  brandTweets: XPostRef[]
  rules: { mention: MatchingRule; keyword: MatchingRule }
  tids: TidClock
  rss: RssFeeds
  recentBsky: BskyPostRef[]
  recentX: XPostRef[]
  /** A fresh X snowflake id for a tweet created at `ms`. */
  tweetId(ms: number): string
  /** Jetstream identity/account sequence number. */
  nextSeq(): number
}

const RECENT_MAX = 40

export function remember<T>(list: T[], item: T): void {
  list.push(item)
  if (list.length > RECENT_MAX) list.shift()
}

export function personaFor(ctx: DemoContext, lang: DemoLang): Persona {
  const pool = ctx.personas.filter((p) => p.lang === lang)
  return ctx.rng.pick(pool.length > 0 ? pool : ctx.personas)
}

export function createContext(seed: number, startMs: number): DemoContext {
  const rng = createRng(seed)
  const personas = buildPersonas(rng, startMs)
  let sequence = rng.int(0, 4095)
  const machine = rng.int(0, 1023)
  const tweetId = (ms: number): string => snowflake(ms, machine, sequence++)
  let seq = 30_000_000_000 + rng.int(0, 2_000_000_000)
  const tids = new TidClock(rng)

  const brandX: Persona = {
    lang: 'en',
    name: DEMO_BRAND.name,
    username: DEMO_BRAND.xUsername,
    xUserId: DEMO_BRAND.xUserId,
    xCreatedAt: '2014-03-17T09:30:00.000Z',
    did: DEMO_BRAND.blueskyDid,
    followers: 52_400,
    following: 612,
    tweetCount: 98_311,
    verified: true,
    bio: 'Official Northwind Air. We are here to help 24/7 ✈️',
  }
  const brandTexts = [
    'Good morning from the Northwind Air team! Our summer schedule is now live in the app ☀️',
    'Travelling this weekend? Check in online 24 hours before departure and skip the queue.',
    'Heavy snow in northern Europe today: please check your flight status before heading to the airport.',
  ]
  const brandBskyPosts: BskyPostRef[] = []
  const brandTweets: XPostRef[] = []
  brandTexts.forEach((text, i) => {
    const ms = startMs - (i + 1) * rng.int(3, 20) * 3_600_000
    // Written before the stream starts, so its TID does not go through the stream's clock.
    const rkey = tid(ms * 1000 + rng.int(0, 999), rng.int(0, 1023))
    const uri = postUri(brandX.did, rkey)
    const cid = cidDagCbor(rng)
    brandBskyPosts.push({ uri, cid, did: brandX.did, rkey, root: { uri, cid } })
    const tweet = buildTweet({
      id: snowflake(ms, machine, rng.int(0, 4095)),
      text,
      author: brandX,
      createdAtMs: ms,
      lang: 'en',
      metrics: { like_count: rng.int(20, 400), retweet_count: rng.int(2, 60), reply_count: rng.int(5, 80) },
      knownUsers: {},
    })
    brandTweets.push({ tweet, author: brandX })
  })

  return {
    rng,
    personas,
    brandX,
    brandDid: brandX.did,
    brandBskyPosts,
    brandTweets,
    rules: {
      mention: { id: snowflake(startMs - 30 * 86_400_000, machine, 1), tag: 'brand mentions @northwindair' },
      keyword: { id: snowflake(startMs - 30 * 86_400_000, machine, 2), tag: 'northwind -from:northwindair' },
    },
    tids,
    rss: new RssFeeds(rng),
    recentBsky: [],
    recentX: [],
    tweetId,
    nextSeq: () => (seq += rng.int(1, 40)),
  }
}

// "The post that is taking off" (SCENARIOS.md §3): an X video of a rude gate agent whose reposts
// climb to 40 within five minutes and 300 by twelve. The same tweet id is re-emitted with growing
// public_metrics, while replies and quote tweets pile up underneath.
import { DEMO_BRAND, type DemoContext, type XPostRef } from './context.ts'
import { tweetLine, type Produced } from './events.ts'
import { render } from './templates.ts'
import { zeroMetrics, xStreamLine, type PublicMetrics, type Tweet } from './x-wire.ts'

export interface Scheduled {
  atMs: number
  make(atMs: number): Produced
}

const MENTION = `@${DEMO_BRAND.xUsername}`

const VIRAL_TEXTS = [
  '{brand} your gate agent at {fromCode} gate {gate} just screamed at an elderly man for asking if {flight} was still boarding. filmed the whole thing. absolutely disgusting',
  'this is how {brand} treats customers. gate agent at {fromCode} mocking a woman in tears because she missed her connection. video 👇',
  '{brand} watch your staff at gate {gate} tear up a passenger’s boarding pass and laugh about it. {flight}, {fromCode}. unbelievable',
]

const REACTIONS = [
  '{brand} this is shameful. what are you doing about it?',
  'I was on this flight. it was even worse in person',
  'not surprised at all, same thing happened to me at {fromCode} last year',
  'sharing this until {brand} responds',
  'cancelling my trip with Northwind after watching this',
  'to be fair we do not know what happened before the video started',
  'whoever filmed this, thank you. {brand} needs to answer for it',
]

/** [minute, reposts]; the 5-minute (40) and 12-minute (300) points are the scenario's numbers. */
const CURVE: readonly (readonly [number, number])[] = [
  [1, 4], [2.5, 13], [4, 26], [4.9, 40], [7, 95], [9, 170], [10.5, 240], [11.9, 300],
]

const REACTION_MINUTES = [1.6, 3.3, 4.4, 6.1, 8.0, 9.7, 11.3]

export function planViral(ctx: DemoContext, startMs: number, episode: number): Scheduled[] {
  const { rng } = ctx
  const big = ctx.personas.filter((p) => p.lang === 'en' && p.followers >= 300)
  const author = rng.pick(big.length > 0 ? big : ctx.personas)
  const text = render(VIRAL_TEXTS[episode % VIRAL_TEXTS.length] ?? '', { rng, brandMention: MENTION, lang: 'en' })
  const likeRatio = 2.6 + rng.next() * 1.2
  const createdAtMs = startMs - rng.int(300, 1500)
  const media = { key: `7_${ctx.tweetId(createdAtMs - 4000)}`, durationMs: rng.int(12_000, 48_000) }
  let reactions = 0
  const metrics = (reposts: number): PublicMetrics => ({
    ...zeroMetrics(),
    retweet_count: reposts,
    like_count: Math.round(reposts * likeRatio),
    quote_count: Math.round(reposts * 0.11),
    reply_count: Math.round(reposts * 0.08) + reactions,
    bookmark_count: Math.round(reposts * 0.15),
    impression_count: Math.round(reposts * 210 + author.followers * 0.4),
  })

  let viral: XPostRef | null = null
  const current = (reposts: number): XPostRef => {
    if (!viral) throw new Error('viral tweet used before it was posted')
    const tweet: Tweet = { ...viral.tweet, public_metrics: metrics(reposts) }
    viral = { tweet, author }
    return viral
  }
  let lastReposts = 0
  /** Reposts as of the last emitted update (reactions carry the metrics of that moment). */
  let shownReposts = 0
  const plan: Scheduled[] = [
    {
      atMs: startMs,
      make: () => {
        const out = tweetLine(ctx, createdAtMs, author, text, 'en', undefined, media)
        viral = out.post
        return { channel: 'x-twitter', body: out.body, scenario: 'viral' }
      },
    },
  ]
  for (const [minute, target] of CURVE) {
    const exact = target === 40 || target === 300
    const reposts = exact ? target : Math.max(lastReposts + 1, Math.round(target * (0.85 + rng.next() * 0.3)))
    lastReposts = reposts
    const atMs = startMs + Math.round(minute * 60_000) + (exact ? -rng.int(0, 20_000) : rng.int(-15_000, 15_000))
    plan.push({
      atMs,
      make: () => {
        shownReposts = reposts
        const post = current(reposts)
        const body = xStreamLine(post.tweet, { author, media }, [ctx.rules.mention])
        return { channel: 'x-twitter', body, scenario: 'viral-update' }
      },
    })
  }
  for (const minute of REACTION_MINUTES) {
    if (!rng.chance(0.75)) continue
    const atMs = startMs + Math.round(minute * 60_000) + rng.int(-10_000, 10_000)
    const quote = rng.chance(0.3)
    const reaction = rng.pick(REACTIONS)
    plan.push({
      atMs,
      make: (at) => {
        reactions += 1
        const parent = current(shownReposts)
        const who = rng.pick(ctx.personas.filter((p) => p.lang === 'en' && p.xUserId !== author.xUserId))
        const body = render(reaction, { rng, brandMention: MENTION, lang: 'en' })
        const full = quote ? body : `@${author.username} ${body.includes(MENTION) ? '' : `${MENTION} `}${body}`
        const out = tweetLine(ctx, at - rng.int(300, 1500), who, full, 'en', { type: quote ? 'quoted' : 'replied_to', to: parent })
        return { channel: 'x-twitter', body: out.body, scenario: 'viral-reply' }
      },
    })
  }
  return plan
}

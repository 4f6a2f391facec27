// X API v2 filtered-stream lines: {data, includes:{users, tweets?, media?}, matching_rules}.
import type { Persona } from './personas.ts'

export interface PublicMetrics {
  retweet_count: number
  reply_count: number
  like_count: number
  quote_count: number
  bookmark_count: number
  impression_count: number
}

export interface ReferencedTweet {
  type: 'replied_to' | 'quoted'
  id: string
}

export interface Tweet {
  id: string
  text: string
  author_id: string
  conversation_id: string
  created_at: string
  lang: string
  public_metrics: PublicMetrics
  edit_history_tweet_ids: string[]
  referenced_tweets?: ReferencedTweet[]
  in_reply_to_user_id?: string
  entities?: Record<string, unknown>
  attachments?: { media_keys: string[] }
  possibly_sensitive: boolean
  reply_settings: 'everyone'
}

export interface MatchingRule {
  id: string
  tag: string
}

export interface TweetInput {
  id: string
  text: string
  author: Persona
  createdAtMs: number
  lang: string
  metrics?: Partial<PublicMetrics>
  /** The tweet this one answers or quotes, with its author (goes to includes). */
  ref?: { type: ReferencedTweet['type']; tweet: Tweet; author: Persona }
  /** Username → user id of @mentions we know (the brand). */
  knownUsers: Record<string, string>
  media?: { key: string; durationMs: number }
}

/** v2 `created_at`: ISO 8601, always with .000 milliseconds. */
export function xTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString()
}

export function zeroMetrics(): PublicMetrics {
  return { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 }
}

/** Entity indices are code-point offsets into the text. */
function entitiesFor(text: string, knownUsers: Record<string, string>): Record<string, unknown> | undefined {
  const cps = (s: string): number => Array.from(s).length
  const mentions = [...text.matchAll(/@(\w{1,15})\b(?!\.)/g)].map((m) => {
    const start = cps(text.slice(0, m.index))
    const username = m[1] ?? ''
    const id = knownUsers[username.toLowerCase()]
    return { start, end: start + cps(m[0]), username, ...(id ? { id } : {}) }
  })
  const hashtags = [...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => {
    const start = cps(text.slice(0, m.index))
    return { start, end: start + cps(m[0]), tag: m[1] ?? '' }
  })
  const entities: Record<string, unknown> = {}
  if (mentions.length > 0) entities.mentions = mentions
  if (hashtags.length > 0) entities.hashtags = hashtags
  return Object.keys(entities).length > 0 ? entities : undefined
}

export function buildTweet(input: TweetInput): Tweet {
  const { ref } = input
  const tweet: Tweet = {
    id: input.id,
    text: input.text,
    author_id: input.author.xUserId,
    conversation_id: ref?.type === 'replied_to' ? ref.tweet.conversation_id : input.id,
    created_at: xTime(input.createdAtMs),
    lang: input.lang,
    public_metrics: { ...zeroMetrics(), ...input.metrics },
    edit_history_tweet_ids: [input.id],
    possibly_sensitive: false,
    reply_settings: 'everyone',
  }
  if (ref) {
    tweet.referenced_tweets = [{ type: ref.type, id: ref.tweet.id }]
    if (ref.type === 'replied_to') tweet.in_reply_to_user_id = ref.author.xUserId
  }
  const entities = entitiesFor(input.text, input.knownUsers)
  if (entities) tweet.entities = entities
  if (input.media) tweet.attachments = { media_keys: [input.media.key] }
  return tweet
}

export function xUser(p: Persona): Record<string, unknown> {
  return {
    id: p.xUserId,
    name: p.name,
    username: p.username,
    created_at: p.xCreatedAt,
    description: p.bio,
    protected: false,
    verified: p.verified,
    profile_image_url: 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png',
    public_metrics: { followers_count: p.followers, following_count: p.following, tweet_count: p.tweetCount, listed_count: Math.floor(p.followers / 60) },
  }
}

/** One filtered-stream message. `ref` joins the referenced tweet and its author into `includes`. */
export function xStreamLine(tweet: Tweet, input: Pick<TweetInput, 'author' | 'ref' | 'media'>, rules: MatchingRule[]): string {
  const users = [xUser(input.author)]
  if (input.ref && input.ref.author.xUserId !== input.author.xUserId) users.push(xUser(input.ref.author))
  const includes: Record<string, unknown> = { users }
  if (input.ref) includes.tweets = [input.ref.tweet]
  if (input.media) {
    includes.media = [{ media_key: input.media.key, type: 'video', duration_ms: input.media.durationMs, height: 1280, width: 720 }]
  }
  return JSON.stringify({ data: tweet, includes, matching_rules: rules })
}

// What Earshot asks X for when it reads Tweets (mentions, filtered stream, our own timeline):
// the fields parse.ts reads. X serves only id, text and edit_history_tweet_ids unless asked.
import type { ResetHeader } from '../http.ts'

export const defaultApiBaseUrl = 'https://api.x.com'

/** X says when a rate-limit window ends in epoch seconds. */
export const xRateLimitReset: ResetHeader = { name: 'x-rate-limit-reset', unit: 'epoch-s' }

export const tweetReadQuery: Readonly<Record<string, string>> = {
  expansions: 'author_id,referenced_tweets.id',
  'tweet.fields': 'author_id,conversation_id,created_at,lang,referenced_tweets,public_metrics,edit_history_tweet_ids,note_tweet,in_reply_to_user_id',
  'user.fields': 'username,name,verified,public_metrics',
}

/** The account's API base URL without a trailing slash. */
export function apiBaseUrl(settings: Readonly<Record<string, string>>): string {
  const base = settings['apiBaseUrl'] ?? ''
  return (base === '' ? defaultApiBaseUrl : base).replace(/\/+$/, '')
}

export function apiUrl(base: string, path: string, query: Readonly<Record<string, string>> = {}): string {
  const url = new URL(`${base}${path}`)
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  return url.toString()
}

// X API v1.1 objects: Tweets (timelines, Account Activity `tweet_create_events`), Account Activity
// webhook bodies (DMs, Tweet creates/deletes) and legacy stream delete notices.
// v1.1 numeric `id` fields lose precision in JSON.parse; only the `*_str` / string fields are read.
import type { Author, Direction, Engagement, NormalizedMessage, ParseResult } from '../../core/model.ts'
import {
  arrayAt, capText, countAt, dateFromMsText, engagementOf, isRecord, park, recordAt, stringAt, type JsonRecord,
} from '../wire.ts'
import { dateFromV1, dmConversationId, isXId, langsOf, snowflakeDate, tweetUrl } from './ids.ts'
import { pageItemsMax } from './v2.ts'

type ItemResult = NormalizedMessage | 'skip'

export function isV1Tweet(value: unknown): value is JsonRecord {
  return isRecord(value) && isXId(stringAt(value, 'id_str')) && v1Text(value) !== null
}

/** A v1.1 Tweet; `accountUserId` (the subscribed account, AAA `for_user_id`) marks our own Tweets 'out'. */
export function v1Tweet(tweet: JsonRecord, accountUserId: string | null): ItemResult {
  const id = stringAt(tweet, 'id_str')
  const text = v1Text(tweet)
  if (!isXId(id) || text === null) return 'skip'
  if (isRecord(tweet['retweeted_status'])) return 'skip'
  const user = recordAt(tweet, 'user')
  const author = user === null ? null : v1Author(user)
  const edits = recordAt(tweet, 'edit_history')
  const initialId = edits === null ? null : stringAt(edits, 'initial_tweet_id')
  const editCount = edits === null ? 0 : arrayAt(edits, 'edit_tweet_ids').length
  const parentId = stringAt(tweet, 'in_reply_to_status_id_str')
  return {
    channel: 'x-twitter',
    op: editCount > 1 ? 'update' : 'create',
    externalId: isXId(initialId) ? initialId : id,
    author,
    direction: directionOf(author?.externalUserId ?? null, accountUserId),
    visibility: 'public',
    text: capText(text),
    langs: langsOf(stringAt(tweet, 'lang')),
    createdAt: dateFromV1(stringAt(tweet, 'created_at')) ?? snowflakeDate(id) ?? new Date(0),
    parentExternalId: isXId(parentId) ? parentId : null,
    // v1.1 has no conversation key; the parent chain is all there is.
    threadExternalId: null,
    url: tweetUrl(id, author?.handle ?? null),
    engagement: v1Engagement(tweet),
    raw: tweet,
  }
}

/** Extended (>140) Tweets keep the whole text in `extended_tweet.full_text` (streams) or `full_text` (REST). */
function v1Text(tweet: JsonRecord): string | null {
  const extended = recordAt(tweet, 'extended_tweet')
  return (extended === null ? null : stringAt(extended, 'full_text')) ?? stringAt(tweet, 'full_text') ?? stringAt(tweet, 'text')
}

function v1Author(user: JsonRecord): Author | null {
  const id = stringAt(user, 'id_str') ?? stringAt(user, 'id')
  if (!isXId(id)) return null
  return {
    externalUserId: id,
    handle: stringAt(user, 'screen_name'),
    displayName: stringAt(user, 'name'),
    followers: countAt(user, 'followers_count'),
    verified: user['verified'] === true,
  }
}

function v1Engagement(tweet: JsonRecord): Engagement | null {
  return engagementOf(
    countAt(tweet, 'favorite_count'), countAt(tweet, 'retweet_count'),
    countAt(tweet, 'reply_count'), countAt(tweet, 'quote_count'),
  )
}

function directionOf(authorId: string | null, accountUserId: string | null): Direction {
  return authorId !== null && authorId === accountUserId ? 'out' : 'in'
}

export function parseV1Tweets(items: readonly unknown[], where: string): ParseResult {
  const messages: NormalizedMessage[] = []
  let skipped = Math.max(0, items.length - pageItemsMax)
  for (const item of items.slice(0, pageItemsMax)) {
    const result = isRecord(item) ? v1Tweet(item, null) : 'skip'
    if (result === 'skip') skipped += 1
    else messages.push(result)
  }
  if (items.length > 0 && !items.some(isV1Tweet)) {
    return park('INVALID_SHAPE', `${where}array holds no v1.1 Tweet objects`)
  }
  return { ok: true, messages, skipped }
}

/**
 * Account Activity webhook body: `{ for_user_id, direct_message_events?, users?, tweet_create_events?,
 * tweet_delete_events?, favorite_events?, follow_events? … }`. One POST may hold several kinds.
 */
export function parseAccountActivity(body: JsonRecord, accountUserId: string, where: string): ParseResult {
  const messages: NormalizedMessage[] = []
  let skipped = 0
  let eventLists = 0
  for (const [key, value] of Object.entries(body)) {
    if (!key.endsWith('_events') || !Array.isArray(value)) continue
    eventLists += 1
    for (const event of value.slice(0, pageItemsMax)) {
      const result = isRecord(event) ? accountActivityEvent(key, event, body, accountUserId) : 'skip'
      if (result === 'skip') skipped += 1
      else messages.push(result)
    }
    skipped += Math.max(0, value.length - pageItemsMax)
  }
  if (eventLists === 0) return park('INVALID_SHAPE', `${where}for_user_id without any *_events list`)
  return { ok: true, messages, skipped }
}

function accountActivityEvent(key: string, event: JsonRecord, body: JsonRecord, accountUserId: string): ItemResult {
  if (key === 'tweet_create_events') return v1Tweet(event, accountUserId)
  if (key === 'tweet_delete_events') return tweetDeleted(event, accountUserId)
  if (key === 'direct_message_events') return v1DirectMessage(event, recordAt(body, 'users'), accountUserId)
  return 'skip'
}

/** v1.1 DM event (`type: message_create`); AAA echoes DMs the account sent itself (sender = for_user_id). */
function v1DirectMessage(event: JsonRecord, users: JsonRecord | null, accountUserId: string): ItemResult {
  const id = stringAt(event, 'id')
  const create = recordAt(event, 'message_create')
  const target = create === null ? null : recordAt(create, 'target')
  const senderId = create === null ? null : stringAt(create, 'sender_id')
  const recipientId = target === null ? null : stringAt(target, 'recipient_id')
  const data = create === null ? null : recordAt(create, 'message_data')
  const text = data === null ? null : stringAt(data, 'text')
  if (stringAt(event, 'type') !== 'message_create' || !isXId(id) || !isXId(senderId) || text === null) return 'skip'
  const user = users === null ? null : recordAt(users, senderId)
  return {
    channel: 'x-twitter',
    op: 'create',
    externalId: id,
    author: (user === null ? null : v1Author(user)) ?? bareAuthor(senderId),
    direction: directionOf(senderId, accountUserId),
    visibility: 'private',
    text: capText(text),
    langs: [],
    createdAt: dateFromMsText(stringAt(event, 'created_timestamp')) ?? snowflakeDate(id) ?? new Date(0),
    parentExternalId: null,
    threadExternalId: isXId(recipientId) ? dmConversationId(senderId, recipientId) : null,
    url: null,
    engagement: null,
    raw: event,
  }
}

function bareAuthor(userId: string): Author {
  return { externalUserId: userId, handle: null, displayName: null, followers: null, verified: false }
}

/**
 * AAA `tweet_delete_events[]` item or legacy stream `delete` notice, both
 * `{ status: { id | id_str, user_id | user_id_str }, timestamp_ms }` with string ids.
 */
export function tweetDeleted(notice: JsonRecord, accountUserId: string | null): ItemResult {
  const status = recordAt(notice, 'status')
  const id = status === null ? null : stringAt(status, 'id_str') ?? stringAt(status, 'id')
  const userId = status === null ? null : stringAt(status, 'user_id_str') ?? stringAt(status, 'user_id')
  if (!isXId(id)) return 'skip'
  return {
    channel: 'x-twitter',
    op: 'delete',
    externalId: id,
    author: null,
    direction: directionOf(userId, accountUserId),
    visibility: 'public',
    text: '',
    langs: [],
    createdAt: dateFromMsText(stringAt(notice, 'timestamp_ms')) ?? snowflakeDate(id) ?? new Date(0),
    parentExternalId: null,
    threadExternalId: null,
    url: null,
    engagement: null,
    raw: notice,
  }
}

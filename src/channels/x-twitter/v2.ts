// X API v2 bodies: filtered-stream lines and lookup/search/mentions/DM-event pages,
// `{ data: Tweet | Tweet[] | DmEvent[], includes: { users, tweets }, matching_rules?, errors?, meta? }`.
import type { Author, Engagement, NormalizedMessage, ParseResult } from '../../core/model.ts'
import { mediaLinks, type MediaKind, type MediaLink } from '../../core/media.ts'
import {
  arrayAt, capText, countAt, dateFromIso, engagementOf, isRecord, park, recordAt, stringAt, stringsAt,
  type JsonRecord,
} from '../wire.ts'
import { isXId, langsOf, snowflakeDate, tweetUrl } from './ids.ts'

/** Pages hold ≤ 100 items; a bigger `data` is not a real page, the rest is counted as skipped. */
export const pageItemsMax = 1_000
const editHistoryMax = 20
/** 1:1 conversations are "<user id>-<user id>", groups a single id. */
const dmConversationPattern = /^\d{1,20}(?:-\d{1,20})?$/

interface Includes {
  users: ReadonlyMap<string, JsonRecord>
  tweets: ReadonlyMap<string, JsonRecord>
  /** includes.media by media_key */
  media: ReadonlyMap<string, JsonRecord>
}

type ItemResult = NormalizedMessage | 'skip'

export function parseV2Body(body: JsonRecord, where: string): ParseResult {
  const data = body['data']
  if (!Array.isArray(data) && !isRecord(data)) return park('INVALID_SHAPE', `${where}data is neither an object nor an array`)
  const includes = includesOf(body)
  const items: readonly unknown[] = Array.isArray(data) ? data : [data]
  const messages: NormalizedMessage[] = []
  let skipped = Math.max(0, items.length - pageItemsMax)
  for (const item of items.slice(0, pageItemsMax)) {
    const result = isRecord(item) ? parseV2Item(item, includes) : 'skip'
    if (result === 'skip') skipped += 1
    else messages.push(result)
  }
  // A single object that is no Tweet or DM (e.g. `{"data":{"deleted":true}}`) is an answer to one of
  // our own requests, not received content.
  if (isRecord(data) && messages.length === 0) return park('INVALID_SHAPE', `${where}data is not a Tweet or DM event`)
  return { ok: true, messages, skipped }
}

function parseV2Item(item: JsonRecord, includes: Includes): ItemResult {
  return stringAt(item, 'event_type') === null ? v2Tweet(item, includes) : v2DmEvent(item, includes)
}

function includesOf(body: JsonRecord): Includes {
  const includes = recordAt(body, 'includes')
  return {
    users: indexById(includes === null ? [] : arrayAt(includes, 'users')),
    tweets: indexById(includes === null ? [] : arrayAt(includes, 'tweets')),
    media: indexByMediaKey(includes === null ? [] : arrayAt(includes, 'media')),
  }
}

function indexByMediaKey(items: readonly unknown[]): ReadonlyMap<string, JsonRecord> {
  const byKey = new Map<string, JsonRecord>()
  for (const item of items.slice(0, pageItemsMax)) {
    const key = isRecord(item) ? stringAt(item, 'media_key') : null
    if (isRecord(item) && key !== null && key.length <= 100) byKey.set(key, item)
  }
  return byKey
}

const xMediaKinds: Record<string, MediaKind> = { photo: 'image', video: 'video', animated_gif: 'video' }

/** The tweet's attachments.media_keys resolved in includes.media: a photo's url, a video's preview image. */
function v2Media(tweet: JsonRecord, includes: Includes): MediaLink[] {
  const attachments = recordAt(tweet, 'attachments')
  const keys = attachments === null ? [] : stringsAt(attachments, 'media_keys', 10)
  return mediaLinks(keys.flatMap((key) => {
    const m = includes.media.get(key)
    if (m === undefined) return []
    return [{ kind: xMediaKinds[stringAt(m, 'type') ?? ''] ?? 'file', url: stringAt(m, 'url') ?? stringAt(m, 'preview_image_url'), alt: stringAt(m, 'alt_text') }]
  }))
}

function indexById(items: readonly unknown[]): ReadonlyMap<string, JsonRecord> {
  const byId = new Map<string, JsonRecord>()
  for (const item of items.slice(0, pageItemsMax)) {
    const id = isRecord(item) ? stringAt(item, 'id') : null
    if (isRecord(item) && isXId(id)) byId.set(id, item)
  }
  return byId
}

function v2Tweet(tweet: JsonRecord, includes: Includes): ItemResult {
  const id = stringAt(tweet, 'id')
  const text = textOf(tweet)
  if (!isXId(id) || text === null) return 'skip'
  // A retweet carries no words of its own (Bluesky reposts are skipped the same way).
  if (referencedIds(tweet, 'retweeted').length > 0) return 'skip'
  // X lists the latest version (`id`) last; a history without it is not trusted.
  const history = editHistory(tweet).includes(id) ? editHistory(tweet) : []
  const externalId = history[0] ?? id
  const authorId = stringAt(tweet, 'author_id')
  const user = isXId(authorId) ? includes.users.get(authorId) ?? null : null
  const author = isXId(authorId) ? v2Author(authorId, user) : null
  const conversationId = stringAt(tweet, 'conversation_id')
  const parentId = referencedIds(tweet, 'replied_to')[0] ?? null
  return {
    channel: 'x-twitter',
    op: history.length > 1 ? 'update' : 'create',
    externalId,
    author,
    direction: 'in',
    visibility: 'public',
    text: capText(text),
    langs: langsOf(stringAt(tweet, 'lang')),
    createdAt: dateFromIso(stringAt(tweet, 'created_at')) ?? snowflakeDate(id) ?? new Date(0),
    parentExternalId: parentId === null ? null : originalId(parentId, includes),
    threadExternalId: isXId(conversationId) && conversationId !== id && !history.includes(conversationId)
      ? originalId(conversationId, includes)
      : null,
    url: tweetUrl(id, author?.handle ?? null),
    engagement: v2Engagement(tweet),
    media: v2Media(tweet, includes),
    raw: tweet,
  }
}

/** Long posts carry their full text in `note_tweet.text`; `text` is then cut at 280. */
function textOf(tweet: JsonRecord): string | null {
  const note = recordAt(tweet, 'note_tweet')
  return (note === null ? null : stringAt(note, 'text')) ?? stringAt(tweet, 'text')
}

/** Oldest first; the latest version is `id`. Empty when the field is absent. */
function editHistory(tweet: JsonRecord): string[] {
  return stringsAt(tweet, 'edit_history_tweet_ids', editHistoryMax).filter((id) => isXId(id))
}

/**
 * Messages are keyed by the first id of an edited Tweet, so a reference to a later version is
 * mapped back to it when `includes.tweets` carries that Tweet's edit history.
 */
function originalId(id: string, includes: Includes): string {
  const included = includes.tweets.get(id)
  return (included === undefined ? undefined : editHistory(included)[0]) ?? id
}

function referencedIds(tweet: JsonRecord, type: string): string[] {
  const ids: string[] = []
  for (const ref of arrayAt(tweet, 'referenced_tweets').slice(0, 10)) {
    const id = isRecord(ref) && stringAt(ref, 'type') === type ? stringAt(ref, 'id') : null
    if (isXId(id)) ids.push(id)
  }
  return ids
}

function v2Author(userId: string, user: JsonRecord | null): Author {
  const metrics = user === null ? null : recordAt(user, 'public_metrics')
  return {
    externalUserId: userId,
    handle: user === null ? null : stringAt(user, 'username'),
    displayName: user === null ? null : stringAt(user, 'name'),
    followers: metrics === null ? null : countAt(metrics, 'followers_count'),
    verified: user !== null && user['verified'] === true,
  }
}

function v2Engagement(tweet: JsonRecord): Engagement | null {
  const m = recordAt(tweet, 'public_metrics')
  if (m === null) return null
  return engagementOf(countAt(m, 'like_count'), countAt(m, 'retweet_count'), countAt(m, 'reply_count'), countAt(m, 'quote_count'))
}

/**
 * `GET /2/dm_events` items. The body does not say which participant is the subscribed account,
 * so direction stays 'in'; the pipeline can correct it against the channel account's user id.
 */
function v2DmEvent(event: JsonRecord, includes: Includes): ItemResult {
  const id = stringAt(event, 'id')
  const text = stringAt(event, 'text')
  if (stringAt(event, 'event_type') !== 'MessageCreate' || !isXId(id) || text === null) return 'skip'
  const senderId = stringAt(event, 'sender_id')
  const conversationId = stringAt(event, 'dm_conversation_id')
  return {
    channel: 'x-twitter',
    op: 'create',
    externalId: id,
    author: isXId(senderId) ? v2Author(senderId, includes.users.get(senderId) ?? null) : null,
    direction: 'in',
    visibility: 'private',
    text: capText(text),
    langs: [],
    createdAt: dateFromIso(stringAt(event, 'created_at')) ?? snowflakeDate(id) ?? new Date(0),
    parentExternalId: null,
    threadExternalId: conversationId !== null && dmConversationPattern.test(conversationId) ? conversationId : null,
    url: null,
    engagement: null,
    raw: event,
  }
}

// The canonical model shared by every stage. Pure types and tiny constructors; no I/O.
import type { MediaLink } from './media.ts'

export const channelNames = [
  'x-twitter', 'facebook', 'instagram', 'mastodon', 'bluesky', 'reddit', 'rss-atom', 'google-reviews', 'email', 'webchat', 'webhook',
] as const
export type ChannelName = (typeof channelNames)[number]

export function isChannelName(value: string): value is ChannelName {
  return (channelNames as readonly string[]).includes(value)
}

export type Direction = 'in' | 'out'
export type Visibility = 'public' | 'private'

/** What happened to a message on the platform. */
export type MessageOp = 'create' | 'update' | 'delete'

export interface Author {
  /** The platform's stable user id (DID, X user id, feed author URI …), always a string. */
  externalUserId: string
  handle: string | null
  displayName: string | null
  followers: number | null
  verified: boolean
}

export interface Engagement {
  likes: number
  reposts: number
  replies: number
  quotes: number
}

/**
 * One platform message after its channel's parser: the unit the pipeline dedupes, threads and scores.
 * Ids are strings everywhere (X ids exceed 2^53).
 */
export interface NormalizedMessage {
  channel: ChannelName
  op: MessageOp
  externalId: string
  /** Set for create/update; null for delete (platforms send no content then). */
  author: Author | null
  direction: Direction
  visibility: Visibility
  text: string
  /** The platform's language tags when it sends them (Bluesky `langs`, X `lang`). */
  langs: string[]
  createdAt: Date
  /** External id of the message this one answers, if any. */
  parentExternalId: string | null
  /**
   * The platform's own conversation key (X `conversation_id`, Bluesky reply root uri, RSS feed item id).
   * Null when the message starts its own thread.
   */
  threadExternalId: string | null
  url: string | null
  engagement: Engagement | null
  /** Images, video and links the message carries (src/core/media.ts); absent: none known. */
  media?: MediaLink[]
  /** The platform's raw object for this message (kept with the message, the inbound log keeps the whole line). */
  raw: unknown
}

export type ParkReason =
  | 'MALFORMED_JSON'
  | 'MALFORMED_XML'
  | 'INVALID_SHAPE'
  | 'UNSUPPORTED_EVENT'
  | 'PLATFORM_ERROR'
  | 'TOO_LARGE'

/**
 * Result of parsing one raw platform unit (a JSONL line, a JSON document, a feed).
 * `ok: true` with zero messages means "nothing for us" (keep-alive, identity event) and is not an error.
 * `skipped` counts sub-events deliberately ignored (e.g. likes), for progress summaries.
 */
export type ParseResult =
  | { ok: true; messages: NormalizedMessage[]; skipped: number }
  | { ok: false; reason: ParkReason; detail: string }

export type ConversationStatus = 'new' | 'open' | 'pending' | 'snoozed' | 'resolved'
export const conversationStatuses: readonly ConversationStatus[] = ['new', 'open', 'pending', 'snoozed', 'resolved']

export interface PriorityReason {
  code: string
  label: string
  points: number
}

export interface Priority {
  score: number
  reasons: PriorityReason[]
}

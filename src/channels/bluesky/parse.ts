// Jetstream v1 JSON line → ParseResult. Only app.bsky.feed.post commits become messages;
// every other event (likes, reposts, follows, profile, identity, account …) is counted as skipped.
import type { Author, NormalizedMessage, ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import { mediaLinks, type MediaKind, type MediaLink } from '../../core/media.ts'
import {
  arrayAt, at, capText, dateFromIso, dateFromMs, decodeJson, idAt, isRecord, numberAt, park, recordAt, stringAt, stringsAt,
  type JsonRecord,
} from '../wire.ts'

const postCollection = 'app.bsky.feed.post'
/** Jetstream frames are small (a post is ≤ 300 graphemes); anything bigger is not one event. */
export const jetstreamLineCharsMax = 1_000_000
const langsCountMax = 8

// Both end up in a bsky.app URL, so they are held to the atproto syntax.
const didPattern = /^did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}$/
const rkeyPattern = /^[A-Za-z0-9._:~-]{1,512}$/

const skippedOne: ParseResult = { ok: true, messages: [], skipped: 1 }

export function parseJetstreamEvent(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  if (raw.body.length > jetstreamLineCharsMax) return park('TOO_LARGE', `${where}${raw.body.length} chars`)
  if (raw.body.trim() === '') return { ok: true, messages: [], skipped: 0 }
  const decoded = decodeJson(raw.body)
  if (!decoded.ok) return park('MALFORMED_JSON', where + decoded.detail)
  const event = decoded.value
  if (!isRecord(event)) return park('INVALID_SHAPE', `${where}event is not an object`)
  const did = stringAt(event, 'did')
  const timeUs = numberAt(event, 'time_us')
  const kind = stringAt(event, 'kind')
  if (did === null || !didPattern.test(did)) return park('INVALID_SHAPE', `${where}missing or invalid did`)
  if (timeUs === null || kind === null) return park('INVALID_SHAPE', `${where}missing time_us or kind`)
  if (kind !== 'commit') return skippedOne
  const commit = recordAt(event, 'commit')
  if (commit === null) return park('INVALID_SHAPE', `${where}commit event without commit object`)
  if (stringAt(commit, 'collection') !== postCollection) return skippedOne
  return parsePostCommit(event, commit, did, timeUs, where)
}

function parsePostCommit(event: JsonRecord, commit: JsonRecord, did: string, timeUs: number, where: string): ParseResult {
  const rkey = idAt(commit, 'rkey')
  const operation = stringAt(commit, 'operation')
  if (rkey === null || !rkeyPattern.test(rkey)) return park('INVALID_SHAPE', `${where}missing or invalid rkey`)
  const eventAt = dateFromMs(Math.floor(timeUs / 1000)) ?? new Date(0)
  const uri = `at://${did}/${postCollection}/${rkey}`
  if (operation === 'delete') return { ok: true, messages: [deletedPost(uri, eventAt, event)], skipped: 0 }
  if (operation !== 'create' && operation !== 'update') return park('INVALID_SHAPE', `${where}unknown operation`)
  const record = recordAt(commit, 'record')
  const text = record === null ? null : stringAt(record, 'text')
  if (record === null || text === null) return park('INVALID_SHAPE', `${where}post ${operation} without record.text`)
  const message: NormalizedMessage = {
    channel: 'bluesky',
    op: operation,
    externalId: uri,
    author: authorOf(did),
    direction: 'in',
    visibility: 'public',
    text: capText(text),
    langs: stringsAt(record, 'langs', langsCountMax),
    // createdAt is client-asserted; time_us (when Jetstream saw it) is the fallback.
    createdAt: dateFromIso(stringAt(record, 'createdAt')) ?? eventAt,
    parentExternalId: replyUri(record, 'parent'),
    threadExternalId: replyUri(record, 'root'),
    url: `https://bsky.app/profile/${did}/post/${rkey}`,
    engagement: null,
    media: blueskyMedia(record, did),
    raw: event,
  }
  return { ok: true, messages: [message], skipped: 0 }
}

function deletedPost(uri: string, eventAt: Date, event: JsonRecord): NormalizedMessage {
  return {
    channel: 'bluesky',
    op: 'delete',
    externalId: uri,
    author: null,
    direction: 'in',
    visibility: 'public',
    text: '',
    langs: [],
    createdAt: eventAt,
    parentExternalId: null,
    threadExternalId: null,
    url: null,
    engagement: null,
    raw: event,
  }
}

function authorOf(did: string): Author {
  return { externalUserId: did, handle: null, displayName: null, followers: null, verified: false }
}

function replyUri(record: JsonRecord, key: 'parent' | 'root'): string | null {
  const reply = recordAt(record, 'reply')
  const ref = reply === null ? null : recordAt(reply, key)
  const uri = ref === null ? null : stringAt(ref, 'uri')
  return uri !== null && uri.startsWith('at://') ? uri : null
}

const cidPattern = /^[a-z2-7]{10,120}$/

/** A blob's CID (`{ref: {$link}}`), when it looks like one: it goes into a CDN URL. */
function blobCid(blob: JsonRecord | null): string | null {
  const ref = blob === null ? null : recordAt(blob, 'ref')
  const cid = ref === null ? null : stringAt(ref, '$link')
  return cid !== null && cidPattern.test(cid) ? cid : null
}

/**
 * The post's embed as links: images (Bluesky's CDN serves a blob at
 * cdn.bsky.app/img/feed_fullsize/plain/{did}/{cid}@jpeg), a video's playlist, an external link card;
 * `recordWithMedia` carries one of those beside a quoted post.
 */
function blueskyMedia(record: JsonRecord, did: string): MediaLink[] {
  const embed = recordAt(record, 'embed')
  if (embed === null) return []
  const type = stringAt(embed, '$type')
  const inner = type === 'app.bsky.embed.recordWithMedia' ? recordAt(embed, 'media') : embed
  if (inner === null) return []
  const candidates: { kind: MediaKind; url: unknown; alt?: unknown }[] = []
  switch (stringAt(inner, '$type')) {
    case 'app.bsky.embed.images':
      for (const image of arrayAt(inner, 'images').filter(isRecord)) {
        const cid = blobCid(recordAt(image, 'image'))
        if (cid !== null) candidates.push({ kind: 'image', url: `https://cdn.bsky.app/img/feed_fullsize/plain/${did}/${cid}@jpeg`, alt: stringAt(image, 'alt') })
      }
      break
    case 'app.bsky.embed.video': {
      const cid = blobCid(recordAt(inner, 'video'))
      if (cid !== null) candidates.push({ kind: 'video', url: `https://video.bsky.app/watch/${encodeURIComponent(did)}/${cid}/playlist.m3u8`, alt: stringAt(inner, 'alt') })
      break
    }
    case 'app.bsky.embed.external': {
      const external = recordAt(inner, 'external')
      if (external !== null) candidates.push({ kind: 'link', url: stringAt(external, 'uri'), alt: stringAt(external, 'title') })
      break
    }
  }
  return mediaLinks(candidates)
}

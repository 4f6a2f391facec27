// One X unit (a filtered-stream line, an API response body or an Account Activity webhook body)
// → ParseResult. Recognises the body by its envelope, then hands it to the v2 or v1.1 reader.
//
// Messages: v2 Tweets and MessageCreate DM events in `data`; v1.1 Tweets (alone or in a timeline
// array); AAA `direct_message_events`, `tweet_create_events`, `tweet_delete_events`; legacy
// `{"delete":…}` notices. Skipped (counted): retweets, other DM event types, other AAA `*_events`
// (favorites, follows, typing …). Nothing: blank keep-alives, data-less pages (`meta` only).
// Parked: `errors` without `data` (PLATFORM_ERROR); answers to our own writes such as
// `{"data":{"deleted":true}}` or DM-send acks, CRC bodies and anything else (INVALID_SHAPE).
import type { ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import { arrayAt, at, decodeJson, isRecord, park, recordAt, stringAt, type JsonRecord } from '../wire.ts'
import { isXId } from './ids.ts'
import { isV1Tweet, parseAccountActivity, parseV1Tweets, tweetDeleted, v1Tweet } from './v1.ts'
import { parseV2Body } from './v2.ts'

/** A page of 100 Tweets with expansions is well under this; bigger bodies are parked. */
export const xBodyCharsMax = 5_000_000

const nothing: ParseResult = { ok: true, messages: [], skipped: 0 }

export function parseXPayload(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  if (raw.body.length > xBodyCharsMax) return park('TOO_LARGE', `${where}${raw.body.length} chars`)
  // Filtered-stream keep-alives are blank lines ("\r\n").
  if (raw.body.trim() === '') return nothing
  const decoded = decodeJson(raw.body)
  if (!decoded.ok) return park('MALFORMED_JSON', where + decoded.detail)
  const body = decoded.value
  if (Array.isArray(body)) return parseV1Tweets(body, where)
  if (!isRecord(body)) return park('INVALID_SHAPE', `${where}body is not an object`)
  return parseXObject(body, where)
}

function parseXObject(body: JsonRecord, where: string): ParseResult {
  const forUserId = stringAt(body, 'for_user_id')
  if (isXId(forUserId)) return parseAccountActivity(body, forUserId, where)
  if ('data' in body) return parseV2Body(body, where)
  if (arrayAt(body, 'errors').length > 0) return park('PLATFORM_ERROR', where + errorSummary(arrayAt(body, 'errors')))
  if (isV1Tweet(body)) return single(v1Tweet(body, null))
  const deleteNotice = recordAt(body, 'delete')
  if (deleteNotice !== null) return single(tweetDeleted(deleteNotice, null))
  // An empty page (`{"meta":{"result_count":0}}`) has no `data` at all.
  if (recordAt(body, 'meta') !== null) return nothing
  return park('INVALID_SHAPE', `${where}not a v2 body, v1.1 Tweet or Account Activity event`)
}

function single(result: ReturnType<typeof v1Tweet>): ParseResult {
  return result === 'skip' ? { ok: true, messages: [], skipped: 1 } : { ok: true, messages: [result], skipped: 0 }
}

/** v2 errors carry title/detail (problem+json), v1.1 errors code/message. */
function errorSummary(errors: readonly unknown[]): string {
  const parts = errors.slice(0, 3).map((error) => {
    if (!isRecord(error)) return 'error'
    const fields = [stringAt(error, 'title'), stringAt(error, 'detail'), stringAt(error, 'message')]
    return fields.filter((f): f is string => f !== null).join(': ').slice(0, 300) || 'error'
  })
  return parts.join('; ')
}

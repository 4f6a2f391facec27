// One Reddit unit → ParseResult. Reads a Listing (subreddit /new and /comments, inbox mentions,
// /api/info, a user's comments), a single thing, the two-Listing array of /comments/:id with its
// nested `replies`, the `json.data.things` answer of /api/comment, and the source's wrapped unit
// (unit.ts). Comments (t1) and posts (t3) become messages; `more` stubs and other kinds (t2, t4,
// t5 …) are counted as skipped. The walk is iterative with a depth and a count limit, so a hostile
// nesting cannot exhaust the stack.
import type { Author, NormalizedMessage, ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import {
  arrayAt, at, capText, countAt, dateFromMs, decodeJson, engagementOf, idAt, isRecord, numberAt, park, recordAt, stringAt,
  type JsonRecord,
} from '../wire.ts'
import {
  commentUrl, isFullname, isGone, isUsername, postFullnameFromPath, unescapeRedditText, webUrl,
} from './things.ts'

/** /comments/:id with limit=2048 is a few MB; anything far bigger is not one response. */
export const redditBodyCharsMax = 20_000_000
/** Reddit nests at most ~10 levels per response; deeper is hostile or broken. */
export const commentDepthMax = 100
/** Things read from one unit; the rest are counted as skipped. */
export const thingsPerUnitMax = 10_000

interface ReadOptions {
  username: string | null
  rawJson: boolean
  /** Every thing in the body is the brand's own (the answer to our /api/comment or /api/editusertext). */
  ownWrite: boolean
}

interface Collected {
  things: JsonRecord[]
  skipped: number
}

export function parseRedditPayload(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  if (raw.body.length > redditBodyCharsMax) return park('TOO_LARGE', `${where}${raw.body.length} chars`)
  if (raw.body.trim() === '') return { ok: true, messages: [], skipped: 0 }
  const decoded = decodeJson(raw.body)
  if (!decoded.ok) return park('MALFORMED_JSON', where + decoded.detail)
  let body = decoded.value
  const options: ReadOptions = { username: null, rawJson: false, ownWrite: false }
  if (isRecord(body) && isRecord(body.earshot) && 'response' in body) {
    const username = stringAt(body.earshot, 'username')
    options.username = isUsername(username) ? username : null
    options.rawJson = body.earshot.rawJson === true
    body = body.response
  }
  const platformError = errorOf(body)
  if (platformError !== null) return park('PLATFORM_ERROR', where + platformError)
  const roots = rootsOf(body, options)
  if (roots === null) return park('INVALID_SHAPE', `${where}not a Listing, a thing, a comment tree or an /api/comment answer`)
  const { things, skipped } = collectThings(roots)
  const messages: NormalizedMessage[] = []
  let unread = skipped
  for (const thing of things) {
    const message = messageOfThing(thing, options)
    if (message === null) unread++
    else messages.push(message)
  }
  return { ok: true, messages, skipped: unread }
}

/** `{"json":{"errors":[["THREAD_LOCKED", …]]}}` or `{"error": 403, "message": "Forbidden"}`. */
function errorOf(body: unknown): string | null {
  if (!isRecord(body)) return null
  const json = recordAt(body, 'json')
  const errors = json === null ? [] : arrayAt(json, 'errors')
  if (errors.length > 0) return errors.map((e) => (Array.isArray(e) ? e.filter((p) => typeof p === 'string').join(': ') : String(e))).join('; ').slice(0, 500)
  const status = numberAt(body, 'error')
  if (status !== null) return `HTTP ${status}: ${stringAt(body, 'message') ?? ''}`.slice(0, 500)
  if (typeof body.error === 'string') return body.error.slice(0, 500)
  return null
}

/** The top-level things and Listings of a body, or null when it is none of Reddit's shapes. */
function rootsOf(body: unknown, options: ReadOptions): unknown[] | null {
  if (Array.isArray(body)) return body.every((part) => isRecord(part) && typeof part.kind === 'string') ? body : null
  if (!isRecord(body)) return null
  const json = recordAt(body, 'json')
  if (json !== null) {
    options.ownWrite = true
    const data = recordAt(json, 'data')
    return data === null ? [] : [...arrayAt(data, 'things')]
  }
  return typeof body.kind === 'string' && isRecord(body.data) ? [body] : null
}

/** Depth-first, document order (a parent before its replies), without recursion. */
function collectThings(roots: readonly unknown[]): Collected {
  const things: JsonRecord[] = []
  let skipped = 0
  const stack: { node: unknown; depth: number }[] = roots.map((node) => ({ node, depth: 0 })).reverse()
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!
    if (!isRecord(node)) {
      skipped++
      continue
    }
    const kind = stringAt(node, 'kind')
    const data = recordAt(node, 'data')
    if (kind === 'Listing' && data !== null) {
      const children = arrayAt(data, 'children')
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], depth })
      continue
    }
    if ((kind !== 't1' && kind !== 't3') || data === null || depth > commentDepthMax || things.length >= thingsPerUnitMax) {
      skipped++
      continue
    }
    things.push(node)
    const replies = data.replies
    if (isRecord(replies)) stack.push({ node: replies, depth: depth + 1 })
  }
  return { things, skipped }
}

function messageOfThing(thing: JsonRecord, options: ReadOptions): NormalizedMessage | null {
  const kind = stringAt(thing, 'kind')
  const data = recordAt(thing, 'data')!
  const id = idAt(data, 'id')
  const name = idAt(data, 'name') ?? (id === null ? null : `${kind}_${id}`)
  const createdSeconds = numberAt(data, 'created_utc')
  if (!isFullname(name) || !name.startsWith(`${kind}_`) || createdSeconds === null) return null
  const createdAt = dateFromMs(Math.round(createdSeconds * 1000))
  if (createdAt === null) return null
  const authorName = stringAt(data, 'author')
  const isPost = kind === 't3'
  const body = isPost ? stringAt(data, 'selftext') : stringAt(data, 'body')
  const gone = isGone(authorName) || isGone(body)
  const { replies: _replies, ...kept } = data
  const raw = { kind, data: kept }
  const base = {
    channel: 'reddit' as const,
    externalId: name,
    visibility: 'public' as const,
    langs: [],
    createdAt,
    parentExternalId: isPost ? null : validFullname(stringAt(data, 'parent_id')),
    threadExternalId: isPost ? name : threadOf(data),
    raw,
  }
  const own = options.ownWrite || (options.username !== null && authorName?.toLowerCase() === options.username.toLowerCase())
  const direction = own ? ('out' as const) : ('in' as const)
  if (gone) return { ...base, op: 'delete', author: null, direction, text: '', url: null, engagement: null }
  const text = isPost ? postText(data, body) : (body ?? '')
  // `edited` is false or the edit time (epoch seconds); very old things may say `true`.
  const edited = data.edited === true ? 1 : numberAt(data, 'edited')
  const score = likesOf(numberAt(data, 'score') ?? numberAt(data, 'ups'))
  return {
    ...base,
    op: edited !== null && edited > 0 ? 'update' : 'create',
    author: authorOf(authorName),
    direction,
    text: capText(options.rawJson ? text : unescapeRedditText(text)),
    url: urlOf(data, name),
    engagement: engagementOf(score, null, isPost ? countAt(data, 'num_comments') : null, null),
  }
}

/** Reddit scores go negative; engagement counts cannot. */
function likesOf(score: number | null): number | null {
  if (score === null) return null
  const rounded = Math.max(0, Math.round(score))
  return Number.isSafeInteger(rounded) ? rounded : null
}

function validFullname(value: string | null): string | null {
  return isFullname(value) ? value : null
}

function threadOf(data: JsonRecord): string | null {
  const link = validFullname(stringAt(data, 'link_id'))
  if (link !== null && link.startsWith('t3_')) return link
  const parent = validFullname(stringAt(data, 'parent_id'))
  if (parent !== null && parent.startsWith('t3_')) return parent
  return postFullnameFromPath(stringAt(data, 'context')) ?? postFullnameFromPath(stringAt(data, 'permalink'))
}

/** Title, then the self text; a link post also gets its link (what it is about). */
function postText(data: JsonRecord, selftext: string | null): string {
  const parts = [stringAt(data, 'title') ?? '']
  if (selftext !== null && selftext !== '') parts.push(selftext)
  const link = stringAt(data, 'url')
  if (data.is_self === false && link !== null && /^https?:\/\//.test(link)) parts.push(link)
  return parts.filter((p) => p !== '').join('\n\n')
}

function urlOf(data: JsonRecord, name: string): string | null {
  const permalink = webUrl(stringAt(data, 'permalink'))
  if (permalink !== null) return permalink
  // Inbox items: `context` is the permalink plus `?context=3`.
  const context = stringAt(data, 'context')
  const contextUrl = webUrl(context === null ? null : context.replace(/\?.*$/, ''))
  if (contextUrl !== null) return contextUrl
  return name.startsWith('t1_') ? commentUrl(stringAt(data, 'subreddit'), threadOf(data), name) : null
}

function authorOf(username: string | null): Author | null {
  if (username === null || username === '') return null
  return { externalUserId: username, handle: username, displayName: null, followers: null, verified: false }
}

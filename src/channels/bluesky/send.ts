// Outbound on the brand's PDS: reply (a post with reply refs and mention/link facets), like, and
// delete of our own post. One attempt per call. Every record we create gets an rkey derived from
// the outbox idempotency key, so a retry after a timeout hits the existing record (a conflict, or
// a 500 on PDS versions without a conflict error) and we read it back instead of posting twice;
// findSent looks the same rkey up.
import { failureFromError } from '../http.ts'
import type { OutboundRequest, SendContext, Sender, SendResult } from '../types.ts'
import { idAt, isRecord, recordAt, type JsonRecord } from '../wire.ts'
import { facetsFor, findMentions, utf8Length, type Facet } from './facets.ts'
import { atUri, parseAtUri, postRefOfEvent, recordOfEvent, replyRefsFor, type ReplyRefs, type StrongRef } from './refs.ts'
import { forgetSession, getSession, type BlueskySession } from './session.ts'
import { rkeyForIdempotencyKey } from './tid.ts'
import { callXrpc, failureFromXrpc, isRecordMissing, isStaleToken, pdsUrlOf, type XrpcCall, type XrpcResponse } from './xrpc.ts'
import { graphemeCount } from '../../core/text.ts'

export const postCollection = 'app.bsky.feed.post'
export const likeCollection = 'app.bsky.feed.like'
/** app.bsky.feed.post text limits: 300 graphemes and 3000 UTF-8 bytes. */
export const postGraphemesMax = 300
const postBytesMax = 3000

type Failure = SendResult & { ok: false }
type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure }

function rejected(code: 'NOT_SUPPORTED' | 'REJECTED' | 'PARENT_GONE', reason: string): Failure {
  return { ok: false, retryable: false, code, reason }
}

export function postUrl(did: string, rkey: string): string {
  return `https://bsky.app/profile/${did}/post/${rkey}`
}

/** What we store as `raw` of a record we created: the Jetstream commit shape parse reads, so it can be a target later. */
function sentRaw(did: string, collection: string, rkey: string, cid: string, record: unknown, now: Date): unknown {
  return { did, time_us: now.getTime() * 1000, kind: 'commit', commit: { operation: 'create', collection, rkey, record, cid } }
}

/** One call with the cached session; on a stale token the session is made again and the call repeated once. */
async function callAuthed(ctx: SendContext, build: (session: BlueskySession) => XrpcCall): Promise<Outcome<{ res: XrpcResponse; session: BlueskySession }>> {
  let got = await getSession(ctx)
  for (let attempt = 0; ; attempt++) {
    if (!got.ok) return got
    const res = await callXrpc(build(got.session))
    if (!isStaleToken(res) || attempt === 1) return { ok: true, value: { res, session: got.session } }
    forgetSession(ctx.account)
    got = await getSession(ctx, true)
  }
}

interface StoredRecord {
  uri: string
  cid: string
  value: JsonRecord
}

/** com.atproto.repo.getRecord: the record, null when it does not exist. */
async function readRecord(ctx: SendContext, repo: string, collection: string, rkey: string): Promise<Outcome<StoredRecord | null>> {
  const res = await callXrpc({
    fetch: ctx.fetch, signal: ctx.signal, baseUrl: pdsUrlOf(ctx.account), nsid: 'com.atproto.repo.getRecord',
    query: new URLSearchParams({ repo, collection, rkey }),
  })
  if (isRecordMissing(res) || res.status === 404) return { ok: true, value: null }
  if (res.status !== 200 || !isRecord(res.json)) return { ok: false, failure: failureFromXrpc(res, ctx.now()) }
  const uri = idAt(res.json, 'uri') ?? atUri(repo, collection, rkey)
  const cid = idAt(res.json, 'cid')
  const value = recordAt(res.json, 'value')
  if (cid === null || value === null) return { ok: false, failure: { ok: false, retryable: true, retryAfterMs: null, reason: 'getRecord answered without cid/value' } }
  return { ok: true, value: { uri, cid, value } }
}

/** A conflict on our rkey: the current PDS answers 500, newer ones a named error; both mean "look it up". */
function mayAlreadyExist(res: XrpcResponse): boolean {
  return res.status === 409 || res.status >= 500 || /AlreadyExists/i.test(res.error ?? '') || /already exists/i.test(res.detail)
}

async function createOwnRecord(ctx: SendContext, collection: string, rkey: string, record: JsonRecord): Promise<SendResult> {
  const authed = await callAuthed(ctx, (s) => ({
    fetch: ctx.fetch, signal: ctx.signal, baseUrl: pdsUrlOf(ctx.account), nsid: 'com.atproto.repo.createRecord', accessJwt: s.accessJwt,
    body: { repo: s.did, collection, rkey, record },
  }))
  if (!authed.ok) return authed.failure
  const { res, session } = authed.value
  const url = collection === postCollection ? postUrl(session.did, rkey) : null
  if (res.status === 200 && isRecord(res.json)) {
    const uri = idAt(res.json, 'uri') ?? atUri(session.did, collection, rkey)
    const cid = idAt(res.json, 'cid') ?? ''
    return { ok: true, externalId: uri, url, raw: sentRaw(session.did, collection, rkey, cid, record, ctx.now()) }
  }
  if (mayAlreadyExist(res)) {
    const existing = await readRecord(ctx, session.did, collection, rkey)
    if (existing.ok && existing.value !== null) {
      const { uri, cid, value } = existing.value
      return { ok: true, externalId: uri, url, raw: sentRaw(session.did, collection, rkey, cid, value, ctx.now()) }
    }
  }
  return failureFromXrpc(res, ctx.now())
}

/** The target's own ref and reply refs: from the Jetstream event parse kept, else read from the network. */
async function targetRefs(req: OutboundRequest, ctx: SendContext): Promise<Outcome<ReplyRefs>> {
  const own = postRefOfEvent(req.target.raw)
  if (own !== null) return { ok: true, value: replyRefsFor(own, recordOfEvent(req.target.raw)) }
  const uri = parseAtUri(req.target.externalId)
  if (uri === null || uri.collection !== postCollection) return { ok: false, failure: rejected('REJECTED', `${req.target.externalId} is not a Bluesky post uri`) }
  const found = await readRecord(ctx, uri.repo, uri.collection, uri.rkey)
  if (!found.ok) return found
  if (found.value === null) return { ok: false, failure: rejected('PARENT_GONE', `${req.target.externalId} no longer exists`) }
  return { ok: true, value: replyRefsFor({ uri: found.value.uri, cid: found.value.cid }, found.value.value) }
}

/** DIDs of the handles mentioned in the text. Unknown handles stay plain text; a failing resolver fails the attempt. */
async function resolveMentions(text: string, ctx: SendContext): Promise<Outcome<Map<string, string>>> {
  const handles = [...new Set(findMentions(text).map((m) => m.handle))]
  const dids = new Map<string, string>()
  const answers = await Promise.all(handles.map((handle) => callXrpc({
    fetch: ctx.fetch, signal: ctx.signal, baseUrl: pdsUrlOf(ctx.account), nsid: 'com.atproto.identity.resolveHandle',
    query: new URLSearchParams({ handle }),
  }).then((res) => ({ handle, res }))))
  for (const { handle, res } of answers) {
    const did = res.status === 200 && isRecord(res.json) ? idAt(res.json, 'did') : null
    if (did !== null && did.startsWith('did:')) dids.set(handle, did)
    else if (res.status === 429 || res.status >= 500) return { ok: false, failure: failureFromXrpc(res, ctx.now()) }
  }
  return { ok: true, value: dids }
}

export function textProblem(text: string): string | null {
  if (text.trim() === '') return 'empty reply'
  if (graphemeCount(text) > postGraphemesMax) return `longer than ${postGraphemesMax} graphemes`
  if (utf8Length(text) > postBytesMax) return `longer than ${postBytesMax} bytes`
  return null
}

async function sendReply(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  if (req.target.visibility === 'private') return rejected('NOT_SUPPORTED', 'Bluesky has no private replies in this channel')
  const problem = textProblem(req.text)
  if (problem !== null) return rejected('REJECTED', problem)
  const refs = await targetRefs(req, ctx)
  if (!refs.ok) return refs.failure
  const mentions = await resolveMentions(req.text, ctx)
  if (!mentions.ok) return mentions.failure
  const facets: Facet[] = facetsFor(req.text, mentions.value)
  const record: JsonRecord = {
    $type: postCollection,
    text: req.text,
    createdAt: ctx.now().toISOString(),
    reply: refs.value,
    ...(facets.length > 0 ? { facets } : {}),
  }
  return createOwnRecord(ctx, postCollection, rkeyForIdempotencyKey(req.idempotencyKey, req.target.createdAt), record)
}

async function sendLike(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const refs = await targetRefs(req, ctx)
  if (!refs.ok) return refs.failure
  const subject: StrongRef = refs.value.parent
  const record: JsonRecord = { $type: likeCollection, subject, createdAt: ctx.now().toISOString() }
  return createOwnRecord(ctx, likeCollection, rkeyForIdempotencyKey(req.idempotencyKey, req.target.createdAt), record)
}

async function deleteOwnRecord(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  const uri = req.ownExternalId ?? req.target.externalId
  const parsed = parseAtUri(uri)
  if (parsed === null) return rejected('REJECTED', `${uri} is not an at:// uri`)
  const session = await getSession(ctx)
  if (!session.ok) return session.failure
  if (parsed.repo !== session.session.did) return rejected('NOT_SUPPORTED', 'only the account\'s own records can be deleted')
  const authed = await callAuthed(ctx, (s) => ({
    fetch: ctx.fetch, signal: ctx.signal, baseUrl: pdsUrlOf(ctx.account), nsid: 'com.atproto.repo.deleteRecord', accessJwt: s.accessJwt,
    body: { repo: s.did, collection: parsed.collection, rkey: parsed.rkey },
  }))
  if (!authed.ok) return authed.failure
  const { res } = authed.value
  // Deleting a record that is already gone succeeds on the PDS, which is what a retry needs.
  if (res.status === 200) return { ok: true, externalId: uri, url: null, raw: { deleted: uri } }
  return failureFromXrpc(res, ctx.now())
}

async function send(req: OutboundRequest, ctx: SendContext): Promise<SendResult> {
  try {
    switch (req.action) {
      case 'reply': return await sendReply(req, ctx)
      case 'like': return await sendLike(req, ctx)
      case 'delete': return await deleteOwnRecord(req, ctx)
      case 'dm': return rejected('NOT_SUPPORTED', 'Bluesky direct messages are not supported by this channel')
      default: return rejected('NOT_SUPPORTED', `Bluesky cannot ${req.action}`)
    }
  } catch (err) {
    return failureFromError(err)
  }
}

/** The record an earlier attempt of this reply/like created (same rkey), or null. Throws when the PDS cannot tell. */
async function findSent(req: OutboundRequest, ctx: SendContext): Promise<{ externalId: string; url: string | null } | null> {
  if (req.action !== 'reply' && req.action !== 'like') return null
  const collection = req.action === 'reply' ? postCollection : likeCollection
  const session = await getSession(ctx)
  if (!session.ok) throw new Error(session.failure.reason)
  const rkey = rkeyForIdempotencyKey(req.idempotencyKey, req.target.createdAt)
  const found = await readRecord(ctx, session.session.did, collection, rkey)
  if (!found.ok) throw new Error(found.failure.reason)
  if (found.value === null) return null
  return { externalId: found.value.uri, url: collection === postCollection ? postUrl(session.session.did, rkey) : null }
}

export const blueskySender: Sender = { actions: ['reply', 'like', 'delete'], send, findSent }

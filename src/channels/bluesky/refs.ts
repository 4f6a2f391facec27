// Strong refs ({uri, cid}) read from what parse kept in `raw` (the Jetstream event), and at-uri
// parsing. A reply names the thread root and the direct parent; the root of a reply to a top-level
// post is that post itself. Pure.
import { idAt, isRecord, recordAt, stringAt, type JsonRecord } from '../wire.ts'

export interface StrongRef {
  uri: string
  cid: string
}

export interface ReplyRefs {
  root: StrongRef
  parent: StrongRef
}

export interface AtUri {
  repo: string
  collection: string
  rkey: string
}

const atUriPattern = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/([a-zA-Z0-9.-]+)\/([A-Za-z0-9._:~-]{1,512})$/

export function parseAtUri(uri: string): AtUri | null {
  const match = atUriPattern.exec(uri)
  if (match === null) return null
  return { repo: match[1] as string, collection: match[2] as string, rkey: match[3] as string }
}

export function atUri(repo: string, collection: string, rkey: string): string {
  return `at://${repo}/${collection}/${rkey}`
}

export function strongRefOf(value: unknown): StrongRef | null {
  if (!isRecord(value)) return null
  const uri = idAt(value, 'uri')
  const cid = idAt(value, 'cid')
  return uri !== null && cid !== null && parseAtUri(uri) !== null ? { uri, cid } : null
}

/** The post's own ref, from a Jetstream commit event (`did` + `commit.rkey/cid`). Null without a cid (deletes). */
export function postRefOfEvent(raw: unknown): StrongRef | null {
  if (!isRecord(raw)) return null
  const did = idAt(raw, 'did')
  const commit = recordAt(raw, 'commit')
  if (did === null || commit === null) return null
  const collection = stringAt(commit, 'collection')
  const rkey = idAt(commit, 'rkey')
  const cid = idAt(commit, 'cid')
  if (collection === null || rkey === null || cid === null) return null
  return strongRefOf({ uri: atUri(did, collection, rkey), cid })
}

/** The record (post body) inside a Jetstream commit event. */
export function recordOfEvent(raw: unknown): JsonRecord | null {
  const commit = isRecord(raw) ? recordAt(raw, 'commit') : null
  return commit === null ? null : recordAt(commit, 'record')
}

/** root/parent for answering `parent`, whose post record is `record` (its own reply refs decide the root). */
export function replyRefsFor(parent: StrongRef, record: JsonRecord | null): ReplyRefs {
  const reply = record === null ? null : recordAt(record, 'reply')
  const root = reply === null ? null : strongRefOf(reply.root)
  return { root: root ?? parent, parent }
}

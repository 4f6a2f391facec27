// Bluesky Jetstream v1 lines (`kind: "commit"` / `identity` / `account`), shaped like the real
// wire format: record keys in the sorted order Jetstream emits, facets with UTF-8 byte offsets.
import { cidDagCbor, tid } from './ids.ts'
import type { Rng } from './prng.ts'

export interface StrongRef {
  uri: string
  cid: string
}

/** Hands out strictly increasing µs timestamps so TIDs (rkeys, revs) never repeat. */
export class TidClock {
  private last = 0
  constructor(private readonly rng: Rng) {}
  /** A TID for the given µs time (bumped past the previous one if needed). */
  next(micros: number): string {
    const us = Math.max(Math.floor(micros), this.last + 1)
    this.last = us
    return tid(us, this.rng.int(0, 1023))
  }
}

const utf8 = new TextEncoder()
const byteOffset = (text: string, index: number): number => utf8.encode(text.slice(0, index)).length

interface Facet {
  features: Record<string, string>[]
  index: { byteEnd: number; byteStart: number }
}

/** Mention, link and tag facets for a post text (byte offsets, like the official clients send). */
export function facetsFor(text: string, mentions: Record<string, string>): Facet[] {
  const facets: { start: number; facet: Facet }[] = []
  const add = (start: number, end: number, feature: Record<string, string>): void => {
    facets.push({ start, facet: { features: [feature], index: { byteEnd: byteOffset(text, end), byteStart: byteOffset(text, start) } } })
  }
  for (const m of text.matchAll(/@([a-z0-9.-]+[a-z0-9])/gi)) {
    const did = mentions[(m[1] ?? '').toLowerCase()]
    if (did) add(m.index, m.index + m[0].length, { $type: 'app.bsky.richtext.facet#mention', did })
  }
  for (const m of text.matchAll(/https?:\/\/[^\s]+/g)) {
    add(m.index, m.index + m[0].length, { $type: 'app.bsky.richtext.facet#link', uri: m[0] })
  }
  for (const m of text.matchAll(/#([\p{L}\p{N}_]+)/gu)) {
    add(m.index, m.index + m[0].length, { $type: 'app.bsky.richtext.facet#tag', tag: m[1] ?? '' })
  }
  return facets.sort((a, b) => a.start - b.start).map((f) => f.facet)
}

export interface BlueskyPostInput {
  did: string
  /** Relay time of the event, µs since the epoch. */
  timeUs: number
  /** Client time the post was written, ms since the epoch. */
  createdAtMs: number
  rkey: string
  rev: string
  cid: string
  text: string
  langs: string[]
  facets: Facet[]
  reply?: { root: StrongRef; parent: StrongRef }
}

export function postUri(did: string, rkey: string): string {
  return `at://${did}/app.bsky.feed.post/${rkey}`
}

export function blueskyPostLine(p: BlueskyPostInput): string {
  const record: Record<string, unknown> = { $type: 'app.bsky.feed.post', createdAt: new Date(p.createdAtMs).toISOString() }
  if (p.facets.length > 0) record.facets = p.facets
  record.langs = p.langs
  if (p.reply) record.reply = { parent: { cid: p.reply.parent.cid, uri: p.reply.parent.uri }, root: { cid: p.reply.root.cid, uri: p.reply.root.uri } }
  record.text = p.text
  return JSON.stringify({
    did: p.did,
    time_us: p.timeUs,
    kind: 'commit',
    commit: { rev: p.rev, operation: 'create', collection: 'app.bsky.feed.post', rkey: p.rkey, record, cid: p.cid },
  })
}

/** A deleted record: Jetstream sends neither record nor cid. */
export function blueskyDeleteLine(did: string, timeUs: number, rev: string, collection: string, rkey: string): string {
  return JSON.stringify({ did, time_us: timeUs, kind: 'commit', commit: { rev, operation: 'delete', collection, rkey } })
}

export type NoiseKind = 'like' | 'repost' | 'follow' | 'identity' | 'account'

export interface NoiseInput {
  kind: NoiseKind
  did: string
  timeUs: number
  createdAtMs: number
  clock: TidClock
  rng: Rng
  /** The post liked/reposted. */
  subject: StrongRef
  /** The account followed. */
  subjectDid: string
  seq: number
}

/** Events a post listener must skip: likes, reposts, follows, identity and account updates. */
export function blueskyNoiseLine(n: NoiseInput): string {
  const createdAt = new Date(n.createdAtMs).toISOString()
  const at = new Date(Math.floor(n.timeUs / 1000)).toISOString()
  if (n.kind === 'identity') {
    return JSON.stringify({ did: n.did, time_us: n.timeUs, kind: 'identity', identity: { did: n.did, seq: n.seq, time: at } })
  }
  if (n.kind === 'account') {
    return JSON.stringify({ did: n.did, time_us: n.timeUs, kind: 'account', account: { active: true, did: n.did, seq: n.seq, time: at } })
  }
  const rkey = n.clock.next(n.createdAtMs * 1000)
  const rev = n.clock.next(n.timeUs - 300_000)
  const collection = n.kind === 'like' ? 'app.bsky.feed.like' : n.kind === 'repost' ? 'app.bsky.feed.repost' : 'app.bsky.graph.follow'
  const subject = n.kind === 'follow' ? n.subjectDid : { cid: n.subject.cid, uri: n.subject.uri }
  return JSON.stringify({
    did: n.did,
    time_us: n.timeUs,
    kind: 'commit',
    commit: { rev, operation: 'create', collection, rkey, record: { $type: collection, createdAt, subject }, cid: cidDagCbor(n.rng) },
  })
}

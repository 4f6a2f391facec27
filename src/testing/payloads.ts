// Jetstream lines written by hand in the documented v1 format, for tests that need realistic input
// without ../shared. Facts: post uri at://{did}/app.bsky.feed.post/{rkey}; reply.root/parent {uri,cid}.

export interface PostSpec {
  did: string
  rkey: string
  text: string
  timeUs?: number
  reply?: { rootRkey: string; rootDid?: string; parentRkey?: string; parentDid?: string }
  langs?: string[]
  operation?: 'create' | 'update'
}

const cid = 'bafyreiaxf7tgbfydx3465sckitq6v564thxe2wwydbi7cwxbxvgssje3em'

export function postUri(did: string, rkey: string): string {
  return `at://${did}/app.bsky.feed.post/${rkey}`
}

export function jetstreamPost(p: PostSpec): string {
  const timeUs = p.timeUs ?? 1_779_719_009_132_431
  const record: Record<string, unknown> = {
    $type: 'app.bsky.feed.post',
    createdAt: new Date(timeUs / 1000).toISOString(),
    langs: p.langs ?? ['en'],
    text: p.text,
  }
  if (p.reply !== undefined) {
    const rootDid = p.reply.rootDid ?? p.did
    record.reply = {
      root: { cid, uri: postUri(rootDid, p.reply.rootRkey) },
      parent: { cid, uri: postUri(p.reply.parentDid ?? rootDid, p.reply.parentRkey ?? p.reply.rootRkey) },
    }
  }
  return JSON.stringify({
    did: p.did,
    time_us: timeUs,
    kind: 'commit',
    commit: { rev: '3mmoojpaqkn2z', operation: p.operation ?? 'create', collection: 'app.bsky.feed.post', rkey: p.rkey, record, cid },
  })
}

export function jetstreamDelete(did: string, rkey: string, timeUs = 1_779_719_019_000_000): string {
  return JSON.stringify({ did, time_us: timeUs, kind: 'commit', commit: { rev: '3mmoojpaqkn3a', operation: 'delete', collection: 'app.bsky.feed.post', rkey } })
}

export function jetstreamLike(did: string, rkey: string): string {
  return JSON.stringify({
    did, time_us: 1_779_719_009_000_000, kind: 'commit',
    commit: { rev: '3mmoojp7vgo2g', operation: 'create', collection: 'app.bsky.feed.like', rkey, record: { $type: 'app.bsky.feed.like', createdAt: '2026-05-25T14:23:28.778Z', subject: { cid, uri: postUri(did, 'x') } }, cid },
  })
}

/** A distinct did:plc for each n, with a 24-character base32 (a–z, 2–7) suffix. */
export function did(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let suffix = ''
  for (let v = n; suffix.length < 24; v = Math.floor(v / 32)) suffix = alphabet[v % 32] + suffix
  return `did:plc:${suffix}`
}

/** An X API v2 filtered-stream line (data + includes.users), as documented for GET /2/tweets/search/stream. */
export function xStreamTweet(t: { id: string; authorId: string; username: string; text: string; reposts?: number; followers?: number; createdAt?: string }): string {
  return JSON.stringify({
    data: {
      id: t.id,
      text: t.text,
      author_id: t.authorId,
      conversation_id: t.id,
      created_at: t.createdAt ?? '2026-11-25T08:00:00.000Z',
      edit_history_tweet_ids: [t.id],
      lang: 'en',
      public_metrics: { retweet_count: t.reposts ?? 0, reply_count: 0, like_count: (t.reposts ?? 0) * 3, quote_count: 0, bookmark_count: 0, impression_count: 0 },
    },
    includes: { users: [{ id: t.authorId, username: t.username, name: t.username, verified: false, public_metrics: { followers_count: t.followers ?? 100, following_count: 10, tweet_count: 5, listed_count: 0 } }] },
    matching_rules: [{ id: '1', tag: 'brand' }],
  })
}

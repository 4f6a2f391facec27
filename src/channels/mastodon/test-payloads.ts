// Own payloads in Mastodon's documented entity format (docs.joinmastodon.org/entities/Status,
// /entities/Notification), for tests that must run without ../shared. Test support only.

export type Entity = Record<string, unknown>

export function accountEntity(id: string, acct: string, extra: Entity = {}): Entity {
  const username = acct.split('@')[0] ?? acct
  return {
    id, username, acct, display_name: `${username} display`, locked: false, bot: false, created_at: '2023-01-01T00:00:00.000Z',
    note: '<p>bio</p>', url: `https://example.social/@${username}`, followers_count: 42, following_count: 7, statuses_count: 100, emojis: [], fields: [],
    ...extra,
  }
}

export const customer = accountEntity('110000000000000002', 'alice@other.example')

export function statusEntity(id: string, extra: Entity = {}): Entity {
  return {
    id,
    created_at: '2024-05-01T10:00:00.000Z',
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: `https://other.example/users/alice/statuses/${id}`,
    url: `https://other.example/@alice/${id}`,
    replies_count: 1,
    reblogs_count: 2,
    favourites_count: 3,
    edited_at: null,
    favourited: false,
    reblogged: false,
    content: '<p><span class="h-card"><a href="https://example.social/@brand" class="u-url mention">@<span>brand</span></a></span> my order #123 never arrived &amp; nobody answers</p>',
    reblog: null,
    account: customer,
    media_attachments: [],
    mentions: [{ id: '109000000000000001', username: 'brand', url: 'https://example.social/@brand', acct: 'brand' }],
    tags: [],
    emojis: [],
    card: null,
    poll: null,
    ...extra,
  }
}

export function mentionNotification(id: string, status: Entity, extra: Entity = {}): Entity {
  return { id, type: 'mention', created_at: status['created_at'], account: status['account'], status, ...extra }
}

/** `count` mention notifications with ids base+1 … base+count, each on its own status. */
export function mentionNotifications(count: number, base = 500): Entity[] {
  return Array.from({ length: count }, (_, i) => {
    const n = base + i + 1
    return mentionNotification(String(n), statusEntity(`1120000000000${String(n).padStart(5, '0')}`, { content: `<p>@brand question ${n}</p>` }))
  })
}

/** The WebSocket form of a streaming event: `payload` is the entity as a JSON string. */
export function wsEvent(event: string, payload?: unknown, extra: Entity = {}): string {
  return JSON.stringify({ stream: ['user'], event, ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }), ...extra })
}

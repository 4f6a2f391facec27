// "A reply made through the API reaches the platform with the right threading fields, exactly once",
// channel by channel, end to end: a real server, the channel account created through the API and
// pointed at the channel's fake, the customer's message arriving the way the platform delivers it
// (a signed webhook, the server's own polling/streaming intake of the fake), then
// POST /conversations/:id/replies, GET …/replies until `sent`, and the fake's record of what was posted.
// The same Idempotency-Key sent twice posts nothing new. For X and Mastodon the first send hangs
// (the fake posts, then never answers) and the retry must still leave exactly one post.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBlueskyFake, type BlueskyFake } from '../channels/bluesky/fake.ts'
import { startEmailFake, type EmailFake } from '../channels/email/fake.ts'
import { startGoogleReviewsFake, type GoogleReviewsFake } from '../channels/google-reviews/fake.ts'
import { credentials as googleCredentials, location as googleLocation, review as googleReview } from '../channels/google-reviews/test-payloads.ts'
import { startMastodonFake, type MastodonFake } from '../channels/mastodon/fake.ts'
import { customer as mastodonCustomer, mentionNotification, statusEntity } from '../channels/mastodon/test-payloads.ts'
import { signedWebhook, startGraphFake, type GraphFake } from '../channels/meta/fake.ts'
import { startRedditFake, type RedditFake } from '../channels/reddit/fake.ts'
import { commentThing } from '../channels/reddit/test-payloads.ts'
import { receiverPath, startWebhookReceiverFake, type WebhookReceiverFake } from '../channels/webhook/fake.ts'
import { signedHeaders } from '../channels/webhook/signature.ts'
import { deliverXWebhook, startXFake, type XFake } from '../channels/x-twitter/fake.ts'
import { accessToken as xAccessToken, brandHandle as xBrandHandle, brandId as xBrandId, brandUser as xBrandUser, consumerSecret as xConsumerSecret } from '../channels/x-twitter/testing.ts'
import { createOutboxWorker, type OutboxWorker } from '../outbox/worker.ts'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { jetstreamPost, postUri } from '../testing/payloads.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

const slow = 180_000

/** Intake through a source or the pipeline can take a few seconds on a busy machine. */
const intakeMs = 60_000

// ---------------------------------------------------------------------------------------------
// Platform payloads, written in each platform's documented format.

const xCustomerId = '1400000000000000077'

/** An Account Activity delivery: one customer Tweet mentioning the brand, in v1.1 form. */
function xDelivery(tweetId: string, text: string): object {
  return {
    for_user_id: xBrandId,
    tweet_create_events: [{
      created_at: new Date(Date.now() - 60_000).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 +0000 $4'),
      id: Number(tweetId), id_str: tweetId,
      text: `@${xBrandHandle} ${text}`,
      user: { id: Number(xCustomerId), id_str: xCustomerId, name: 'Rui', screen_name: 'rui_k', followers_count: 220, verified: false },
      in_reply_to_status_id_str: null, lang: 'en',
      entities: { user_mentions: [{ id_str: xBrandId, screen_name: xBrandHandle }] },
      retweet_count: 0, favorite_count: 0, reply_count: 0, quote_count: 0,
    }],
  }
}

const fbPageId = '104000000000001'
const fbPostId = `${fbPageId}_500000000000001`
const fbCommentId = '500000000000001_600000000000001'
const fbCustomerId = '7000000000000001'
const metaAppSecret = 'meta-app-secret'
const fbToken = 'fb-page-token'

function facebookCommentDelivery(text: string): object {
  const nowS = Math.floor(Date.now() / 1000)
  return {
    object: 'page',
    entry: [{
      id: fbPageId, time: nowS,
      changes: [{ field: 'feed', value: { from: { id: fbCustomerId, name: 'Grumpy Gus' }, item: 'comment', verb: 'add', comment_id: fbCommentId, post_id: fbPostId, parent_id: fbPostId, created_time: nowS - 60, message: text } }],
    }],
  }
}

const igUserId = '17841400000000099'
const igPageId = '104000000000002'
const igMediaId = '17890000000000099'
const igCommentId = '17860000000000001'
const igCustomerId = '5550000000000001'
const igToken = 'ig-page-token'

function instagramCommentDelivery(text: string): object {
  return {
    object: 'instagram',
    entry: [{ id: igUserId, time: Math.floor(Date.now() / 1000) - 60, changes: [{ field: 'comments', value: { from: { id: igCustomerId, username: 'happy_cust' }, media: { id: igMediaId }, id: igCommentId, text } }] }],
  }
}

function crlf(lines: string[]): string {
  return lines.join('\r\n')
}

// ---------------------------------------------------------------------------------------------

let server: TestServer
let call: ApiCall

beforeAll(async () => {
  server = await startTestServer()
  call = apiClient(server)
}, slow)

afterAll(async () => {
  await server?.close()
})

async function createAccount(body: { channel: string; name: string; settings: Record<string, string>; secrets: Record<string, string> }): Promise<{ id: string; webhookPath: string | null }> {
  const created = await call('POST', '/api/v1/channel-accounts', { body })
  expect(created.status, created.text).toBe(201)
  return created.json
}

/** The conversation whose preview contains `marker`, once the pipeline has stored it. */
async function conversationWith(channel: string, marker: string, api: ApiCall = call): Promise<any> {
  return eventually(async () => {
    const list = await api('GET', `/api/v1/conversations?channel=${channel}&limit=200`)
    return (list.json?.items as any[] | undefined)?.find((c) => typeof c.preview === 'string' && c.preview.includes(marker))
  }, `the ${channel} conversation with "${marker}"`, intakeMs)
}

async function replyRow(conversationId: string, replyId: string, api: ApiCall = call): Promise<any> {
  const list = await api('GET', `/api/v1/conversations/${conversationId}/replies`)
  return (list.json.items as any[]).find((r) => r.id === replyId)
}

async function settled(conversationId: string, replyId: string): Promise<any> {
  return eventually(async () => {
    const r = await replyRow(conversationId, replyId)
    return r?.status === 'sent' || r?.status === 'failed' ? r : undefined
  }, 'the reply to be sent or to fail', intakeMs)
}

/**
 * Queues a reply with an Idempotency-Key, waits until it is sent, then sends the same key again:
 * the second request must answer the first reply (200, same id) and queue nothing.
 */
async function replyTwiceWithSameKey(conversationId: string, text: string, key: string): Promise<any> {
  const queued = await call('POST', `/api/v1/conversations/${conversationId}/replies`, { body: { text }, headers: { 'idempotency-key': key } })
  expect(queued.status, queued.text).toBe(202)
  const sent = await settled(conversationId, queued.json.id)
  expect(sent, JSON.stringify(sent)).toMatchObject({ status: 'sent', failureCode: null })
  const again = await call('POST', `/api/v1/conversations/${conversationId}/replies`, { body: { text }, headers: { 'idempotency-key': key } })
  expect(again.status, again.text).toBe(200)
  expect(again.json.id).toBe(queued.json.id)
  const rows = (await call('GET', `/api/v1/conversations/${conversationId}/replies`)).json.items
  expect(rows).toHaveLength(1)
  // Give a stray second send (if any) the time to reach the fake before the caller counts posts.
  await new Promise((r) => setTimeout(r, 300))
  return sent
}

/** The conversation's outbound messages: the sent reply stored once, under the platform's id. */
async function expectOneOutbound(conversationId: string, externalId: string): Promise<void> {
  const detail = await call('GET', `/api/v1/conversations/${conversationId}`)
  const out = (detail.json.messages as any[]).filter((m) => m.direction === 'out')
  expect(out.map((m) => m.externalId)).toEqual([externalId])
}

// ---------------------------------------------------------------------------------------------

describe('X: a mention delivered by webhook, answered in reply to the Tweet', () => {
  let x: XFake
  const tweetId = '1800000000000000901'

  beforeAll(async () => {
    x = await startXFake({ brandUserId: xBrandId, accessToken: xAccessToken, users: [xBrandUser] })
  })
  afterAll(async () => {
    await x?.close()
  })

  it('posts one Tweet with reply.in_reply_to_tweet_id = the mention', async () => {
    const account = await createAccount({ channel: 'x-twitter', name: 'Acme on X', settings: { apiBaseUrl: x.url, userId: xBrandId, handle: xBrandHandle }, secrets: { accessToken: xAccessToken, consumerSecret: xConsumerSecret } })
    const delivered = await deliverXWebhook(`${server.url}${account.webhookPath}`, xDelivery(tweetId, 'x-marker my router died again'), xConsumerSecret)
    expect(delivered.status).toBe(200)
    const c = await conversationWith('x-twitter', 'x-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'Sorry Rui! Could you DM us your account number?', 'x-reply-1')
    const posts = x.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets')
    expect(posts).toHaveLength(1)
    expect(x.posted).toHaveLength(1)
    expect(x.posted[0]).toMatchObject({ text: 'Sorry Rui! Could you DM us your account number?', inReplyToTweetId: tweetId })
    expect(x.posted[0]!.body).toEqual({ text: 'Sorry Rui! Could you DM us your account number?', reply: { in_reply_to_tweet_id: tweetId } })
    expect(sent.externalId).toBe(x.posted[0]!.id)
    await expectOneOutbound(c.id, x.posted[0]!.id)
  }, slow)
})

describe('Facebook: a Page comment delivered by webhook, answered under the comment', () => {
  let graph: GraphFake

  beforeAll(async () => {
    graph = await startGraphFake({ pageId: fbPageId, pageName: 'Acme', pageAccessToken: fbToken, appSecret: metaAppSecret })
  })
  afterAll(async () => {
    await graph?.close()
  })

  it('posts one comment through POST /{comment-id}/comments', async () => {
    const account = await createAccount({ channel: 'facebook', name: 'Acme Page', settings: { apiBaseUrl: graph.url, pageId: fbPageId }, secrets: { pageAccessToken: fbToken, appSecret: metaAppSecret, verifyToken: 'verify-me' } })
    const body = facebookCommentDelivery('fb-marker where is my parcel?')
    const { headers, rawBody } = signedWebhook(body, metaAppSecret)
    graph.seedFromWebhook(rawBody.toString('utf8'))
    const delivered = await fetch(`${server.url}${account.webhookPath}`, { method: 'POST', headers, body: rawBody })
    expect(delivered.status).toBe(200)
    const c = await conversationWith('facebook', 'fb-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'We are on it, Gus!', 'fb-reply-1')
    const writes = graph.writes.filter((w) => w.method === 'POST')
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatchObject({ objectId: fbCommentId, edge: 'comments', params: { message: 'We are on it, Gus!' } })
    expect(graph.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(graph.server.requests.find((r) => r.method === 'POST')!.path).toMatch(new RegExp(`^/v\\d+\\.\\d+/${fbCommentId}/comments$`))
    expect(graph.commentsOn(fbCommentId).map((cm) => cm.message)).toEqual(['We are on it, Gus!'])
    expect(sent.externalId).toBe(writes[0]!.resultId)
    await expectOneOutbound(c.id, sent.externalId)
  }, slow)
})

describe('Instagram: a media comment delivered by webhook, answered as a reply to the comment', () => {
  let graph: GraphFake

  beforeAll(async () => {
    graph = await startGraphFake({ pageId: igPageId, igUserId, igUsername: 'acme', pageAccessToken: igToken, appSecret: metaAppSecret, pageName: 'Acme' })
  })
  afterAll(async () => {
    await graph?.close()
  })

  it('posts one reply through POST /{comment-id}/replies', async () => {
    const account = await createAccount({ channel: 'instagram', name: 'Acme IG', settings: { apiBaseUrl: graph.url, igUserId }, secrets: { pageAccessToken: igToken, appSecret: metaAppSecret, verifyToken: 'verify-me' } })
    const body = instagramCommentDelivery('ig-marker is this in blue?')
    const { headers, rawBody } = signedWebhook(body, metaAppSecret)
    graph.seedFromWebhook(rawBody.toString('utf8'))
    const delivered = await fetch(`${server.url}${account.webhookPath}`, { method: 'POST', headers, body: rawBody })
    expect(delivered.status).toBe(200)
    const c = await conversationWith('instagram', 'ig-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'Yes, in blue too!', 'ig-reply-1')
    const writes = graph.writes.filter((w) => w.method === 'POST')
    expect(writes).toHaveLength(1)
    expect(writes[0]).toMatchObject({ objectId: igCommentId, edge: 'replies', params: { message: 'Yes, in blue too!' } })
    expect(graph.server.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(sent.externalId).toBe(writes[0]!.resultId)
    await expectOneOutbound(c.id, sent.externalId)
  }, slow)
})

describe('Mastodon: a mention polled from the instance, answered in reply to the status', () => {
  let mastodon: MastodonFake
  const statusId = '112000000000000901'

  beforeAll(async () => {
    const status = statusEntity(statusId, { created_at: new Date(Date.now() - 60_000).toISOString(), content: '<p><span class="h-card"><a href="https://example.social/@brand" class="u-url mention">@<span>brand</span></a></span> md-marker my order never arrived</p>' })
    mastodon = await startMastodonFake({ accessToken: 'masto-token', notifications: [mentionNotification('901', status)] })
  })
  afterAll(async () => {
    await mastodon?.close()
  })

  it('posts one status with in_reply_to_id, the customer @acct in front and the Idempotency-Key header', async () => {
    const account = await createAccount({ channel: 'mastodon', name: 'Acme on Mastodon', settings: { apiBaseUrl: mastodon.url, acct: 'brand' }, secrets: { accessToken: 'masto-token' } })
    const c = await conversationWith('mastodon', 'md-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'So sorry! Could you DM us the order number?', 'md-reply-1')
    const posts = mastodon.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses')
    expect(posts).toHaveLength(1)
    expect(posts[0]!.headers['idempotency-key']).toBe('md-reply-1')
    expect(mastodon.posted).toHaveLength(1)
    const posted = mastodon.posted[0]!
    expect(posted.in_reply_to_id).toBe(statusId)
    expect(posted.idempotencyKey).toBe('md-reply-1')
    expect(posted.status).toBe(`@${String(mastodonCustomer['acct'])} So sorry! Could you DM us the order number?`)
    expect(sent.externalId).toBe(posted.id)
    await expectOneOutbound(c.id, posted.id)
  }, slow)
})

describe('Bluesky: a post streamed from Jetstream, answered with reply.root/parent', () => {
  let bluesky: BlueskyFake
  const customerDid = 'did:plc:customercustomercustomer'
  const rkey = '3kchan0000001'

  beforeAll(async () => {
    bluesky = await startBlueskyFake({ handle: 'northwind.example.com', appPassword: 'app-pass' })
  })
  afterAll(async () => {
    await bluesky?.close()
  })

  it('creates one post record whose reply.root and reply.parent are the customer post (uri and cid)', async () => {
    const account = await createAccount({
      channel: 'bluesky', name: 'Northwind',
      settings: { handle: bluesky.handle, pdsUrl: bluesky.url, appViewUrl: bluesky.url, jetstreamUrl: bluesky.jetstreamUrl },
      secrets: { appPassword: 'app-pass' },
    })
    // Jetstream sends a subscriber without a cursor only what happens after it connected.
    await eventually(async () => (bluesky.openConnections() > 0 ? true : undefined), 'the Jetstream subscription', intakeMs)
    const line = jetstreamPost({ did: customerDid, rkey, text: 'bs-marker Northwind lost my bag again', timeUs: Date.now() * 1000 })
    const cid = (JSON.parse(line) as { commit: { cid: string } }).commit.cid
    bluesky.push(line)
    const c = await conversationWith('bluesky', 'bs-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'So sorry! Can you DM us your file number?', 'bs-reply-1')
    const creates = bluesky.http.requests.filter((r) => r.method === 'POST' && r.path === '/xrpc/com.atproto.repo.createRecord')
    expect(creates).toHaveLength(1)
    const posts = bluesky.posts()
    expect(posts).toHaveLength(1)
    const record = posts[0]!.value as any
    expect(record.text).toBe('So sorry! Can you DM us your file number?')
    expect(record.reply).toEqual({ root: { uri: postUri(customerDid, rkey), cid }, parent: { uri: postUri(customerDid, rkey), cid } })
    expect(sent.externalId).toBe(posts[0]!.uri)
    await expectOneOutbound(c.id, posts[0]!.uri)
  }, slow)
})

describe('Reddit: a subreddit comment polled from Reddit, answered under the comment', () => {
  let reddit: RedditFake

  beforeAll(async () => {
    reddit = await startRedditFake({
      clientId: 'rid', clientSecret: 'rsecret', username: 'acme_care', password: 'rpw',
      listings: {
        '/r/acme/new': [],
        '/r/acme/comments': [commentThing('chan01', { author: 'customer_a', body: 'rd-marker my blender exploded', created_utc: Math.floor(Date.now() / 1000) - 60 })],
        '/message/mentions': [],
      },
    })
  })
  afterAll(async () => {
    await reddit?.close()
  })

  it('posts one comment through /api/comment with thing_id = the comment fullname', async () => {
    const account = await createAccount({
      channel: 'reddit', name: 'Acme on Reddit',
      settings: { apiBaseUrl: reddit.url, authUrl: reddit.url, subreddits: 'acme', username: 'acme_care' },
      secrets: { clientId: 'rid', clientSecret: 'rsecret', password: 'rpw' },
    })
    const c = await conversationWith('reddit', 'rd-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'Yikes! Please DM us your order number.', 'rd-reply-1')
    const posts = reddit.requests.filter((r) => r.method === 'POST' && r.path === '/api/comment')
    expect(posts).toHaveLength(1)
    expect(new URLSearchParams(posts[0]!.body.toString('utf8')).get('thing_id')).toBe('t1_chan01')
    expect(reddit.comments).toHaveLength(1)
    expect(reddit.comments[0]).toMatchObject({ thingId: 't1_chan01', text: 'Yikes! Please DM us your order number.' })
    expect(sent.externalId).toBe(reddit.comments[0]!.name)
    await expectOneOutbound(c.id, reddit.comments[0]!.name)
  }, slow)
})

describe('Google reviews: a review polled from Business Profile, answered with PUT …/reply', () => {
  let google: GoogleReviewsFake
  const reviewId = 'chanrev01'

  beforeAll(async () => {
    const at = new Date(Date.now() - 60_000).toISOString()
    google = await startGoogleReviewsFake({ location: googleLocation, ...googleCredentials, reviews: [googleReview(reviewId, { comment: 'gr-marker cold food and a rude waiter', starRating: 'ONE', createTime: at, updateTime: at })] })
  })
  afterAll(async () => {
    await google?.close()
  })

  it('sends one PUT /v4/{location}/reviews/{id}/reply', async () => {
    const account = await createAccount({ channel: 'google-reviews', name: 'Acme shop', settings: { apiBaseUrl: google.url, tokenUrl: google.url, location: googleLocation }, secrets: { ...googleCredentials } })
    const c = await conversationWith('google-reviews', 'gr-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'We are sorry to hear this and will call you.', 'gr-reply-1')
    const puts = google.requests.filter((r) => r.method === 'PUT')
    expect(puts).toHaveLength(1)
    expect(puts[0]!.path).toBe(`/v4/${googleLocation}/reviews/${reviewId}/reply`)
    expect(JSON.parse(puts[0]!.body.toString('utf8'))).toEqual({ comment: 'We are sorry to hear this and will call you.' })
    expect(google.replies).toEqual([{ reviewName: `${googleLocation}/reviews/${reviewId}`, comment: 'We are sorry to hear this and will call you.' }])
    expect(sent.externalId).toBe(`${reviewId}:reply`)
    await expectOneOutbound(c.id, `${reviewId}:reply`)
  }, slow)
})

describe('Email: a mail fetched over IMAP, answered over SMTP in the same thread', () => {
  let mail: EmailFake
  const eml = crlf([
    'From: Carla Customer <carla@customer.example>',
    'To: Shop Support <support@shop.example>',
    'Subject: Re: Your order 4471',
    'Message-ID: <kettle-2@customer.example>',
    'In-Reply-To: <order-4471@shop.example>',
    'References: <order-4471-root@shop.example> <order-4471@shop.example>',
    `Date: ${new Date(Date.now() - 60_000).toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'em-marker the kettle arrived broken, the lid is cracked.',
    '',
  ])

  beforeAll(async () => {
    mail = await startEmailFake({ inbox: [eml] })
  })
  afterAll(async () => {
    await mail?.close()
  })

  it('submits one mail with In-Reply-To = their Message-ID and References = their chain + their id', async () => {
    const runtime = mail.account()
    const account = await createAccount({ channel: 'email', name: 'Support mailbox', settings: { ...runtime.settings }, secrets: { ...runtime.secrets } })
    const c = await conversationWith('email', 'em-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'So sorry, Carla! A new kettle is on its way.', 'em-reply-1')
    expect(mail.smtp.received).toHaveLength(1)
    const raw = mail.smtp.received[0]!.raw
    const header = (name: string) => new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r\\n[ \\t].*)*)`, 'mi').exec(raw)?.[1]?.replace(/\r\n[ \t]+/g, ' ').trim()
    expect(mail.smtp.received[0]!.to).toEqual(['carla@customer.example'])
    expect(header('In-Reply-To')).toBe('<kettle-2@customer.example>')
    expect(header('References')).toBe('<order-4471-root@shop.example> <order-4471@shop.example> <kettle-2@customer.example>')
    expect(header('Subject')).toBe('Re: Your order 4471')
    expect(header('Message-ID')).toBe('<earshot.em-reply-1@shop.example>')
    expect(raw).toContain('So sorry, Carla! A new kettle is on its way.')
    expect(sent.externalId).toBe('earshot.em-reply-1@shop.example')
    await expectOneOutbound(c.id, sent.externalId)
  }, slow)
})

describe('Generic webhook: an event POSTed signed to the account, answered through the outgoing webhook', () => {
  let receiver: WebhookReceiverFake
  const secret = 'hook-secret'

  beforeAll(async () => {
    receiver = await startWebhookReceiverFake({ signingSecret: secret })
  })
  afterAll(async () => {
    await receiver?.close()
  })

  it('POSTs one signed reply with in_reply_to = the event id', async () => {
    const account = await createAccount({ channel: 'webhook', name: 'Forum', settings: { outgoingUrl: receiver.url }, secrets: { signingSecret: secret } })
    const event = JSON.stringify({
      id: 'forum-post-77', type: 'message', author: { id: 'user-9', name: 'Dana' }, text: 'wh-marker the forum login loops forever',
      created_at: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), thread_id: 'forum-thread-7',
    })
    const delivered = await fetch(`${server.url}${account.webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(secret, event, new Date()) }, body: event })
    expect(delivered.status).toBe(200)
    const c = await conversationWith('webhook', 'wh-marker')
    expect(c.channelAccountId).toBe(account.id)

    const sent = await replyTwiceWithSameKey(c.id, 'Try clearing cookies; we are fixing it.', 'wh-reply-1')
    expect(receiver.requests.filter((r) => r.method === 'POST' && r.path === receiverPath)).toHaveLength(1)
    expect(receiver.deliveries).toHaveLength(1)
    expect(receiver.deliveries[0]!.idempotencyKey).toBe('wh-reply-1')
    expect(receiver.deliveries[0]!.body).toMatchObject({ type: 'reply', in_reply_to: 'forum-post-77', thread_id: 'forum-thread-7', text: 'Try clearing cookies; we are fixing it.', visibility: 'public' })
    expect(sent.externalId).toBe(receiver.deliveries[0]!.id)
    await expectOneOutbound(c.id, sent.externalId)
  }, slow)
})

// ---------------------------------------------------------------------------------------------
// A first send that times out after the platform made the post: the retry must not post again.
// The server's worker (30 s timeout, 2 s+ backoff) is replaced by one with short timings.

describe('a send that times out after posting is retried without a second post', () => {
  let hangServer: TestServer
  let api: ApiCall
  let worker: OutboxWorker
  let x: XFake
  let mastodon: MastodonFake
  let receiver: WebhookReceiverFake
  let bluesky: BlueskyFake

  beforeAll(async () => {
    hangServer = await startTestServer()
    api = apiClient(hangServer)
    await hangServer.earshot.outbox.stop()
    // A stopped worker still runs a pass when kicked (the replies route kicks it); keep it out of the way.
    hangServer.earshot.outbox.kick = () => undefined
    const { store, bus, secretBox } = hangServer.earshot
    worker = createOutboxWorker({ store, bus, secretBox, sendTimeoutMs: 1_500, backoff: { baseMs: 100, capMs: 500, attemptsMax: 5 }, pollMs: 60_000 })
    x = await startXFake({ brandUserId: xBrandId, accessToken: xAccessToken, users: [xBrandUser] })
    const status = statusEntity('112000000000000902', { created_at: new Date(Date.now() - 60_000).toISOString(), content: '<p>@brand mh-marker my parcel is lost</p>' })
    mastodon = await startMastodonFake({ accessToken: 'masto-token', notifications: [mentionNotification('902', status)] })
    receiver = await startWebhookReceiverFake({ signingSecret: 'hook-secret' })
    bluesky = await startBlueskyFake({ handle: 'northwind.example.com', appPassword: 'app-pass' })
  }, slow)

  afterAll(async () => {
    await worker?.stop()
    await hangServer?.close()
    await x?.close()
    await mastodon?.close()
    await receiver?.close()
    await bluesky?.close()
  })

  async function drainUntilSettled(conversationId: string, replyId: string): Promise<any> {
    const deadline = Date.now() + 30_000
    for (;;) {
      await worker.drain()
      const r = await replyRow(conversationId, replyId, api)
      if (r?.status === 'sent' || r?.status === 'failed') return r
      if (Date.now() > deadline) throw new Error(`reply still ${r?.status} after 30 s: ${JSON.stringify(r)}`)
      await new Promise((res) => setTimeout(res, 100))
    }
  }

  it('X: the retry finds the Tweet the first attempt made (findSent) and posts nothing more', async () => {
    const created = await api('POST', '/api/v1/channel-accounts', { body: { channel: 'x-twitter', name: 'Acme on X', settings: { apiBaseUrl: x.url, userId: xBrandId, handle: xBrandHandle }, secrets: { accessToken: xAccessToken, consumerSecret: xConsumerSecret } } })
    expect(created.status).toBe(201)
    const tweetId = '1800000000000000902'
    expect((await deliverXWebhook(`${hangServer.url}${created.json.webhookPath}`, xDelivery(tweetId, 'xh-marker still no refund'), xConsumerSecret)).status).toBe(200)
    const c = await conversationWith('x-twitter', 'xh-marker', api)

    x.hangAfterNext('/2/tweets')
    const queued = await api('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'We are checking your refund now.' }, headers: { 'idempotency-key': 'xh-reply-1' } })
    expect(queued.status).toBe(202)
    const sent = await drainUntilSettled(c.id, queued.json.id)
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 })
    expect(x.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets')).toHaveLength(1)
    expect(x.posted).toHaveLength(1)
    expect(x.posted[0]).toMatchObject({ inReplyToTweetId: tweetId, text: 'We are checking your refund now.' })
    expect(sent.externalId).toBe(x.posted[0]!.id)

    const again = await api('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'We are checking your refund now.' }, headers: { 'idempotency-key': 'xh-reply-1' } })
    expect(again.status).toBe(200)
    expect(await worker.drain()).toBe(0)
    expect(x.posted).toHaveLength(1)
  }, slow)

  it('Mastodon: the retry repeats the Idempotency-Key and the instance answers with the same status', async () => {
    const created = await api('POST', '/api/v1/channel-accounts', { body: { channel: 'mastodon', name: 'Acme on Mastodon', settings: { apiBaseUrl: mastodon.url, acct: 'brand' }, secrets: { accessToken: 'masto-token' } } })
    expect(created.status).toBe(201)
    const c = await conversationWith('mastodon', 'mh-marker', api)

    mastodon.hangAfterNext('/api/v1/statuses')
    const queued = await api('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'Looking for your parcel now.' }, headers: { 'idempotency-key': 'mh-reply-1' } })
    expect(queued.status).toBe(202)
    const sent = await drainUntilSettled(c.id, queued.json.id)
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 })
    const posts = mastodon.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses')
    expect(posts).toHaveLength(2)
    expect(posts.map((p) => p.headers['idempotency-key'])).toEqual(['mh-reply-1', 'mh-reply-1'])
    expect(mastodon.posted).toHaveLength(1)
    expect(mastodon.posted[0]!.in_reply_to_id).toBe('112000000000000902')
    expect(sent.externalId).toBe(mastodon.posted[0]!.id)

    const again = await api('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'Looking for your parcel now.' }, headers: { 'idempotency-key': 'mh-reply-1' } })
    expect(again.status).toBe(200)
    expect(await worker.drain()).toBe(0)
    expect(mastodon.posted).toHaveLength(1)
  }, slow)

  it('Generic webhook: the retry repeats the Idempotency-Key and the receiver records one delivery', async () => {
    const created = await api('POST', '/api/v1/channel-accounts', { body: { channel: 'webhook', name: 'Forum', settings: { outgoingUrl: receiver.url }, secrets: { signingSecret: 'hook-secret' } } })
    expect(created.status).toBe(201)
    const event = JSON.stringify({ id: 'forum-post-78', type: 'message', author: { id: 'user-10', name: 'Eli' }, text: 'wh-hang-marker cannot reset password', created_at: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z') })
    const delivered = await fetch(`${hangServer.url}${created.json.webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders('hook-secret', event, new Date()) }, body: event })
    expect(delivered.status).toBe(200)
    const c = await conversationWith('webhook', 'wh-hang-marker', api)

    receiver.hangAfterNext()
    const queued = await api('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'A reset link is on its way.' }, headers: { 'idempotency-key': 'wh-hang-1' } })
    expect(queued.status).toBe(202)
    const sent = await drainUntilSettled(c.id, queued.json.id)
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 })
    const posts = receiver.requests.filter((r) => r.method === 'POST' && r.path === receiverPath)
    expect(posts.map((p) => p.headers['idempotency-key'])).toEqual(['wh-hang-1', 'wh-hang-1'])
    expect(receiver.deliveries).toHaveLength(1)
    expect(receiver.deliveries[0]!.body).toMatchObject({ in_reply_to: 'forum-post-78', text: 'A reset link is on its way.' })
    expect(sent.externalId).toBe(receiver.deliveries[0]!.id)
  }, slow)

  it('Bluesky: the retry finds the record the first attempt created (same rkey) and creates nothing more', async () => {
    const created = await api('POST', '/api/v1/channel-accounts', {
      body: { channel: 'bluesky', name: 'Northwind', settings: { handle: bluesky.handle, pdsUrl: bluesky.url, appViewUrl: bluesky.url, jetstreamUrl: bluesky.jetstreamUrl }, secrets: { appPassword: 'app-pass' } },
    })
    expect(created.status).toBe(201)
    await eventually(async () => (bluesky.openConnections() > 0 ? true : undefined), 'the Jetstream subscription', intakeMs)
    const customerDid = 'did:plc:customercustomercustomer'
    bluesky.push(jetstreamPost({ did: customerDid, rkey: '3kchan0000002', text: 'bh-marker my suitcase is in Oslo', timeUs: Date.now() * 1000 }))
    const c = await conversationWith('bluesky', 'bh-marker', api)

    bluesky.http.hangAfterNext('/xrpc/com.atproto.repo.createRecord')
    const queued = await api('POST', `/api/v1/conversations/${c.id}/replies`, { body: { text: 'We are bringing it home.' }, headers: { 'idempotency-key': 'bh-reply-1' } })
    expect(queued.status).toBe(202)
    const sent = await drainUntilSettled(c.id, queued.json.id)
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 })
    expect(bluesky.posts()).toHaveLength(1)
    const record = bluesky.posts()[0]!.value as any
    expect(record.reply.parent.uri).toBe(postUri(customerDid, '3kchan0000002'))
    expect(sent.externalId).toBe(bluesky.posts()[0]!.uri)
  }, slow)
})

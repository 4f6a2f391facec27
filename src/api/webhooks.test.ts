// Platforms push to /api/v1/webhooks/:channel/:accountId. X's CRC handshake is answered, signed
// deliveries are stored and processed, forged or unsigned ones are refused with nothing stored,
// replays add nothing, and an answer to a webhook conversation goes out through that account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkXCrc, deliverXWebhook, startXFake, type XFake } from '../channels/x-twitter/fake.ts'
import { accessToken, brandHandle, brandId, brandUser, consumerSecret } from '../channels/x-twitter/testing.ts'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

const customerId = '1400000000000000077'
const tweetId = '1800000000000000777'

/** An Account Activity delivery: one customer Tweet mentioning the brand, in v1.1 form. */
const delivery = {
  for_user_id: brandId,
  tweet_create_events: [{
    created_at: 'Wed Nov 25 10:00:00 +0000 2026',
    id: Number(tweetId), id_str: tweetId,
    text: `@${brandHandle} my router died again, third time this month`,
    user: { id: Number(customerId), id_str: customerId, name: 'Rui', screen_name: 'rui_k', followers_count: 220, verified: false },
    in_reply_to_status_id_str: null, lang: 'en',
    entities: { user_mentions: [{ id_str: brandId, screen_name: brandHandle }] },
    retweet_count: 0, favorite_count: 0, reply_count: 0, quote_count: 0,
  }],
}

describe('webhooks', () => {
  let server: TestServer
  let call: ApiCall
  let x: XFake
  let hookUrl: string
  let accountId: string

  beforeAll(async () => {
    server = await startTestServer()
    call = apiClient(server)
    x = await startXFake({ brandUserId: brandId, accessToken, users: [brandUser] })
    const created = await call('POST', '/api/v1/channel-accounts', {
      body: { channel: 'x-twitter', name: 'Acme on X', settings: { apiBaseUrl: x.url, userId: brandId, handle: brandHandle }, secrets: { accessToken, consumerSecret } },
    })
    expect(created.status).toBe(201)
    accountId = created.json.id
    expect(created.json.webhookPath).toBe(`/api/v1/webhooks/x-twitter/${accountId}`)
    hookUrl = `${server.url}${created.json.webhookPath}`
  })

  afterAll(async () => {
    await server?.close()
    await x?.close()
  })

  const inboundCount = async () => (await server.earshot.store.db.query<{ n: number }>('select count(*)::int as n from inbound_log')).rows[0]!.n
  const xConversations = async () => (await call('GET', '/api/v1/conversations?channel=x-twitter')).json.items as any[]

  it('answers the CRC handshake with the account secret', async () => {
    expect(await checkXCrc(hookUrl, consumerSecret)).toBe(true)
    expect(await checkXCrc(hookUrl, 'another secret')).toBe(false)
  })

  it('refuses forged, unsigned and misaddressed deliveries and stores nothing', async () => {
    const before = await inboundCount()
    const forged = await deliverXWebhook(hookUrl, delivery, 'not the secret')
    expect(forged.status).toBe(401)
    const unsigned = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(delivery) })
    expect(unsigned.status).toBe(401)
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED')
    const wrongChannel = await deliverXWebhook(`${server.url}/api/v1/webhooks/bluesky/${accountId}`, delivery, consumerSecret)
    expect(wrongChannel.status).toBe(404)
    const unknownAccount = await deliverXWebhook(`${server.url}/api/v1/webhooks/x-twitter/00000000-0000-4000-8000-000000000000`, delivery, consumerSecret)
    expect(unknownAccount.status).toBe(404)
    expect(await inboundCount()).toBe(before)
    expect(await xConversations()).toHaveLength(0)
  })

  it('stores a signed delivery, processes it, and adds nothing on a replay', async () => {
    const first = await deliverXWebhook(hookUrl, delivery, consumerSecret)
    expect(first.status).toBe(200)
    const [conversation] = await eventually(async () => {
      const items = await xConversations()
      return items.length === 1 ? items : undefined
    }, 'the webhook conversation')
    expect(conversation.channelAccountId).toBe(accountId)
    expect(conversation.preview).toContain('router died')
    expect((await deliverXWebhook(hookUrl, delivery, consumerSecret)).status).toBe(200)
    await eventually(async () => ((await server.earshot.store.inbound.countPending()) === 0 ? true : undefined), 'the replay to be processed')
    const again = await xConversations()
    expect(again).toHaveLength(1)
    expect(again[0].messageCount).toBe(1)
  })

  it('answers a webhook conversation through its account: one reply, threaded under the Tweet', async () => {
    const [conversation] = await xConversations()
    const queued = await call('POST', `/api/v1/conversations/${conversation.id}/replies`, { body: { text: 'Sorry Rui! Could you DM us your account number?' } })
    expect(queued.status).toBe(202)
    await eventually(async () => ((await call('GET', `/api/v1/conversations/${conversation.id}/replies`)).json.items[0].status === 'sent' ? true : undefined), 'the reply to be sent')
    expect(x.posted).toHaveLength(1)
    expect(x.posted[0]).toMatchObject({ text: 'Sorry Rui! Could you DM us your account number?', inReplyToTweetId: tweetId })
  })

  it('stops answering for a disabled account', async () => {
    expect((await call('PATCH', `/api/v1/channel-accounts/${accountId}`, { body: { enabled: false } })).status).toBe(200)
    expect((await deliverXWebhook(hookUrl, delivery, consumerSecret)).status).toBe(404)
  })
})

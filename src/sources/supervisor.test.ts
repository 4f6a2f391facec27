// The intake of a connected account runs inside the server: traffic polled from the platform (a
// local fake speaking its protocol) becomes conversations, the cursor is stored, and a restarted
// supervisor resumes from it instead of starting over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { secretBoxFromKey } from '../accounts/secret-box.ts'
import { startMastodonFake, type MastodonFake } from '../channels/mastodon/fake.ts'
import { mentionNotifications } from '../channels/mastodon/test-payloads.ts'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'
import { createSourceSupervisor } from './supervisor.ts'

describe('source supervisor', () => {
  let server: TestServer
  let call: ApiCall
  let fake: MastodonFake
  const [first, second, third, fourth, fifth] = mentionNotifications(5)

  beforeAll(async () => {
    server = await startTestServer()
    call = apiClient(server)
    fake = await startMastodonFake({ accessToken: 'masto-token', notifications: [first!, second!, third!] })
  })

  afterAll(async () => {
    await server?.close()
    await fake?.close()
  })

  const mastodonConversations = async () => (await call('GET', '/api/v1/conversations?channel=mastodon&limit=200')).json.items as unknown[]

  it('polls a new account at once, stores what it found and the cursor, and marks the account healthy', async () => {
    const created = await call('POST', '/api/v1/channel-accounts', {
      body: { channel: 'mastodon', name: 'brand@example.social', settings: { apiBaseUrl: fake.url, acct: 'brand' }, secrets: { accessToken: 'masto-token' } },
    })
    expect(created.status).toBe(201)
    expect(server.earshot.sources.running()).toEqual([`${created.json.id}#0`])
    await eventually(async () => ((await mastodonConversations()).length === 3 ? true : undefined), 'three conversations')
    const account = await eventually(async () => {
      const row = await server.earshot.store.channelAccounts.byId(created.json.id)
      return row?.cursor !== null && row?.health === 'ok' ? row : undefined
    }, 'the cursor and health to be saved')
    expect(JSON.stringify(account.cursor)).toContain(String(third!.id))
  })

  it('resumes from the stored cursor after a restart, fetching only what is new', async () => {
    await server.earshot.sources.stop()
    fake.addNotification(fourth!)
    fake.addNotification(fifth!)
    const requestsBefore = fake.requests.length
    const restarted = createSourceSupervisor({ store: server.earshot.store, bus: server.earshot.bus, secretBox: secretBoxFromKey('test-secret-key') })
    await restarted.start()
    try {
      await eventually(async () => ((await mastodonConversations()).length === 5 ? true : undefined), 'five conversations')
      const polls = fake.requests.slice(requestsBefore).filter((r) => r.path === '/api/v1/notifications')
      expect(polls[0]?.query.get('min_id')).toBe(String(third!.id))
    } finally {
      await restarted.stop()
    }
  })

  it('marks an account whose token the platform refuses as unhealthy, with the reason', async () => {
    const created = await call('POST', '/api/v1/channel-accounts', {
      body: { channel: 'mastodon', name: 'revoked', settings: { apiBaseUrl: fake.url, acct: 'brand' }, secrets: { accessToken: 'wrong' } },
    })
    const restarted = createSourceSupervisor({ store: server.earshot.store, bus: server.earshot.bus, secretBox: secretBoxFromKey('test-secret-key') })
    await restarted.start()
    try {
      const row = await eventually(async () => {
        const r = await server.earshot.store.channelAccounts.byId(created.json.id)
        return r?.health === 'error' ? r : undefined
      }, 'the account to be marked unhealthy')
      expect(row.lastError).toMatch(/401|token/i)
      const listed = (await call('GET', '/api/v1/channel-accounts')).json.items.find((a: any) => a.id === created.json.id)
      expect(listed.health).toBe('error')
    } finally {
      await restarted.stop()
    }
  })
})

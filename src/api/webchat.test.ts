// Web chat end to end on a real server: a visitor (a scripted widget) writes, the message becomes a
// private conversation, an agent answers through the API, and the visitor receives the answer live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectVisitorFake } from '../channels/webchat/fake.ts'
import { apiClient, eventually, type ApiCall } from '../testing/api-client.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

describe('web chat', () => {
  let server: TestServer
  let call: ApiCall
  let accountId: string

  beforeAll(async () => {
    server = await startTestServer()
    call = apiClient(server)
    const created = await call('POST', '/api/v1/channel-accounts', { body: { channel: 'webchat', name: 'Site chat' } })
    expect(created.status).toBe(201)
    accountId = created.json.id
  })

  afterAll(async () => {
    await server?.close()
  })

  it('serves the widget script', async () => {
    const res = await fetch(`${server.url}/widget.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('javascript')
    expect(await res.text()).toContain('/api/v1/webchat/')
  })

  it('turns a visitor message into a private conversation and delivers the agent reply live', async () => {
    const visitor = await connectVisitorFake({ baseUrl: server.url, accountId })
    try {
      const clientId = visitor.sendMessage('Hi, my booking reference does not work', { name: 'Maya' })
      await visitor.waitFor((f) => f.type === 'ack' && f.clientId === clientId)
      const conversation = await eventually(async () => {
        const items = (await call('GET', '/api/v1/conversations?channel=webchat')).json.items as any[]
        return items.length === 1 ? items[0] : undefined
      }, 'the web chat conversation')
      expect(conversation.channelAccountId).toBe(accountId)
      const detail = await call('GET', `/api/v1/conversations/${conversation.id}`)
      expect(detail.json.messages[0]).toMatchObject({ visibility: 'private', direction: 'in', text: 'Hi, my booking reference does not work' })

      const queued = await call('POST', `/api/v1/conversations/${conversation.id}/replies`, { body: { text: 'Hello Maya, which reference is it?' } })
      expect(queued.status).toBe(202)
      const reply = await visitor.waitFor((f) => f.type === 'reply')
      expect(reply).toMatchObject({ type: 'reply', text: 'Hello Maya, which reference is it?' })
      await eventually(async () => ((await call('GET', `/api/v1/conversations/${conversation.id}/replies`)).json.items[0].status === 'sent' ? true : undefined), 'the reply marked sent')
      expect(visitor.replies()).toHaveLength(1)
    } finally {
      await visitor.close()
    }
  })

  it('closes the socket of an unknown or disabled chat', async () => {
    await call('PATCH', `/api/v1/channel-accounts/${accountId}`, { body: { enabled: false } })
    const visitor = await connectVisitorFake({ baseUrl: server.url, accountId, waitForHello: false })
    expect(await visitor.closed).toBe(4404)
  })
})

// A listening rule's preview: the query, unsaved, over the latest stored customer messages; invalid
// queries are refused with their position; nothing is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, type ApiCall } from '../testing/api-client.ts'
import { did, jetstreamPost } from '../testing/payloads.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

let server: TestServer
let call: ApiCall

beforeAll(async () => {
  server = await startTestServer()
  call = apiClient(server)
  const posts = [
    'Northwind lost my bag and I want a refund',
    'the refund from northwind arrived, thanks!',
    'Contoso has better legroom than anyone',
    'mon vol Northwind est encore en retard',
  ]
  const body = posts.map((text, i) => jetstreamPost({ did: did(5_100 + i), rkey: `3kprev000000${i}`, text, langs: [i === 3 ? 'fr' : 'en'] })).join('\n')
  expect((await call('POST', '/api/v1/ingest/bluesky', { body })).json.ingested).toBe(4)
})
afterAll(async () => {
  await server?.close()
})

describe('POST /api/v1/listening-rules/preview', () => {
  it('counts and shows what a query matches among the latest messages', async () => {
    const res = await call('POST', '/api/v1/listening-rules/preview', { body: { query: 'northwind AND refund' } })
    expect(res.status).toBe(200)
    expect(res.json.scanned).toBe(4)
    expect(res.json.matched).toBe(2)
    expect(res.json.examples.map((e: any) => e.text).sort()).toEqual(['Northwind lost my bag and I want a refund', 'the refund from northwind arrived, thanks!'])
    expect(res.json.examples[0].conversationId).toMatch(/^[0-9a-f-]{36}$/)
    expect((await call('POST', '/api/v1/listening-rules/preview', { body: { query: 'northwind AND lang:fr' } })).json.matched).toBe(1)
    expect((await call('POST', '/api/v1/listening-rules/preview', { body: { query: 'contoso OR fabrikam', limit: 2 } })).json.scanned).toBe(2)
    expect((await call('GET', '/api/v1/listening-rules')).json.items, 'a preview saves nothing').toEqual([])
  })

  it('refuses an invalid query with its position', async () => {
    const res = await call('POST', '/api/v1/listening-rules/preview', { body: { query: 'northwind AND (refund OR' } })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toBe('INVALID_RULE')
    expect(typeof res.json.error.details.position).toBe('number')
  })
})

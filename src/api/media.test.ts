// Media survive the pipeline: a post's images come back on the conversation's message as links, and
// an edit that drops them drops them; a deleted post shows none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, type ApiCall } from '../testing/api-client.ts'
import { did, jetstreamDelete } from '../testing/payloads.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'

let server: TestServer
let call: ApiCall
const author = did(6_001)
const cid = 'bafkreibj4pupm3ddnlbzt4xnkl2ed3vvbpvjifpmzquay6rhj7jcfbclbq'

const post = (operation: 'create' | 'update', embed: unknown) => JSON.stringify({
  did: author, time_us: 1_779_719_009_132_431, kind: 'commit',
  commit: { rev: '3mmoojpaqkn2z', operation, collection: 'app.bsky.feed.post', rkey: '3kmedia00000a', cid: 'bafyreitest',
    record: { $type: 'app.bsky.feed.post', text: operation === 'create' ? 'my suitcase after the flight' : `my suitcase after the flight (edit ${embed === null ? 1 : 2})`, createdAt: '2026-05-25T14:23:29.000Z', langs: ['en'], ...(embed === null ? {} : { embed }) } },
})

beforeAll(async () => {
  server = await startTestServer()
  call = apiClient(server)
})
afterAll(async () => {
  await server?.close()
})

async function message(): Promise<any> {
  const list = await call('GET', '/api/v1/conversations?channel=bluesky&status=new,open,pending,snoozed,resolved')
  const c = list.json.items[0]
  if (c === undefined) throw new Error(`no conversation: ${list.text}`)
  return (await call('GET', `/api/v1/conversations/${c.id}`)).json.messages[0]
}

describe('media on messages', () => {
  it('stores a post\'s images and shows them as links with alt text; an edit without them clears them; a delete hides them', async () => {
    const images = { $type: 'app.bsky.embed.images', images: [{ alt: 'torn suitcase', image: { $type: 'blob', ref: { $link: cid }, mimeType: 'image/jpeg', size: 1 } }] }
    expect((await call('POST', '/api/v1/ingest/bluesky', { body: post('create', images) })).json.ingested).toBe(1)
    expect((await message()).media).toEqual([{ kind: 'image', url: `https://cdn.bsky.app/img/feed_fullsize/plain/${author}/${cid}@jpeg`, alt: 'torn suitcase' }])
    await call('POST', '/api/v1/ingest/bluesky', { body: post('update', null) })
    expect((await message()).media).toEqual([])
    await call('POST', '/api/v1/ingest/bluesky', { body: post('update', images) })
    expect((await message()).media).toHaveLength(1)
    await call('POST', '/api/v1/ingest/bluesky', { body: jetstreamDelete(author, '3kmedia00000a') })
    expect((await message()).media).toEqual([])
  })
})

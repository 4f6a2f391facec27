import { afterEach, describe, expect, it } from 'vitest'
import { listingPage, startRedditFake, type RedditFake, type RedditThingWire } from './fake.ts'
import { credentials } from './test-context.ts'
import { commentThing, idAt } from './test-payloads.ts'

const all: RedditThingWire[] = Array.from({ length: 250 }, (_, i) => commentThing(idAt('c', 250 - i)))
const name = (n: number) => `t1_${idAt('c', n)}`

function page(query: Record<string, string>) {
  const reply = listingPage(all, new URLSearchParams(query)).body as { data: { after: string | null; before: string | null; dist: number; children: RedditThingWire[] } }
  return { ...reply.data, names: reply.data.children.map((c) => c.data.name) }
}

describe('reddit fake: listing pagination like Reddit', () => {
  it('defaults to 25, caps limit at 100, and sets after only while more remain', () => {
    expect(page({})).toMatchObject({ dist: 25, after: name(226), before: null })
    expect(page({ limit: '500' }).dist).toBe(100)
    const last = page({ limit: '100', after: name(51) })
    expect(last).toMatchObject({ dist: 50, after: null, before: name(50) })
  })

  it('pages backwards with before, and an unknown anchor gives an empty page', () => {
    expect(page({ limit: '10', before: name(200) }).names).toEqual(Array.from({ length: 10 }, (_, i) => name(210 - i)))
    expect(page({ after: 't1_nope' })).toMatchObject({ dist: 0, after: null, before: null, names: [] })
  })
})

describe('reddit fake: auth', () => {
  let fake: RedditFake | null = null
  afterEach(async () => {
    await fake?.close()
  })

  it('refuses the token endpoint without the app credentials and the API without an issued bearer token', async () => {
    fake = await startRedditFake(credentials)
    const noBasic = await fetch(`${fake.url}/api/v1/access_token`, { method: 'POST', body: 'grant_type=password' })
    expect(noBasic.status).toBe(401)
    const noBearer = await fetch(`${fake.url}/r/acme/new`, { headers: { authorization: 'bearer made-up' } })
    expect(noBearer.status).toBe(401)
  })
})

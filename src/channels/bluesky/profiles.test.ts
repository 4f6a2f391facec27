import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type { Author } from '../../core/model.ts'
import { did } from '../../testing/payloads.ts'
import { startBlueskyFake, type BlueskyFake } from './fake.ts'
import { authorWithProfile, profilesFromResponse, resolveProfiles } from './profiles.ts'
import { fakeAccount, sendContext } from './test-support.ts'

let fake: BlueskyFake | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

const known = Array.from({ length: 60 }, (_, i) => ({ did: did(100 + i), handle: `user${i}.bsky.social`, displayName: `User ${i}`, followersCount: i * 10 }))

describe('profilesFromResponse', () => {
  it('maps handle, display name and followers; handle.invalid and blank names become null', () => {
    expect(profilesFromResponse({
      profiles: [
        { did: 'did:plc:a', handle: 'a.example', displayName: ' Ann ', followersCount: 12, followsCount: 3 },
        { did: 'did:plc:b', handle: 'handle.invalid', displayName: '  ', followersCount: -1 },
        { did: 'not-a-did', handle: 'x' },
        'junk',
      ],
    })).toEqual([
      { did: 'did:plc:a', handle: 'a.example', displayName: 'Ann', followersCount: 12 },
      { did: 'did:plc:b', handle: null, displayName: null, followersCount: null },
    ])
  })

  it('never throws and always returns well-typed profiles', () => {
    fc.assert(fc.property(fc.anything(), (body) => {
      for (const p of profilesFromResponse(body)) {
        expect(p.did).toMatch(/^did:/)
        expect(p.followersCount === null || Number.isSafeInteger(p.followersCount)).toBe(true)
      }
    }), { numRuns: 300 })
    fc.assert(fc.property(fc.record({ profiles: fc.array(fc.record({ did: fc.string(), handle: fc.anything(), displayName: fc.anything(), followersCount: fc.anything() }, { requiredKeys: [] })) }), (body) => {
      expect(() => profilesFromResponse(body)).not.toThrow()
    }), { numRuns: 300 })
  })

  it('fills an author from the profile of the same DID only', () => {
    const author: Author = { externalUserId: 'did:plc:a', handle: null, displayName: null, followers: null, verified: false }
    const profile = { did: 'did:plc:a', handle: 'a.example', displayName: null, followersCount: 5 }
    expect(authorWithProfile(author, profile)).toEqual({ ...author, handle: 'a.example', followers: 5 })
    expect(authorWithProfile(author, { ...profile, did: 'did:plc:other' })).toBe(author)
    expect(authorWithProfile(author, undefined)).toBe(author)
  })
})

describe('resolveProfiles against the fake AppView', () => {
  it('asks 25 actors per call, dedupes, skips invalid DIDs and leaves unknown DIDs out', async () => {
    fake = await startBlueskyFake({ profiles: known })
    const unknown = did(999)
    const dids = [...known.map((p) => p.did), known[0]!.did, 'garbage', unknown]
    const result = await resolveProfiles(dids, sendContext(fakeAccount(fake)))
    expect(result.ok).toBe(true)
    expect(result.profiles.size).toBe(60)
    expect(result.profiles.get(known[7]!.did)).toEqual({ did: known[7]!.did, handle: 'user7.bsky.social', displayName: 'User 7', followersCount: 70 })
    expect(result.profiles.has(unknown)).toBe(false)
    const calls = fake.http.requests.filter((r) => r.path === '/xrpc/app.bsky.actor.getProfiles')
    expect(calls.map((c) => c.query.getAll('actors').length)).toEqual([25, 25, 11])
    expect(calls.every((c) => c.headers.authorization === undefined)).toBe(true)
  })

  it('returns nothing to do for no DIDs', async () => {
    fake = await startBlueskyFake()
    expect(await resolveProfiles([], sendContext(fakeAccount(fake)))).toEqual({ ok: true, profiles: new Map() })
    expect(fake.http.requests).toHaveLength(0)
  })

  it('on a 429 reports the wait from ratelimit-reset and keeps what earlier batches resolved', async () => {
    fake = await startBlueskyFake({ profiles: known, rateLimit: { limit: 1, windowMs: 60_000 } })
    const result = await resolveProfiles(known.map((p) => p.did), sendContext(fakeAccount(fake)))
    expect(result).toMatchObject({ ok: false, retryable: true })
    expect(result.profiles.size).toBe(25)
    const wait = !result.ok ? result.retryAfterMs ?? 0 : 0
    expect(wait).toBeGreaterThan(55_000)
    expect(wait).toBeLessThanOrEqual(61_000)
  })

  it('reports a network failure as retryable', async () => {
    fake = await startBlueskyFake()
    const account = fakeAccount(fake, { appViewUrl: 'http://127.0.0.1:1' })
    expect(await resolveProfiles([did(1)], sendContext(account))).toMatchObject({ ok: false, retryable: true })
  })
})

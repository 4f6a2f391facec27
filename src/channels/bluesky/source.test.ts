import { afterEach, describe, expect, it } from 'vitest'
import { did, jetstreamDelete, jetstreamLike, jetstreamPost } from '../../testing/payloads.ts'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { jsonLines } from '../testing.ts'
import { startBlueskyFake, type BlueskyFake } from './fake.ts'
import { parseJetstreamEvent } from './parse.ts'
import {
  backoffMs, createJetstreamSource, cursorFromSaved, cursorRewindUs, readFrame, resumeCursorUs, subscribeUrl, wantedDidsOf,
} from './source.ts'
import { fakeAccount, sourceHarness, type SourceHarness } from './test-support.ts'

warnIfNoShared()

const t0 = 1_779_719_000_000_000
const customer = did(1)
const post = (n: number, timeUs = t0 + n * 1_000_000, author = customer) => jetstreamPost({ did: author, rkey: `3mmoojp${String(n).padStart(4, '0')}22`, text: `post ${n}`, timeUs })

const fast = { batchWindowMs: 20, backoffMsMin: 10, backoffMsMax: 80 }
let fake: BlueskyFake | null = null
let running: { harness: SourceHarness; done: Promise<void> }[] = []

async function startFake(events: string[] = []): Promise<BlueskyFake> {
  fake = await startBlueskyFake({ events })
  return fake
}

function run(harness: SourceHarness, options = {}): Promise<void> {
  const done = createJetstreamSource({ ...fast, ...options }).run(harness.ctx)
  running.push({ harness, done })
  return done
}

async function stop(harness: SourceHarness): Promise<void> {
  harness.abort()
  await running.find((r) => r.harness === harness)?.done
}

afterEach(async () => {
  for (const r of running) r.harness.abort()
  await Promise.all(running.map((r) => r.done))
  running = []
  await fake?.close()
  fake = null
})

describe('jetstream source: pure parts', () => {
  it('builds the subscribe URL with repeated wantedCollections/wantedDids and the cursor', () => {
    const url = new URL(subscribeUrl({ jetstreamUrl: 'wss://js.example/subscribe/', wantedCollections: ['app.bsky.feed.post', 'app.bsky.feed.like'], wantedDids: ['did:plc:a', 'did:plc:b'], cursorUs: 123 }))
    expect(url.origin + url.pathname).toBe('wss://js.example/subscribe')
    expect(url.searchParams.getAll('wantedCollections')).toEqual(['app.bsky.feed.post', 'app.bsky.feed.like'])
    expect(url.searchParams.getAll('wantedDids')).toEqual(['did:plc:a', 'did:plc:b'])
    expect(url.searchParams.get('cursor')).toBe('123')
    expect(new URL(subscribeUrl({ jetstreamUrl: 'wss://js.example', wantedCollections: [], wantedDids: [], cursorUs: null })).searchParams.has('cursor')).toBe(false)
  })

  it('reads saved cursors and rewinds them 5 s', () => {
    expect(cursorFromSaved(t0)).toBe(t0)
    expect(cursorFromSaved(String(t0))).toBe(t0)
    expect([null, undefined, 'x', -5, 1.5, {}].map(cursorFromSaved)).toEqual([null, null, null, null, null, null])
    expect(resumeCursorUs(t0)).toBe(t0 - 5_000_000)
    expect(resumeCursorUs(null)).toBeNull()
    expect(resumeCursorUs(1)).toBe(0)
  })

  it('splits wantedDids on commas and whitespace, keeping only DIDs', () => {
    expect(wantedDidsOf('did:plc:a, did:plc:b\n did:web:c.example nope')).toEqual(['did:plc:a', 'did:plc:b', 'did:web:c.example'])
    expect(wantedDidsOf(undefined)).toEqual([])
  })

  it('doubles the backoff up to the cap', () => {
    expect([0, 1, 2, 3, 10, 100].map((n) => backoffMs(n, { backoffMsMin: 1_000, backoffMsMax: 30_000 }))).toEqual([1_000, 2_000, 4_000, 8_000, 30_000, 30_000])
  })

  it.each([
    ['not JSON', Buffer.from('{"did":'), false],
    ['no time_us', Buffer.from('{"did":"did:plc:x","kind":"commit"}'), false],
    ['a JSON array', Buffer.from('[1,2]'), false],
    ['a binary frame', Buffer.from('{"time_us":1}'), true],
  ])('refuses %s as a frame', (_name, data, isBinary) => {
    expect(readFrame(data, isBinary).ok).toBe(false)
  })

  it('accepts a Jetstream event frame as is', () => {
    const line = post(1)
    expect(readFrame(Buffer.from(line), false)).toEqual({ ok: true, body: line, timeUs: t0 + 1_000_000 })
    expect(readFrame([Buffer.from(line.slice(0, 10)), Buffer.from(line.slice(10))], false)).toMatchObject({ ok: true, body: line })
  })
})

describe('jetstream source against the fake', () => {
  it('tails live without a cursor, emits each frame unchanged and saves the cursor after emit', async () => {
    const f = await startFake([post(1)])
    const h = sourceHarness(fakeAccount(f))
    void run(h)
    await h.waitFor('subscription', () => f.openConnections() === 1)
    const query = f.subscriptions[0]
    expect(query?.getAll('wantedCollections')).toEqual(['app.bsky.feed.post'])
    expect(query?.has('cursor')).toBe(false)
    const lines = [post(2), post(3), jetstreamDelete(customer, '3mmoojp000222', t0 + 4_000_000)]
    for (const line of lines) f.push(line)
    await h.waitFor('3 units', () => h.units.length === 3)
    expect(h.units.map((u) => u.body)).toEqual(lines)
    await h.waitFor('cursor', () => h.cursors.at(-1) === t0 + 4_000_000)
    expect(h.order[0]).toMatch(/^emit:/)
    // every save follows the emit of its batch
    h.order.forEach((entry, i) => {
      if (entry.startsWith('save:')) expect(h.order[i - 1]).toMatch(/^emit:/)
    })
  })

  it('batches a burst of frames (at most batchSizeMax per emit) and keeps their order', async () => {
    const f = await startFake()
    const h = sourceHarness(fakeAccount(f))
    void run(h, { batchSizeMax: 50, batchWindowMs: 200 })
    await h.waitFor('subscription', () => f.openConnections() === 1)
    const lines = Array.from({ length: 230 }, (_, i) => post(i))
    for (const line of lines) f.push(line)
    await h.waitFor('230 units', () => h.units.length === 230)
    expect(h.units.map((u) => u.body)).toEqual(lines)
    expect(Math.max(...h.batches)).toBeLessThanOrEqual(50)
    expect(h.batches.length).toBeLessThan(230 / 10)
  })

  it('resumes after a restart from the saved cursor minus 5 s and backfills what it missed', async () => {
    const f = await startFake()
    const first = sourceHarness(fakeAccount(f))
    void run(first)
    await first.waitFor('subscription', () => f.openConnections() === 1)
    f.push(post(1))
    f.push(post(2))
    await first.waitFor('cursor', () => first.cursors.at(-1) === t0 + 2_000_000)
    await stop(first)
    await first.waitFor('disconnect', () => f.openConnections() === 0)

    const missed = [post(3), jetstreamLike(customer, '3mmoojplike22'), post(4), post(5)]
    for (const line of missed) f.push(line)

    const second = sourceHarness(fakeAccount(f), { cursor: first.cursors.at(-1) })
    void run(second)
    await second.waitFor('backfill', () => second.units.some((u) => u.body === post(5)))
    expect(f.subscriptions[1]?.get('cursor')).toBe(String(t0 + 2_000_000 - cursorRewindUs))
    const bodies = second.units.map((u) => u.body)
    for (const line of [post(3), post(4), post(5)]) expect(bodies).toContain(line)
    // the like is filtered by wantedCollections on the server side
    expect(bodies).not.toContain(missed[1])
    // at-least-once: the 5 s rewind replays the last posts, which the pipeline dedupes
    expect(bodies).toContain(post(2))
    expect(second.cursors.at(-1)).toBe(t0 + 5_000_000)
  })

  it('reconnects with backoff when the connection drops mid-stream and loses nothing', async () => {
    const history = Array.from({ length: 12 }, (_, i) => post(i * 10))
    const f = await startFake(history)
    f.dropAfterFrames(5)
    const h = sourceHarness(fakeAccount(f), { cursor: t0 - 60_000_000 })
    void run(h)
    await h.waitFor('all history', () => history.every((line) => h.units.some((u) => u.body === line)))
    expect(f.subscriptions.length).toBeGreaterThanOrEqual(2)
    const second = Number(f.subscriptions[1]?.get('cursor'))
    // resumed from what was emitted before the drop (frame 5: time t0 + 40 s), rewound 5 s
    expect(second).toBe(t0 + 40_000_000 - cursorRewindUs)
    expect(h.logs.some((l) => l.level === 'warn' && /reconnecting/.test(l.msg ?? ''))).toBe(true)
    expect(h.sleeps[0]).toBe(fast.backoffMsMin)
  })

  it('logs and skips a garbled frame without dropping the connection', async () => {
    const f = await startFake()
    const h = sourceHarness(fakeAccount(f))
    void run(h)
    await h.waitFor('subscription', () => f.openConnections() === 1)
    f.push('{"did":"did:plc:x","time_us":17797')
    f.push('not json at all')
    f.push(post(1))
    await h.waitFor('1 unit', () => h.units.length === 1)
    expect(h.units[0]?.body).toBe(post(1))
    expect(h.logs.filter((l) => l.level === 'warn' && /garbled/.test(l.msg ?? ''))).toHaveLength(2)
    expect(f.subscriptions).toHaveLength(1)
  })

  it('waits for the reset the server names when the upgrade is refused with 429', async () => {
    const f = await startFake()
    const resetS = Math.ceil(Date.now() / 1000) + 1
    f.refuseNextSubscribe(429, { 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': String(resetS) })
    const h = sourceHarness(fakeAccount(f), { sleepMsMax: 30 })
    void run(h)
    await h.waitFor('second subscription', () => f.openConnections() === 1)
    expect(f.subscriptions).toHaveLength(2)
    const waited = h.sleeps[0] ?? 0
    expect(waited).toBeGreaterThan(fast.backoffMsMax)
    expect(waited).toBeLessThanOrEqual(2_000)
  })

  it('backs off exponentially while the server keeps refusing, up to the cap', async () => {
    const f = await startFake()
    for (let i = 0; i < 5; i++) f.refuseNextSubscribe(503)
    const h = sourceHarness(fakeAccount(f), { sleepMsMax: 5 })
    void run(h)
    await h.waitFor('connected', () => f.openConnections() === 1)
    expect(h.sleeps.slice(0, 5)).toEqual([10, 20, 40, 80, 80])
  })

  it('reconnects from the saved cursor when emit fails, so nothing is lost', async () => {
    const history = [post(1), post(2), post(3)]
    const f = await startFake(history)
    const h = sourceHarness(fakeAccount(f), { cursor: t0, emitFailures: 1 })
    void run(h)
    await h.waitFor('all history', () => history.every((line) => h.units.some((u) => u.body === line)))
    expect(h.logs.some((l) => l.level === 'error')).toBe(true)
    expect(f.subscriptions.length).toBeGreaterThanOrEqual(2)
    expect(f.subscriptions[1]?.get('cursor')).toBe(String(t0 - cursorRewindUs))
  })

  it('subscribes with wantedDids from the settings and gets only those authors', async () => {
    const other = did(2)
    const f = await startFake([post(1, t0 + 1_000_000, customer), post(2, t0 + 2_000_000, other)])
    const h = sourceHarness(fakeAccount(f, { wantedDids: `${other}` }), { cursor: t0 + 5_000_000 })
    void run(h)
    await h.waitFor('1 unit', () => h.units.length === 1)
    expect(f.subscriptions[0]?.getAll('wantedDids')).toEqual([other])
    expect(h.units[0]?.body).toBe(post(2, t0 + 2_000_000, other))
  })

  it('returns promptly when aborted', async () => {
    const f = await startFake()
    const h = sourceHarness(fakeAccount(f))
    const done = run(h)
    await h.waitFor('subscription', () => f.openConnections() === 1)
    const started = Date.now()
    h.abort()
    await done
    expect(Date.now() - started).toBeLessThan(500)
  })
})

describe.skipIf(!hasSharedFixtures)('jetstream source: shared fixture replay', () => {
  it('replays the wantedCollections capture and every unit parses', async () => {
    const lines = jsonLines(readFixture('bluesky', 'jetstream_v1_wantedCollections_app.bsky.feed.post.jsonl'))
    const f = await startFake(lines)
    const first = Math.min(...lines.map((l) => (JSON.parse(l) as { time_us: number }).time_us))
    const h = sourceHarness(fakeAccount(f), { cursor: first })
    void run(h)
    await h.waitFor('all lines', () => h.units.length === lines.length)
    expect(h.units.map((u) => u.body)).toEqual(lines)
    const messages = h.units.flatMap((u) => {
      const r = parseJetstreamEvent(u)
      return r.ok ? r.messages : []
    })
    expect(messages).toHaveLength(18)
  })

  it('the fake filters the live window by wantedCollections like the real service', async () => {
    const all = jsonLines(readFixture('bluesky', 'jetstream_v1_live_window_152_events.jsonl'))
    const expected = jsonLines(readFixture('bluesky', 'jetstream_v1_wantedCollections_app.bsky.feed.post.jsonl'))
    const f = await startFake(all)
    const h = sourceHarness(fakeAccount(f), { cursor: 1 + cursorRewindUs })
    void run(h)
    await h.waitFor('filtered lines', () => h.units.length === expected.length)
    expect(h.units.map((u) => u.body)).toEqual(expected)
  })
})

import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { hasSharedFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { jsonLines } from '../testing.ts'
import type { RawEvent } from '../types.ts'
import { startXFake, xFakeFeedFromFixtures, type XFake, type XFakeOptions } from './fake.ts'
import { parseXPayload } from './parse.ts'
import { filteredStream } from './source.ts'
import { classifyStreamLine, createFilteredStream, takeLines } from './stream.ts'
import { accessToken, bearerToken, brandId, brandUser, customers, mention, recordingContext, xAccount, type RecordingContext } from './testing.ts'

warnIfNoShared()

let x: XFake | null = null
afterEach(async () => {
  await x?.close()
  x = null
})

async function fake(options: Partial<XFakeOptions>): Promise<XFake> {
  x = await startXFake({ brandUserId: brandId, users: [brandUser, ...customers], accessToken, bearerToken, ...options })
  return x
}

/** A filtered-stream line: `{data, includes, matching_rules}`. */
function streamLine(n: number): string {
  const tweet = mention(n)
  return JSON.stringify({ data: tweet, includes: { users: [customers[n % 7]] }, matching_rules: [{ id: '1', tag: 'brand' }] })
}

const disconnectLine = JSON.stringify({
  errors: [{ title: 'operational-disconnect', disconnect_type: 'UpstreamOperationalDisconnect', detail: 'This stream has been disconnected upstream for operational reasons.', type: 'https://api.twitter.com/2/problems/operational-disconnect' }],
})

/** Emits until `count` units arrived, then stops the run. */
function untilEmitted(count: number, options: { sleepCapMs?: number } = {}, account = xAccount(x?.url ?? '')): RecordingContext {
  const run: RecordingContext = recordingContext(account, {
    ...options,
    onEmit: (units, all) => {
      if (all.length + units.length >= count) queueMicrotask(() => run.abort.abort())
    },
  })
  return run
}

const ids = (units: RawEvent[]) => units.flatMap((u) => {
  const r = parseXPayload(u)
  return r.ok ? r.messages.map((m) => m.externalId) : []
})

const quick = { networkBackoffStepMs: 5, httpBackoffStartMs: 5, rateLimitBackoffStartMs: 5, stallMs: 2_000, connectTimeoutMs: 2_000 }

describe('filtered stream', () => {
  it('emits Tweet lines, skips keep-alives, garbled lines and error objects, and reconnects when X closes', async () => {
    const f = await fake({ streamLines: [streamLine(1), '{"data": {"id": "18', disconnectLine, streamLine(2), streamLine(3)], streamLinesPerConnection: 2 })
    const run = untilEmitted(3, {}, xAccount(f.url))
    await createFilteredStream(quick).run(run.ctx)

    expect(ids(run.emitted)).toEqual([mention(1).id, mention(2).id, mention(3).id])
    expect(run.emitted.every((u) => u.origin === 'x filtered stream')).toBe(true)
    expect(f.streamConnections()).toBe(3)
    const warnings = run.logs.filter((l) => l.level === 'warn').map((l) => l.msg)
    expect(warnings).toEqual(['X stream: garbled line skipped', 'X stream: error object from X'])
    const req = f.requests.find((r) => r.path === '/2/tweets/search/stream')
    expect(req?.headers['authorization']).toBe(`Bearer ${bearerToken}`)
    expect(req?.query.get('expansions')).toBe('author_id,referenced_tweets.id')
    expect(req?.query.get('tweet.fields')).toContain('conversation_id')
    // Reconnects after a connection that delivered data start again at the first backoff step.
    expect(run.sleeps).toEqual([5, 5])
  })

  it('takes lines pushed while connected', async () => {
    const f = await fake({ streamLines: [] })
    const run = untilEmitted(2, {}, xAccount(f.url))
    const done = createFilteredStream(quick).run(run.ctx)
    setTimeout(() => {
      f.pushStreamLine(streamLine(7))
      f.pushStreamLine(streamLine(8))
    }, 30)
    await done
    expect(ids(run.emitted)).toEqual([mention(7).id, mention(8).id])
    expect(f.streamConnections()).toBe(1)
  })

  it('waits until x-rate-limit-reset after a 429 on connect', async () => {
    const f = await fake({ streamLines: [streamLine(1)] })
    f.failNext({ status: 429, pathPrefix: '/2/tweets/search/stream', headers: { 'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 120) }, body: { title: 'ConnectionException', connection_issue: 'TooManyConnections' } })
    const run = untilEmitted(1, {}, xAccount(f.url))
    await createFilteredStream(quick).run(run.ctx)
    expect(run.sleeps).toHaveLength(1)
    expect(run.sleeps[0]).toBeGreaterThan(118_000)
    expect(ids(run.emitted)).toEqual([mention(1).id])
  })

  it('backs off exponentially on 5xx and without a reset header on 429', async () => {
    const f = await fake({ streamLines: [streamLine(1)] })
    f.failNext({ status: 503, times: 3, pathPrefix: '/2/tweets/search/stream' })
    f.failNext({ status: 429, times: 2, pathPrefix: '/2/tweets/search/stream' })
    const run = untilEmitted(1, {}, xAccount(f.url))
    await createFilteredStream({ ...quick, httpBackoffStartMs: 100, rateLimitBackoffStartMs: 1_000 }).run(run.ctx)
    expect(run.sleeps).toEqual([100, 200, 400, 1_000, 2_000])
    expect(ids(run.emitted)).toEqual([mention(1).id])
  })

  it('reconnects a stalled connection (no keep-alive) with growing linear backoff', async () => {
    const f = await fake({ streamLines: [], keepAliveMs: 60_000 })
    const run = recordingContext(xAccount(f.url))
    const done = createFilteredStream({ ...quick, stallMs: 40 }).run(run.ctx)
    while (f.streamConnections() < 3) await new Promise((r) => setTimeout(r, 10))
    run.abort.abort()
    await done
    expect(run.sleeps.slice(0, 2)).toEqual([5, 10])
    expect(run.logs.some((l) => JSON.stringify(l.obj).includes('stalled'))).toBe(true)
  })

  it('gives up on a connection whose headers never come, and connects again', async () => {
    const f = await fake({ streamLines: [streamLine(4)] })
    f.hangAfterNext('/2/tweets/search/stream')
    const run = untilEmitted(1, {}, xAccount(f.url))
    await createFilteredStream({ ...quick, connectTimeoutMs: 50 }).run(run.ctx)
    expect(f.requests.filter((r) => r.path === '/2/tweets/search/stream')).toHaveLength(2)
    expect(f.streamConnections()).toBe(1)
    expect(ids(run.emitted)).toEqual([mention(4).id])
    expect(run.logs.some((l) => JSON.stringify(l.obj).includes('no answer'))).toBe(true)
  })

  it('ends the run on 401 and on a user-context token (403), which need new credentials', async () => {
    const f = await fake({ streamLines: [streamLine(1)] })
    await expect(filteredStream.run(recordingContext(xAccount(f.url, {}, { bearerToken: 'wrong' })).ctx)).rejects.toThrow(/HTTP 401/)
    await expect(filteredStream.run(recordingContext(xAccount(f.url, {}, { bearerToken: accessToken })).ctx)).rejects.toThrow(/HTTP 403.*Unsupported Authentication/)
    await expect(filteredStream.run(recordingContext(xAccount(f.url, {}, { bearerToken: '' })).ctx)).rejects.toThrow(/bearerToken/)
  })

  it('lets a failing emit end the run instead of dropping the line', async () => {
    const f = await fake({ streamLines: [streamLine(1)] })
    const run = recordingContext(xAccount(f.url), { onEmit: () => { throw new Error('store down') } })
    await expect(createFilteredStream(quick).run(run.ctx)).rejects.toThrow(/store down/)
  })

  it('returns at once when aborted while waiting to reconnect', async () => {
    const f = await fake({ streamLines: [] })
    f.failNext({ status: 503, times: 5 })
    const run = recordingContext(xAccount(f.url), { sleepCapMs: 60_000 })
    const done = createFilteredStream({ ...quick, httpBackoffStartMs: 60_000 }).run(run.ctx)
    setTimeout(() => run.abort.abort(), 30)
    await expect(done).resolves.toBeUndefined()
  })
})

describe('stream line handling (pure)', () => {
  it('classifies lines', () => {
    expect(classifyStreamLine('')).toBe('keep-alive')
    expect(classifyStreamLine(' \r')).toBe('keep-alive')
    expect(classifyStreamLine('{"data":')).toBe('garbled')
    expect(classifyStreamLine('[1]')).toBe('garbled')
    expect(classifyStreamLine(disconnectLine)).toBe('error-object')
    expect(classifyStreamLine(streamLine(1))).toBe('unit')
    expect(classifyStreamLine('{"data":{"id":"1","text":"x"},"errors":[{"title":"partial"}]}')).toBe('unit')
  })

  it('cuts any chunking of a CRLF stream into the same lines', () => {
    const lines = [streamLine(1), '', 'garbled {', streamLine(2), '', '']
    const text = lines.map((l) => `${l}\r\n`).join('')
    fc.assert(fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b)
      const got: string[] = []
      let buffer = ''
      let from = 0
      for (const to of [...points, text.length]) {
        const { lines: complete, rest } = takeLines(buffer + text.slice(from, to))
        got.push(...complete)
        buffer = rest
        from = to
      }
      expect(buffer).toBe('')
      expect(got).toEqual(lines)
    }), { numRuns: 200 })
  })
})

describe.skipIf(!hasSharedFixtures)('filtered stream: shared fixture', () => {
  it('emits the 7 recorded Tweets and survives the truncated 8th line', async () => {
    const feed = xFakeFeedFromFixtures((file) => readFixture('x-twitter', file))
    expect(feed.streamLines).toEqual(jsonLines(readFixture('x-twitter', 'v2_streaming_output_with_error.jsonl')))
    // The truncated line is followed by one more, so the run proves it goes on after it.
    const f = await fake({ streamLines: [...feed.streamLines, streamLine(9)] })
    const run = untilEmitted(8, {}, xAccount(f.url))
    await createFilteredStream(quick).run(run.ctx)
    expect(run.emitted).toHaveLength(8)
    expect(run.emitted.slice(0, 7).every((u) => { const r = parseXPayload(u); return r.ok && r.messages.length === 1 })).toBe(true)
    expect(ids(run.emitted).at(-1)).toBe(mention(9).id)
    expect(run.logs.filter((l) => l.msg === 'X stream: garbled line skipped')).toHaveLength(1)
  })
})

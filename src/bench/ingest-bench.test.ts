import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { formatIngestBench, parseMessagesOption, runIngestBench } from './ingest-bench.ts'

describe('--messages', () => {
  it('accepts integers from 100 to 10,000,000', () => {
    expect(parseMessagesOption('100')).toBe(100)
    expect(parseMessagesOption('100000')).toBe(100_000)
    expect(parseMessagesOption('1_000_000')).toBe(1_000_000)
    expect(parseMessagesOption('10,000,000')).toBe(10_000_000)
  })
  it('refuses anything else with a clear message', () => {
    for (const bad of ['99', '0', '-5', '1e5', '12.5', 'abc', '', '10000001']) {
      expect(() => parseMessagesOption(bad)).toThrow(/--messages must be an integer from 100 to 10,000,000/)
    }
  })
})

describe('bench ingest end to end (PGlite + in-process bus)', () => {
  it('pushes 300 messages through the whole pipeline and reports sane figures', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('earshot-bench-')))
    const progress: string[] = []
    // PGlite and the memory bus, whatever DATABASE_URL / NATS_URL the test run has (fast, in process).
    const r = await runIngestBench({ messages: 300, env: { EARSHOT_STORE: 'pglite' }, batchLines: 100, backlogMax: 200, profile: true, progress: (l) => progress.push(l) })

    expect(r.backend).toEqual({ store: 'pglite', bus: 'memory', store_in_process: true })
    expect(r.path).toBe('ingestLater')
    expect(r.messages).toBe(300)
    expect(r.processed).toBe(300)
    expect(r.rejected).toBe(0)
    expect(r.conversations).toBeGreaterThan(150)
    expect(r.conversations).toBeLessThan(300)
    expect(r.identities).toBeGreaterThan(0)
    expect(r.identities).toBeLessThanOrEqual(60)
    expect(r.msgs_per_s).toBeGreaterThan(0)
    expect(r.wall_s).toBeGreaterThan(0)
    expect(r.latency_unmatched).toBe(0)
    expect(r.p50_ms).not.toBeNull()
    expect(r.p50_ms!).toBeGreaterThan(0)
    expect(r.p99_ms!).toBeGreaterThanOrEqual(r.p50_ms!)
    expect(r.max_ms!).toBeGreaterThanOrEqual(r.p99_ms!)
    expect(r.peak_rss_mb).toBeGreaterThan(0)
    expect(r.baseline_rows_per_s).toBeGreaterThan(0)
    expect(r.ratio).toBeGreaterThan(0)
    expect(r.method).toMatch(/ingestLater/)
    expect(r.profile?.statements.length).toBeGreaterThan(0)
    expect(progress.some((l) => l.includes('100%'))).toBe(true)
    expect(formatIngestBench(r)).toContain('msg/s')
    const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>
    for (const key of ['msgs_per_s', 'p50_ms', 'p99_ms', 'peak_rss_mb', 'baseline_rows_per_s', 'ratio', 'backend', 'messages', 'method']) {
      expect(json).toHaveProperty(key)
    }
    // Its temp data dirs are gone.
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith('earshot-bench-') && !before.has(f))
    expect(left).toEqual([])
  }, 180_000)
})

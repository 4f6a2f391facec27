// Demo traffic for a fresh workspace (brand: Northwind Air): an endless, deterministic stream of
// platform wire bodies — Bluesky Jetstream lines, X filtered-stream lines and now and then an RSS
// feed — arriving every few seconds, with "the post that is taking off" about every ten minutes.
import { createContext, type DemoChannel } from './context.ts'
import { normalEvent } from './events.ts'
import { planViral, type Scheduled } from './viral.ts'

/** The demo brand's accounts (handles and ids), for configuring the demo workspace. */
export { DEMO_BRAND } from './context.ts'

export interface DemoEvent {
  channel: 'bluesky' | 'x-twitter' | 'rss-atom'
  /** One unit of the channel's wire format: a JSONL line (no newline) or a whole feed document. */
  body: string
  /** Milliseconds after the previous event (after `start` for the first one). */
  delayMs: number
  /**
   * What the event is: an intent for fresh posts ('complaint', 'question', 'praise', 'idea', 'spam',
   * 'chatter'), or 'reply', 'delete', 'noise' (likes, reposts, follows, identity/account: nothing to
   * ingest), 'rss', 'viral' (the post taking off), 'viral-update' (same tweet id, higher
   * public_metrics), 'viral-reply' (replies and quotes under it).
   */
  scenario: string
}

export const demoScenarios = [
  'complaint', 'question', 'praise', 'idea', 'spam', 'chatter',
  'reply', 'delete', 'noise', 'rss', 'viral', 'viral-update', 'viral-reply',
] as const

/** Minimum and typical gap between two everyday events; the mean lands near 6 s. */
const MIN_GAP_MS = 700
const MEAN_EXTRA_GAP_MS = 5_200
const MAX_GAP_MS = 30_000
/** The viral scenario starts ~2 minutes in, then roughly every 10 minutes of generated time. */
const FIRST_VIRAL_MS: readonly [number, number] = [90_000, 150_000]
const VIRAL_EVERY_MS: readonly [number, number] = [540_000, 660_000]

export function* demoTraffic(opts: { seed: number; start: Date }): Generator<DemoEvent> {
  const startMs = opts.start.getTime()
  const ctx = createContext(opts.seed, startMs)
  const { rng } = ctx
  const gap = (): number => Math.min(MAX_GAP_MS, Math.round(MIN_GAP_MS + rng.exp(MEAN_EXTRA_GAP_MS)))

  let lastMs = startMs
  let nextNormalMs = startMs + gap()
  let nextViralMs = startMs + rng.int(...FIRST_VIRAL_MS)
  let episode = 0
  const queue: Scheduled[] = []

  for (;;) {
    while (nextViralMs <= nextNormalMs) {
      queue.push(...planViral(ctx, nextViralMs, episode++))
      queue.sort((a, b) => a.atMs - b.atMs)
      nextViralMs += rng.int(...VIRAL_EVERY_MS)
    }
    const head = queue[0]
    const due = head && head.atMs <= nextNormalMs ? queue.shift() : undefined
    // Timestamps strictly increase, so every event has its own moment (and its own time-derived ids).
    const atMs = Math.max(due ? due.atMs : nextNormalMs, lastMs + 1)
    const produced = due ? due.make(atMs) : normalEvent(ctx, atMs)
    const event: DemoEvent = { channel: produced.channel satisfies DemoChannel, body: produced.body, delayMs: atMs - lastMs, scenario: produced.scenario }
    lastMs = atMs
    if (!due) nextNormalMs = atMs + gap()
    yield event
  }
}

/** The first `count` events of a stream (tests, seeding a workspace in one go). */
export function takeDemoEvents(opts: { seed: number; start: Date }, count: number): DemoEvent[] {
  const out: DemoEvent[] = []
  for (const event of demoTraffic(opts)) {
    if (out.length >= count) break
    out.push(event)
  }
  return out
}

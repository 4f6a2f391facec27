// `earshot ingest --channel <name> FILE` accepts every platform payload kept in
// ../shared/fixtures/platforms: the real CLI (bin/earshot.js, a child process writing to a data dir)
// reads each file with exit code 0, rejects nothing, stores the customer messages it holds, and a
// second run of the same file adds nothing (all duplicates).
//
// Folder → channel: meta → facebook or instagram (by the body's `object`), reviews → google-reviews,
// every other folder → the channel of the same name. Not platform deliveries, so not ingested here:
// HTTP request/response cassettes (x-twitter/v2_http_*.json, reddit/http_*.json), signature/CRC vector
// files and SOURCES.md. Three files are collections of named samples rather than one delivery
// (meta/page_feed_changes.reconstructed.json, meta/instagram_webhooks.CONSTRUCTED.json,
// reviews/google_business_profile_reviews.CONSTRUCTED.json): their samples are written out the way
// the platform delivers them (one webhook body per JSONL line; the reviews list response as one
// document) and that file is ingested.
//
// The CLI's own ingest code (ingestFile, the path `earshot ingest --server` takes) sends every file to
// one test server, one workspace per channel; a first test runs the real binary as a child process on
// a data dir (each such run opens the embedded store, several seconds, so only one file goes that way).
import { spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IngestSummary } from '../pipeline/ingest.ts'
import { apiClient } from '../testing/api-client.ts'
import { startTestServer, type TestServer } from '../testing/server.ts'
import { ingestFile } from './ingest.ts'
import { fixturePath, hasSharedFixtures, listFixtures, warnIfNoShared } from '../testing/shared.ts'

warnIfNoShared()

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const cli = join(repoRoot, 'bin', 'earshot.js')
const runTimeoutMs = 120_000

type Kind =
  /** A payload the platform delivers: ingest it as it is. */
  | 'payload'
  /** Not a delivery (HTTP cassette, signature vectors): not ingested. */
  | 'not-a-payload'
  /** A collection of named deliveries: each sample is written out and ingested. */
  | 'samples'

interface FixtureSpec {
  kind: Kind
  /** The channel for `payload`; for `samples` the channel is chosen per sample. */
  channel?: string
  /** Holds at least one customer message (direction in, not a retweet/receipt/echo): ingested ≥ 1. */
  customer?: boolean
  /** Lines the fixture breaks on purpose (rejections expected there, nowhere else). */
  brokenLines?: string[]
  /**
   * Its messages have the ids of messages an earlier file of the same folder already stored (the data dir
   * is shared per channel): the first run must recognise them (ingested + updated + duplicates ≥ 1)
   * rather than store new ones.
   */
  overlaps?: string
  /** Updates a second run reports anyway, because the file itself gives one id two different texts. */
  replayUpdates?: number
  why?: string
}

/** Every file of every folder, decided one by one. A file not listed here fails the test: decide it. */
const fixtures: Record<string, Record<string, FixtureSpec>> = {
  bluesky: {
    'jetstream_v1_golden_mixed.jsonl': { kind: 'payload', channel: 'bluesky', customer: true },
    'jetstream_v1_live_window_152_events.jsonl': { kind: 'payload', channel: 'bluesky', customer: true },
    // The same Jetstream window as the 152-event file, filtered to posts: every post in it is stored already.
    'jetstream_v1_wantedCollections_app.bsky.feed.post.jsonl': { kind: 'payload', channel: 'bluesky', customer: true, overlaps: 'jetstream_v1_live_window_152_events.jsonl' },
  },
  email: {
    'multiple_references_with_one_invalid.eml': { kind: 'payload', channel: 'email', customer: true },
    'raw_email2.eml': { kind: 'payload', channel: 'email', customer: true },
    'raw_email_reply.eml': { kind: 'payload', channel: 'email', customer: true },
    'rfc2822_example05_thread_original.eml': { kind: 'payload', channel: 'email', customer: true },
    'rfc2822_example06_thread_reply.eml': { kind: 'payload', channel: 'email', customer: true },
    'rfc2822_example07_thread_reply_to_reply.eml': { kind: 'payload', channel: 'email', customer: true },
  },
  mastodon: {
    'notification_mention.json': { kind: 'payload', channel: 'mastodon', customer: true },
    'status_edited_with_tags.json': { kind: 'payload', channel: 'mastodon', customer: true },
    'status_entity_example.json': { kind: 'payload', channel: 'mastodon', customer: true },
    'status_reply_with_mention.json': { kind: 'payload', channel: 'mastodon', customer: true },
    'streaming_public_delete_and_edit.sse.txt': { kind: 'payload', channel: 'mastodon', customer: true },
    'streaming_user.sse.txt': { kind: 'payload', channel: 'mastodon', customer: true },
    'streaming_websocket_messages.json': { kind: 'payload', channel: 'mastodon', customer: true },
  },
  meta: {
    'messenger_delivery.json': { kind: 'payload', channel: 'facebook', customer: false, why: 'delivery receipt' },
    'messenger_message_echo.json': { kind: 'payload', channel: 'facebook', customer: false, why: "the Page's own message (echo)" },
    // botman's echo, quick-reply and text samples share one mid (mid.1480279487147:4388d3b344) with different texts.
    'messenger_message_quick_reply.json': { kind: 'payload', channel: 'facebook', customer: true, overlaps: 'messenger_message_echo.json' },
    'messenger_message_text.json': { kind: 'payload', channel: 'facebook', customer: true, overlaps: 'messenger_message_echo.json' },
    'messenger_message_with_nlp.json': { kind: 'payload', channel: 'facebook', customer: true },
    'messenger_postback.json': { kind: 'payload', channel: 'facebook', customer: true },
    'messenger_read.json': { kind: 'payload', channel: 'facebook', customer: false, why: 'read receipt' },
    'messenger_referral.json': { kind: 'payload', channel: 'facebook', customer: false, why: 'referral event' },
    // Its sentByPage and videoCommentAdd samples carry the same comment_id (139560936755999_140077616693321)
    // with different messages ("Public reply!" / "100"), so every pass over the file flips that comment twice.
    'page_feed_changes.reconstructed.json': { kind: 'samples', customer: true, replayUpdates: 2, why: '12 named Page feed webhook bodies' },
    'instagram_webhooks.CONSTRUCTED.json': { kind: 'samples', customer: true, why: '9 named Instagram webhook bodies' },
    'webhook_verification_and_signature_vectors.json': { kind: 'not-a-payload', why: 'signature vectors' },
  },
  reddit: {
    'http_comment_delete.json': { kind: 'not-a-payload', why: 'HTTP cassette' },
    'http_comment_edit.json': { kind: 'not-a-payload', why: 'HTTP cassette' },
    'http_comment_reply.json': { kind: 'not-a-payload', why: 'HTTP cassette' },
    'listing_inbox_mentions.json': { kind: 'payload', channel: 'reddit', customer: true },
    'listing_subreddit_comments_t1.json': { kind: 'payload', channel: 'reddit', customer: true },
    'listing_subreddit_new_t3.json': { kind: 'payload', channel: 'reddit', customer: true },
    'submission_with_comment_tree.json': { kind: 'payload', channel: 'reddit', customer: true },
  },
  reviews: {
    'google_business_profile_reviews.CONSTRUCTED.json': { kind: 'samples', customer: true, why: 'list/updateReply/deleteReply request+response pairs' },
  },
  'rss-atom': {
    'RSSWithComments.xml': { kind: 'payload', channel: 'rss-atom', customer: true },
    'SamRuby.xml': { kind: 'payload', channel: 'rss-atom', customer: true },
    'TechCrunch.xml': { kind: 'payload', channel: 'rss-atom', customer: true },
    'TenderLovemaking.xml': { kind: 'payload', channel: 'rss-atom', customer: true },
  },
  'x-twitter': {
    'aaa_direct_message_events_snowbot.json': { kind: 'payload', channel: 'x-twitter', customer: false, why: 'a DM sent by the subscribed account (direction out)' },
    'v1_1_tweet_object_reply.json': { kind: 'payload', channel: 'x-twitter', customer: true },
    'v2_edited.jsonl': { kind: 'payload', channel: 'x-twitter', customer: true },
    'v2_mentions_tweet.jsonl': { kind: 'payload', channel: 'x-twitter', customer: false, why: 'its only Tweet is a retweet' },
    'v2_quoted_edit.jsonl': { kind: 'payload', channel: 'x-twitter', customer: true },
    // The source says so: 7 stream messages, then an 8th line truncated on purpose (invalid JSON).
    'v2_streaming_output_with_error.jsonl': { kind: 'payload', channel: 'x-twitter', customer: true, brokenLines: ['line 8'] },
    'v2_two_tweets.jsonl': { kind: 'payload', channel: 'x-twitter', customer: false, why: 'its only Tweet is a retweet' },
    'v2_http_create_and_delete_tweet.json': { kind: 'not-a-payload', why: 'HTTP cassette' },
    'v2_http_dm_send_and_lookup.json': { kind: 'not-a-payload', why: 'HTTP cassette' },
    'v2_http_hide_reply.json': { kind: 'not-a-payload', why: 'HTTP cassette' },
    'v2_http_users_mentions.json': { kind: 'not-a-payload', why: 'HTTP cassette' },
    'webhook_crc_and_signature_vectors.json': { kind: 'not-a-payload', why: 'CRC and signature vectors' },
  },
}

/** One file to run through the CLI. */
interface Job {
  channel: string
  /** folder/file (and the sample group for extracted ones), for messages. */
  label: string
  path: string
  customer: boolean
  brokenLines: string[]
  overlaps: string | null
  replayUpdates: number
}

interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

function runCli(args: string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env }
  // The CLI must write to the data dir given, not to a server or database from the environment.
  for (const name of ['DATABASE_URL', 'NATS_URL', 'EARSHOT_DATA_DIR', 'EARSHOT_TOKEN']) delete env[name]
  const started = Date.now()
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    const timer = setTimeout(() => child.kill('SIGKILL'), runTimeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr, ms: Date.now() - started })
    })
  })
}

function summaryOf(run: CliRun, what: string): IngestSummary {
  if (run.code !== 0) throw new Error(`${what}: exit code ${run.code}\nstderr: ${run.stderr.slice(-2000)}\nstdout: ${run.stdout.slice(-2000)}`)
  try {
    return JSON.parse(run.stdout) as IngestSummary
  } catch {
    throw new Error(`${what}: stdout is not the JSON summary: ${run.stdout.slice(0, 500)}`)
  }
}

/** Webhook bodies of a collection file, grouped by the channel their `object` names. */
function metaSamples(file: string): Map<string, unknown[]> {
  const collection = JSON.parse(readFileSync(fixturePath('meta', file), 'utf8')) as Record<string, unknown>
  const byChannel = new Map<string, unknown[]>()
  for (const [name, body] of Object.entries(collection)) {
    if (name.startsWith('_') || typeof body !== 'object' || body === null) continue
    const object = (body as { object?: unknown }).object
    const channel = object === 'page' ? 'facebook' : object === 'instagram' ? 'instagram' : null
    if (channel === null) throw new Error(`meta/${file} sample ${name}: object ${String(object)} is neither page nor instagram`)
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), body])
  }
  return byChannel
}

function jobsFor(workDir: string): Job[] {
  const jobs: Job[] = []
  const extractedDir = join(workDir, 'extracted')
  mkdirSync(extractedDir, { recursive: true })
  for (const [folder, files] of Object.entries(fixtures)) {
    for (const file of listFixtures(folder)) {
      const spec = files[file]
      if (spec === undefined || spec.kind === 'not-a-payload') continue
      if (spec.kind === 'payload') {
        jobs.push({ channel: spec.channel!, label: `${folder}/${file}`, path: fixturePath(folder, file), customer: spec.customer ?? false, brokenLines: spec.brokenLines ?? [], overlaps: spec.overlaps ?? null, replayUpdates: spec.replayUpdates ?? 0 })
        continue
      }
      if (folder === 'meta') {
        for (const [channel, bodies] of metaSamples(file)) {
          // One webhook delivery per line, as a log of deliveries would hold them.
          const path = join(extractedDir, `${file.replace(/\.json$/, '')}.${channel}.jsonl`)
          writeFileSync(path, bodies.map((b) => JSON.stringify(b)).join('\n') + '\n')
          jobs.push({ channel, label: `meta/${file} (${bodies.length} ${channel} deliveries)`, path, customer: spec.customer ?? false, brokenLines: [], overlaps: null, replayUpdates: spec.replayUpdates ?? 0 })
        }
      } else if (folder === 'reviews') {
        // The list answer is what Earshot reads from Google; the reply request/answer pairs are calls Earshot makes.
        const collection = JSON.parse(readFileSync(fixturePath(folder, file), 'utf8')) as { list_reviews?: { response?: unknown } }
        const body = collection.list_reviews?.response
        if (body === undefined) throw new Error(`reviews/${file}: no list_reviews.response`)
        const path = join(extractedDir, 'google_list_reviews.response.json')
        writeFileSync(path, JSON.stringify(body, null, 2))
        jobs.push({ channel: 'google-reviews', label: `reviews/${file} (list_reviews.response)`, path, customer: spec.customer ?? false, brokenLines: [], overlaps: null, replayUpdates: spec.replayUpdates ?? 0 })
      }
    }
  }
  return jobs
}

describe.skipIf(!hasSharedFixtures)('earshot ingest --channel <name> accepts the shared platform fixtures', () => {
  let workDir = ''
  let jobs: Job[] = []
  const timings: string[] = []

  let server: TestServer | null = null

  beforeAll(async () => {
    server = await startTestServer()
    workDir = mkdtempSync(join(tmpdir(), 'earshot-ingest-fixtures-'))
    // Embedded PostgreSQL runs as its own user when the tests run as root: it must be able to reach the data dirs.
    chmodSync(workDir, 0o755)
    jobs = jobsFor(workDir)
  })

  afterAll(async () => {
    await server?.close()
    if (timings.length > 0) console.info(`earshot ingest timings (ms):\n${timings.join('\n')}`)
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true })
  })

  it('decides every fixture file: a platform payload (and which channel), or not a payload', () => {
    const undecided: string[] = []
    for (const folder of Object.keys(fixtures)) {
      for (const file of listFixtures(folder)) if (fixtures[folder]?.[file] === undefined) undecided.push(`${folder}/${file}`)
    }
    expect(undecided, 'fixture files nobody decided about: add them to the table in this test').toEqual([])
    const listed = Object.entries(fixtures).flatMap(([folder, files]) => Object.keys(files).map((f) => `${folder}/${f}`))
    const present = new Set(Object.keys(fixtures).flatMap((folder) => listFixtures(folder).map((f) => `${folder}/${f}`)))
    expect(listed.filter((f) => !present.has(f)), 'files in the table but not in ../shared').toEqual([])
  })

  it('the earshot binary ingests a fixture into a data dir, and a second run adds nothing', async () => {
    const job = jobs.find((j) => j.channel === 'bluesky' && j.customer && j.overlaps === null)!
    const args = ['ingest', '--channel', job.channel, job.path, '--data-dir', join(workDir, 'data-cli'), '--json']
    const first = summaryOf(await runCli(args), `${job.label} (first run)`)
    expect(first.ingested).toBeGreaterThan(0)
    expect(first.rejected).toEqual([])
    const second = summaryOf(await runCli(args), `${job.label} (second run)`)
    expect(second.ingested).toBe(0)
    expect(second.duplicates).toBeGreaterThanOrEqual(first.ingested)
  }, 3 * runTimeoutMs)

  async function ingestVia(path: string, channel: string, workspace: string): Promise<CliRun & { summary: IngestSummary }> {
    const started = Date.now()
    const summary = await ingestFile(path, { channel, server: server!.url, token: server!.adminToken, workspace })
    return { code: 0, stdout: '', stderr: '', ms: Date.now() - started, summary }
  }

  const channels = ['bluesky', 'email', 'facebook', 'google-reviews', 'instagram', 'mastodon', 'reddit', 'rss-atom', 'x-twitter']
  it.concurrent.each(channels)('%s: every fixture file is read with exit 0, nothing rejected, and a second run adds nothing', async (channel) => {
    const mine = jobs.filter((j) => j.channel === channel)
    expect(mine.length, `no fixture files for ${channel}`).toBeGreaterThan(0)
    const workspace = `fixtures-${channel}`
    expect((await apiClient(server!)('POST', '/api/v1/workspaces', { body: { slug: workspace, name: workspace } })).status).toBe(201)
    for (const job of mine) {
      const firstRun = await ingestVia(job.path, job.channel, workspace)
      const first = firstRun.summary
      const secondRun = await ingestVia(job.path, job.channel, workspace)
      const second = secondRun.summary
      const counts = (s: IngestSummary) => `u${s.units} i${s.ingested} up${s.updated} dup${s.duplicates} del${s.deleted} sk${s.skipped} rej${s.rejected.length}`
      timings.push(`  ${channel.padEnd(15)} ${String(firstRun.ms).padStart(6)} ${String(secondRun.ms).padStart(6)}  ${job.label}  [${counts(first)}] [${counts(second)}]`)

      const what = `${job.label}: ${JSON.stringify(first)}`
      expect(first.units, what).toBeGreaterThan(0)
      expect(first.rejected.map((r) => r.origin), what).toEqual(job.brokenLines)
      if (job.customer && job.overlaps === null) expect(first.ingested, what).toBeGreaterThan(0)
      if (job.customer && job.overlaps !== null) expect(first.ingested + first.updated + first.duplicates, `${what} (overlaps ${job.overlaps})`).toBeGreaterThan(0)

      const again = `${job.label} (second run): ${JSON.stringify(second)}`
      expect(second.units, again).toBe(first.units)
      expect(second.ingested, again).toBe(0)
      expect(second.updated, again).toBe(job.replayUpdates)
      // Everything stored by the first run is recognised (a flipped comment counts among the updates).
      expect(second.duplicates + second.updated, again).toBeGreaterThanOrEqual(first.ingested)
      expect(second.rejected.map((r) => r.origin), again).toEqual(job.brokenLines)
    }
  }, 20 * runTimeoutMs)
})

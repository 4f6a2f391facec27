// `earshot ingest --channel <name> FILE`: streams a platform file to a running server (--server) or
// straight into the data dir, with progress on large files and a summary with rejected line numbers.
import { createReadStream, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { channelByName } from '../channels/index.ts'
import type { WireFraming } from '../channels/types.ts'
import { channelNames } from '../core/model.ts'
import { loadConfig } from '../config.ts'
import { framingFromName, splitUnits } from '../pipeline/framing.ts'
import type { IngestSummary } from '../pipeline/ingest.ts'
import { addSummary, emptySummary, ingestNow } from '../pipeline/ingest.ts'
import { createMemoryBus } from '../bus/memory.ts'
import { createRunner } from '../pipeline/runner.ts'
import { openStore } from '../store/index.ts'
import { bootstrap } from '../server.ts'

export interface IngestOptions {
  channel: string
  server?: string
  token?: string
  workspace?: string
  dataDir?: string
  json?: boolean
  batchLines?: string
}

const documentBytesMax = 16 * 1024 * 1024
const batchBytesMax = 4 * 1024 * 1024

/** Sends one chunk somewhere and returns its summary. */
type Sink = (body: string, framing: WireFraming, lineOffset: number) => Promise<IngestSummary>

function serverSink(server: string, token: string, channel: string, workspace: string | undefined): Sink {
  const base = server.replace(/\/+$/, '')
  return async (body, framing, lineOffset) => {
    const params = new URLSearchParams({ framing, line_offset: String(lineOffset) })
    if (workspace !== undefined) params.set('workspace', workspace)
    const url = `${base}/api/v1/ingest/${encodeURIComponent(channel)}?${params}`
    let lastError = ''
    for (let attempt = 1; attempt <= 4; attempt++) {
      let res: Response
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': framing === 'jsonl' ? 'application/x-ndjson' : 'application/octet-stream' },
          body,
          signal: AbortSignal.timeout(120_000),
        })
      } catch (error) {
        lastError = `cannot reach ${base}: ${error instanceof Error ? error.message : String(error)}`
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt))
        continue
      }
      const text = await res.text()
      if (res.ok) return JSON.parse(text) as IngestSummary
      let message = text
      try {
        const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } }
        message = `${parsed.error?.code ?? res.status}: ${parsed.error?.message ?? text}`
      } catch {
        // not our JSON error body; show the text as it is
      }
      if (res.status < 500 && res.status !== 429) throw new Error(`server refused the upload (${res.status}) ${message}`)
      lastError = `server answered ${res.status} ${message}`
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt))
    }
    throw new Error(lastError)
  }
}

function progress(total: IngestSummary, bytesDone: number, bytesAll: number, final: boolean): void {
  const pct = bytesAll > 0 ? Math.min(100, Math.round((bytesDone / bytesAll) * 100)) : 100
  const line = `  ${pct}%  units ${total.units}  ingested ${total.ingested}  duplicates ${total.duplicates}  rejected ${total.rejected.length}`
  if (process.stderr.isTTY) process.stderr.write(`\r${line}${final ? '\n' : ''}`)
  else if (final || pct % 10 === 0) process.stderr.write(`${line}\n`)
}

async function streamFile(file: string, framing: WireFraming, batchLines: number, sink: Sink, total: IngestSummary): Promise<void> {
  const size = statSync(file).size
  if (framing === 'document') {
    if (size > documentBytesMax) throw new Error(`${file} is ${size} bytes; a single document may be at most ${documentBytesMax}`)
    const { readFile } = await import('node:fs/promises')
    addSummary(total, await sink(await readFile(file, 'utf8'), 'document', 0))
    return
  }
  const showProgress = size > 1024 * 1024
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })
  let chunk: string[] = []
  let chunkBytes = 0
  let lineNo = 0
  let chunkStart = 0
  let bytesDone = 0
  const flush = async () => {
    if (chunk.length === 0) return
    addSummary(total, await sink(chunk.join('\n'), 'jsonl', chunkStart))
    bytesDone += chunkBytes
    chunkStart = lineNo
    chunk = []
    chunkBytes = 0
    if (showProgress) progress(total, bytesDone, size, false)
  }
  for await (const line of lines) {
    lineNo++
    chunk.push(line)
    chunkBytes += Buffer.byteLength(line) + 1
    if (chunk.length >= batchLines || chunkBytes >= batchBytesMax) await flush()
  }
  await flush()
  if (showProgress) progress(total, size, size, true)
}

export async function ingestFile(file: string, opts: IngestOptions): Promise<IngestSummary> {
  const channel = channelByName(opts.channel)
  if (channel === undefined) throw new Error(`unknown channel "${opts.channel}"; known channels: ${channelNames.join(', ')}`)
  try {
    if (!statSync(file).isFile()) throw new Error('not a file')
  } catch {
    throw new Error(`cannot read ${file}: no such file`)
  }
  const framing = framingFromName(file) ?? channel.framing
  const batchLines = Number(opts.batchLines ?? 1000)
  if (!Number.isInteger(batchLines) || batchLines < 1 || batchLines > 100_000) throw new Error('--batch-lines must be an integer 1..100000')
  const total = emptySummary()
  if (opts.server !== undefined) {
    const token = opts.token ?? process.env.EARSHOT_TOKEN ?? process.env.EARSHOT_ADMIN_TOKEN
    if (token === undefined) throw new Error('--server needs --token (or EARSHOT_TOKEN)')
    await streamFile(file, framing, batchLines, serverSink(opts.server, token, channel.name, opts.workspace), total)
    return total
  }
  const config = loadConfig({ ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }), demo: false })
  const store = await openStore(config.store, (line) => console.error(`[earshot] ${line}`))
  const bus = createMemoryBus()
  try {
    await bootstrap(store, { adminToken: config.adminToken, demo: false })
    const ws = await store.workspaces.bySlug(opts.workspace ?? 'default')
    if (ws === null) throw new Error(`workspace ${opts.workspace} not found in ${config.dataDir}`)
    const runner = createRunner(store, bus)
    const sink: Sink = async (body, f, offset) => ingestNow(store, runner, ws.id, channel.name, splitUnits(body, f, offset))
    await streamFile(file, framing, batchLines, sink, total)
    return total
  } finally {
    await bus.close()
    await store.close()
  }
}

export function formatSummary(s: IngestSummary): string {
  const lines = [
    `ingested ${s.ingested}, updated ${s.updated}, duplicates ${s.duplicates}, deleted ${s.deleted}, skipped ${s.skipped} (not customer messages), unmatched ${s.unmatched} (no listening rule), rejected ${s.rejected.length} — ${s.units} units read`,
  ]
  for (const r of s.rejected.slice(0, 50)) lines.push(`  rejected ${r.origin ?? 'document'}: ${r.reason}: ${r.detail}`)
  if (s.rejected.length > 50) lines.push(`  … and ${s.rejected.length - 50} more rejected (see GET /api/v1/dead-letters)`)
  return lines.join('\n')
}

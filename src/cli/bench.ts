// `earshot bench <name>`: benchmarks over real components. Figures on stdout, progress on stderr.
// EARSHOT_BENCH_PROFILE=1 adds a per-statement SQL time breakdown of the pipeline phase;
// EARSHOT_BENCH_BACKLOG=<n> changes how many appended-but-pending messages the feeder allows (default 1000).
import { formatIngestBench, parseMessagesOption, runIngestBench } from '../bench/ingest-bench.ts'

export const benchmarkNames = ['ingest'] as const

export async function benchCommand(name: string, opts: { messages: string; json?: boolean }): Promise<void> {
  if (name !== 'ingest') throw new Error(`unknown benchmark "${name}" (available: ${benchmarkNames.join(', ')})`)
  const messages = parseMessagesOption(opts.messages)
  const backlog = process.env.EARSHOT_BENCH_BACKLOG
  const backlogMax = backlog === undefined || backlog === '' ? undefined : Number(backlog)
  if (backlogMax !== undefined && !(Number.isInteger(backlogMax) && backlogMax >= 1)) throw new Error(`EARSHOT_BENCH_BACKLOG must be a positive integer, got "${backlog}"`)
  const result = await runIngestBench({
    messages,
    progress: (line) => process.stderr.write(`${line}\n`),
    profile: process.env.EARSHOT_BENCH_PROFILE === '1',
    ...(backlogMax === undefined ? {} : { backlogMax }),
  })
  console.log(opts.json === true ? JSON.stringify(result) : formatIngestBench(result))
}

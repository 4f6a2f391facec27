// `earshot bench <name>`: benchmarks over real components. Figures on stdout, progress on stderr.
// EARSHOT_BENCH_PROFILE=1 adds a per-statement SQL time breakdown of the pipeline phase;
// EARSHOT_BENCH_BACKLOG=<n> changes how many appended-but-pending messages the feeder allows (default 1000).
import { formatIngestBench, parseMessagesOption, runIngestBench } from '../bench/ingest-bench.ts'
import { formatTriageBench, runTriageBench } from '../bench/triage-bench.ts'
import { benchListening, formatListeningBench } from '../core/listening/bench.ts'

export const benchmarkNames = ['ingest', 'triage', 'listening'] as const

export async function benchCommand(name: string, opts: { messages: string; json?: boolean; rules?: string }): Promise<void> {
  if (!(benchmarkNames as readonly string[]).includes(name)) throw new Error(`unknown benchmark "${name}" (available: ${benchmarkNames.join(', ')})`)
  const messages = parseMessagesOption(opts.messages)
  if (name === 'triage') {
    const r = runTriageBench(messages)
    console.log(opts.json === true ? JSON.stringify(r) : formatTriageBench(r))
    return
  }
  if (name === 'listening') {
    const rules = Number(opts.rules ?? 1000)
    if (!Number.isInteger(rules) || rules < 1 || rules > 100_000) throw new Error(`--rules must be an integer 1..100000, got "${opts.rules}"`)
    const r = benchListening({ rules, messages })
    console.log(opts.json === true ? JSON.stringify(r) : formatListeningBench(r))
    return
  }
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

// `earshot bench <name>`: benchmarks over real components. Figures on stdout, progress on stderr.
// EARSHOT_BENCH_PROFILE=1 adds a per-statement SQL time breakdown of the pipeline phase;
// EARSHOT_BENCH_BACKLOG=<n> changes how many appended-but-pending messages the feeder allows (default 1000).
import { formatIngestBench, parseMessagesOption, runIngestBench } from '../bench/ingest-bench.ts'
import { formatTriageBench, runTriageBench } from '../bench/triage-bench.ts'
import { benchListening, formatListeningBench } from '../core/listening/bench.ts'
import { printRoutingBench, runRoutingBench } from '../routing/bench.ts'

export const benchmarkNames = ['ingest', 'triage', 'listening', 'routing'] as const

export interface RoutingBenchCliOptions {
  agents?: string
  queues?: string
  open?: string
  arrivals?: string
  seed?: string
}

function intOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer ${min}..${max}, got "${value}"`)
  return n
}

export async function benchCommand(name: string, opts: { messages: string; json?: boolean; rules?: string } & RoutingBenchCliOptions): Promise<void> {
  if (!(benchmarkNames as readonly string[]).includes(name)) throw new Error(`unknown benchmark "${name}" (available: ${benchmarkNames.join(', ')})`)
  if (name === 'routing') {
    const pick = (k: string, v: number | undefined): Record<string, number> => (v === undefined ? {} : { [k]: v })
    const r = runRoutingBench({
      ...pick('agents', intOption('agents', opts.agents, 1, 10_000)),
      ...pick('queues', intOption('queues', opts.queues, 1, 1_000)),
      ...pick('open', intOption('open', opts.open, 0, 1_000_000)),
      ...pick('arrivals', intOption('arrivals', opts.arrivals, 1, 1_000_000)),
      ...pick('seed', intOption('seed', opts.seed, 0, 2 ** 31 - 1)),
    })
    console.log(opts.json === true ? JSON.stringify(r) : printRoutingBench(r))
    return
  }
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

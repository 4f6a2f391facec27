// `earshot bench <name>`: benchmarks over real components. Figures on stdout, progress on stderr.
import { formatIngestBench, messagesMax, messagesMin, runIngestBench } from '../bench/ingest-bench.ts'

export const benchmarkNames = ['ingest'] as const

/** Parses --messages: an integer in 100..10,000,000 (digits, `_` or `,` as thousands separators allowed). */
export function parseMessages(value: string): number {
  const text = value.trim().replace(/[_,]/g, '')
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(n) || n < messagesMin || n > messagesMax) {
    throw new Error(`--messages must be an integer from ${messagesMin} to ${messagesMax.toLocaleString('en-US')}, got "${value}"`)
  }
  return n
}

export async function benchCommand(name: string, opts: { messages: string; json?: boolean }): Promise<void> {
  if (name !== 'ingest') throw new Error(`unknown benchmark "${name}" (available: ${benchmarkNames.join(', ')})`)
  const messages = parseMessages(opts.messages)
  const result = await runIngestBench({
    messages,
    progress: (line) => process.stderr.write(`${line}\n`),
    profile: process.env.EARSHOT_BENCH_PROFILE === '1',
  })
  console.log(opts.json === true ? JSON.stringify(result) : formatIngestBench(result))
}

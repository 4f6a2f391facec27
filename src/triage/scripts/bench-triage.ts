// Enrichment throughput (language + sentiment + intent), one core. The lead wires `earshot bench triage`.
// Run: npx tsx src/triage/scripts/bench-triage.ts [--json]
import { benchEnrich } from '../index.ts'
import { enrichBenchTexts } from '../bench.ts'

const texts = enrichBenchTexts(20_000)
const r = benchEnrich(texts, 3)
if (process.argv.includes('--json')) console.log(JSON.stringify(r))
else console.log(`triage enrich: ${r.messages} msgs in ${r.seconds.toFixed(2)} s → ${Math.round(r.msgsPerSec).toLocaleString('en')} msgs/s (one core); ` +
  `${r.cpuSeconds.toFixed(2)} CPU s → ${Math.round(r.msgsPerCpuSec).toLocaleString('en')} msgs/CPU-s`)

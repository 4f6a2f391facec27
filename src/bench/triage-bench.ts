// `earshot bench triage`: the whole enrichment stage on one core (language, sentiment, intent,
// risk cues, personal data), next to the VADER lexicon scoring the same texts in the same run.
import { enrichBenchTexts } from '../triage/bench.ts'
import { vaderSentiment } from '../triage/baselines.ts'
import { enrich, loadTriageModels } from '../triage/index.ts'
import { findRiskCues } from '../triage/risk.ts'
import { percentile } from './stats.ts'

export interface TriageBenchResult {
  messages: number
  msgs_per_s: number
  /** messages per second of this process's CPU time over the same run (steadier than wall time on a shared machine) */
  msgs_per_cpu_s: number
  p50_us: number
  p99_us: number
  baseline: 'vader'
  baseline_msgs_per_s: number
  ratio: number
  peak_rss_mb: number
  model_errors: string[]
  method: string
}

function timeEach(texts: string[], fn: (text: string) => void): { perSecond: number; perCpuSecond: number; micros: number[] } {
  const micros: number[] = []
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  for (const text of texts) {
    const s = performance.now()
    fn(text)
    micros.push((performance.now() - s) * 1000)
  }
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(c0)
  return { perSecond: texts.length / wall, perCpuSecond: texts.length / ((cpu.user + cpu.system) / 1e6), micros }
}

export function runTriageBench(messages: number): TriageBenchResult {
  const { errors } = loadTriageModels()
  const texts = enrichBenchTexts(messages)
  const full = (text: string) => {
    enrich(text)
    findRiskCues(text, 'public')
  }
  for (const t of texts.slice(0, 2000)) full(t) // warm-up: JIT and lazy model load
  const ours = timeEach(texts, full)
  const vader = timeEach(texts, (t) => void vaderSentiment(t))
  return {
    messages,
    msgs_per_s: Math.round(ours.perSecond),
    msgs_per_cpu_s: Math.round(ours.perCpuSecond),
    p50_us: Math.round(percentile(ours.micros, 50) ?? 0),
    p99_us: Math.round(percentile(ours.micros, 99) ?? 0),
    baseline: 'vader',
    baseline_msgs_per_s: Math.round(vader.perSecond),
    ratio: Math.round((ours.perSecond / vader.perSecond) * 100) / 100,
    peak_rss_mb: Math.round(process.memoryUsage.rss() / 1024 / 1024),
    model_errors: errors,
    method: 'single thread, after a 2,000-message warm-up; each message: language (eld) + sentiment + intent (linear models) + risk cues + PII; baseline: VADER lexicon sentiment only, same texts, same run',
  }
}

export function formatTriageBench(r: TriageBenchResult): string {
  return [
    `triage enrichment, ${r.messages.toLocaleString('en')} messages, one core`,
    `  ${r.msgs_per_s.toLocaleString('en')} msgs/s (${r.msgs_per_cpu_s.toLocaleString('en')} per CPU-second)   p50 ${r.p50_us} µs   p99 ${r.p99_us} µs   RSS ${r.peak_rss_mb} MB`,
    `  baseline VADER (sentiment only): ${r.baseline_msgs_per_s.toLocaleString('en')} msgs/s   ratio ${r.ratio}`,
    ...(r.model_errors.length > 0 ? [`  model problems: ${r.model_errors.join('; ')}`] : []),
    `  method: ${r.method}`,
  ].join('\n')
}

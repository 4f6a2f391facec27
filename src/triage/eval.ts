// `earshot eval <task> FILE.csv`: scores the shipped models (and optionally a lexicon baseline)
// on a `text,label` CSV.
import { readFileSync } from 'node:fs'
import { baseline, type BaselineName } from './baselines.ts'
import { parseCsvTable } from './csv.ts'
import { enrich, loadTriageModels, scoreText } from './index.ts'
import { INTENTS } from './intent.ts'
import { computeMetrics, formatMetrics, type Metrics } from './metrics.ts'

export type EvalTask = 'sentiment' | 'intent' | 'complaint'
export const evalTasks: EvalTask[] = ['sentiment', 'intent', 'complaint']

export const TASK_LABELS: Record<EvalTask, string[]> = {
  sentiment: ['negative', 'neutral', 'positive'],
  intent: [...INTENTS],
  complaint: ['complaint', 'not_complaint'],
}

/** Accepted spellings (lower-cased, spaces/hyphens → underscores) for each canonical label. */
export const LABEL_SYNONYMS: Record<EvalTask, Record<string, string>> = {
  sentiment: {
    negative: 'negative', neg: 'negative', '-1': 'negative',
    neutral: 'neutral', neu: 'neutral', objective: 'neutral', none: 'neutral',
    positive: 'positive', pos: 'positive', '+1': 'positive',
  },
  intent: {
    complaint: 'complaint', complaints: 'complaint',
    question: 'question', questions: 'question', query: 'question', inquiry: 'question', enquiry: 'question',
    praise: 'praise', compliment: 'praise', thanks: 'praise',
    idea: 'idea', ideas: 'idea', suggestion: 'idea', feature_request: 'idea', idea_suggestion: 'idea', 'idea/suggestion': 'idea',
    spam: 'spam', abuse: 'spam', 'spam/abuse': 'spam', spam_abuse: 'spam',
    other: 'other', none: 'other', misc: 'other',
  },
  complaint: {
    complaint: 'complaint', '1': 'complaint', yes: 'complaint', true: 'complaint',
    not_complaint: 'not_complaint', non_complaint: 'not_complaint', no_complaint: 'not_complaint', notcomplaint: 'not_complaint',
    '0': 'not_complaint', no: 'not_complaint', false: 'not_complaint',
  },
}

export class EvalInputError extends Error {}

export function normalizeLabel(task: EvalTask, raw: string): string | null {
  const key = raw.trim().toLowerCase().replace(/[\s-]+/gu, '_')
  return LABEL_SYNONYMS[task][key] ?? null
}

export interface EvalRow { text: string; label: string }

/** Reads a `text,label` CSV (extra columns ignored) and maps labels, or throws a clear error. */
export function readEvalCsv(task: EvalTask, content: string): { rows: EvalRow[]; synonymsUsed: Record<string, string> } {
  const { header, records } = parseCsvTable(content)
  if (!header.includes('text')) throw new EvalInputError(`the CSV needs a "text" column (found: ${header.join(', ') || 'nothing'})`)
  const labelCol = ['label', task, task === 'sentiment' ? 'sentiment' : 'intent'].find((c) => header.includes(c))
  if (!labelCol) throw new EvalInputError(`the CSV needs a "label" column (found: ${header.join(', ')})`)
  const rows: EvalRow[] = []
  const unknown = new Map<string, number>()
  const synonymsUsed: Record<string, string> = {}
  for (const r of records) {
    const raw = r[labelCol] ?? ''
    const label = normalizeLabel(task, raw)
    if (label === null) { unknown.set(raw, (unknown.get(raw) ?? 0) + 1); continue }
    if (raw !== label) synonymsUsed[raw] = label
    rows.push({ text: r.text ?? '', label })
  }
  if (unknown.size > 0) {
    const list = [...unknown.entries()].slice(0, 10).map(([l, n]) => `"${l}" (${n} rows)`).join(', ')
    const hint = task === 'intent' && [...unknown.keys()].some((k) => normalizeLabel('complaint', k) !== null)
      ? ' — for complaint / not_complaint data use the `complaint` task' : ''
    throw new EvalInputError(`unknown ${task} labels: ${list}. Known labels: ${TASK_LABELS[task].join(', ')} ` +
      `(also accepted: ${Object.keys(LABEL_SYNONYMS[task]).filter((k) => !TASK_LABELS[task].includes(k)).join(', ')})${hint}`)
  }
  if (rows.length === 0) throw new EvalInputError('the CSV has no rows')
  return { rows, synonymsUsed }
}

export function predict(task: EvalTask, text: string): string {
  if (task === 'sentiment') return enrich(text).sentiment
  if (task === 'intent') return enrich(text).intent
  return enrich(text).intent === 'complaint' ? 'complaint' : 'not_complaint'
}

export interface EvalReport extends Metrics { task: EvalTask; file: string; synonyms: Record<string, string>; baseline?: Metrics & { name: BaselineName } }

export function evaluateRows(task: EvalTask, rows: EvalRow[], baselineName?: BaselineName): { model: Metrics; baseline?: Metrics & { name: BaselineName } } {
  const labels = TASK_LABELS[task]
  const gold = rows.map((r) => r.label)
  const model = computeMetrics(gold, rows.map((r) => predict(task, r.text)), labels)
  if (!baselineName) return { model }
  const fn = baseline(baselineName)
  let base: string[]
  if (task === 'sentiment') base = rows.map((r) => fn(r.text).label)
  else if (task === 'complaint') base = rows.map((r) => (fn(r.text).label === 'negative' ? 'complaint' : 'not_complaint'))
  else throw new EvalInputError('baselines (vader, afinn) exist for the sentiment and complaint tasks only')
  return { model, baseline: { ...computeMetrics(gold, base, labels), name: baselineName } }
}

export function runEval(task: string, file: string, opts: { json?: boolean; baseline?: string }): string {
  if (!evalTasks.includes(task as EvalTask)) throw new EvalInputError(`unknown task "${task}": use ${evalTasks.join(', ')}`)
  const t = task as EvalTask
  if (opts.baseline !== undefined && opts.baseline !== 'vader' && opts.baseline !== 'afinn') throw new EvalInputError(`unknown baseline "${opts.baseline}": use vader or afinn`)
  let content: string
  try { content = readFileSync(file, 'utf8') } catch (e) { throw new EvalInputError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`) }
  const { rows, synonymsUsed } = readEvalCsv(t, content)
  const { errors } = loadTriageModels()
  if (errors.length > 0) throw new EvalInputError(`models not usable: ${errors.join('; ')}`)
  void scoreText
  const res = evaluateRows(t, rows, opts.baseline as BaselineName | undefined)
  if (opts.json) {
    const strip = (m: Metrics): Record<string, unknown> => ({ accuracy: m.accuracy, macro_f1: m.macro_f1, macro_recall: m.macro_recall, per_class: m.per_class, confusion: m.confusion, n: m.n, labels: m.labels })
    // With --baseline the top-level figures are the baseline's (the command scores what it was
    // asked to score); Earshot's own figures on the same rows sit beside them for comparison.
    if (res.baseline) {
      return JSON.stringify({
        task: t, file, scored: res.baseline.name, ...strip(res.baseline), label_synonyms: synonymsUsed,
        earshot: strip(res.model), macro_f1_ratio_earshot_to_baseline: res.baseline.macro_f1 > 0 ? res.model.macro_f1 / res.baseline.macro_f1 : null,
      }, null, 2)
    }
    return JSON.stringify({ task: t, file, scored: 'earshot', ...strip(res.model), label_synonyms: synonymsUsed }, null, 2)
  }
  const out: string[] = []
  const syn = Object.entries(synonymsUsed)
  if (syn.length > 0) out.push(`labels mapped: ${syn.map(([a, b]) => `${a} → ${b}`).join(', ')}`)
  if (res.baseline) {
    const rule = res.baseline.name === 'vader' ? 'VADER compound ≥ 0.05 positive, ≤ −0.05 negative' : 'AFINN score > 0 positive, < 0 negative'
    out.push(formatMetrics(res.baseline, `baseline ${res.baseline.name} ${t} on ${file} (${rule}${t === 'complaint' ? '; negative → complaint' : ''})`))
    out.push('', formatMetrics(res.model, `earshot ${t} on the same rows, for comparison`))
    out.push('', `macro-F1: earshot ${res.model.macro_f1.toFixed(4)} vs ${res.baseline.name} ${res.baseline.macro_f1.toFixed(4)}`)
  } else out.push(formatMetrics(res.model, `earshot ${t} on ${file}`))
  return out.join('\n')
}

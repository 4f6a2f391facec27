// Classification metrics: accuracy, macro-F1, macro-recall, per-class precision/recall/F1,
// confusion matrix (rows = gold, columns = predicted), and ROC AUC for scores.

export interface ClassMetrics { precision: number; recall: number; f1: number; support: number; predicted: number }

export interface Metrics {
  n: number
  accuracy: number
  macro_f1: number
  macro_recall: number
  per_class: Record<string, ClassMetrics>
  /** confusion[gold][predicted] = count */
  confusion: Record<string, Record<string, number>>
  labels: string[]
}

/**
 * Computes metrics over `labels` (the classes averaged over for macro scores; default: every
 * label seen in gold or predictions). Classes absent from gold still count in the macro average
 * when they are in `labels` (their recall is 0 and F1 follows from precision 0).
 */
export function computeMetrics(gold: string[], pred: string[], labels?: string[]): Metrics {
  if (gold.length !== pred.length) throw new Error('gold and predicted lengths differ')
  const labs = labels ?? [...new Set([...gold, ...pred])].sort()
  const confusion: Record<string, Record<string, number>> = {}
  for (const g of labs) { confusion[g] = {}; for (const p of labs) confusion[g]![p] = 0 }
  let correct = 0
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!
    const p = pred[i]!
    if (g === p) correct++
    const row = confusion[g] ?? (confusion[g] = {})
    row[p] = (row[p] ?? 0) + 1
  }
  const per_class: Record<string, ClassMetrics> = {}
  let f1Sum = 0
  let recSum = 0
  for (const c of labs) {
    const tp = confusion[c]?.[c] ?? 0
    let support = 0
    for (const v of Object.values(confusion[c] ?? {})) support += v
    let predicted = 0
    for (const g of Object.keys(confusion)) predicted += confusion[g]![c] ?? 0
    const precision = predicted > 0 ? tp / predicted : 0
    const recall = support > 0 ? tp / support : 0
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
    per_class[c] = { precision, recall, f1, support, predicted }
    f1Sum += f1
    recSum += recall
  }
  return {
    n: gold.length,
    accuracy: gold.length > 0 ? correct / gold.length : 0,
    macro_f1: labs.length > 0 ? f1Sum / labs.length : 0,
    macro_recall: labs.length > 0 ? recSum / labs.length : 0,
    per_class,
    confusion,
    labels: labs,
  }
}

/** ROC AUC of `scores` for the positive class (ties count half). */
export function rocAuc(positive: boolean[], scores: number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!)
  let rankSum = 0
  let nPos = 0
  let i = 0
  while (i < idx.length) {
    let j = i
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++
    const avgRank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if (positive[idx[k]!]) { rankSum += avgRank; nPos++ }
    i = j + 1
  }
  const nNeg = idx.length - nPos
  if (nPos === 0 || nNeg === 0) return Number.NaN
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg)
}

const pct = (x: number): string => (x * 100).toFixed(1).padStart(5)

/** A human-readable report. */
export function formatMetrics(m: Metrics, title?: string): string {
  const lines: string[] = []
  if (title) lines.push(title)
  lines.push(`n=${m.n}  accuracy ${pct(m.accuracy)}%  macro-F1 ${pct(m.macro_f1)}%  macro-recall ${pct(m.macro_recall)}%`)
  const w = Math.max(8, ...m.labels.map((l) => l.length))
  lines.push(`${'class'.padEnd(w)}  precision  recall     F1  support`)
  for (const c of m.labels) {
    const pc = m.per_class[c]!
    lines.push(`${c.padEnd(w)}      ${pct(pc.precision)}  ${pct(pc.recall)}  ${pct(pc.f1)}  ${String(pc.support).padStart(7)}`)
  }
  lines.push(`confusion (rows gold, columns predicted):`)
  const cw = Math.max(7, ...m.labels.map((l) => l.length))
  lines.push(`${''.padEnd(w)}  ${m.labels.map((l) => l.padStart(cw)).join(' ')}`)
  for (const g of m.labels) lines.push(`${g.padEnd(w)}  ${m.labels.map((p) => String(m.confusion[g]?.[p] ?? 0).padStart(cw)).join(' ')}`)
  return lines.join('\n')
}

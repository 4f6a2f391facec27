// Training pipelines for `earshot train`: sentiment (sentiment_tweets.csv train split, epoch
// chosen and temperature calibrated on the validation split, test split reported) and the
// complaint classifier (complaints.csv, leave-one-domain-out evaluation, final model on all).
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afinnSentiment, vaderSentiment } from './baselines.ts'
import { loadComplaints, loadCustomerTweets, loadIntents, loadSentimentMultilingual, loadSentimentTweets, type CustomerTweets, type LabeledText } from './data.ts'
import { computeMetrics, formatMetrics, rocAuc, type Metrics } from './metrics.ts'
import {
  balancedClassWeights, calibrateTemperature, compact, predictProbs, quantized, saveModel, trainSoftmax,
  type Example, type LinearModel,
} from './model.ts'
import { DEFAULT_FEATURES, featurize, newSparseVec, type FeatureConfig } from './text.ts'
import { COMPLAINT_MODEL_FILE, REQUEST_MODEL_FILE, SENTIMENT_MODEL_FILE, enrich, setTriageModels, triageModels } from './index.ts'
import { trainRequestModel } from './train-request.ts'

export const SENTIMENT_CLASSES = ['negative', 'neutral', 'positive']
export const COMPLAINT_CLASSES = ['not_complaint', 'complaint']

export interface TrainSettings {
  features: FeatureConfig
  epochs: number
  lr: number
  l2: number
  seed: number
  log: (line: string) => void
}

export const DEFAULT_TRAIN: Omit<TrainSettings, 'log'> = { features: DEFAULT_FEATURES, epochs: 10, lr: 0.1, l2: 1e-6, seed: 20240611 }
/** Sentiment epochs without a better validation score before training stops (best epoch kept). */
export const SENTIMENT_PATIENCE = 2

function toExamples(rows: LabeledText[], classes: string[], cfg: FeatureConfig): Example[] {
  const buf = newSparseVec()
  return rows.map((r) => ({ x: compact(featurize(r.text, cfg, buf)), y: classes.indexOf(r.label) }))
}

export function predictLabels(m: LinearModel, xs: Example[]): string[] {
  const z = new Float64Array(m.classes.length)
  return xs.map((e) => {
    const p = predictProbs(m, e.x, z)
    let b = 0
    for (let k = 1; k < p.length; k++) if (p[k]! > p[b]!) b = k
    return m.classes[b]!
  })
}

function metricsOn(m: LinearModel, xs: Example[]): Metrics {
  return computeMetrics(xs.map((e) => m.classes[e.y]!), predictLabels(m, xs), m.classes)
}

export interface SentimentResult { model: LinearModel; val: Metrics; test: Metrics | null; report: Record<string, unknown> }

/** Trains the sentiment model from rows with a split column (train / validation / test). */
/**
 * complaints.csv domains whose complaints are added to sentiment training as extra negatives
 * (customer-service negativity that general tweets lack). The other domains stay unseen by the
 * sentiment model and serve as its cross-domain check.
 */
export const SENTIMENT_COMPLAINT_DOMAINS = ['apparel', 'electronics', 'food', 'retail', 'software']
export const SENTIMENT_COMPLAINT_WEIGHT = 0.4

/**
 * sentiment_multilingual.csv (ar, de, es, fr, hi, it, pt; already class-balanced) train split is
 * added at this weight per row; its validation split shares epoch choice and calibration equally
 * with the English one, and its test split is reported per language.
 */
export const SENTIMENT_MULTILINGUAL_WEIGHT = 1
/**
 * Self-training on unlabelled customer tweets (twcs_sample.csv inbound rows): after a first model,
 * pseudo-labels with calibrated probability ≥ the threshold are added at this weight per row and the
 * model is trained again from scratch.
 */
export const SENTIMENT_SELF_WEIGHT = 0.5
export const SENTIMENT_SELF_THRESHOLD = 0.8

/**
 * Customer tweets of twcs_sample.csv labelled for this project (`labels/twcs-sentiment.csv`), added
 * to training at this weight per row (times the class weight). Their brands' industries give the
 * leave-one-industry-out check printed by `earshot train --task sentiment`.
 */
export const SENTIMENT_CUSTOMER_WEIGHT = 5
export const SENTIMENT_CUSTOMER_BALANCED = true
/** Industries held out one at a time for the cross-domain check (`other` = brands outside the four). */
export const CUSTOMER_GROUPS = ['travel', 'telfin', 'retail', 'tech']

export interface SentimentExtra {
  /** labelled customer tweets (domain = industry group) */
  customer?: LabeledText[]
  customerWeight?: number
  /** class-balance the customer rows among themselves (else they take the SemEval class weights) */
  customerBalanced?: boolean
  complaints?: LabeledText[]
  complaintWeight?: number
  /** rows with split train / validation / test and the language in `domain` */
  multilingual?: LabeledText[]
  multilingualWeight?: number
  /** unlabelled customer texts for self-training */
  unlabelled?: string[]
  selfWeight?: number
  /** score the test splits and the complaints proxy (default true; the cross-domain folds skip it) */
  evaluate?: boolean
}

export function trainSentimentModel(rows: LabeledText[], s: TrainSettings, extra?: SentimentExtra): SentimentResult {
  const known = rows.filter((r) => SENTIMENT_CLASSES.includes(r.label))
  const train = known.filter((r) => r.split === 'train')
  const val = known.filter((r) => r.split === 'validation' || r.split === 'val')
  const test = known.filter((r) => r.split === 'test')
  s.log(`sentiment: ${train.length} train / ${val.length} validation / ${test.length} test rows; featurising…`)
  const trX = toExamples(train, SENTIMENT_CLASSES, s.features)
  const cw = balancedClassWeights(trX.map((e) => e.y), SENTIMENT_CLASSES.length)
  const weight = extra?.complaintWeight ?? SENTIMENT_COMPLAINT_WEIGHT
  const added = (extra?.complaints ?? []).filter((r) => r.label === 'complaint' && SENTIMENT_COMPLAINT_DOMAINS.includes(r.domain ?? ''))
  const unseen = (extra?.complaints ?? []).filter((r) => !SENTIMENT_COMPLAINT_DOMAINS.includes(r.domain ?? ''))
  if (weight > 0 && added.length > 0) {
    s.log(`sentiment: + ${added.length} complaints (domains ${SENTIMENT_COMPLAINT_DOMAINS.join(', ')}) as negatives, weight ${weight}`)
    for (const e of toExamples(added.map((r) => ({ ...r, label: 'negative' })), SENTIMENT_CLASSES, s.features)) trX.push({ ...e, w: weight })
  }
  const mlWeight = extra?.multilingualWeight ?? SENTIMENT_MULTILINGUAL_WEIGHT
  const ml = mlWeight > 0 ? (extra?.multilingual ?? []).filter((r) => SENTIMENT_CLASSES.includes(r.label)) : []
  const mlTr = toExamples(ml.filter((r) => r.split === 'train'), SENTIMENT_CLASSES, s.features)
  const mlVaX = toExamples(ml.filter((r) => r.split === 'validation' || r.split === 'val'), SENTIMENT_CLASSES, s.features)
  const mlTest = ml.filter((r) => r.split === 'test')
  if (mlTr.length > 0) {
    s.log(`sentiment: + ${mlTr.length} multilingual rows (${[...new Set(ml.map((r) => r.domain))].sort().join(', ')}), weight ${mlWeight}`)
    // the set is balanced already: undo the class weights so each row counts mlWeight
    for (const e of mlTr) trX.push({ ...e, w: mlWeight / cw[e.y]! })
  }
  const cuWeight = extra?.customerWeight ?? SENTIMENT_CUSTOMER_WEIGHT
  const customer = cuWeight > 0 ? (extra?.customer ?? []).filter((r) => SENTIMENT_CLASSES.includes(r.label)) : []
  if (customer.length > 0) {
    s.log(`sentiment: + ${customer.length} labelled customer tweets (${[...new Set(customer.map((r) => r.domain))].sort().join(', ')}), weight ${cuWeight}`)
    // balanced within the customer rows (undoing the SemEval class weights), so the customer set's own
    // class mix (60% negative) does not become a prior for every message
    const cuX = toExamples(customer, SENTIMENT_CLASSES, s.features)
    const cuBal = (extra?.customerBalanced ?? SENTIMENT_CUSTOMER_BALANCED) ? balancedClassWeights(cuX.map((e) => e.y), SENTIMENT_CLASSES.length) : cw
    for (const e of cuX) trX.push({ ...e, w: (cuWeight * cuBal[e.y]!) / cw[e.y]! })
  }
  const vaX = toExamples(val, SENTIMENT_CLASSES, s.features)
  const teX = toExamples(test, SENTIMENT_CLASSES, s.features)
  const t0 = performance.now()
  const score = (m: LinearModel): number => {
    const en = metricsOn(m, vaX).macro_f1
    return mlVaX.length > 0 ? (en + metricsOn(m, mlVaX).macro_f1) / 2 : en
  }
  const fit = (data: Example[], label: string): LinearModel => trainSoftmax('sentiment', SENTIMENT_CLASSES, s.features, data, {
    epochs: s.epochs, lr: s.lr, l2: s.l2, seed: s.seed, classWeights: cw, patience: SENTIMENT_PATIENCE,
    onEpoch: (epoch, m, loss) => {
      if (vaX.length === 0) return undefined
      const v = score(m)
      s.log(`  ${label} epoch ${epoch}/${s.epochs}: train loss ${loss.toFixed(4)}, validation macro-F1 ${v.toFixed(4)}${mlVaX.length > 0 ? ' (mean of English and multilingual)' : ''} (${((performance.now() - t0) / 1000).toFixed(0)} s)`)
      return v
    },
  })
  const heldCal = [...vaX, ...mlVaX]
  let model = fit(trX, 'pass 1')
  const selfWeight = extra?.selfWeight ?? SENTIMENT_SELF_WEIGHT
  let pseudoCounts: number[] | null = null
  if (selfWeight > 0 && (extra?.unlabelled ?? []).length > 0 && heldCal.length > 0) {
    model.temperature = calibrateTemperature(model, heldCal)
    const z = new Float64Array(SENTIMENT_CLASSES.length)
    const buf = newSparseVec()
    const pseudo: Example[] = []
    for (const text of extra!.unlabelled!) {
      const x = featurize(text, s.features, buf)
      const p = predictProbs(model, x, z)
      let b = 0
      for (let k = 1; k < p.length; k++) if (p[k]! > p[b]!) b = k
      if (p[b]! >= SENTIMENT_SELF_THRESHOLD) pseudo.push({ x: compact(x), y: b, w: selfWeight / cw[b]! })
    }
    pseudoCounts = SENTIMENT_CLASSES.map((_, k) => pseudo.filter((e) => e.y === k).length)
    s.log(`sentiment: self-training on ${extra!.unlabelled!.length} unlabelled customer tweets: ${pseudo.length} pseudo-labels (negative/neutral/positive ${pseudoCounts.join('/')}), weight ${selfWeight}`)
    model = fit([...trX, ...pseudo], 'pass 2')
  }
  if (heldCal.length > 0) model.temperature = calibrateTemperature(model, heldCal)
  model.meta = {
    ...model.meta, trainedOn: 'sentiment_tweets.csv split=train' + (weight > 0 && added.length > 0 ? ` + complaints.csv complaints from ${SENTIMENT_COMPLAINT_DOMAINS.join('/')} as negative (weight ${weight})` : '') +
      (mlTr.length > 0 ? ` + sentiment_multilingual.csv split=train (weight ${mlWeight})` : '') +
      (customer.length > 0 ? ` + ${customer.length} labelled twcs_sample.csv customer tweets (weight ${cuWeight})` : '') + (pseudoCounts ? ` + self-training on twcs_sample.csv inbound (p ≥ ${SENTIMENT_SELF_THRESHOLD}, weight ${selfWeight})` : ''),
    trainRows: train.length, customerRows: customer.length, addedComplaints: weight > 0 ? added.length : 0, multilingualRows: mlTr.length, pseudoLabels: pseudoCounts, seed: s.seed, epochs: s.epochs, lr: s.lr,
  }
  const shipped = quantized(model)
  const valM = metricsOn(shipped, vaX) // English validation only
  const report: Record<string, unknown> = { temperature: model.temperature, bestEpoch: model.meta.bestEpoch }
  if (extra?.evaluate === false) return { model: shipped, val: valM, test: null, report }
  const testM = teX.length > 0 ? metricsOn(shipped, teX) : null
  if (testM) {
    const gold = test.map((r) => r.label)
    report.test = summary(testM)
    report.test_vader = summary(computeMetrics(gold, test.map((r) => vaderSentiment(r.text).label), SENTIMENT_CLASSES))
    report.test_afinn = summary(computeMetrics(gold, test.map((r) => afinnSentiment(r.text).label), SENTIMENT_CLASSES))
  }
  if (mlTest.length > 0) {
    const langs = [...new Set(mlTest.map((r) => r.domain ?? ''))].sort()
    const mlX = toExamples(mlTest, SENTIMENT_CLASSES, s.features)
    report.multilingual_test = {
      all: round4(metricsOn(shipped, mlX).macro_f1),
      ...Object.fromEntries(langs.map((l) => [l, round4(metricsOn(shipped, mlX.filter((_, i) => mlTest[i]!.domain === l)).macro_f1)])),
    }
  }
  if (unseen.length > 0) report.complaint_proxy = { domains: [...new Set(unseen.map((r) => r.domain))].sort(), ...complaintProxy(shipped, unseen, s.features) }
  return { model: shipped, val: valM, test: testM, report }
}

export interface CrossDomainResult {
  /** per held-out industry: rows, Earshot macro-F1 (as `earshot eval` scores it), VADER and AFINN on the same rows */
  perGroup: Record<string, { n: number; macro_f1: number; model_alone: number; vader: number; afinn: number }>
  /** predictions of the four held-out industries pooled */
  pooled: { n: number; macro_f1: number; accuracy: number; vader: number; afinn: number; f1: Record<string, number> }
}

/**
 * Leave-one-industry-out check on labelled customer tweets: for each industry, a model trained without
 * that industry's labels and without its tweets in self-training, scored on its labels through `enrich`
 * (as `earshot eval sentiment` scores a file: intent cues included, with the current complaint and request
 * models, which never saw these tweets).
 */
export function customerCrossDomain(rows: LabeledText[], s: TrainSettings, extra: SentimentExtra, customerTweets: CustomerTweets): CrossDomainResult {
  const customer = customerTweets.labelled
  const before = triageModels()
  const gold: string[] = []
  const pred: string[] = []
  const perGroup: CrossDomainResult['perGroup'] = {}
  const vaderAll: string[] = []
  const afinnAll: string[] = []
  try {
    for (const g of CUSTOMER_GROUPS) {
      const held = customer.filter((r) => r.domain === g)
      if (held.length === 0) continue
      s.log(`cross-domain: training without the ${g} customer tweets (${held.length} labelled held out)…`)
      const fold = trainSentimentModel(rows, { ...s, log: () => {} }, {
        ...extra,
        customer: customer.filter((r) => r.domain !== g),
        unlabelled: customerTweets.unlabelled.filter((t) => t.group !== g).map((t) => t.text),
        evaluate: false,
      })
      setTriageModels({ sentiment: fold.model, complaint: before.complaint, request: before.request ?? null })
      const y = held.map((r) => r.label)
      const p = held.map((r) => enrich(r.text).sentiment)
      const v = held.map((r) => vaderSentiment(r.text).label)
      const a = held.map((r) => afinnSentiment(r.text).label)
      const m = computeMetrics(y, p, SENTIMENT_CLASSES)
      const alone = metricsOn(fold.model, toExamples(held, SENTIMENT_CLASSES, s.features)).macro_f1
      perGroup[g] = { n: held.length, macro_f1: round4(m.macro_f1), model_alone: round4(alone), vader: round4(computeMetrics(y, v, SENTIMENT_CLASSES).macro_f1), afinn: round4(computeMetrics(y, a, SENTIMENT_CLASSES).macro_f1) }
      s.log(`  held out ${g.padEnd(7)} n=${String(held.length).padStart(4)} macro-F1 ${m.macro_f1.toFixed(4)} (sentiment model alone ${alone.toFixed(4)}; VADER ${perGroup[g]!.vader.toFixed(4)}, AFINN ${perGroup[g]!.afinn.toFixed(4)})`)
      gold.push(...y); pred.push(...p); vaderAll.push(...v); afinnAll.push(...a)
    }
  } finally {
    setTriageModels(before.sentiment || before.complaint ? { sentiment: before.sentiment, complaint: before.complaint, request: before.request ?? null } : null)
  }
  const all = computeMetrics(gold, pred, SENTIMENT_CLASSES)
  return {
    perGroup,
    pooled: {
      n: gold.length, macro_f1: round4(all.macro_f1), accuracy: round4(all.accuracy),
      vader: round4(computeMetrics(gold, vaderAll, SENTIMENT_CLASSES).macro_f1), afinn: round4(computeMetrics(gold, afinnAll, SENTIMENT_CLASSES).macro_f1),
      f1: Object.fromEntries(SENTIMENT_CLASSES.map((c) => [c, round4(all.per_class[c]!.f1)])),
    },
  }
}

const summary = (m: Metrics): { accuracy: number; macro_f1: number; macro_recall: number } => ({
  accuracy: round4(m.accuracy), macro_f1: round4(m.macro_f1), macro_recall: round4(m.macro_recall),
})
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4

/**
 * Cross-domain proxy for sentiment on customer-service tweets the sentiment model never saw
 * (complaints.csv): ROC AUC of "how negative" (P(neg) − P(pos); VADER −compound; AFINN −score)
 * for separating complaints from non-complaints, and the share of complaints called negative.
 */
export function complaintProxy(m: LinearModel, rows: LabeledText[], cfg: FeatureConfig): Record<string, unknown> {
  const buf = newSparseVec()
  const isC = rows.map((r) => r.label === 'complaint')
  const ours = rows.map((r) => { const p = predictProbs(m, featurize(r.text, cfg, buf)); return { s: p[0]! - p[2]!, neg: p[0]! >= p[1]! && p[0]! >= p[2]! } })
  const vader = rows.map((r) => vaderSentiment(r.text))
  const afinn = rows.map((r) => afinnSentiment(r.text))
  const share = (flags: boolean[]): number => round4(flags.filter((f, i) => f && isC[i]).length / Math.max(1, isC.filter(Boolean).length))
  const shareNc = (flags: boolean[]): number => round4(flags.filter((f, i) => f && !isC[i]).length / Math.max(1, isC.filter((c) => !c).length))
  return {
    note: 'complaints.csv domains the sentiment model never saw: ROC AUC of the negativity score for complaint vs not, and the share called negative',
    auc: { earshot: round4(rocAuc(isC, ours.map((o) => o.s))), vader: round4(rocAuc(isC, vader.map((v) => -v.score))), afinn: round4(rocAuc(isC, afinn.map((a) => -a.score))) },
    complaints_called_negative: { earshot: share(ours.map((o) => o.neg)), vader: share(vader.map((v) => v.label === 'negative')), afinn: share(afinn.map((a) => a.label === 'negative')) },
    non_complaints_called_negative: { earshot: shareNc(ours.map((o) => o.neg)), vader: shareNc(vader.map((v) => v.label === 'negative')), afinn: shareNc(afinn.map((a) => a.label === 'negative')) },
  }
}

export interface ComplaintResult { model: LinearModel; lodo: Metrics; perDomain: Record<string, { n: number; accuracy: number; f1_complaint: number | null }>; auc: number }

/**
 * Complaint classifier. Evaluation: leave-one-domain-out (train on the other 10 domains, predict
 * the held-out one; predictions pooled). The shipped model is then trained on every domain, with
 * the temperature taken as the median of the per-fold calibrations.
 */
export function trainComplaintModel(rows: LabeledText[], s: TrainSettings): ComplaintResult {
  const known = rows.filter((r) => COMPLAINT_CLASSES.includes(r.label))
  const domains = [...new Set(known.map((r) => r.domain ?? ''))].sort()
  s.log(`complaint: ${known.length} rows in ${domains.length} domains; leave-one-domain-out evaluation…`)
  const X = toExamples(known, COMPLAINT_CLASSES, s.features)
  const gold: string[] = []
  const pred: string[] = []
  const scores: number[] = []
  const temps: number[] = []
  const perDomain: ComplaintResult['perDomain'] = {}
  const epochs = Math.min(s.epochs, 4)
  for (const d of domains) {
    const trIdx = known.map((r, i) => (r.domain !== d ? i : -1)).filter((i) => i >= 0)
    const teIdx = known.map((r, i) => (r.domain === d ? i : -1)).filter((i) => i >= 0)
    const tr = trIdx.map((i) => X[i]!)
    const te = teIdx.map((i) => X[i]!)
    const m = trainSoftmax('complaint', COMPLAINT_CLASSES, s.features, tr, { epochs, lr: s.lr, l2: s.l2, seed: s.seed, classWeights: balancedClassWeights(tr.map((e) => e.y), 2) })
    if (te.some((e) => e.y === 1) && te.some((e) => e.y === 0)) temps.push(calibrateTemperature(m, te))
    const p = predictLabels(m, te)
    const z = new Float64Array(2)
    te.forEach((e, i) => { gold.push(COMPLAINT_CLASSES[e.y]!); pred.push(p[i]!); scores.push(predictProbs(m, e.x, z)[1]!) })
    const dm = computeMetrics(te.map((e) => COMPLAINT_CLASSES[e.y]!), p, COMPLAINT_CLASSES)
    perDomain[d] = { n: te.length, accuracy: round4(dm.accuracy), f1_complaint: dm.per_class.complaint!.support > 0 ? round4(dm.per_class.complaint!.f1) : null }
    s.log(`  held out ${d.padEnd(13)} n=${String(te.length).padStart(4)} accuracy ${dm.accuracy.toFixed(3)} complaint-F1 ${perDomain[d]!.f1_complaint ?? '—'}`)
  }
  const lodo = computeMetrics(gold, pred, COMPLAINT_CLASSES)
  const auc = rocAuc(gold.map((g) => g === 'complaint'), scores)
  s.log('  training the shipped complaint model on all domains…')
  const model = trainSoftmax('complaint', COMPLAINT_CLASSES, s.features, X, { epochs, lr: s.lr, l2: s.l2, seed: s.seed, classWeights: balancedClassWeights(X.map((e) => e.y), 2) })
  temps.sort((a, b) => a - b)
  model.temperature = temps.length > 0 ? temps[Math.floor(temps.length / 2)]! : 1
  model.meta = { ...model.meta, trainedOn: 'complaints.csv (all domains)', rows: known.length, seed: s.seed, epochs }
  return { model: quantized(model), lodo, perDomain, auc }
}

export interface TrainCommandOptions {
  task: 'sentiment' | 'complaint' | 'intent' | 'all'
  dataDir: string
  out: string
  epochs?: number
  seed?: number
  json?: boolean
  /** skip the leave-one-industry-out check on the labelled customer tweets (4 more trainings) */
  noCrossDomain?: boolean
  /** Agents' corrections from a workspace: extra training rows (sentiment labels; intent as complaint / not). */
  corrections?: { text: string; field: 'sentiment' | 'intent'; label: string }[]
}

/** `earshot train`: trains, prints progress and held-out metrics, writes model files. */
export function runTraining(opts: TrainCommandOptions, log: (line: string) => void = (l) => console.log(l)): Record<string, unknown> {
  const s: TrainSettings = { ...DEFAULT_TRAIN, epochs: opts.epochs ?? DEFAULT_TRAIN.epochs, seed: opts.seed ?? DEFAULT_TRAIN.seed, log }
  mkdirSync(opts.out, { recursive: true })
  const result: Record<string, unknown> = {}
  const corrections = opts.corrections ?? []
  const correctedSentiment: LabeledText[] = corrections.filter((c) => c.field === 'sentiment').map((c) => ({ text: c.text, label: c.label, split: 'train' }))
  const correctedComplaints: LabeledText[] = corrections.filter((c) => c.field === 'intent')
    .map((c) => ({ text: c.text, label: c.label === 'complaint' ? 'complaint' : 'not_complaint', domain: 'agent-corrections' }))
  if (corrections.length > 0) log(`agent corrections: ${correctedSentiment.length} sentiment and ${correctedComplaints.length} intent rows added to training`)
  const complaints = [...loadComplaints(opts.dataDir), ...correctedComplaints]
  if (opts.task === 'sentiment' || opts.task === 'all') {
    const rows = [...loadSentimentTweets(opts.dataDir), ...correctedSentiment]
    const customer = loadCustomerTweets(opts.dataDir)
    const extra: SentimentExtra = {
      complaints,
      multilingual: loadSentimentMultilingual(opts.dataDir),
      customer: customer.labelled,
      // self-training only on the customer tweets without a label (mostly not English)
      unlabelled: customer.unlabelled.map((t) => t.text),
    }
    const r = trainSentimentModel(rows, s, extra)
    const file = join(opts.out, SENTIMENT_MODEL_FILE)
    const bytes = saveModel(r.model, file)
    log(`\nsentiment model → ${file} (${(bytes / 1024).toFixed(0)} KiB, temperature ${r.model.temperature})`)
    log(formatMetrics(r.val, 'validation split (used for epoch choice and calibration):'))
    if (r.test) log(formatMetrics(r.test, '\nTEST split (held out; SemEval-2017 test):'))
    const rep = r.report as { test_vader?: unknown; test_afinn?: unknown; complaint_proxy?: unknown; multilingual_test?: unknown }
    if (rep.multilingual_test) log(`sentiment_multilingual.csv test split, macro-F1: ${JSON.stringify(rep.multilingual_test)}`)
    if (rep.test_vader) log(`baselines on the same test split: VADER ${JSON.stringify(rep.test_vader)}  AFINN ${JSON.stringify(rep.test_afinn)}`)
    if (rep.complaint_proxy) log(`cross-domain proxy (complaints.csv domains never seen by this model): ${JSON.stringify(rep.complaint_proxy)}`)
    result.sentiment = { file, bytes, ...r.report, validation: summary(r.val) }
    if (!opts.noCrossDomain && customer.labelled.length > 0) {
      log('\ncross-domain check on labelled customer tweets: one industry held out at a time (skip with --no-cross-domain)')
      const cd = customerCrossDomain(rows, s, extra, customer)
      log(`pooled over the held-out industries (n=${cd.pooled.n}): macro-F1 ${cd.pooled.macro_f1.toFixed(4)}, accuracy ${cd.pooled.accuracy.toFixed(4)} (F1 ${SENTIMENT_CLASSES.map((c) => `${c} ${cd.pooled.f1[c]!.toFixed(3)}`).join(', ')}); VADER ${cd.pooled.vader.toFixed(4)}, AFINN ${cd.pooled.afinn.toFixed(4)}`)
      result.sentiment_cross_domain = cd
    }
  }
  if (opts.task === 'intent' || opts.task === 'all') {
    log('\nrequest model (question/request vs statement): Bitext intents.csv requests vs complaints.csv and SemEval tweets')
    const r = trainRequestModel({ intents: loadIntents(opts.dataDir), complaints, tweets: loadSentimentTweets(opts.dataDir) }, s)
    const file = join(opts.out, REQUEST_MODEL_FILE)
    const bytes = saveModel(r.model, file)
    log(`\nrequest model → ${file} (${(bytes / 1024).toFixed(0)} KiB, temperature ${r.model.temperature})`)
    result.request = { file, bytes, temperature: r.model.temperature, ...r.report }
  }
  if (opts.task === 'complaint' || opts.task === 'intent' || opts.task === 'all') {
    if (opts.task === 'intent') log('intent = complaint classifier (trained here) + request model + sentiment model + rules for idea/spam/praise phrases (see src/triage/README.md)')
    const r = trainComplaintModel(complaints, s)
    const file = join(opts.out, COMPLAINT_MODEL_FILE)
    const bytes = saveModel(r.model, file)
    log(`\ncomplaint model → ${file} (${(bytes / 1024).toFixed(0)} KiB, temperature ${r.model.temperature})`)
    log(formatMetrics(r.lodo, 'leave-one-domain-out (pooled over the 11 held-out domains):'))
    log(`ROC AUC (complaint) ${r.auc.toFixed(4)}`)
    result.complaint = { file, bytes, temperature: r.model.temperature, lodo: summary(r.lodo), lodo_f1_complaint: round4(r.lodo.per_class.complaint!.f1), auc: round4(r.auc), perDomain: r.perDomain }
  }
  return result
}

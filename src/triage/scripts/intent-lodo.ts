// The whole intent combination, complaints.csv leave-one-domain-out: for each of the 11 domains, the
// complaint model and the request model are trained without it (sentiment model as shipped: it never
// saw cars, other, services, transport, random_*), then every row of the held-out domain is triaged and
// the intent collapsed to complaint / not_complaint; also with the request model switched off (same rules).
// Run: npx tsx src/triage/scripts/intent-lodo.ts [--data-dir DIR] [--json]
import { sharedDataDir } from '../../testing/shared.ts'
import { loadComplaints, loadIntents, loadSentimentTweets } from '../data.ts'
import { computeMetrics } from '../metrics.ts'
import { balancedClassWeights, compact, quantized, trainSoftmax, type LinearModel } from '../model.ts'
import { featurize, newSparseVec } from '../text.ts'
import { COMPLAINT_CLASSES, DEFAULT_TRAIN, SENTIMENT_COMPLAINT_DOMAINS } from '../train.ts'
import { fitRequestModelWithout } from '../train-request.ts'
import { enrich, setTriageModels, triageModels } from '../index.ts'

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined }
const dataDir = arg('--data-dir') ?? sharedDataDir
const complaints = loadComplaints(dataDir)
const d = { intents: loadIntents(dataDir), complaints, tweets: loadSentimentTweets(dataDir) }
const s = { ...DEFAULT_TRAIN, log: (l: string) => console.error(l) }
const shipped = triageModels()
const domains = [...new Set(complaints.map((r) => r.domain ?? ''))].sort()
const gold: string[] = []
const now: string[] = []
const noRequest: string[] = []
const intents: Record<string, Record<string, number>> = {}
const buf = newSparseVec()
for (const dom of domains) {
  const train = complaints.filter((r) => r.domain !== dom)
  const X = train.map((r) => ({ x: compact(featurize(r.text, s.features, buf)), y: COMPLAINT_CLASSES.indexOf(r.label) }))
  const complaint: LinearModel = quantized(trainSoftmax('complaint', COMPLAINT_CLASSES, s.features, X, { epochs: 4, lr: s.lr, l2: s.l2, seed: s.seed, classWeights: balancedClassWeights(X.map((e) => e.y), 2) }))
  complaint.temperature = shipped.complaint?.temperature ?? 1
  const request = fitRequestModelWithout(d, s, (x) => x !== dom)
  const held = complaints.filter((r) => r.domain === dom)
  setTriageModels({ sentiment: shipped.sentiment, complaint, request })
  for (const r of held) {
    const e = enrich(r.text)
    gold.push(r.label)
    now.push(e.intent === 'complaint' ? 'complaint' : 'not_complaint')
    const row = (intents[r.label] ??= {})
    row[e.intent] = (row[e.intent] ?? 0) + 1
  }
  setTriageModels({ sentiment: shipped.sentiment, complaint, request: null })
  for (const r of held) noRequest.push(enrich(r.text).intent === 'complaint' ? 'complaint' : 'not_complaint')
  console.error(`  ${dom}: ${held.length} rows`)
}
const m = computeMetrics(gold, now, ['complaint', 'not_complaint'])
const b = computeMetrics(gold, noRequest, ['complaint', 'not_complaint'])
const out = {
  note: 'complaints.csv leave-one-domain-out, intent collapsed to complaint vs not; complaint and request models retrained without the held-out domain; sentiment as shipped' +
    ` (it saw complaints of ${SENTIMENT_COMPLAINT_DOMAINS.join('/')} as negatives)`,
  with_request_model: { macro_f1: m.macro_f1, complaint_f1: m.per_class.complaint!.f1, accuracy: m.accuracy },
  same_rules_request_model_off: { macro_f1: b.macro_f1, complaint_f1: b.per_class.complaint!.f1, accuracy: b.accuracy },
  intents_by_gold_label: intents,
}
console.log(process.argv.includes('--json') ? JSON.stringify(out, null, 2) : out)

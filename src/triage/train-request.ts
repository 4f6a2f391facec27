// The request model: is this message asking for something (a question or a service request) or
// stating something? Positives are Bitext's synthetic support requests (intents.csv, every intent,
// "where do I file a complaint" included: it asks; every other one prefixed with an @mention, as
// posts to a brand are) and the non-complaint tweets of complaints.csv that contain "?" (real
// questions to brands, weight 3); negatives are complaints (with or without "?": rhetorical
// questions stay statements), the other non-complaint tweets, and general tweets without "?"
// (SemEval train split). Without the tweet questions the model learns Bitext's style, not asking.
//
// Held-out check (printed by `earshot train --task intent`): a fold model trained without five
// Bitext categories, the complaints.csv domains the sentiment model never saw, and the SemEval test
// split; request recall on the held-out categories, statement rate on the held-out tweets, AUC.
import type { LabeledText } from './data.ts'
import { rocAuc } from './metrics.ts'
import { balancedClassWeights, calibrateTemperature, compact, predictProbs, quantized, trainSoftmax, type Example, type LinearModel } from './model.ts'
import { featurize, newSparseVec, type FeatureConfig } from './text.ts'

export const REQUEST_CLASSES = ['statement', 'request']
/** Bitext categories the fold model never sees (their rows are the held-out requests). */
export const REQUEST_HELDOUT_CATEGORIES = ['CANCELLATION_FEE', 'DELIVERY', 'ORDER', 'REFUNDS', 'SHIPPING']
/** complaints.csv domains held out of the fold model (the same ones the sentiment model never sees). */
export const REQUEST_HELDOUT_DOMAINS = ['cars', 'other', 'services', 'transport']
/** Every n-th SemEval train row is a negative (keeps the classes near 1:1 and training short). */
export const REQUEST_TWEET_STRIDE = 3
export const REQUEST_EPOCHS = 4
/** Weight of each complaints.csv non-complaint tweet with a "?" (few, but real posts to brands). */
export const REQUEST_TWEET_QUESTION_WEIGHT = 3

export interface RequestData {
  intents: Array<{ text: string; intent: string; category: string }>
  complaints: LabeledText[]
  tweets: LabeledText[]
}

export interface RequestSettings { features: FeatureConfig; lr: number; l2: number; seed: number; log: (line: string) => void }

export interface RequestResult { model: LinearModel; report: Record<string, unknown>; fold: LinearModel }

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4

function examples(texts: string[], y: number, cfg: FeatureConfig): Example[] {
  const buf = newSparseVec()
  return texts.map((t) => ({ x: compact(featurize(t, cfg, buf)), y }))
}

const heldDomain = (d: string | undefined): boolean => REQUEST_HELDOUT_DOMAINS.includes(d ?? '') || (d ?? '').startsWith('random')

function fit(data: Example[], s: RequestSettings): LinearModel {
  return trainSoftmax('request', REQUEST_CLASSES, s.features, data, {
    epochs: REQUEST_EPOCHS, lr: s.lr, l2: s.l2, seed: s.seed, classWeights: balancedClassWeights(data.map((e) => e.y), 2),
  })
}

const asksInTweet = (r: LabeledText): boolean => r.label === 'not_complaint' && r.text.includes('?')

function splitData(d: RequestData, cfg: FeatureConfig, held: boolean): { pos: Example[]; neg: Example[] } {
  const reqs = d.intents.filter((r) => REQUEST_HELDOUT_CATEGORIES.includes(r.category) === held)
  const comp = d.complaints.filter((r) => heldDomain(r.domain) === held)
  const tweets = held ? [] : d.tweets.filter((r, i) => r.split === 'train' && i % REQUEST_TWEET_STRIDE === 0 && !r.text.includes('?'))
  const pos = [
    ...examples(reqs.map((r, i) => (i % 2 === 0 ? '@brand ' + r.text : r.text)), 1, cfg),
    ...examples(comp.filter(asksInTweet).map((r) => r.text), 1, cfg).map((e) => ({ ...e, w: REQUEST_TWEET_QUESTION_WEIGHT })),
  ]
  const neg = [...examples(comp.filter((r) => !asksInTweet(r)).map((r) => r.text), 0, cfg), ...examples(tweets.map((r) => r.text), 0, cfg)]
  return { pos, neg }
}

export function trainRequestModel(d: RequestData, s: RequestSettings): RequestResult {
  const cfg = s.features
  const fIn = splitData(d, cfg, false)
  s.log(`request: fold model on ${fIn.pos.length} requests (Bitext without ${REQUEST_HELDOUT_CATEGORIES.join(', ')}, + tweet questions) vs ${fIn.neg.length} statements…`)
  const valTweets = d.tweets.filter((r) => (r.split === 'validation' || r.split === 'val') && !r.text.includes('?'))
  const calibOf = (pos: Example[]): Example[] => [...examples(valTweets.map((r) => r.text), 0, cfg), ...pos.filter((_, i) => i % 10 === 0)]
  const fold = fit([...fIn.pos, ...fIn.neg], s)
  // temperature: SemEval validation tweets + every 10th training request (only the temperature is fitted there)
  fold.temperature = calibrateTemperature(fold, calibOf(fIn.pos))
  const foldQ = quantized(fold)
  const z = new Float64Array(2)
  const p = (t: string): number => predictProbs(foldQ, featurize(t, cfg), z)[1]!
  const heldReq = d.intents.filter((r) => REQUEST_HELDOUT_CATEGORIES.includes(r.category)).map((r) => p(r.text))
  const heldComp = d.complaints.filter((r) => heldDomain(r.domain))
  const tq = heldComp.filter(asksInTweet).map((r) => p(r.text))
  const cq = heldComp.filter((r) => r.label === 'complaint' && r.text.includes('?')).map((r) => p(r.text))
  const cs = heldComp.filter((r) => !r.text.includes('?')).map((r) => p(r.text))
  const semeval = d.tweets.filter((r) => r.split === 'test').map((r) => ({ q: r.text.includes('?'), p: p(r.text) }))
  const rate = (xs: number[]): number => round4(xs.filter((x) => x >= 0.5).length / Math.max(1, xs.length))
  const gold = [...heldReq.map(() => true), ...tq.map(() => true), ...cq.map(() => false), ...cs.map(() => false)]
  const scores = [...heldReq, ...tq, ...cq, ...cs]
  const report = {
    heldout: {
      note: `fold model without Bitext categories ${REQUEST_HELDOUT_CATEGORIES.join('/')} and complaints.csv domains ${REQUEST_HELDOUT_DOMAINS.join('/')}/random_*; SemEval test split never used`,
      called_request: {
        bitext_heldout_categories: rate(heldReq), tweet_questions_heldout_domains: rate(tq), complaints_with_question_mark_heldout_domains: rate(cq),
        tweets_without_question_mark_heldout_domains: rate(cs), semeval_test_with_question_mark: rate(semeval.filter((x) => x.q).map((x) => x.p)),
        semeval_test_without_question_mark: rate(semeval.filter((x) => !x.q).map((x) => x.p)),
      },
      n: { bitext: heldReq.length, tweet_questions: tq.length, complaints_with_q: cq.length, tweets_without_q: cs.length },
      auc_requests_vs_complaints_and_statements: round4(rocAuc(gold, scores)),
      auc_tweet_questions_vs_complaints_with_q: round4(rocAuc([...tq.map(() => true), ...cq.map(() => false)], [...tq, ...cq])),
    },
  }
  s.log(`  held out, share called request: ${JSON.stringify(report.heldout.called_request)} (n ${JSON.stringify(report.heldout.n)}); AUC ${report.heldout.auc_requests_vs_complaints_and_statements}, tweet questions vs complaints with "?" AUC ${report.heldout.auc_tweet_questions_vs_complaints_with_q}`)
  s.log('  training the shipped request model on every category and domain…')
  const fOut = splitData(d, cfg, true)
  const pos = [...fIn.pos, ...fOut.pos]
  const model = fit([...pos, ...fIn.neg, ...fOut.neg], s)
  model.temperature = calibrateTemperature(model, calibOf(pos))
  model.meta = { ...model.meta, trainedOn: `intents.csv (all, as request) + complaints.csv non-complaints with "?" (weight ${REQUEST_TWEET_QUESTION_WEIGHT}) vs other complaints.csv rows + sentiment_tweets.csv train rows without "?" (every ${REQUEST_TWEET_STRIDE}rd)`, seed: s.seed, epochs: REQUEST_EPOCHS }
  return { model: quantized(model), report, fold: foldQ }
}

/**
 * A request model on every Bitext row and the complaints.csv rows whose domain passes `keepDomain`
 * (for leave-one-domain-out checks of the whole intent combination: scripts/intent-lodo.ts).
 */
export function fitRequestModelWithout(d: RequestData, s: RequestSettings, keepDomain: (domain: string) => boolean): LinearModel {
  const cfg = s.features
  const kept: RequestData = { ...d, complaints: d.complaints.filter((r) => keepDomain(r.domain ?? '')) }
  const a = splitData(kept, cfg, false)
  const b = splitData(kept, cfg, true)
  const pos = [...a.pos, ...b.pos]
  const m = fit([...pos, ...a.neg, ...b.neg], s)
  const valTweets = d.tweets.filter((r) => (r.split === 'validation' || r.split === 'val') && !r.text.includes('?'))
  m.temperature = calibrateTemperature(m, [...examples(valTweets.map((r) => r.text), 0, cfg), ...pos.filter((_, i) => i % 10 === 0)])
  return quantized(m)
}

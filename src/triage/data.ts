// Loading the shared training CSVs (never copied into the repository).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseCsvTable } from './csv.ts'

export interface LabeledText { text: string; label: string; split?: string; domain?: string }

export function readCsvRecords(file: string): Record<string, string>[] {
  return parseCsvTable(readFileSync(file, 'utf8')).records
}

export function loadSentimentTweets(dataDir: string): LabeledText[] {
  return readCsvRecords(join(dataDir, 'sentiment_tweets.csv')).map((r) => ({ text: r.text ?? '', label: r.label ?? '', split: r.split ?? '' }))
}

export function loadComplaints(dataDir: string): LabeledText[] {
  return readCsvRecords(join(dataDir, 'complaints.csv')).map((r) => ({ text: r.text ?? '', label: r.label ?? '', domain: r.domain ?? '' }))
}

export function loadIntents(dataDir: string): Array<{ text: string; intent: string; category: string }> {
  return readCsvRecords(join(dataDir, 'intents.csv')).map((r) => ({ text: r.text ?? '', intent: r.intent ?? '', category: r.category ?? '' }))
}

export function loadSentimentMultilingual(dataDir: string): LabeledText[] {
  return readCsvRecords(join(dataDir, 'sentiment_multilingual.csv')).map((r) => ({ text: r.text ?? '', label: r.label ?? '', split: r.split ?? '', domain: r.language ?? '' }))
}

/**
 * Customer tweets of twcs_sample.csv with sentiment labels made for this project
 * (`labels/twcs-sentiment.csv`: tweet_id, label, group — no text, the text stays in the shared file).
 * `group` is the industry of the brand the customer wrote to (travel, telfin, retail, tech, other);
 * `label` is negative / neutral / positive, or `skip` for tweets the annotators could not label
 * (not English, no content). Rows whose tweet is not in the twcs file are dropped.
 */
export interface CustomerLabel { tweetId: string; label: string; group: string }

export const CUSTOMER_LABELS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'labels', 'twcs-sentiment.csv')

export function readCustomerLabels(file = CUSTOMER_LABELS_FILE): CustomerLabel[] {
  return readCsvRecords(file).map((r) => ({ tweetId: r.tweet_id ?? '', label: r.label ?? '', group: r.group ?? '' }))
}

export interface CustomerTweets {
  /** labelled rows (skips left out); `domain` = the brand's industry group */
  labelled: LabeledText[]
  /** inbound customer tweets with their group ('' when unlabelled) and label ('' when unlabelled) */
  inbound: Array<{ text: string; group: string; label: string }>
}

export function loadCustomerTweets(dataDir: string, labelsFile = CUSTOMER_LABELS_FILE): CustomerTweets {
  const byId = new Map(readCustomerLabels(labelsFile).map((l) => [l.tweetId, l]))
  const inbound = readCsvRecords(join(dataDir, 'twcs_sample.csv'))
    .filter((r) => r.inbound === 'True')
    .map((r) => { const l = byId.get(r.tweet_id ?? ''); return { text: r.text ?? '', group: l?.group ?? '', label: l?.label ?? '' } })
  const labelled = inbound.filter((t) => t.label === 'negative' || t.label === 'neutral' || t.label === 'positive')
    .map((t) => ({ text: t.text, label: t.label, split: 'train', domain: t.group }))
  return { labelled, inbound }
}

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
  /** labelled rows (split train); `domain` = the brand's industry group */
  labelled: LabeledText[]
  /** the other inbound tweets (`skip`, or no label row: group '') for self-training */
  unlabelled: Array<{ text: string; group: string }>
}

export function loadCustomerTweets(dataDir: string, labelsFile = CUSTOMER_LABELS_FILE): CustomerTweets {
  const byId = new Map(readCustomerLabels(labelsFile).map((l) => [l.tweetId, l]))
  const out: CustomerTweets = { labelled: [], unlabelled: [] }
  for (const r of readCsvRecords(join(dataDir, 'twcs_sample.csv'))) {
    if (r.inbound !== 'True') continue
    const text = r.text ?? ''
    const l = byId.get(r.tweet_id ?? '')
    if (l && (l.label === 'negative' || l.label === 'neutral' || l.label === 'positive')) out.labelled.push({ text, label: l.label, split: 'train', domain: l.group })
    else out.unlabelled.push({ text, group: l?.group ?? '' })
  }
  return out
}

// Loading the shared training CSVs (never copied into the repository).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
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

export function loadTwcs(dataDir: string): Array<{ text: string; inbound: boolean; author: string }> {
  return readCsvRecords(join(dataDir, 'twcs_sample.csv')).map((r) => ({ text: r.text ?? '', inbound: r.inbound === 'True', author: r.author_id ?? '' }))
}

export function loadSentimentMultilingual(dataDir: string): LabeledText[] {
  return readCsvRecords(join(dataDir, 'sentiment_multilingual.csv')).map((r) => ({ text: r.text ?? '', label: r.label ?? '', split: r.split ?? '', domain: r.language ?? '' }))
}

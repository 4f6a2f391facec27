import { describe, expect, it } from 'vitest'
import { hasSharedData, sharedDataDir, warnIfNoShared } from '../testing/shared.ts'
import { loadComplaints, loadSentimentTweets } from './data.ts'
import { readEvalCsv } from './eval.ts'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

warnIfNoShared()

describe.skipIf(!hasSharedData)('shared training data', () => {
  it('parses sentiment_tweets.csv with its documented split sizes', () => {
    const rows = loadSentimentTweets(sharedDataDir)
    expect(rows.length).toBe(61_834)
    expect(rows.filter((r) => r.split === 'train').length).toBe(47_550)
    expect(rows.filter((r) => r.split === 'validation').length).toBe(2_000)
    expect(new Set(rows.map((r) => r.label))).toEqual(new Set(['negative', 'neutral', 'positive']))
  })
  it('parses complaints.csv (quoted newlines) with 11 domains', () => {
    const rows = loadComplaints(sharedDataDir)
    expect(rows.length).toBe(3_449)
    expect(new Set(rows.map((r) => r.domain)).size).toBe(11)
  })
  it('eval reads complaints.csv as the complaint task and refuses it as intent', () => {
    const content = readFileSync(join(sharedDataDir, 'complaints.csv'), 'utf8')
    expect(readEvalCsv('complaint', content).rows.length).toBe(3_449)
    expect(() => readEvalCsv('intent', content)).toThrow(/Known labels: complaint, question, praise, idea, spam, other/)
  })
})

import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasSharedData, sharedDataDir, warnIfNoShared } from '../testing/shared.ts'
import { loadCustomerTweets, readCustomerLabels } from './data.ts'

warnIfNoShared()

describe('customer tweet labels (labels/twcs-sentiment.csv)', () => {
  const labels = readCustomerLabels()
  it('holds one well-formed row per tweet id, no text', () => {
    expect(labels.length).toBe(2_827)
    expect(new Set(labels.map((l) => l.tweetId)).size).toBe(labels.length)
    for (const l of labels) {
      expect(l.tweetId).toMatch(/^\d+$/)
      expect(['negative', 'neutral', 'positive', 'skip']).toContain(l.label)
      expect(['travel', 'telfin', 'retail', 'tech', 'other']).toContain(l.group)
    }
  })
  it('joins labels to texts by tweet id and leaves skips and unknown ids out of the labelled rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-labels-'))
    writeFileSync(join(dir, 'twcs_sample.csv'), 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n' +
      '1,115712,True,x,"@sprintcare my bill doubled, again",2,\n2,sprintcare,False,x,"Sorry to hear that",,1\n' +
      '3,115713,True,x,"@sprintcare merci",,\n4,115714,True,x,"@Delta lovely crew today",,\n')
    const lf = join(dir, 'labels.csv')
    writeFileSync(lf, 'tweet_id,label,group\n1,negative,telfin\n3,skip,telfin\n99,positive,travel\n')
    const c = loadCustomerTweets(dir, lf)
    expect(c.labelled).toEqual([{ text: '@sprintcare my bill doubled, again', label: 'negative', split: 'train', domain: 'telfin' }])
    expect(c.unlabelled).toEqual([{ text: '@sprintcare merci', group: 'telfin' }, { text: '@Delta lovely crew today', group: '' }])
  })
})

describe.skipIf(!hasSharedData)('customer tweet labels against the shared twcs_sample.csv', () => {
  it('every labelled id is an inbound tweet of the shared file', () => {
    const c = loadCustomerTweets(sharedDataDir)
    expect(c.labelled.length + c.unlabelled.length).toBe(2_827)
    expect(c.unlabelled.every((t) => t.group !== '')).toBe(true) // every inbound tweet has a label row: the rest are skips
    expect(c.labelled.length).toBe(2_827 - 114)
  })
})

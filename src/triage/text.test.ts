import { describe, expect, it } from 'vitest'
import { DEFAULT_FEATURES, featurize, normalizeText, tokenize } from './text.ts'

describe('normalizeText', () => {
  it.each([
    ['@Delta my bag is lost', '@user my bag is lost'],
    ['thanks @united_air and @AA!', 'thanks @user and @user!'],
    ['email me at bob@example.com', 'email me at bob@example.com'],
    ['see https://t.co/abc123 now', 'see  http  now'],
    ['sooooo gooood', 'soo good'],
    ['LOVE it', 'love it'],
  ])('%s → %s', (input, want) => {
    expect(normalizeText(input).norm).toBe(want)
  })
  it('flags elongation and shouting', () => {
    expect(normalizeText('nooooo').elongated).toBe(true)
    expect(normalizeText('no').elongated).toBe(false)
    expect(normalizeText('this is NOT OK at ALL').caps).toBe(2)
  })
})

describe('tokenize', () => {
  it.each([
    // negation scope runs until punctuation
    ['not good, great', ['not', 'neg_good', 'great']],
    ["I don't like it. love it", ['i', 'nt', 'neg_like', 'neg_it', 'love', 'it']],
    ['never again!!!', ['never', 'neg_again', '!!']],
    ['can\'t wait', ['cant', 'neg_wait']],
    // hashtags keep the tag and the bare word; mentions normalised
    ['@Delta #fail', ['@user', '#fail', 'fail']],
    // emoticons and emoji
    ['great flight :) ', ['great', 'flight', 'emopos']],
    ['delayed again :(', ['delayed', 'again', 'emoneg']],
    ['love it 😍', ['love', 'it', '😍']],
    ['is it open?', ['is', 'it', 'open', '?']],
  ])('%s', (input, want) => {
    expect(tokenize(input).words).toEqual(want)
  })
  it('adds cues for elongation, #sarcasm and questions', () => {
    expect(tokenize('soooo happy #sarcasm').cues).toEqual(expect.arrayContaining(['cue_elong', 'cue_hash_sarcasm']))
    expect(tokenize('where is my bag?').cues).toContain('cue_ends_q')
  })
  it('flips lexicon polarity inside a negation scope', () => {
    const pos = tokenize('good').lex
    const neg = tokenize('not good').lex
    expect(pos[0]).toBeGreaterThan(0)
    expect(neg[0]).toBeLessThan(0)
  })
})

describe('featurize', () => {
  it('is deterministic and in range', () => {
    const a = featurize('Hello @bob, this is sooo bad :(')
    const b = featurize('Hello @alice, this is soooooo bad :(')
    expect(Array.from(a.idx.slice(0, a.n))).toEqual(Array.from(b.idx.slice(0, b.n)))
    for (let i = 0; i < a.n; i++) {
      expect(a.idx[i]).toBeGreaterThanOrEqual(0)
      expect(a.idx[i]).toBeLessThan(1 << DEFAULT_FEATURES.bits)
      expect(Number.isFinite(a.val[i])).toBe(true)
    }
  })
  it('handles empty and huge input', () => {
    expect(featurize('').n).toBeGreaterThan(0)
    expect(featurize('x'.repeat(100_000)).n).toBeLessThanOrEqual(4096)
  })
})

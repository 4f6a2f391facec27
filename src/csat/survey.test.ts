import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { channels } from '../channels/index.ts'
import { escapeHtml, problemPage, surveyPage, thanksPage } from './page.ts'
import { hashSurveyToken, newSurveyToken, planSurvey, summarise, surveyText, surveyTokenPattern, type ChannelAbility } from './survey.ts'

const abilityOf = (name: keyof typeof channels): ChannelAbility | null => {
  const c = channels[name]
  return c.send === undefined ? null : { label: c.label, actions: c.send.actions, replyLengthMax: c.replyLengthMax }
}
const off = { channels: [], publicConversations: false }
const on = { channels: [], publicConversations: true }

describe('planSurvey (from the channels\' real capabilities)', () => {
  it.each([
    ['email', true, off, { ok: true, action: 'reply', visibility: 'private' }],
    ['webchat', true, off, { ok: true, action: 'reply', visibility: 'private' }],
    ['x-twitter', true, off, { ok: true, action: 'reply', visibility: 'private' }],
    ['facebook', true, off, { ok: true, action: 'reply', visibility: 'private' }],
    ['x-twitter', false, on, { ok: true, action: 'dm', visibility: 'private' }],
    ['bluesky', false, on, { ok: true, action: 'reply', visibility: 'public' }],
  ] as const)('%s (private %s)', (channel, isPrivate, settings, plan) => {
    expect(planSurvey({ channel, private: isPrivate }, settings, abilityOf(channel))).toEqual(plan)
  })

  it('skips public conversations unless the setting says so, read-only channels, and channels not chosen', () => {
    for (const channel of ['x-twitter', 'bluesky', 'reddit', 'mastodon'] as const) {
      expect(planSurvey({ channel, private: false }, off, abilityOf(channel))).toMatchObject({ ok: false, reason: expect.stringContaining('public conversation') })
    }
    expect(planSurvey({ channel: 'rss-atom', private: false }, on, abilityOf('rss-atom'))).toMatchObject({ ok: false, reason: expect.stringContaining('cannot send') })
    expect(planSurvey({ channel: 'email', private: true }, { channels: ['webchat'], publicConversations: false }, abilityOf('email'))).toMatchObject({ ok: false, reason: expect.stringContaining('not among') })
  })
})

describe('surveyText', () => {
  it('puts the link in place of {link}, or after the message', () => {
    expect(surveyText('Rate us: {link} thanks', 'https://e.x/csat/t')).toBe('Rate us: https://e.x/csat/t thanks')
    expect(surveyText('  How did we do?  ', 'https://e.x/csat/t')).toBe('How did we do? https://e.x/csat/t')
  })
})

describe('survey tokens', () => {
  it('are random, 256-bit, URL-safe, and only their hash is kept', () => {
    const a = newSurveyToken()
    const b = newSurveyToken()
    expect(a).not.toBe(b)
    expect(a).toMatch(surveyTokenPattern)
    expect(hashSurveyToken(a)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashSurveyToken(a)).not.toBe(hashSurveyToken(b))
  })
})

describe('summarise', () => {
  it('counts, averages and gives the share of 4 and 5', () => {
    expect(summarise({ 1: 1, 2: 0, 3: 1, 4: 2, 5: 3 })).toEqual({ count: 7, average: 3.86, csatPercent: 71.4, distribution: { 1: 1, 2: 0, 3: 1, 4: 2, 5: 3 } })
    expect(summarise({ 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 })).toMatchObject({ count: 0, average: null, csatPercent: null })
  })

  it('stays within bounds', () => {
    const n = fc.integer({ min: 0, max: 1000 })
    fc.assert(fc.property(n, n, n, n, n, (a, b, c, d, e) => {
      const s = summarise({ 1: a, 2: b, 3: c, 4: d, 5: e })
      expect(s.count).toBe(a + b + c + d + e)
      if (s.count > 0) {
        expect(s.average!).toBeGreaterThanOrEqual(1)
        expect(s.average!).toBeLessThanOrEqual(5)
        expect(s.csatPercent!).toBeGreaterThanOrEqual(0)
        expect(s.csatPercent!).toBeLessThanOrEqual(100)
      }
    }))
  })
})

describe('survey pages', () => {
  it('escape everything they show', () => {
    const brand = '<script>alert("x")</script> & \'co\''
    for (const html of [surveyPage(brand, 'tok'), thanksPage(brand, 4), problemPage(brand, brand)]) {
      expect(html).not.toContain('<script>')
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;')
    }
    expect(surveyPage('Northwind', 'abc').match(/name="score" value="[1-5]"/g)).toHaveLength(5)
    fc.assert(fc.property(fc.string(), (s) => {
      expect(escapeHtml(s)).not.toMatch(/[<>"']/)
    }))
  })
})

import { describe, expect, it } from 'vitest'
import { dateFromV1, dmConversationId, isXId, langsOf, snowflakeDate, tweetUrl } from './ids.ts'

describe('X ids', () => {
  it('accepts only digit strings as ids', () => {
    expect(isXId('1377650093109743620')).toBe(true)
    expect(isXId('')).toBe(false)
    expect(isXId('12a')).toBe(false)
    expect(isXId('1'.repeat(21))).toBe(false)
    expect(isXId(null)).toBe(false)
  })

  it('reads the time inside a snowflake id and refuses pre-snowflake ids', () => {
    expect(snowflakeDate('1377650093109743620')).toEqual(new Date(1_617_292_352_355))
    expect(snowflakeDate('20')).toBeNull()
    expect(snowflakeDate('x')).toBeNull()
  })

  it('parses v1.1 created_at with its offset', () => {
    expect(dateFromV1('Wed Dec 23 17:12:08 +0000 2020')).toEqual(new Date('2020-12-23T17:12:08Z'))
    expect(dateFromV1('Wed Dec 23 17:12:08 -0130 2020')).toEqual(new Date('2020-12-23T18:42:08Z'))
    expect(dateFromV1('2020-12-23')).toBeNull()
    expect(dateFromV1('Wed Foo 23 17:12:08 +0000 2020')).toBeNull()
    expect(dateFromV1(null)).toBeNull()
  })

  it('orders a 1:1 DM conversation key numerically, as X does', () => {
    expect(dmConversationId('1072250532645998596', '750362064426721281')).toBe('750362064426721281-1072250532645998596')
    expect(dmConversationId('750362064426721281', '1072250532645998596')).toBe('750362064426721281-1072250532645998596')
    expect(dmConversationId('20', '19')).toBe('19-20')
  })

  it('builds status urls only from safe usernames', () => {
    expect(tweetUrl('1', 'Acme_Help')).toBe('https://x.com/Acme_Help/status/1')
    expect(tweetUrl('1', '../evil')).toBe('https://x.com/i/web/status/1')
    expect(tweetUrl('1', null)).toBe('https://x.com/i/web/status/1')
  })

  it('drops X lang codes that are not languages', () => {
    expect(langsOf('en')).toEqual(['en'])
    expect(langsOf('zh-tw')).toEqual(['zh-tw'])
    for (const code of ['und', 'zxx', 'qme', 'qst', 'qht', '', null]) expect(langsOf(code)).toEqual([])
  })
})

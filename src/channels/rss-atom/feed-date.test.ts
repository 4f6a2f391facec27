import { describe, expect, it } from 'vitest'
import { parseFeedDate } from './feed-date.ts'

describe('parseFeedDate', () => {
  it.each([
    ['Wed, 6 Apr 2022 21:07:47 +0000', '2022-04-06T21:07:47.000Z'],
    ['Sat, 07 Sep 2002 09:42:31 GMT', '2002-09-07T09:42:31.000Z'],
    ['Mon, 29 Dec 2008 07:51:19 -0800', '2008-12-29T15:51:19.000Z'],
    ['29 Dec 2008 07:51 EST', '2008-12-29T12:51:00.000Z'],
    ['Tue, 03 Jun 08 09:39:21 PDT', '2008-06-03T16:39:21.000Z'],
    ['Thursday, 04 December 2008 17:17:49 +01:00', '2008-12-04T16:17:49.000Z'],
    ['Thu, 04 Dec 2008 17:17:49 A', '2008-12-04T17:17:49.000Z'],
    ['2013-02-23T18:33:07-08:00', '2013-02-24T02:33:07.000Z'],
    ['2013-01-30T10:12:03Z', '2013-01-30T10:12:03.000Z'],
    ['  2013-01-30T10:12:03.5+01:00 ', '2013-01-30T09:12:03.500Z'],
    ['2013-01-30', '2013-01-30T00:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseFeedDate(text)?.toISOString()).toBe(iso)
  })

  it.each([[null], [''], ['yesterday'], ['Wed, 6 Foo 2022 21:07:47 +0000'], ['Wed, 6 Apr 2022 25:07:47 +0000'], ['2013-13-45T99:99:99Z'], ['1234']])(
    'rejects %s',
    (text) => {
      expect(parseFeedDate(text)).toBeNull()
    },
  )
})

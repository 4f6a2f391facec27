// X ids, dates and links. Ids exceed 2^53, so they stay strings; BigInt is only used to read the
// timestamp inside a snowflake id.
import { dateFromMs } from '../wire.ts'

const idPattern = /^\d{1,20}$/
const usernamePattern = /^[A-Za-z0-9_]{1,50}$/
const twitterEpochMs = 1_288_834_974_657n
/** Ids below this predate snowflake ids (Nov 2010) and carry no timestamp. */
const snowflakeIdMin = 300_000_000_000_000n

export function isXId(value: string | null): value is string {
  return value !== null && idPattern.test(value)
}

/** The creation time encoded in a snowflake id: (id >> 22) + X epoch. */
export function snowflakeDate(id: string): Date | null {
  if (!idPattern.test(id)) return null
  const value = BigInt(id)
  if (value < snowflakeIdMin) return null
  return dateFromMs(Number((value >> 22n) + twitterEpochMs))
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** v1.1 `created_at`: "Wed Dec 23 17:12:08 +0000 2020". */
export function dateFromV1(text: string | null): Date | null {
  const match = /^[A-Za-z]{3} ([A-Za-z]{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/.exec(text ?? '')
  if (match === null) return null
  const [, mon, day, hh, mm, ss, sign, zh, zm, year] = match
  const month = months.indexOf(mon ?? '')
  if (month < 0) return null
  const offsetMin = (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm))
  const utc = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss))
  return dateFromMs(utc - offsetMin * 60_000)
}

export function tweetUrl(id: string, username: string | null): string {
  return username !== null && usernamePattern.test(username)
    ? `https://x.com/${username}/status/${id}`
    : `https://x.com/i/web/status/${id}`
}

/** X's own 1:1 DM conversation key: both user ids, smaller first ("750362064426721281-1072250532645998596"). */
export function dmConversationId(userA: string, userB: string): string {
  const aFirst = userA.length < userB.length || (userA.length === userB.length && userA <= userB)
  return aFirst ? `${userA}-${userB}` : `${userB}-${userA}`
}

/** X sends `lang` codes that are not languages: und(etermined), zxx (no text), q** (hashtags only, media …). */
export function langsOf(lang: string | null): string[] {
  if (lang === null || lang === '' || lang.length > 35) return []
  return /^(und|zxx|q[a-z]{2})$/.test(lang) ? [] : [lang]
}

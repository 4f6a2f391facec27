// Feed dates: RSS uses RFC 822 ("Wed, 6 Apr 2022 21:07:47 +0000"), Atom and dc:date RFC 3339.
// Feeds mix them up, so both forms are tried for every date element.
import { dateFromIso, dateFromMs } from '../wire.ts'

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const zoneOffsetsMin: ReadonlyMap<string, number> = new Map([
  ['UT', 0], ['UTC', 0], ['GMT', 0], ['Z', 0],
  ['EST', -300], ['EDT', -240], ['CST', -360], ['CDT', -300],
  ['MST', -420], ['MDT', -360], ['PST', -480], ['PDT', -420],
])
const rfc822 =
  /^(?:[A-Za-z]{2,9},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{4}|\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([+-])(\d{2}):?(\d{2})|([A-Za-z]{1,5}))?$/

export function parseFeedDate(text: string | null): Date | null {
  if (text === null) return null
  const trimmed = text.trim()
  return dateFromIso(trimmed) ?? dateFromRfc822(trimmed)
}

export function dateFromRfc822(text: string): Date | null {
  const m = rfc822.exec(text)
  if (m === null) return null
  const [, day, mon, yearText, hh, mm, ss, sign, zh, zm, zone] = m
  const month = months.indexOf((mon ?? '').toLowerCase())
  const year = Number(yearText)
  const fullYear = (yearText ?? '').length === 2 ? (year < 50 ? 2000 + year : 1900 + year) : year
  if (month < 0 || Number(day) > 31 || Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 60) return null
  // RFC 2822 says unknown (e.g. military) zones mean "no information": read them as UTC.
  const offsetMin = sign !== undefined
    ? (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm))
    : zoneOffsetsMin.get((zone ?? 'UTC').toUpperCase()) ?? 0
  const utc = Date.UTC(fullYear, month, Number(day), Number(hh), Number(mm), Number(ss ?? 0))
  return dateFromMs(utc - offsetMin * 60_000)
}

// Google Business Profile review names, ids, star ratings and times.
import { dateFromIso } from '../wire.ts'

const reviewNamePattern = /^accounts\/[A-Za-z0-9_-]{1,100}\/locations\/[A-Za-z0-9_-]{1,100}\/reviews\/[A-Za-z0-9_.~-]{1,512}$/
const locationNamePattern = /^accounts\/[A-Za-z0-9_-]{1,100}\/locations\/[A-Za-z0-9_-]{1,100}$/
const reviewIdPattern = /^[A-Za-z0-9_.~-]{1,512}$/

/** Suffix of the brand reply's externalId: `<reviewId>:reply`. */
export const replySuffix = ':reply'

export const starsByRating: Readonly<Record<string, number>> = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 }

export function isReviewName(value: string | null): value is string {
  return value !== null && reviewNamePattern.test(value)
}

export function isLocationName(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && locationNamePattern.test(value)
}

export function isReviewId(value: string | null): value is string {
  return value !== null && reviewIdPattern.test(value)
}

/** `accounts/1/locations/2/reviews/abc` → `accounts/1/locations/2`. */
export function locationOfReview(name: string): string {
  return name.slice(0, name.lastIndexOf('/reviews/'))
}

/**
 * A sortable key of an RFC 3339 time keeping all nine fraction digits (Date keeps only ms, and
 * Google sends µs/ns): compares as a string. Null when the text is not a time.
 */
export function timeKey(text: string | null): string | null {
  const date = dateFromIso(text)
  if (date === null || text === null) return null
  const fraction = /T\d{2}:\d{2}:\d{2}\.(\d{1,9})/i.exec(text)?.[1] ?? ''
  return `${date.toISOString().slice(0, 19)}.${fraction.padEnd(9, '0')}`
}

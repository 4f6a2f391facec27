// Realistic-looking platform identifiers, derived from time and the seeded PRNG.
import type { Rng } from './prng.ts'

const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567' // RFC 4648, as used by did:plc and CIDv1 base32
const BASE32_SORT = '234567abcdefghijklmnopqrstuvwxyz' // atproto TID alphabet (sortable)

/** X/Twitter epoch (2010-11-04T01:42:54.657Z), the zero of snowflake timestamps. */
const X_EPOCH_MS = 1288834974657n

/**
 * A snowflake id string: 41 bits of ms since the X epoch, 10 bits of machine id, 12 bits of sequence.
 * 19 digits for any date after late 2016. Pass a per-stream counter as `sequence` to keep ids unique.
 */
export function snowflake(ms: number, machine: number, sequence: number): string {
  const t = BigInt(Math.max(0, Math.floor(ms))) - X_EPOCH_MS
  const value = ((t < 0n ? 0n : t) << 22n) | (BigInt(machine & 0x3ff) << 12n) | BigInt(sequence & 0xfff)
  return value.toString()
}

/** Milliseconds encoded in a snowflake id (inverse of {@link snowflake}). */
export function snowflakeMs(id: string): number {
  return Number((BigInt(id) >> 22n) + X_EPOCH_MS)
}

/**
 * atproto TID: 13 chars, base32-sortable, 53 bits of µs since the Unix epoch and 10 bits of clock id
 * (top bit zero, so the first char is one of 234567abcdefghij).
 */
export function tid(micros: number, clockId: number): string {
  let value = (BigInt(Math.floor(micros)) << 10n) | BigInt(clockId & 0x3ff)
  let out = ''
  for (let i = 0; i < 13; i++) {
    out = BASE32_SORT[Number(value & 31n)] + out
    value >>= 5n
  }
  return out
}

function randomChars(rng: Rng, alphabet: string, n: number): string {
  let out = ''
  for (let i = 0; i < n; i++) out += alphabet[rng.int(0, alphabet.length - 1)]
  return out
}

/** did:plc identifier: 24 lower-case base32 chars. */
export function didPlc(rng: Rng): string {
  return `did:plc:${randomChars(rng, BASE32_LOWER, 24)}`
}

/**
 * CIDv1 dag-cbor sha2-256 in base32 ("bafyrei" + 52 chars, 59 in all). The last char only carries
 * 3 bits of the hash, so it is one of a,e,i,m,q,u,y,3 like real CIDs.
 */
export function cidDagCbor(rng: Rng): string {
  return `bafyrei${randomChars(rng, BASE32_LOWER, 51)}${BASE32_LOWER[rng.int(0, 7) * 4]}`
}

/** A numeric X user id: old accounts have short ids, accounts made after 2015 have snowflakes. */
export function xUserId(rng: Rng, nowMs: number): string {
  if (rng.chance(0.35)) return String(rng.int(10_000_000, 3_999_999_999))
  const year = 365.25 * 24 * 3600 * 1000
  const created = Date.UTC(2015, 0, 1) + rng.next() * Math.max(year, nowMs - year / 4 - Date.UTC(2015, 0, 1))
  return snowflake(created, rng.int(0, 1023), rng.int(0, 4095))
}

/** Booking reference as airlines print them: 6 chars, no easily confused letters/digits. */
export function bookingRef(rng: Rng): string {
  return randomChars(rng, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 6)
}

/** Short random lower-case token (media keys, slugs …). */
export function token(rng: Rng, n: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
  return randomChars(rng, alphabet, n)
}

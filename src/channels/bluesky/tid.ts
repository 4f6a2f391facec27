// Record keys for the posts and likes we create. A post's rkey must be a TID (13 base32-sortable
// characters: 53 bits of µs timestamp + 10 bits of clock id). Ours is derived from the outbox
// idempotency key, so a retry of the same reply asks for the same rkey and the PDS refuses a
// second record instead of posting twice.
import { createHash } from 'node:crypto'

const base32Sortable = '234567abcdefghijklmnopqrstuvwxyz'
export const tidPattern = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/

/** Spread of derived timestamps after the anchor: 1000 s (≈30 bits), plus 10 bits of clock id. */
const anchorSpreadUs = 1_000_000_000
const timestampUsMax = 2 ** 53 - 1

export function tidFrom(timestampUs: number, clockId: number): string {
  let value = (BigInt(Math.min(Math.max(0, Math.floor(timestampUs)), timestampUsMax)) << 10n) | BigInt(clockId & 1023)
  let out = ''
  for (let i = 0; i < 13; i++) {
    out = base32Sortable[Number(value & 31n)] + out
    value >>= 5n
  }
  return out
}

/**
 * The rkey for the record an outbox row creates: stable for one idempotency key, distinct between
 * keys. The timestamp part sits just after `anchor` (the message answered), so it stays a
 * plausible TID rather than a random date centuries away.
 */
export function rkeyForIdempotencyKey(idempotencyKey: string, anchor: Date): string {
  const hash = createHash('sha256').update(idempotencyKey, 'utf8').digest()
  const anchorMs = Number.isNaN(anchor.getTime()) ? 0 : Math.max(0, anchor.getTime())
  const offsetUs = hash.readUIntBE(0, 6) % anchorSpreadUs
  return tidFrom(Math.floor(anchorMs) * 1000 + offsetUs, hash.readUInt16BE(6))
}

// Password hashing for agents who sign in to the web app: scrypt (node:crypto), salted, parameters in
// the stored string so they can be raised later without breaking old hashes.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const keyBytes = 32
const defaults = { N: 16_384, r: 8, p: 1 }
export const passwordLengthMin = 10
export const passwordLengthMax = 200

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyBytes, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err === null ? resolve(key) : reject(err)))
  })
}

/** `scrypt$N$r$p$<salt b64url>$<key b64url>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, defaults)
  return ['scrypt', defaults.N, defaults.r, defaults.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** False for a wrong password and for a stored value that is not one of our hashes (never throws on it). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20) return false
  const salt = Buffer.from(parts[4]!, 'base64url')
  const expected = Buffer.from(parts[5]!, 'base64url')
  if (expected.length !== keyBytes || password.length > passwordLengthMax) return false
  const key = await derive(password, salt, { N, r, p })
  return timingSafeEqual(key, expected)
}

/** Why a new password is refused, or null. Length is what matters (NIST 800-63B), not character classes. */
export function passwordProblem(password: string): string | null {
  if (password.length < passwordLengthMin) return `a password needs at least ${passwordLengthMin} characters`
  if (password.length > passwordLengthMax) return `a password has at most ${passwordLengthMax} characters`
  if (password.trim() === '') return 'a password cannot be only spaces'
  return null
}

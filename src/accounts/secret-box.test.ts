import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readOrCreateKeyFile, secretBoxFromKey, SecretBoxError } from './secret-box.ts'

describe('secret box', () => {
  it('round-trips any string secrets, and the sealed bytes do not contain them', () => {
    const box = secretBoxFromKey('k'.repeat(40))
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (secrets) => {
      expect(box.open(box.seal(secrets))).toEqual({ ...secrets })
    }))
    const sealed = box.seal({ accessToken: 'super-secret-token-123' })
    expect(sealed.toString('latin1')).not.toContain('super-secret-token-123')
  })

  it('refuses another key and altered bytes with a clear error', () => {
    const sealed = secretBoxFromKey('right key').seal({ a: 'b' })
    expect(() => secretBoxFromKey('wrong key').open(sealed)).toThrow(/EARSHOT_SECRET_KEY/)
    const altered = Buffer.from(sealed)
    altered.writeUInt8(altered.readUInt8(altered.length - 1) ^ 1, altered.length - 1)
    expect(() => secretBoxFromKey('right key').open(altered)).toThrow(SecretBoxError)
    expect(() => secretBoxFromKey('right key').open(Buffer.from([9, 9]))).toThrow(/format/)
  })

  it('creates a private key file once and reads the same key after', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'earshot-key-')), 'sub', 'secret.key')
    const first = readOrCreateKeyFile(path)
    expect(first).toHaveLength(32)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readOrCreateKeyFile(path).equals(first)).toBe(true)
  })
})

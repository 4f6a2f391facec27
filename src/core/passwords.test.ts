import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts'

describe('passwords', () => {
  it('verifies the password it hashed and refuses others', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false)
  })

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'))
  })

  it('says no, without throwing, to stored values that are not its hashes', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 80 }), async (stored) => {
      expect(await verifyPassword('whatever password', stored)).toBe(false)
    }), { numRuns: 200 })
    expect(await verifyPassword('x', 'scrypt$99999999$8$1$AAAA$AAAA')).toBe(false)
  })

  it('refuses short, huge and blank passwords with the reason', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/)
    expect(passwordProblem('x'.repeat(201))).toMatch(/at most 200/)
    expect(passwordProblem(' '.repeat(12))).toMatch(/only spaces/)
    expect(passwordProblem('a long enough passphrase')).toBeNull()
  })
})

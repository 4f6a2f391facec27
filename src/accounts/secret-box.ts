// Encrypts channel-account secrets at rest (AES-256-GCM). The key comes from EARSHOT_SECRET_KEY
// (any long random string; several servers sharing one database must share it) or, for a single
// server, from a key file created on first start in the data dir.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const formatVersion = 1
const ivBytes = 12
const tagBytes = 16

export interface SecretBox {
  seal(secrets: Readonly<Record<string, string>>): Buffer
  /** Throws SecretBoxError when the key is wrong or the bytes were altered. */
  open(sealed: Buffer): Record<string, string>
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SecretBoxError'
  }
}

export function secretBoxFromKey(key: string | Buffer): SecretBox {
  const aesKey = createHash('sha256').update(key).digest()
  return {
    seal(secrets) {
      const iv = randomBytes(ivBytes)
      const cipher = createCipheriv('aes-256-gcm', aesKey, iv)
      const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()])
      return Buffer.concat([Buffer.from([formatVersion]), iv, cipher.getAuthTag(), body])
    },
    open(sealed) {
      if (sealed.length < 1 + ivBytes + tagBytes || sealed[0] !== formatVersion) throw new SecretBoxError('sealed secrets have an unknown format')
      const iv = sealed.subarray(1, 1 + ivBytes)
      const tag = sealed.subarray(1 + ivBytes, 1 + ivBytes + tagBytes)
      const decipher = createDecipheriv('aes-256-gcm', aesKey, iv)
      decipher.setAuthTag(tag)
      let text: string
      try {
        text = Buffer.concat([decipher.update(sealed.subarray(1 + ivBytes + tagBytes)), decipher.final()]).toString('utf8')
      } catch {
        throw new SecretBoxError('cannot decrypt channel secrets: EARSHOT_SECRET_KEY differs from the key they were stored with')
      }
      const value: unknown = JSON.parse(text)
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SecretBoxError('sealed secrets are not an object')
      return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
    },
  }
}

/** The key file's contents, created (0600) with 32 random bytes when absent. */
export function readOrCreateKeyFile(path: string): Buffer {
  if (existsSync(path)) return readFileSync(path)
  mkdirSync(dirname(path), { recursive: true })
  const key = randomBytes(32)
  writeFileSync(path, key, { mode: 0o600, flag: 'wx' })
  chmodSync(path, 0o600)
  return key
}

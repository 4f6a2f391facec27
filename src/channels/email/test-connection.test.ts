import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SendContext } from '../types.ts'
import { startEmailFake, type EmailFake } from './fake.ts'
import { email } from './index.ts'

let fake: EmailFake

beforeEach(async () => {
  fake = await startEmailFake({ inbox: ['From: a@b.c\r\n\r\nhi\r\n'] })
})

afterEach(async () => {
  await fake.close()
})

function ctx(account = fake.account()): SendContext {
  return { account, fetch, signal: new AbortController().signal, now: () => new Date() }
}

describe('email testConnection', () => {
  it('logs in over IMAP and SMTP', async () => {
    expect(await email.testConnection?.(ctx())).toEqual({ ok: true, detail: 'support@shop.example: INBOX has 1 messages; SMTP login as support@shop.example works' })
  })

  it('reports a refused IMAP login', async () => {
    const result = await email.testConnection?.(ctx(fake.account({ secrets: { password: 'wrong' } })))
    expect(result?.ok).toBe(false)
    expect(result?.detail).toMatch(/^IMAP /)
  })

  it('reports a refused SMTP login', async () => {
    const result = await email.testConnection?.(ctx(fake.account({ secrets: { smtpPassword: 'wrong' } })))
    expect(result?.ok).toBe(false)
    expect(result?.detail).toMatch(/^SMTP /)
  })

  it('lists the settings and secrets the channel reads', () => {
    expect(email.accountFields?.secrets).toEqual(['password', 'smtpPassword'])
    expect(email.accountFields?.settings).toContain('sentMailbox')
  })
})

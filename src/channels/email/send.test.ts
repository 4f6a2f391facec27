import { simpleParser } from 'mailparser'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { NormalizedMessage } from '../../core/model.ts'
import type { OutboundRequest, OutboundTarget, SendContext } from '../types.ts'
import { startEmailFake, type EmailFake } from './fake.ts'
import { parseEmail } from './parse.ts'
import { createEmailSender, replyHeaders, replyMessageId, replySubject } from './send.ts'

const customerMail = [
  'From: Jane Doe <jane@customer.example>',
  'Reply-To: Jane Private <jane.private@customer.example>',
  'To: support@shop.example',
  'Subject: Re: Broken kettle',
  'Date: Tue, 4 Jun 2024 10:15:00 +0000',
  'Message-ID: <m3@customer.example>',
  'In-Reply-To: <m2@shop.example>',
  'References: <m1@customer.example> <m2@shop.example>',
  '',
  'Still broken.',
  '',
].join('\r\n')

function targetOf(eml: string): OutboundTarget {
  const result = parseEmail({ body: eml })
  if (!result.ok || result.messages.length !== 1) throw new Error('fixture does not parse')
  const m = result.messages[0] as NormalizedMessage
  return {
    externalId: m.externalId, parentExternalId: m.parentExternalId, threadExternalId: m.threadExternalId, visibility: m.visibility,
    authorExternalId: m.author?.externalUserId ?? null, authorHandle: m.author?.handle ?? null, raw: m.raw, createdAt: m.createdAt,
  }
}

function request(overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return { action: 'reply', text: 'Sorry about that — a new kettle is on its way.', idempotencyKey: 'outbox-42', target: targetOf(customerMail), ownExternalId: null, ...overrides }
}

// Short timeouts keep the hanging-server tests fast.
const sender = createEmailSender({ connectMs: 2_000, socketMs: 300 })

let fake: EmailFake
let ctx: SendContext

beforeEach(async () => {
  fake = await startEmailFake({ sentMailbox: 'Sent' })
  ctx = { account: fake.account(), fetch, signal: new AbortController().signal, now: () => new Date('2024-06-04T11:00:00Z') }
})

afterEach(async () => {
  await fake.close()
})

describe('email send', () => {
  it('replies to Reply-To with a threaded, idempotent Message-ID', async () => {
    const result = await sender.send(request(), ctx)
    expect(result).toEqual({
      ok: true, externalId: 'earshot.outbox-42@shop.example', url: null,
      raw: { messageId: 'earshot.outbox-42@shop.example', to: ['jane.private@customer.example'], subject: 'Re: Broken kettle' },
    })
    expect(fake.smtp.received).toHaveLength(1)
    const received = fake.smtp.received[0]
    expect(received?.from).toBe('support@shop.example')
    expect(received?.to).toEqual(['jane.private@customer.example'])
    const mail = await simpleParser(received?.raw ?? '')
    expect(mail.messageId).toBe('<earshot.outbox-42@shop.example>')
    expect(mail.inReplyTo).toBe('<m3@customer.example>')
    expect(mail.references).toEqual(['<m1@customer.example>', '<m2@shop.example>', '<m3@customer.example>'])
    expect(mail.subject).toBe('Re: Broken kettle')
    expect(mail.from?.value[0]).toEqual({ address: 'support@shop.example', name: 'Shop Support' })
    expect(mail.text?.trim()).toBe('Sorry about that — a new kettle is on its way.')
    // our reply parses back onto the customer's thread with the id send returned
    const back = parseEmail({ body: received?.raw ?? '' })
    expect(back.ok && back.messages[0]).toMatchObject({ externalId: 'earshot.outbox-42@shop.example', parentExternalId: 'm3@customer.example', threadExternalId: 'm1@customer.example' })
  })

  it('answers From when there is no Reply-To, and starts References with a first message', async () => {
    const first = 'From: bob@customer.example\r\nSubject: Where is my order?\r\nMessage-ID: <first@customer.example>\r\n\r\nhi\r\n'
    const result = await sender.send(request({ target: targetOf(first) }), ctx)
    expect(result.ok).toBe(true)
    const mail = await simpleParser(fake.smtp.received[0]?.raw ?? '')
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : null).toEqual(['bob@customer.example'])
    expect(mail.subject).toBe('Re: Where is my order?')
    expect(mail.inReplyTo).toBe('<first@customer.example>')
    expect(mail.references).toBe('<first@customer.example>')
  })

  it('after a lost SMTP answer, findSent finds the reply in the sent mailbox: it is delivered exactly once', async () => {
    fake.smtp.hangAfterNextData()
    const first = await sender.send(request(), ctx)
    expect(first).toMatchObject({ ok: false, retryable: true })
    // what the outbox worker does after a retryable failure: ask findSent before sending again
    const found = await sender.findSent?.(request(), ctx)
    expect(found).toEqual({ externalId: 'earshot.outbox-42@shop.example', url: null })
    expect(fake.smtp.received).toHaveLength(1)
    expect(fake.imap.commands).toContain('UID SEARCH HEADER MESSAGE-ID <earshot.outbox-42@shop.example>')
  })

  it('findSent returns null for a reply that was never sent, and without a sent mailbox', async () => {
    expect(await sender.findSent?.(request({ idempotencyKey: 'never-sent' }), ctx)).toBeNull()
    const noSent = { ...ctx, account: fake.account({ settings: { sentMailbox: '' } }) }
    expect(await sender.findSent?.(request(), noSent)).toBeNull()
  })

  it('a retry reuses the Message-ID, so receivers can dedupe when findSent cannot help', async () => {
    fake.smtp.hangAfterNextData()
    await sender.send(request(), ctx)
    await sender.send(request(), ctx)
    const ids = await Promise.all(fake.smtp.received.map(async (r) => (await simpleParser(r.raw)).messageId))
    expect(ids).toEqual(['<earshot.outbox-42@shop.example>', '<earshot.outbox-42@shop.example>'])
  })

  it('maps a refused login to AUTH_REVOKED', async () => {
    const result = await sender.send(request(), { ...ctx, account: fake.account({ secrets: { password: 'wrong' } }) })
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'AUTH_REVOKED' })
    expect(fake.smtp.received).toHaveLength(0)
  })

  it('maps a permanent 5xx to REJECTED and a transient 4xx to a retry', async () => {
    fake.smtp.rejectNextData(550, 'mailbox unavailable')
    expect(await sender.send(request(), ctx)).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
    fake.smtp.rejectNextData(452, 'insufficient storage')
    expect(await sender.send(request(), ctx)).toMatchObject({ ok: false, retryable: true, retryAfterMs: null })
  })

  it('a server that is down is a retryable failure', async () => {
    const down = fake.account({ settings: { smtpPort: '1' } })
    expect(await sender.send(request(), { ...ctx, account: down })).toMatchObject({ ok: false, retryable: true })
  })

  it('refuses other actions and targets without an address', async () => {
    expect(await sender.send(request({ action: 'like', text: '' }), ctx)).toMatchObject({ ok: false, retryable: false, code: 'NOT_SUPPORTED' })
    const target = { ...targetOf(customerMail), raw: { subject: 'x' } }
    expect(await sender.send(request({ target }), ctx)).toMatchObject({ ok: false, retryable: false, code: 'REJECTED' })
    expect(fake.smtp.received).toHaveLength(0)
  })
})

describe('reply headers', () => {
  it.each([
    ['Broken kettle', 'Re: Broken kettle'],
    ['Re: Broken kettle', 'Re: Broken kettle'],
    ['RE:Broken', 'RE:Broken'],
    ['Re[2]: Broken', 'Re[2]: Broken'],
    ['Fwd: Broken', 'Re: Fwd: Broken'],
    ['', 'Re: your message'],
  ])('subject %j → %j', (subject, expected) => {
    expect(replySubject(subject)).toBe(expected)
  })

  it('keeps the root and the newest ids of a long References chain', () => {
    const references = Array.from({ length: 30 }, (_, i) => `r${i}@x.y`)
    const headers = replyHeaders({ messageId: 'last@x.y', references, from: { address: 'a@x.y' }, subject: 's' })
    expect(headers?.references).toHaveLength(20)
    expect(headers?.references[0]).toBe('r0@x.y')
    expect(headers?.references.at(-1)).toBe('last@x.y')
  })

  it('does not thread on a Message-ID parse made up', () => {
    expect(replyHeaders({ messageId: 'no-message-id-abc', hasMessageId: false, references: [], from: { address: 'a@x.y' } })?.inReplyTo).toBeNull()
  })

  it('makes Message-IDs from any idempotency key', () => {
    expect(replyMessageId('abc-1', 'a@shop.example')).toBe('earshot.abc-1@shop.example')
    expect(replyMessageId('key with spaces <>', 'a@shop.example')).toMatch(/^earshot\.[0-9a-f]{40}@shop\.example$/)
    expect(replyMessageId('k', 'nodomain')).toBe('earshot.k@earshot.invalid')
  })
})

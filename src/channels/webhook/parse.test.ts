import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { parseResultProblems } from '../testing.ts'
import { textLengthMax } from '../wire.ts'
import { webhook } from './index.ts'
import { parseWebhookBody, webhookBodyCharsMax } from './parse.ts'
import { eventsPerBatchMax, webhookBodySchema } from './schema.ts'

const message = {
  id: 'ticket-42/msg-1',
  type: 'message',
  author: { id: 'cust-7', name: 'Ada Lovelace', handle: 'ada@example.com', followers: 12, verified: true },
  text: 'My parcel never arrived',
  created_at: '2025-03-01T10:15:00.250Z',
  thread_id: 'ticket-42',
  parent_id: 'ticket-42/msg-0',
  url: 'https://support.example.com/t/42#1',
  visibility: 'private',
  lang: 'en',
  engagement: { likes: 3, replies: 1 },
  metadata: { plan: 'pro' },
}

function parse(value: unknown): ParseResult {
  return parseWebhookBody({ body: typeof value === 'string' ? value : JSON.stringify(value), origin: 'test' })
}

function messagesOf(result: ParseResult): NormalizedMessage[] {
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`)
  expect(parseResultProblems(result)).toEqual([])
  return result.messages
}

function parked(result: ParseResult): { reason: string; detail: string } {
  if (result.ok) throw new Error('expected a parked result')
  return { reason: result.reason, detail: result.detail }
}

describe('webhook channel', () => {
  it('is registered with the document framing, verify, send and its account fields', () => {
    expect(webhook).toMatchObject({ name: 'webhook', label: 'Webhook', framing: 'document', openListening: false, replyLengthMax: textLengthMax })
    expect(webhook.parse).toBe(parseWebhookBody)
    expect(webhook.verify).toBeTypeOf('function')
    expect(webhook.send?.actions).toEqual(['reply', 'dm'])
    expect(webhook.accountFields).toEqual({ settings: ['outgoingUrl'], secrets: ['signingSecret'] })
  })

  it('publishes its schema as plain JSON Schema', () => {
    const published = JSON.parse(JSON.stringify(webhookBodySchema)) as { anyOf: unknown[]; title: string }
    expect(published.title).toBe('Earshot generic webhook delivery')
    expect(published.anyOf).toHaveLength(2)
  })
})

describe('parseWebhookBody: valid events', () => {
  it('maps every documented field', () => {
    expect(messagesOf(parse(message))).toEqual([{
      channel: 'webhook',
      op: 'create',
      externalId: 'ticket-42/msg-1',
      author: { externalUserId: 'cust-7', handle: 'ada@example.com', displayName: 'Ada Lovelace', followers: 12, verified: true },
      direction: 'in',
      visibility: 'private',
      text: 'My parcel never arrived',
      langs: ['en'],
      createdAt: new Date('2025-03-01T10:15:00.250Z'),
      parentExternalId: 'ticket-42/msg-0',
      threadExternalId: 'ticket-42',
      url: 'https://support.example.com/t/42#1',
      engagement: { likes: 3, reposts: 0, replies: 1, quotes: 0 },
      raw: message,
    }])
  })

  it('fills defaults for a minimal message: public, inbound, no thread', () => {
    const [m] = messagesOf(parse({ id: 'm1', type: 'message', author: { id: 'u1' }, text: 'hi', created_at: '2025-03-01T10:15:00+02:00' }))
    expect(m).toMatchObject({
      op: 'create', visibility: 'public', direction: 'in', langs: [], parentExternalId: null, threadExternalId: null, url: null, engagement: null,
      author: { externalUserId: 'u1', handle: null, displayName: null, followers: null, verified: false },
      createdAt: new Date('2025-03-01T08:15:00Z'),
    })
  })

  it('turns an update into op update with the same externalId', () => {
    const [m] = messagesOf(parse({ ...message, type: 'update', text: 'edited' }))
    expect(m).toMatchObject({ op: 'update', externalId: message.id, text: 'edited' })
  })

  it('turns a delete into op delete with empty text and no author', () => {
    const [m] = messagesOf(parse({ id: message.id, type: 'delete', created_at: '2025-03-02T00:00:00Z' }))
    expect(m).toMatchObject({ op: 'delete', externalId: message.id, text: '', author: null })
  })

  it('marks the brand\'s own mirrored messages as outbound', () => {
    const [m] = messagesOf(parse({ ...message, direction: 'out' }))
    expect(m?.direction).toBe('out')
  })

  it('reads a batch in order and gives the same ids when replayed', () => {
    const batch = { events: [message, { ...message, id: 'ticket-42/msg-2', text: 'hello?' }, { id: 'x', type: 'delete', created_at: '2025-03-02T00:00:00Z' }] }
    const first = messagesOf(parse(batch))
    expect(first.map((m) => [m.externalId, m.op])).toEqual([['ticket-42/msg-1', 'create'], ['ticket-42/msg-2', 'create'], ['x', 'delete']])
    expect(messagesOf(parse(batch))).toEqual(first)
  })

  it('treats an empty batch and a blank body as nothing', () => {
    expect(parse({ events: [] })).toEqual({ ok: true, messages: [], skipped: 0 })
    expect(parse('  \n')).toEqual({ ok: true, messages: [], skipped: 0 })
  })
})

describe('parseWebhookBody: strict validation names the field', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['not JSON', '{"id":', 'MALFORMED_JSON', /test: /],
    ['an array', [message], 'INVALID_SHAPE', /body is not an object/],
    ['unknown type', { ...message, type: 'like' }, 'INVALID_SHAPE', /^test: type: expected/],
    ['missing author id', { ...message, author: { name: 'x' } }, 'INVALID_SHAPE', /author\/id/],
    ['numeric id', { ...message, id: 42 }, 'INVALID_SHAPE', /^test: id: /],
    ['blank id', { ...message, id: '   ' }, 'INVALID_SHAPE', /^test: id: /],
    ['missing text', { ...message, text: undefined }, 'INVALID_SHAPE', /text: /],
    ['non-RFC 3339 date', { ...message, created_at: 'March 1st' }, 'INVALID_SHAPE', /created_at: /],
    ['date without zone', { ...message, created_at: '2025-03-01T10:15:00' }, 'INVALID_SHAPE', /created_at: /],
    ['impossible date', { ...message, created_at: '2025-02-30T10:15:00Z' }, 'INVALID_SHAPE', /created_at: not a real date-time/],
    ['bad visibility', { ...message, visibility: 'secret' }, 'INVALID_SHAPE', /visibility: /],
    ['non-http url', { ...message, url: 'javascript:alert(1)' }, 'INVALID_SHAPE', /url: /],
    ['negative followers', { ...message, author: { id: 'u', followers: -1 } }, 'INVALID_SHAPE', /author\/followers: /],
    ['fractional likes', { ...message, engagement: { likes: 1.5 } }, 'INVALID_SHAPE', /engagement\/likes: /],
    ['misspelt field', { ...message, thread: 't' }, 'INVALID_SHAPE', /thread: Unexpected property/],
    ['delete with text', { id: 'x', type: 'delete', created_at: '2025-03-02T00:00:00Z', text: 'gone' }, 'INVALID_SHAPE', /text: /],
    ['text too long', { ...message, text: 'a'.repeat(textLengthMax + 1) }, 'INVALID_SHAPE', /text: /],
    ['events not an array', { events: {} }, 'INVALID_SHAPE', /events: expected an array/],
    ['extra key next to events', { events: [], source: 'crm' }, 'INVALID_SHAPE', /source: unexpected property/],
    ['bad event in a batch', { events: [message, { ...message, author: {} }] }, 'INVALID_SHAPE', /^test: events\/1\/author\/id: /],
    ['too many events', { events: Array.from({ length: eventsPerBatchMax + 1 }, () => message) }, 'TOO_LARGE', /events: 1001 events/],
  ]
  it.each(cases)('parks %s', (_name, body, reason, detail) => {
    const result = parked(parse(body))
    expect(result.reason).toBe(reason)
    expect(result.detail).toMatch(detail)
  })

  it('parks a body over the size cap without decoding it', () => {
    expect(parked(parseWebhookBody({ body: ' '.repeat(webhookBodyCharsMax + 1) })).reason).toBe('TOO_LARGE')
  })
})

describe('parseWebhookBody: property tests', () => {
  const wellFormed = (result: ParseResult): void => {
    expect(parseResultProblems(result)).toEqual([])
  }

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (body) => wellFormed(parseWebhookBody({ body }))), { numRuns: 500 })
  })

  it('never throws on arbitrary JSON, alone or as events', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
      wellFormed(parse(value))
      wellFormed(parse({ events: [value] }))
    }), { numRuns: 500 })
  })

  it('never throws on events with hostile field values', () => {
    const anything = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }))
    const field = (name: string) => fc.option(fc.oneof(anything, fc.constant((message as Record<string, unknown>)[name])), { nil: undefined })
    const event = fc.record({
      id: field('id'), type: fc.constantFrom('message', 'update', 'delete', 'x'), author: field('author'), text: field('text'),
      created_at: field('created_at'), url: field('url'), lang: field('lang'), engagement: field('engagement'), visibility: field('visibility'),
    })
    fc.assert(fc.property(event, (e) => wellFormed(parse(e))), { numRuns: 1000 })
  })

  it('accepts every event it can build from valid parts, keeping the id and text', () => {
    const text = fc.string({ maxLength: 200 })
    const id = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /\S/.test(s))
    fc.assert(fc.property(id, text, fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (i, t, d) => {
      const [m] = messagesOf(parse({ id: i, type: 'message', author: { id: 'u' }, text: t, created_at: d.toISOString() }))
      expect(m).toMatchObject({ externalId: i, text: t, createdAt: d })
    }), { numRuns: 300 })
  })
})

import fc from 'fast-check'
import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import { hasSharedFixtures, listFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import { parseResultProblems } from '../testing.ts'
import { unitText } from './charset.ts'
import { email } from './index.ts'
import { mailCharsMax, parseEmail, type EmailRaw } from './parse.ts'

warnIfNoShared()

function parse(body: string): ParseResult {
  return parseEmail({ body, origin: 'test' })
}

function only(result: ParseResult): NormalizedMessage {
  expect(result.ok, JSON.stringify(result)).toBe(true)
  expect(parseResultProblems(result)).toEqual([])
  if (!result.ok || result.messages.length !== 1) throw new Error(`expected one message: ${JSON.stringify(result)}`)
  return result.messages[0] as NormalizedMessage
}

function rawOf(message: NormalizedMessage): EmailRaw {
  return message.raw as EmailRaw
}

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n')

const plain = crlf(`From: "Doe, Jane" <Jane.Doe@Example.COM>
To: Support <support@shop.example>, ops@shop.example
Cc: =?UTF-8?Q?J=C3=BCrgen?= <j@example.de>
Subject: My order
Date: Tue, 4 Jun 2024 10:15:00 +0200 (CEST)
Message-ID: <order-1@mail.example.com>

Where is my parcel?
`)

const encodedWords = crlf(`From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>
Subject: =?UTF-8?B?SGVsbG8g8J+YgA==?= =?UTF-8?Q?_caf=C3=A9?=
 =?UTF-8?B?IG51bWJlciDi?= =?UTF-8?B?gqwxMA==?= and plain
Message-ID: <ew@example.org>
Date: Tue, 4 Jun 2024 10:15:00 +0000

body
`)

const quotedPrintable = crlf(`From: kunde@example.de
Subject: Rechnung
Message-ID: <qp@example.de>
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Gr=FC=DFe aus M=FCnchen, diese Zeile ist sehr lang und wird hier weich umbro=
chen.=20
Kosten: 10 =80 (nicht in Latin-1, aber egal)
`)

const base64Body = crlf(`From: user@example.com
Subject: base64
Message-ID: <b64@example.com>
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

${Buffer.from('Ça marche très bien 👍\nSecond line').toString('base64').replace(/(.{20})/g, '$1\n')}
`)

const alternative = crlf(`From: Shop Customer <c@example.net>
Subject: =?utf-8?q?HTML_and_text?=
Message-ID: <alt@example.net>
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary="b1"

preamble is ignored
--b1
Content-Type: text/html; charset=utf-8

<p>The <b>HTML</b> version</p>
--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

The plain version
--b1--
epilogue is ignored
`)

const htmlOnlyMixed = crlf(`From: c@example.net
Subject: receipt attached
Message-ID: <mixed@example.net>
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/html; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

<div>Price: 5 =80</div><p>Thanks &amp; regards</p>
--inner--
--outer
Content-Type: text/plain; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

not the body
--outer
Content-Type: application/pdf; name="receipt.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer--
`)

const foldedRepeated = `From: Folded
 Name <folded@example.org>
Subject: a subject folded
  across lines
Message-ID:
 <folded@example.org>
In-Reply-To: not-an-id <parent@example.org> <other@example.org>
References: <root@example.org>
References: <mid@example.org> <bad id@example.org>
 <parent@example.org>

text
`

const noMessageId = crlf(`From: someone@example.com
Subject: no id

hello
`)

describe('parseEmail: own messages', () => {
  it('reads a plain message: author, recipients, date with a comment, subject in the text of a new thread', () => {
    const message = only(parse(plain))
    expect(message).toMatchObject({
      channel: 'email', op: 'create', externalId: 'order-1@mail.example.com', direction: 'in', visibility: 'private',
      author: { externalUserId: 'jane.doe@example.com', handle: 'jane.doe@example.com', displayName: 'Doe, Jane' },
      text: 'My order\n\nWhere is my parcel?', parentExternalId: null, threadExternalId: 'order-1@mail.example.com', url: null,
    })
    expect(message.createdAt.toISOString()).toBe('2024-06-04T08:15:00.000Z')
    const raw = rawOf(message)
    expect(raw.to.map((a) => a.address)).toEqual(['support@shop.example', 'ops@shop.example'])
    expect(raw.cc).toEqual([{ address: 'j@example.de', name: 'Jürgen' }])
    expect(raw).toMatchObject({ messageId: 'order-1@mail.example.com', hasMessageId: true, subject: 'My order', references: [], inReplyTo: null })
  })

  it('reads LF-only messages the same as CRLF ones', () => {
    expect(only(parse(plain.replace(/\r\n/g, '\n')))).toEqual(only(parse(plain)))
  })

  it('decodes RFC 2047 encoded-words (B and Q, charsets, a char split across words, spaces between words dropped)', () => {
    const message = only(parse(encodedWords))
    expect(message.author?.displayName).toBe('André Pirard')
    expect(rawOf(message).subject).toBe('Hello 😀 café number €10 and plain')
  })

  it('decodes quoted-printable with soft breaks in ISO-8859-1', () => {
    expect(only(parse(quotedPrintable)).text).toBe(
      'Rechnung\n\nGrüße aus München, diese Zeile ist sehr lang und wird hier weich umbrochen.\nKosten: 10 € (nicht in Latin-1, aber egal)',
    )
  })

  it('decodes base64 bodies split over lines', () => {
    expect(only(parse(base64Body)).text).toBe('base64\n\nÇa marche très bien 👍\nSecond line')
  })

  it('prefers text/plain in multipart/alternative, wherever it sits', () => {
    expect(only(parse(alternative)).text).toBe('HTML and text\n\nThe plain version')
  })

  it('falls back to text/html made plain, skips attachments and counts them', () => {
    const message = only(parse(htmlOnlyMixed))
    expect(message.text).toBe('receipt attached\n\nPrice: 5 €\n\nThanks & regards')
    expect(rawOf(message).attachments).toBe(2)
  })

  it('unfolds headers, joins repeated References and skips invalid ids', () => {
    const message = only(parse(foldedRepeated))
    expect(message.author).toMatchObject({ externalUserId: 'folded@example.org', displayName: 'Folded Name' })
    expect(rawOf(message)).toMatchObject({
      subject: 'a subject folded across lines', inReplyTo: 'parent@example.org', references: ['root@example.org', 'mid@example.org', 'parent@example.org'],
    })
    expect(message).toMatchObject({ externalId: 'folded@example.org', parentExternalId: 'parent@example.org', threadExternalId: 'root@example.org', text: 'text' })
  })

  it('threads on References alone when In-Reply-To is absent', () => {
    const message = only(parse(crlf('From: a@b.c\nMessage-ID: <m3@b.c>\nReferences: <m1@b.c> <m2@b.c>\n\nx\n')))
    expect(message).toMatchObject({ parentExternalId: 'm2@b.c', threadExternalId: 'm1@b.c' })
  })

  it('threads on In-Reply-To alone', () => {
    expect(only(parse('From: a@b.c\nMessage-ID: <m2@b.c>\nIn-Reply-To: <m1@b.c>\n\nx\n'))).toMatchObject({ parentExternalId: 'm1@b.c', threadExternalId: 'm1@b.c' })
  })

  it('gives a message without Message-ID a stable id from its text', () => {
    const a = only(parse(noMessageId))
    expect(a.externalId).toMatch(/^no-message-id-[0-9a-f]{40}$/)
    expect(only(parse(noMessageId)).externalId).toBe(a.externalId)
    expect(only(parse(noMessageId.replace('hello', 'bye'))).externalId).not.toBe(a.externalId)
    expect(rawOf(a).hasMessageId).toBe(false)
  })

  it('tolerates an mbox "From " line, a BOM and a bare Message-ID', () => {
    const message = only(parse('\uFEFFFrom someone Sun May  8 19:07:09 2005\nFrom: a@b.c\nMessage-ID: bare@b.c\n\nhi\n'))
    expect(message.externalId).toBe('bare@b.c')
  })

  it('reads 8-bit Latin-1 bodies and headers the IMAP source hands over as Latin-1 text', () => {
    const bytes = Buffer.concat([
      Buffer.from('From: a@b.c\r\nSubject: Caf'), Buffer.from([0xe9]),
      Buffer.from('\r\nMessage-ID: <l1@b.c>\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nd'),
      Buffer.from([0xe9]), Buffer.from('j'), Buffer.from([0xe0]), Buffer.from(' vu\r\n'),
    ])
    const message = only(parse(unitText(bytes)))
    expect(message.text).toBe('Café\n\ndéjà vu')
    // and 8-bit UTF-8 stays UTF-8
    expect(only(parse(unitText(Buffer.from('From: a@b.c\nSubject: Café\nMessage-ID: <u@b.c>\n\ndéjà\n')))).text).toBe('Café\n\ndéjà')
  })

  it('unwraps format=flowed', () => {
    const text = 'From: a@b.c\nMessage-ID: <f@b.c>\nIn-Reply-To: <p@b.c>\nContent-Type: text/plain; format=flowed\n\nA long line \nwrapped here.\n-- \nsig\n'
    expect(only(parse(text)).text).toBe('A long line wrapped here.\n--\nsig')
  })

  it.each([
    ['Auto-Submitted: auto-replied'],
    ['Auto-Submitted: auto-generated'],
    ['Precedence: bulk'],
    ['Precedence: junk'],
    ['Precedence: auto_reply'],
    ['X-Autoreply: yes'],
    ['Content-Type: multipart/report; report-type=delivery-status; boundary=x'],
  ])('skips automated mail with %s', (header) => {
    expect(parse(`From: a@b.c\nMessage-ID: <auto@b.c>\n${header}\n\nI am away\n`)).toEqual({ ok: true, messages: [], skipped: 1 })
  })

  it('skips bounces from MAILER-DAEMON and keeps Auto-Submitted: no', () => {
    expect(parse('From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\nMessage-ID: <bounce@b.c>\n\nundeliverable\n'))
      .toEqual({ ok: true, messages: [], skipped: 1 })
    expect(only(parse('From: a@b.c\nAuto-Submitted: no\nMessage-ID: <human@b.c>\n\nhi\n')).externalId).toBe('human@b.c')
  })

  it.each([
    ['empty', ''],
    ['no header fields', 'just some text\nwithout colons\n'],
    ['no From', 'Subject: hi\nMessage-ID: <x@y.z>\n\nbody'],
    ['a From without an address', 'From: Nobody\n\nbody'],
  ])('parks %s', (_name, body) => {
    const result = parse(body)
    expect(result).toMatchObject({ ok: false, reason: 'INVALID_SHAPE' })
    expect(parseResultProblems(result)).toEqual([])
  })

  it('parks mail beyond the size limit', () => {
    expect(parse(`From: a@b.c\n\n${'x'.repeat(mailCharsMax)}`)).toMatchObject({ ok: false, reason: 'TOO_LARGE' })
  })

  it('is the channel parser', () => {
    expect(email.parse({ body: plain })).toEqual(parse(plain))
  })
})

describe('parseEmail agrees with mailparser', () => {
  it.each([
    ['plain', plain], ['encoded-words', encodedWords], ['quoted-printable', quotedPrintable], ['base64', base64Body],
    ['alternative', alternative], ['folded', foldedRepeated],
  ])('%s', async (_name, text) => {
    const theirs = await simpleParser(text)
    const ours = only(parse(text))
    const raw = rawOf(ours)
    expect(raw.subject).toBe(theirs.subject ?? '')
    expect(raw.messageId).toBe(theirs.messageId?.replace(/^<|>$/g, ''))
    expect(raw.from?.address).toBe(theirs.from?.value[0]?.address?.toLowerCase())
    expect(ours.text.endsWith((theirs.text ?? '').replace(/\r\n/g, '\n').replace(/[ \t]+$/gm, '').trim())).toBe(true)
  })
})

describe.skipIf(!hasSharedFixtures)('parseEmail: shared fixtures', () => {
  const files = listFixtures('email').filter((f) => f.endsWith('.eml'))

  it('has the fixture files', () => {
    expect(files.length).toBeGreaterThanOrEqual(6)
  })

  it.each(files)('%s parses to one well-formed private message', (file) => {
    const message = only(parseEmail({ body: readFixture('email', file), origin: file }))
    expect(message.visibility).toBe('private')
    expect(message.text).not.toBe('')
  })

  it('follows the RFC 2822 A.2 thread', () => {
    const [m1, m2, m3] = ['rfc2822_example05_thread_original.eml', 'rfc2822_example06_thread_reply.eml', 'rfc2822_example07_thread_reply_to_reply.eml']
      .map((f) => only(parseEmail({ body: readFixture('email', f) })))
    expect(m1).toMatchObject({ externalId: '1234@local.machine.example', parentExternalId: null, threadExternalId: '1234@local.machine.example' })
    expect(m2).toMatchObject({ externalId: '3456@example.net', parentExternalId: '1234@local.machine.example', threadExternalId: '1234@local.machine.example' })
    expect(m3).toMatchObject({ externalId: 'abcd.1234@local.machine.tld', parentExternalId: '3456@example.net', threadExternalId: '1234@local.machine.example' })
    expect(rawOf(m2 as NormalizedMessage).replyTo).toEqual([{ address: 'smith@home.example', name: 'Mary Smith: Personal Account' }])
  })

  it('skips the invalid id among repeated, folded References', () => {
    const message = only(parseEmail({ body: readFixture('email', 'multiple_references_with_one_invalid.eml') }))
    expect(rawOf(message).references).toEqual(['foo@bar.net', 'baz@bar.net'])
    expect(message).toMatchObject({ parentExternalId: 'baz@bar.net', threadExternalId: 'foo@bar.net', text: 'foo' })
  })

  it('reads the Gmail message with an mbox line, QP body and S/MIME attachment', () => {
    const message = only(parseEmail({ body: readFixture('email', 'raw_email2.eml') }))
    expect(message).toMatchObject({
      externalId: 'e85734b90505081209eaaa17b@mail.gmail.com', parentExternalId: 'F6E2D0B4-CC35-4A91-BA4C-C7C712B10C13@mac.com',
      author: { externalUserId: 'xxxxxxxxx.xxxxxxx@gmail.com' },
    })
    expect(message.text.startsWith('We should not include these files or vcards as attachments.')).toBe(true)
    expect(message.createdAt.toISOString()).toBe('2005-05-08T19:09:11.000Z')
  })

  it('threads the Thunderbird reply on its root', () => {
    const message = only(parseEmail({ body: readFixture('email', 'raw_email_reply.eml') }))
    expect(message).toMatchObject({ text: 'Message body', parentExternalId: '348F04F142D69C21-291E56D292BC@xxxx.net', threadExternalId: '473FF3B8.9020707@xxx.org' })
  })
})

describe('parseEmail is total', () => {
  const piece = fc.constantFrom(
    'From: ', 'a@b.c', '<x@y.z>', 'Message-ID: ', 'References: ', 'In-Reply-To: ', 'Subject: ', '=?utf-8?B?', '=?x-bogus?Q?', '?=', '=C3=A9', '=\r\n',
    'Content-Type: multipart/mixed; boundary=b', 'Content-Type: multipart/alternative; boundary="b"', 'Content-Type: text/html', '--b', '--b--',
    'Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: quoted-printable', 'charset=koi8-r', 'charset*=utf-8\'\'%E2%82%AC',
    'Date: ', 'Mon, 32 Foo 99999 99:99', '\r\n', '\n', '\n\n', ' ', '\t', ':', '"', '(', ')', '<', '>', ',', ';', '\u00e9', '\ud800', 'Auto-Submitted: no',
  )
  const mailish = fc.array(fc.oneof({ weight: 5, arbitrary: piece }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), { maxLength: 80 })

  it('returns a well-formed result for mail-ish text', () => {
    fc.assert(fc.property(mailish, (pieces) => {
      expect(parseResultProblems(parse(pieces.join('')))).toEqual([])
    }), { numRuns: 2000 })
  })

  it('returns a well-formed result for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
      expect(parseResultProblems(parse(text))).toEqual([])
      expect(parseResultProblems(parse(`From: a@b.c\n${text}`))).toEqual([])
    }), { numRuns: 500 })
  })

  it('survives huge header fields and encoded-words', () => {
    const huge = Buffer.alloc(300_000, 'a').toString('base64')
    // References are capped at 200 ids; two 300 kB encoded-words join into one decoded run
    const result = parse(`From: a@b.c\nReferences: ${'<r@x.y> '.repeat(10_000)}\nSubject: =?utf-8?B?${huge}?= =?utf-8?B?${huge}?=\n\nbody`)
    expect(parseResultProblems(result)).toEqual([])
    expect(result.ok && (result.messages[0]?.raw as EmailRaw).references.length).toBe(200)
  })

  it('stays linear on long runs of blanks (no regex backtracking)', () => {
    const blanks = `${' '.repeat(200_000)}x`
    const started = Date.now()
    for (const encoding of ['quoted-printable', '7bit']) {
      expect(parseResultProblems(parse(`From: a@b.c\nContent-Transfer-Encoding: ${encoding}\n\n${blanks}\n${blanks}`))).toEqual([])
    }
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('bounds deep multipart nesting', () => {
    let body = 'innermost'
    for (let i = 0; i < 500; i++) body = `Content-Type: multipart/mixed; boundary=b${i}\n\n--b${i}\n${body}\n--b${i}--\n`
    expect(parseResultProblems(parse(`From: a@b.c\nMessage-ID: <deep@b.c>\n${body}`))).toEqual([])
  })
})

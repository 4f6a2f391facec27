import { afterEach, describe, expect, it } from 'vitest'
import { hasSharedFixtures, listFixtures, readFixture, warnIfNoShared } from '../../testing/shared.ts'
import type { AccountRuntime, RawEvent, SourceContext } from '../types.ts'
import { startEmailFake, type EmailFake } from './fake.ts'
import { parseEmail } from './parse.ts'
import { createImapSource, readImapCursor, type ImapCursor } from './source.ts'

warnIfNoShared()

const mail = (n: number) => `From: Customer ${n} <c${n}@customer.example>\r\nSubject: Question ${n}\r\nMessage-ID: <q${n}@customer.example>\r\n\r\nQuestion number ${n}\r\n`

const source = createImapSource({ timeouts: { connectMs: 2_000, socketMs: 5_000 }, backoffMsMin: 20, backoffMsMax: 100, batchSize: 2, backfillMax: 100, wakeMs: 5_000 })

interface Run {
  emitted: RawEvent[]
  /** 'emit:n' and 'save:lastUid' in the order they happened. */
  events: string[]
  cursor: ImapCursor | null
  warnings: string[]
  stop(): Promise<void>
}

function startRun(account: AccountRuntime, cursor: unknown, hooks: { emit?: (units: RawEvent[]) => Promise<void> } = {}): Run {
  const controller = new AbortController()
  const run: Run = {
    emitted: [], events: [], cursor: readImapCursor(cursor), warnings: [],
    stop: async () => {
      controller.abort()
      await done
    },
  }
  const ctx: SourceContext = {
    account,
    cursor,
    async saveCursor(value) {
      run.cursor = readImapCursor(value)
      run.events.push(`save:${run.cursor?.lastUid}`)
    },
    async emit(units) {
      await hooks.emit?.(units)
      run.emitted.push(...units)
      run.events.push(`emit:${units.length}`)
    },
    fetch,
    signal: controller.signal,
    log: { debug() {}, info() {}, warn: (obj) => run.warnings.push(JSON.stringify(obj)), error() {} },
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms)
      controller.signal.addEventListener('abort', () => {
        clearTimeout(timer)
        reject(new Error('aborted'))
      }, { once: true })
    }),
  }
  if (source.kind !== 'stream') throw new Error('email source is a stream')
  const done = source.run(ctx)
  return run
}

async function until(what: string, check: () => boolean, timeoutMs = 4_000): Promise<void> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const ids = (units: RawEvent[]) => units.map((u) => {
  const result = parseEmail(u)
  return result.ok ? result.messages[0]?.externalId : `park:${result.reason}`
})

let fake: EmailFake | null = null
let running: Run | null = null

afterEach(async () => {
  await running?.stop()
  running = null
  await fake?.close()
  fake = null
})

describe('email IMAP source', () => {
  it('emits every message, saves the cursor after each emit, then wakes on EXISTS while idling', async () => {
    fake = await startEmailFake({ inbox: [mail(1), mail(2), mail(3)] })
    running = startRun(fake.account(), null)
    const run = running
    await until('backfill', () => run.emitted.length === 3)
    expect(run.emitted[0]?.body).toBe(mail(1))
    expect(ids(run.emitted)).toEqual(['q1@customer.example', 'q2@customer.example', 'q3@customer.example'])
    await until('cursor', () => run.cursor?.lastUid === 3)
    expect(run.events).toEqual(['emit:2', 'save:2', 'emit:1', 'save:3'])
    await until('idle', () => fake?.imap.commands.at(-1) === 'IDLE')
    fake.imap.addMessage('INBOX', mail(4))
    await until('new mail', () => run.emitted.length === 4)
    expect(ids(run.emitted.slice(3))).toEqual(['q4@customer.example'])
    await until('cursor 4', () => run.cursor?.lastUid === 4)
    expect(run.cursor?.uidValidity).toBe(String(fake.imap.mailboxes.get('INBOX')?.uidValidity))
    // read-only: EXAMINE, and BODY.PEEK so nothing is marked \Seen
    expect(fake.imap.commands).toContain('EXAMINE INBOX')
    expect(fake.imap.commands.some((c) => c.startsWith('UID FETCH') && c.includes('BODY.PEEK[]'))).toBe(true)
  })

  it('resumes from a saved cursor after a restart and backfills what arrived meanwhile', async () => {
    fake = await startEmailFake({ inbox: [mail(1), mail(2)] })
    running = startRun(fake.account(), null)
    const first = running
    await until('first run', () => first.cursor?.lastUid === 2)
    await first.stop()
    fake.imap.addMessage('INBOX', mail(3))
    fake.imap.addMessage('INBOX', mail(4))
    fake.imap.addMessage('INBOX', mail(5))
    running = startRun(fake.account(), first.cursor)
    const second = running
    await until('resume', () => second.cursor?.lastUid === 5)
    expect(ids(second.emitted)).toEqual(['q3@customer.example', 'q4@customer.example', 'q5@customer.example'])
    expect(fake.imap.commands).toContain('UID SEARCH UID 3:*')
  })

  it('emits nothing when the cursor is already at the newest message (UID n+1:* still matches n)', async () => {
    fake = await startEmailFake({ inbox: [mail(1), mail(2)] })
    const uidValidity = String(fake.imap.mailboxes.get('INBOX')?.uidValidity)
    running = startRun(fake.account(), { uidValidity, lastUid: 2 })
    const run = running
    await until('idle', () => fake?.imap.commands.at(-1) === 'IDLE')
    expect(run.emitted).toEqual([])
  })

  it('fetches again (the newest, capped) when UIDVALIDITY changed', async () => {
    fake = await startEmailFake({ inbox: [mail(1), mail(2), mail(3)] })
    fake.imap.resetUidValidity('INBOX', 42)
    const capped = createImapSource({ timeouts: { connectMs: 2_000, socketMs: 5_000 }, backfillMax: 2, batchSize: 10 })
    const controller = new AbortController()
    const emitted: RawEvent[] = []
    let saved: unknown = null
    if (capped.kind !== 'stream') throw new Error('stream')
    const done = capped.run({
      account: fake.account(), cursor: { uidValidity: '1700000000', lastUid: 3 },
      saveCursor: async (c) => { saved = c },
      emit: async (units) => { emitted.push(...units) },
      fetch, signal: controller.signal, log: { debug() {}, info() {}, warn() {}, error() {} }, now: () => new Date(),
      sleep: async () => {},
    })
    await until('refetch', () => readImapCursor(saved)?.uidValidity === '42')
    controller.abort()
    await done
    expect(ids(emitted)).toEqual(['q2@customer.example', 'q3@customer.example'])
    expect(saved).toEqual({ uidValidity: '42', lastUid: 3 })
  })

  it('reconnects after the connection drops and resumes from its cursor', async () => {
    fake = await startEmailFake({ inbox: [mail(1)] })
    running = startRun(fake.account(), null)
    const run = running
    await until('idle', () => fake?.imap.commands.at(-1) === 'IDLE')
    fake.imap.dropConnections()
    fake.imap.addMessage('INBOX', mail(2))
    await until('after reconnect', () => run.emitted.length === 2)
    expect(ids(run.emitted)).toEqual(['q1@customer.example', 'q2@customer.example'])
    expect(fake.imap.commands.filter((c) => c.startsWith('LOGIN'))).toHaveLength(2)
    expect(run.warnings.length).toBeGreaterThan(0)
  })

  it('does not save the cursor when emit fails, and emits the same messages again after reconnecting', async () => {
    fake = await startEmailFake({ inbox: [mail(1), mail(2)] })
    let failures = 1
    running = startRun(fake.account(), null, {
      emit: async () => {
        if (failures-- > 0) throw new Error('store is down')
      },
    })
    const run = running
    await until('cursor', () => run.cursor?.lastUid === 2)
    expect(run.events).toEqual(['emit:2', 'save:2'])
    expect(ids(run.emitted)).toEqual(['q1@customer.example', 'q2@customer.example'])
  })

  it('keeps retrying with backoff when the login is refused, and stops on abort', async () => {
    fake = await startEmailFake({ inbox: [mail(1)] })
    running = startRun(fake.account({ secrets: { password: 'wrong' } }), null)
    const run = running
    await until('retries', () => (fake?.imap.commands.filter((c) => c.startsWith('LOGIN')).length ?? 0) >= 3)
    expect(run.emitted).toEqual([])
    await run.stop()
    running = null
    const logins = fake.imap.commands.filter((c) => c.startsWith('LOGIN')).length
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(fake.imap.commands.filter((c) => c.startsWith('LOGIN'))).toHaveLength(logins)
  })

  it('hands 8-bit Latin-1 mail over so that parse reads it', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('From: a@b.c\r\nMessage-ID: <latin@b.c>\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSch'),
      Buffer.from([0xf6]), Buffer.from('n\r\n'),
    ])
    fake = await startEmailFake({ inbox: [latin1] })
    running = startRun(fake.account(), null)
    const run = running
    await until('emit', () => run.emitted.length === 1)
    const result = parseEmail(run.emitted[0] as RawEvent)
    expect(result.ok && result.messages[0]?.text).toBe('Schön')
  })

  it.skipIf(!hasSharedFixtures)('serves the shared .eml fixtures byte for byte', async () => {
    const files = listFixtures('email').filter((f) => f.endsWith('.eml'))
    fake = await startEmailFake({ inbox: files.map((f) => readFixture('email', f)) })
    running = startRun(fake.account(), null)
    const run = running
    await until('fixtures', () => run.emitted.length === files.length)
    expect(run.emitted.map((u) => u.body)).toEqual(files.map((f) => readFixture('email', f)))
    expect(run.emitted.every((u) => parseEmail(u).ok)).toBe(true)
  })
})

// IMAP intake (imapflow), a stream source: connect, open the mailbox read-only, emit every message
// with a UID above the cursor as one unit (its raw source), save the cursor after each emitted
// batch, then IDLE until the server reports new mail (EXISTS) and catch up again. Errors and
// dropped connections reconnect with exponential backoff and resume from the saved cursor.
// Cursor: { uidValidity, lastUid }. A new UIDVALIDITY means every UID changed: the newest
// `backfillMax` messages are fetched again and the pipeline's Message-ID dedupe drops repeats.
import type { ImapFlow } from 'imapflow'
import type { RawEvent, Source, SourceContext } from '../types.ts'
import { isRecord, numberAt, stringAt } from '../wire.ts'
import { defaultTimeouts, imapClient, imapSettings, type MailTimeouts } from './account.ts'
import { unitText } from './charset.ts'

export interface ImapCursor {
  /** UIDVALIDITY as a decimal string (it is a 32-bit unsigned number; JSON has no bigint). */
  uidValidity: string
  lastUid: number
}

export interface ImapSourceOptions {
  timeouts: MailTimeouts
  /** Messages fetched on the first run or after a UIDVALIDITY change (the newest ones). */
  backfillMax: number
  /** Messages fetched and emitted per batch (one cursor save each). */
  batchSize: number
  backoffMsMin: number
  backoffMsMax: number
  /** Catch up at least this often even without EXISTS (servers and NATs drop silent IDLEs). */
  wakeMs: number
}

export const defaultImapSourceOptions: ImapSourceOptions = {
  timeouts: defaultTimeouts, backfillMax: 500, batchSize: 50, backoffMsMin: 1_000, backoffMsMax: 300_000, wakeMs: 300_000,
}

export function readImapCursor(value: unknown): ImapCursor | null {
  if (!isRecord(value)) return null
  const uidValidity = stringAt(value, 'uidValidity')
  const lastUid = numberAt(value, 'lastUid')
  return uidValidity !== null && lastUid !== null && Number.isSafeInteger(lastUid) && lastUid >= 0 ? { uidValidity, lastUid } : null
}

export function createImapSource(options: Partial<ImapSourceOptions> = {}): Source {
  const o = { ...defaultImapSourceOptions, ...options }
  return { kind: 'stream', run: (ctx) => runImap(ctx, o) }
}

export const imapSource = createImapSource()

async function runImap(ctx: SourceContext, o: ImapSourceOptions): Promise<void> {
  const state: SessionState = { cursor: readImapCursor(ctx.cursor), connected: false }
  let failures = 0
  while (!ctx.signal.aborted) {
    state.connected = false
    try {
      await session(ctx, o, state)
    } catch (err) {
      if (!ctx.signal.aborted) ctx.log.warn({ err: err instanceof Error ? err.message : String(err), account: ctx.account.id }, 'imap session failed')
    }
    if (ctx.signal.aborted) return
    // a session that got in and then dropped starts the backoff over
    failures = state.connected ? 1 : failures + 1
    const backoffMs = Math.min(o.backoffMsMax, o.backoffMsMin * 2 ** Math.min(failures - 1, 20))
    try {
      await ctx.sleep(backoffMs)
    } catch {
      return
    }
  }
}

interface SessionState {
  cursor: ImapCursor | null
  /** Whether the current session logged in and opened the mailbox. */
  connected: boolean
}

/** One connection: catch up, idle, repeat; resolves when aborted, throws when the connection fails. */
async function session(ctx: SourceContext, o: ImapSourceOptions, state: SessionState): Promise<void> {
  const settings = imapSettings(ctx.account)
  const client = imapClient(settings, o.timeouts)
  const wake = newsSignal(client, ctx, o.wakeMs)
  client.on('error', (err: Error) => ctx.log.warn({ err: err.message, account: ctx.account.id }, 'imap connection error'))
  try {
    await client.connect()
    const lock = await client.getMailboxLock(settings.mailbox, { readOnly: true })
    state.connected = true
    try {
      while (!ctx.signal.aborted) {
        wake.reset()
        state.cursor = await catchUp(client, ctx, o, state.cursor)
        if (ctx.signal.aborted) return
        void client.idle().catch(() => wake.fire())
        await wake.wait()
        if (!client.usable && !ctx.signal.aborted) throw new Error('IMAP connection closed')
      }
    } finally {
      lock.release()
    }
  } finally {
    wake.dispose()
    await client.logout().catch(() => client.close())
  }
}

/** Resolves on EXISTS (also one that came while busy), a closed connection, abort, or after wakeMs. */
function newsSignal(client: ImapFlow, ctx: SourceContext, wakeMs: number) {
  let pending = false
  let resolve: (() => void) | null = null
  const fire = () => {
    pending = true
    resolve?.()
  }
  client.on('exists', fire)
  client.on('close', fire)
  ctx.signal.addEventListener('abort', fire)
  return {
    fire,
    reset: () => {
      pending = false
    },
    wait: () =>
      new Promise<void>((done) => {
        if (pending) return done()
        const timer = setTimeout(fire, wakeMs)
        resolve = () => {
          clearTimeout(timer)
          resolve = null
          done()
        }
      }),
    dispose: () => ctx.signal.removeEventListener('abort', fire),
  }
}

async function catchUp(client: ImapFlow, ctx: SourceContext, o: ImapSourceOptions, cursor: ImapCursor | null): Promise<ImapCursor | null> {
  if (client.mailbox === false) throw new Error('no mailbox open')
  const uidValidity = String(client.mailbox.uidValidity)
  const resume = cursor !== null && cursor.uidValidity === uidValidity ? cursor.lastUid : null
  if (cursor !== null && resume === null) ctx.log.info({ account: ctx.account.id, was: cursor.uidValidity, now: uidValidity }, 'imap UIDVALIDITY changed: fetching again')
  const found = await client.search(resume === null ? { all: true } : { uid: `${resume + 1}:*` }, { uid: true })
  const uids = (Array.isArray(found) ? found : []).filter((uid) => resume === null || uid > resume).sort((a, b) => a - b)
  const wanted = resume === null ? uids.slice(-o.backfillMax) : uids
  let current: ImapCursor = { uidValidity, lastUid: resume ?? 0 }
  if (wanted.length === 0 && resume === null) {
    await ctx.saveCursor(current)
    return current
  }
  for (let i = 0; i < wanted.length && !ctx.signal.aborted; i += o.batchSize) {
    const batch = wanted.slice(i, i + o.batchSize)
    const messages = await client.fetchAll(batch.join(','), { uid: true, source: true }, { uid: true })
    const units: RawEvent[] = messages
      .sort((a, b) => a.uid - b.uid)
      .flatMap((m) => (m.source === undefined ? [] : [{ body: unitText(m.source), origin: `imap ${uidValidity}/${m.uid}` }]))
    if (units.length > 0) await ctx.emit(units)
    current = { uidValidity, lastUid: Math.max(current.lastUid, ...batch) }
    await ctx.saveCursor(current)
  }
  return current
}

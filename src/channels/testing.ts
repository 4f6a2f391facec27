// Test support for channel parsers: checks that a value is a well-formed ParseResult, so
// property tests can say more than "did not throw". Used by the *.test.ts files only.
import { expect } from 'vitest'
import { channelNames, type NormalizedMessage, type ParseResult } from '../core/model.ts'
import type { AccountRuntime, ChannelLog, RawEvent, SendContext, SourceContext } from './types.ts'
import { textLengthMax } from './wire.ts'

const parkReasons = ['MALFORMED_JSON', 'MALFORMED_XML', 'INVALID_SHAPE', 'UNSUPPORTED_EVENT', 'PLATFORM_ERROR', 'TOO_LARGE']

/** Returns the problems found (empty when well-formed). */
export function parseResultProblems(result: ParseResult): string[] {
  if (!result.ok) {
    return [
      ...(parkReasons.includes(result.reason) ? [] : [`unknown reason ${String(result.reason)}`]),
      ...(typeof result.detail === 'string' ? [] : ['detail is not a string']),
    ]
  }
  const problems: string[] = []
  if (!Number.isSafeInteger(result.skipped) || result.skipped < 0) problems.push(`bad skipped ${result.skipped}`)
  for (const message of result.messages) problems.push(...messageProblems(message))
  return problems
}

function messageProblems(m: NormalizedMessage): string[] {
  const problems: string[] = []
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${m.externalId}: ${what}`)
  }
  check((channelNames as readonly string[]).includes(m.channel), 'channel')
  check(['create', 'update', 'delete'].includes(m.op), 'op')
  check(typeof m.externalId === 'string' && m.externalId.length > 0, 'externalId')
  check(m.op === 'delete' ? m.text === '' : true, 'delete with text')
  check(m.author === null || (typeof m.author.externalUserId === 'string' && m.author.externalUserId.length > 0), 'author id')
  check(m.direction === 'in' || m.direction === 'out', 'direction')
  check(m.visibility === 'public' || m.visibility === 'private', 'visibility')
  check(typeof m.text === 'string' && m.text.length <= textLengthMax, 'text')
  check(Array.isArray(m.langs) && m.langs.every((l) => typeof l === 'string' && l.length > 0), 'langs')
  check(m.createdAt instanceof Date && !Number.isNaN(m.createdAt.getTime()), 'createdAt')
  check(m.parentExternalId === null || (typeof m.parentExternalId === 'string' && m.parentExternalId !== ''), 'parent')
  check(m.threadExternalId === null || (typeof m.threadExternalId === 'string' && m.threadExternalId !== ''), 'thread')
  check(m.url === null || /^https?:\/\//.test(m.url), 'url')
  check(m.engagement === null || Object.values(m.engagement).every((n) => Number.isSafeInteger(n) && n >= 0), 'engagement')
  check(m.media === undefined || (Array.isArray(m.media) && m.media.length <= 10 && m.media.every((x) => /^https?:\/\//.test(x.url))), 'media')
  return problems
}

/** Splits a JSONL fixture into lines as a stream consumer would (CRLF or LF), dropping the final empty one. */
export function jsonLines(text: string): string[] {
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/** The messages of a result that must be a success and well-formed (the test fails otherwise). */
export function messagesOf(result: ParseResult): NormalizedMessage[] {
  expect(result.ok, JSON.stringify(result)).toBe(true)
  expect(parseResultProblems(result)).toEqual([])
  return result.ok ? result.messages : []
}

/** The one message of a result that must hold exactly one. */
export function onlyMessage(result: ParseResult): NormalizedMessage {
  const messages = messagesOf(result)
  expect(messages).toHaveLength(1)
  const [message] = messages
  if (message === undefined) throw new Error('no message')
  return message
}

export const silentLog: ChannelLog = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }

/** A SourceContext that records what a source emitted (per call), the cursors it saved and the waits it asked for. */
export interface RecordingSourceContext extends SourceContext {
  emitted: RawEvent[][]
  saved: unknown[]
  sleeps: number[]
}

/** Sleeps really wait (tests keep them short); `emit` runs before the units are recorded, so it can fail them. */
export function sourceContext(account: AccountRuntime, cursor: unknown, emit?: (units: RawEvent[]) => Promise<void>): RecordingSourceContext {
  const ctx: RecordingSourceContext = {
    account, cursor, emitted: [], saved: [], sleeps: [],
    async saveCursor(next) {
      ctx.saved.push(next)
      ctx.cursor = next
    },
    async emit(units) {
      await emit?.(units)
      ctx.emitted.push(units)
    },
    fetch, signal: new AbortController().signal, log: silentLog, now: () => new Date(),
    async sleep(ms) {
      ctx.sleeps.push(ms)
      await new Promise((resolve) => setTimeout(resolve, ms))
    },
  }
  return ctx
}

export function sendContext(account: AccountRuntime, timeoutMs = 5_000): SendContext {
  return { account, fetch, signal: AbortSignal.timeout(timeoutMs), now: () => new Date() }
}

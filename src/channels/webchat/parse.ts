// A web chat unit (unit.ts) → one private inbound message in the visitor's thread.
// The gateway already validated the frame; this re-checks everything because the inbound log
// can be replayed or uploaded by hand.
import type { NormalizedMessage, ParseResult } from '../../core/model.ts'
import type { RawEvent } from '../types.ts'
import { at, dateFromIso, decodeJson, isRecord, park, stringAt, type JsonRecord } from '../wire.ts'
import {
  accountIdPattern, clientIdPattern, emailLengthMax, emailPattern, externalIdOf, nameLengthMax, threadKeyOf, unitType,
  visitorIdPattern, visitorTextLengthMax,
} from './unit.ts'

/** A unit is one visitor message: a few KB at most. */
export const webchatUnitCharsMax = 64 * 1024

export function parseWebchatUnit(raw: RawEvent): ParseResult {
  const where = at(raw.origin)
  if (raw.body.length > webchatUnitCharsMax) return park('TOO_LARGE', `${where}${raw.body.length} chars`)
  if (raw.body.trim() === '') return { ok: true, messages: [], skipped: 0 }
  const decoded = decodeJson(raw.body)
  if (!decoded.ok) return park('MALFORMED_JSON', where + decoded.detail)
  const unit = decoded.value
  if (!isRecord(unit)) return park('INVALID_SHAPE', `${where}unit is not an object`)
  if (unit.type !== unitType) return park('UNSUPPORTED_EVENT', `${where}type: expected "${unitType}"`)
  const problem = unitProblem(unit)
  if (problem !== null) return park('INVALID_SHAPE', where + problem)
  return { ok: true, messages: [messageOf(unit)], skipped: 0 }
}

function unitProblem(unit: JsonRecord): string | null {
  const text = stringAt(unit, 'text')
  const name = unit.name
  const email = unit.email
  if (!matches(unit, 'account_id', accountIdPattern)) return 'account_id: expected an account id'
  if (!matches(unit, 'visitor_id', visitorIdPattern)) return 'visitor_id: expected 8-64 letters, digits, - or _'
  if (!matches(unit, 'client_id', clientIdPattern)) return 'client_id: expected 1-64 letters, digits, - or _'
  if (text === null || text.trim() === '' || text.length > visitorTextLengthMax) return `text: expected 1-${visitorTextLengthMax} characters`
  if (name !== undefined && (typeof name !== 'string' || name.length > nameLengthMax)) return `name: expected at most ${nameLengthMax} characters`
  if (email !== undefined && (typeof email !== 'string' || email.length > emailLengthMax || !emailPattern.test(email))) return 'email: expected an email address'
  if (dateFromIso(stringAt(unit, 'received_at')) === null) return 'received_at: expected an RFC 3339 date-time'
  return null
}

function matches(unit: JsonRecord, key: string, pattern: RegExp): boolean {
  const value = stringAt(unit, key)
  return value !== null && pattern.test(value)
}

/** Only called on a unit that passed unitProblem. */
function messageOf(unit: JsonRecord): NormalizedMessage {
  const accountId = stringAt(unit, 'account_id') ?? ''
  const visitorId = stringAt(unit, 'visitor_id') ?? ''
  const name = stringAt(unit, 'name')?.trim() ?? ''
  const email = stringAt(unit, 'email')?.trim() ?? ''
  return {
    channel: 'webchat',
    op: 'create',
    externalId: externalIdOf(visitorId, stringAt(unit, 'client_id') ?? ''),
    author: { externalUserId: visitorId, handle: email === '' ? null : email, displayName: name === '' ? null : name, followers: null, verified: false },
    direction: 'in',
    visibility: 'private',
    text: stringAt(unit, 'text') ?? '',
    langs: [],
    createdAt: dateFromIso(stringAt(unit, 'received_at')) ?? new Date(0),
    parentExternalId: null,
    threadExternalId: threadKeyOf(accountId, visitorId),
    url: null,
    engagement: null,
    raw: unit,
  }
}

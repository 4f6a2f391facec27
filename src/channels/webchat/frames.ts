// The visitor-side WebSocket protocol, checked here before anything reaches the pipeline.
//   visitor → server: {"type":"message","clientId","text","name"?,"email"?}  (≤ 8 KB)
//   server → visitor: {"type":"hello","visitorId"} on connect, {"type":"ack","clientId"} once a
//   message is stored, {"type":"reply","id","text","at"} for agent replies (hub.ts), and
//   {"type":"error","code","message","clientId"?} for a refused frame (the socket stays open).
import { decodeJson, isRecord, stringAt } from '../wire.ts'
import { clientIdPattern, emailLengthMax, emailPattern, nameLengthMax, unitType, visitorTextLengthMax, type WebchatUnit } from './unit.ts'

export const visitorFrameBytesMax = 8 * 1024

export interface VisitorMessage {
  clientId: string
  text: string
  name: string | null
  email: string | null
}

export type FrameErrorCode = 'TOO_LARGE' | 'MALFORMED' | 'INVALID' | 'RATE_LIMITED' | 'NOT_STORED' | 'UNKNOWN_ACCOUNT' | 'BAD_VISITOR'

export interface ErrorFrame {
  type: 'error'
  code: FrameErrorCode
  message: string
  clientId?: string
}

export type FrameRead = { ok: true; message: VisitorMessage } | { ok: false; error: ErrorFrame }

const messageKeys = new Set(['type', 'clientId', 'text', 'name', 'email'])

function refused(code: FrameErrorCode, message: string, clientId: string | null = null): FrameRead {
  return { ok: false, error: clientId === null ? { type: 'error', code, message } : { type: 'error', code, message, clientId } }
}

/** Checks one frame as received; pure. */
export function readVisitorFrame(data: Buffer, isBinary: boolean): FrameRead {
  if (data.length > visitorFrameBytesMax) return refused('TOO_LARGE', `frames are at most ${visitorFrameBytesMax} bytes`)
  if (isBinary) return refused('MALFORMED', 'expected a text frame')
  const decoded = decodeJson(data.toString('utf8'))
  if (!decoded.ok || !isRecord(decoded.value)) return refused('MALFORMED', 'expected a JSON object')
  const frame = decoded.value
  const rawClientId = stringAt(frame, 'clientId')
  const clientId = rawClientId !== null && clientIdPattern.test(rawClientId) ? rawClientId : null
  if (frame.type !== 'message') return refused('INVALID', 'type: expected "message"', clientId)
  const extra = Object.keys(frame).find((key) => !messageKeys.has(key))
  if (extra !== undefined) return refused('INVALID', `${extra}: unexpected field`, clientId)
  if (clientId === null) return refused('INVALID', 'clientId: expected 1-64 letters, digits, - or _')
  const text = stringAt(frame, 'text')
  if (text === null || text.trim() === '' || text.length > visitorTextLengthMax) return refused('INVALID', `text: expected 1-${visitorTextLengthMax} characters`, clientId)
  const name = optionalText(frame.name, nameLengthMax)
  if (name === undefined) return refused('INVALID', `name: expected at most ${nameLengthMax} characters`, clientId)
  const email = optionalText(frame.email, emailLengthMax)
  if (email === undefined || (email !== null && !emailPattern.test(email))) return refused('INVALID', 'email: expected an email address', clientId)
  return { ok: true, message: { clientId, text, name, email } }
}

/** null when absent or blank, undefined when invalid. */
function optionalText(value: unknown, lengthMax: number): string | null | undefined {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length > lengthMax) return undefined
  const trimmed = value.trim()
  return trimmed === '' ? null : trimmed
}

/** The pipeline unit for a checked message (the format parse.ts reads). */
export function unitOf(accountId: string, visitorId: string, message: VisitorMessage, receivedAt: Date): string {
  const unit: WebchatUnit = {
    type: unitType,
    account_id: accountId,
    visitor_id: visitorId,
    client_id: message.clientId,
    text: message.text,
    ...(message.name === null ? {} : { name: message.name }),
    ...(message.email === null ? {} : { email: message.email }),
    received_at: receivedAt.toISOString(),
  }
  return JSON.stringify(unit)
}

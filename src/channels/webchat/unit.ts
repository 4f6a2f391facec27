// The unit the gateway hands to the pipeline for one visitor message, and the only format
// parse.ts reads. One JSON document:
//   {"type":"webchat.message","account_id","visitor_id","client_id","text","name"?,"email"?,"received_at"}
// `received_at` is the server's clock (RFC 3339), not the browser's.

export const unitType = 'webchat.message'

export interface WebchatUnit {
  type: typeof unitType
  account_id: string
  visitor_id: string
  /** The widget's id for this message; unique per visitor, the same when the widget re-sends it. */
  client_id: string
  text: string
  name?: string
  email?: string
  received_at: string
}

/** Visitor ids are random UUIDs made by the widget; anything id-like of sane length is accepted. */
export const visitorIdPattern = /^[A-Za-z0-9_-]{8,64}$/
export const clientIdPattern = /^[A-Za-z0-9_-]{1,64}$/
/** Account ids appear in the socket URL and the thread key. */
export const accountIdPattern = /^[A-Za-z0-9_-]{1,64}$/
export const visitorTextLengthMax = 4_000
export const nameLengthMax = 100
export const emailLengthMax = 254
export const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,189}$/

/** The conversation of one visitor on one account. */
export function threadKeyOf(accountId: string, visitorId: string): string {
  return `webchat:${accountId}:${visitorId}`
}

/** Stable across re-sends of the same message by the widget, so the pipeline dedupes them. */
export function externalIdOf(visitorId: string, clientId: string): string {
  return `${visitorId}:${clientId}`
}

// RFC 5322 header sections: split from the body, unfolded, kept in order (names repeat), and
// the decoders for what the parser reads from them: RFC 2047 encoded-words, addresses, msg-ids.
import { decodeBytes, latin1Bytes } from './charset.ts'

export interface Header {
  /** Lower-case. */
  name: string
  /** Unfolded, still encoded. */
  value: string
}

export interface Entity {
  headers: Header[]
  body: string
}

/** Beyond this many header fields the rest is ignored (spam with thousands of Received lines). */
export const headersMax = 1_000
const headerCharsMax = 1_000_000

/** Splits one entity (a message or a MIME part) at the first empty line; CRLF or LF. */
export function splitEntity(text: string): Entity {
  const match = /\r?\n\r?\n/.exec(text)
  const head = match === null ? text : text.slice(0, match.index)
  const body = match === null ? '' : text.slice(match.index + match[0].length)
  return { headers: parseHeaders(head.slice(0, headerCharsMax)), body }
}

function parseHeaders(head: string): Header[] {
  const headers: Header[] = []
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      const last = headers.at(-1)
      if (last !== undefined) last.value += line
      continue
    }
    if (headers.length >= headersMax) break
    const colon = line.indexOf(':')
    const name = colon > 0 ? line.slice(0, colon).trim() : ''
    // mbox "From " separators and other junk lines are not fields.
    if (!/^[!-9;-~]{1,100}$/.test(name)) continue
    headers.push({ name: name.toLowerCase(), value: line.slice(colon + 1) })
  }
  for (const header of headers) header.value = header.value.trim()
  return headers
}

export function headerValue(headers: readonly Header[], name: string): string | null {
  return headers.find((h) => h.name === name)?.value ?? null
}

export function headerValues(headers: readonly Header[], name: string): string[] {
  return headers.filter((h) => h.name === name).map((h) => h.value)
}

// ---------------------------------------------------------------------------------------------
// RFC 2047 encoded-words: =?charset?B|Q?text?=. Adjacent words (only whitespace between) join,
// and their bytes are decoded together so a multi-byte char split across two words survives.

const encodedWord = /=\?([^?\s]{1,60})\?([BbQq])\?([^?\s]*)\?=/g

export function decodeWords(value: string): string {
  if (!value.includes('=?')) return value
  let out = ''
  let last = 0
  let pending: { charset: string; bytes: number[] } | null = null
  const flush = () => {
    if (pending !== null) out += decodeBytes(Uint8Array.from(pending.bytes), pending.charset)
    pending = null
  }
  for (const match of value.matchAll(encodedWord)) {
    const between = value.slice(last, match.index)
    const charset = (match[1] ?? '').split('*')[0] ?? ''
    const bytes = (match[2] ?? '').toUpperCase() === 'B' ? base64Bytes(match[3] ?? '') : qBytes(match[3] ?? '')
    if (pending !== null && /^[ \t\r\n]*$/.test(between) && pending.charset.toLowerCase() === charset.toLowerCase()) {
      for (const byte of bytes) pending.bytes.push(byte)
    } else {
      flush()
      // whitespace between two encoded-words is dropped (RFC 2047 §6.2)
      if (!(out !== '' && last > 0 && /^[ \t\r\n]*$/.test(between))) out += between
      pending = { charset, bytes: [...bytes] }
    }
    last = match.index + match[0].length
  }
  flush()
  return out + value.slice(last)
}

function qBytes(text: string): number[] {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    const hex = text.slice(i + 1, i + 3)
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else if (c === '_') bytes.push(0x20)
    else bytes.push(text.charCodeAt(i) & 0xff)
  }
  return bytes
}

export function base64Bytes(text: string): Uint8Array {
  return Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64')
}

/** Header text with encoded-words decoded, raw 8-bit chars read as UTF-8 where they are, control chars removed. */
export function headerText(value: string): string {
  const bytes = /[\u0080-\u00ff]/.test(value) ? latin1Bytes(value) : null
  const text = bytes === null ? value : decodeBytes(bytes, 'utf-8')
  return decodeWords(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim()
}

// ---------------------------------------------------------------------------------------------
// Addresses: `Name <local@domain>`, `"Quoted, Name" <a@b>`, `a@b (Comment)`, `a@b`, groups.

export interface Address {
  /** Lower-cased. */
  address: string
  name: string | null
}

const addressesMax = 100

export function parseAddresses(value: string | null): Address[] {
  if (value === null) return []
  const addresses: Address[] = []
  for (const part of splitOutsideQuotes(value.replace(/^[^"<]*?:(?!\/)/, (g) => (g.includes('@') ? g : '')), [',', ';'])) {
    const address = parseAddress(part)
    if (address !== null) addresses.push(address)
    if (addresses.length >= addressesMax) break
  }
  return addresses
}

function parseAddress(part: string): Address | null {
  const angle = /<([^<>]*)>/.exec(part)
  let address: string
  let name: string
  if (angle !== null) {
    address = (angle[1] ?? '').trim()
    name = part.slice(0, angle.index) + part.slice(angle.index + angle[0].length)
  } else {
    const comment = /\(([^()]*)\)/.exec(part)
    address = part.replace(/\([^()]*\)/g, '').trim()
    name = comment?.[1] ?? ''
  }
  address = address.replace(/^mailto:/i, '').toLowerCase()
  if (!/^[^\s@<>()",;]+@[^\s@<>()",;]+$/.test(address) && !/^mailer-daemon$/i.test(address)) return null
  const display = headerText(name.replace(/^\s*"|"\s*$/g, '').replace(/\\(.)/g, '$1'))
  return { address, name: display === '' ? null : display }
}

/** Splits on separators that are not inside "quotes", <angle brackets> or (comments). */
function splitOutsideQuotes(value: string, separators: readonly string[]): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  let depth = 0
  for (let i = 0; i < value.length; i++) {
    const c = value[i] ?? ''
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '')
      i++
      continue
    }
    if (c === '"') quoted = !quoted
    else if (!quoted && (c === '<' || c === '(')) depth++
    else if (!quoted && (c === '>' || c === ')')) depth = Math.max(0, depth - 1)
    if (!quoted && depth === 0 && separators.includes(c)) {
      parts.push(current)
      current = ''
    } else current += c
  }
  parts.push(current)
  return parts.filter((p) => p.trim() !== '')
}

// ---------------------------------------------------------------------------------------------
// Message-IDs: `<left@right>`; ids with whitespace or without one @ are invalid and skipped.

const msgIdsMax = 200

/** Valid ids in order, without angle brackets. */
export function parseMsgIds(value: string | null): string[] {
  if (value === null) return []
  const ids: string[] = []
  for (const match of value.matchAll(/<([^<>]*)>/g)) {
    const id = normaliseMsgId(match[1] ?? '')
    if (id !== null) ids.push(id)
    if (ids.length >= msgIdsMax) break
  }
  return ids
}

/** A Message-ID header: `<id>`, or a bare `id@host` some mailers write. */
export function parseMessageId(value: string | null): string | null {
  if (value === null) return null
  return parseMsgIds(value)[0] ?? normaliseMsgId(value.trim())
}

function normaliseMsgId(text: string): string | null {
  return /^[^\s<>@]{1,500}@[^\s<>@]{1,500}$/.test(text) ? text : null
}

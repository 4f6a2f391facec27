// MIME bodies (RFC 2045/2046): Content-Type with parameters, multipart splitting, quoted-printable
// and base64, charsets, and the choice of the one text a support agent reads: text/plain preferred,
// else text/html made plain. Attachments are counted, not read.
import { htmlToText } from '../rss-atom/html-text.ts'
import { decodeBytes, decodeUnencoded } from './charset.ts'
import { base64Bytes, headerText, headerValue, splitEntity, type Entity, type Header } from './headers.ts'

export interface ContentType {
  /** Lower-case `type/subtype`; text/plain when absent or unreadable. */
  mime: string
  params: ReadonlyMap<string, string>
}

const nestingMax = 20
const partsMax = 200

export function contentTypeOf(headers: readonly Header[]): ContentType {
  const value = headerValue(headers, 'content-type') ?? ''
  const [head = '', ...rest] = splitParams(value)
  const mime = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(head.trim()) ? head.trim().toLowerCase() : 'text/plain'
  return { mime, params: paramsOf(rest) }
}

/** Parameters `name=value` / `name="quoted"`, names lower-cased; RFC 2231 `name*=charset''%xx` decoded. */
function paramsOf(parts: readonly string[]): Map<string, string> {
  const params = new Map<string, string>()
  for (const part of parts) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim().toLowerCase()
    let value = part.slice(eq + 1).trim()
    if (value.startsWith('"')) value = value.replace(/^"|"$/g, '').replace(/\\(.)/g, '$1')
    if (name.endsWith('*')) {
      const m = /^([^']*)'[^']*'(.*)$/.exec(value)
      if (m !== null) value = decodeBytes(percentBytes(m[2] ?? ''), m[1] ?? '')
      params.set(name.slice(0, -1), value)
    } else if (!params.has(name)) params.set(name, value)
  }
  return params
}

function percentBytes(text: string): Uint8Array {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3)
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else bytes.push(text.charCodeAt(i) & 0xff)
  }
  return Uint8Array.from(bytes)
}

function splitParams(value: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (const c of value) {
    if (c === '"') quoted = !quoted
    if (c === ';' && !quoted) {
      parts.push(current)
      current = ''
    } else current += c
  }
  parts.push(current)
  return parts
}

/** The body parts of a multipart entity (preamble and epilogue dropped). */
export function multipartParts(body: string, boundary: string): string[] {
  if (boundary === '' || boundary.length > 200) return []
  const delimiter = `--${boundary}`
  const lines = body.split(/\r?\n/)
  const parts: string[] = []
  let current: string[] | null = null
  for (const line of lines) {
    const trimmed = line.trimEnd()
    if (trimmed === delimiter || trimmed === `${delimiter}--`) {
      if (current !== null) parts.push(current.join('\n'))
      if (trimmed.endsWith('--') && trimmed !== delimiter) return parts
      if (parts.length >= partsMax) return parts
      current = []
    } else current?.push(line)
  }
  if (current !== null && current.length > 0) parts.push(current.join('\n'))
  return parts
}

/** The decoded text of a leaf part with its declared charset and transfer encoding. */
export function partText(entity: Entity, type: ContentType): string {
  const encoding = (headerValue(entity.headers, 'content-transfer-encoding') ?? '').trim().toLowerCase()
  const charset = type.params.get('charset') ?? 'utf-8'
  let text: string
  if (encoding === 'base64') text = decodeBytes(base64Bytes(entity.body), charset)
  else if (encoding === 'quoted-printable') text = decodeBytes(quotedPrintableBytes(entity.body), charset)
  else text = decodeUnencoded(entity.body, charset)
  text = text.replace(/\r\n?/g, '\n')
  if (type.params.get('format')?.toLowerCase() === 'flowed') text = unflow(text, type.params.get('delsp')?.toLowerCase() === 'yes')
  return text
}

/** Soft line breaks `=\r\n` vanish, `=XX` is a byte; chars above U+00FF (already decoded text) pass as UTF-8. */
export function quotedPrintableBytes(body: string): Uint8Array {
  // Trailing blanks on a line were added in transport (RFC 2045 §6.7 rule 3); `=` at the end is a soft break.
  const text = body.split(/\r?\n/).map(trimTrailingBlanks).join('\n').replace(/=\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3)
    const code = text.charCodeAt(i)
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else if (code > 0xff) bytes.push(...Buffer.from(text[i] ?? '', 'utf8'))
    else bytes.push(code)
  }
  return Uint8Array.from(bytes)
}

/** A line without its trailing spaces and tabs (a loop: /[ \t]+$/ backtracks quadratically on long blank runs). */
function trimTrailingBlanks(line: string): string {
  let end = line.length
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--
  return end === line.length ? line : line.slice(0, end)
}

/** RFC 3676 format=flowed: a line ending in a space continues on the next one. */
function unflow(text: string, delsp: boolean): string {
  const out: string[] = []
  let carry = ''
  for (const rawLine of text.split('\n')) {
    const line = rawLine === '-- ' ? rawLine : rawLine.replace(/^ /, '')
    if (line.endsWith(' ') && line !== '-- ') carry += delsp ? line.slice(0, -1) : line
    else {
      out.push(carry + line)
      carry = ''
    }
  }
  if (carry !== '') out.push(carry)
  return out.join('\n')
}

// ---------------------------------------------------------------------------------------------

interface Candidate {
  kind: 'plain' | 'html'
  text: string
}

export interface BodyText {
  text: string
  attachments: number
}

/** The readable text of a message entity: text/plain preferred, else text/html as plain text. */
export function bodyText(entity: Entity): BodyText {
  const state = { attachments: 0, parts: 0 }
  const found = pick(entity, 0, state)
  return { text: found === null ? '' : found.kind === 'html' ? htmlToText(found.text, null) : found.text.split('\n').map(trimTrailingBlanks).join('\n').trim(), attachments: state.attachments }
}

function pick(entity: Entity, depth: number, state: { attachments: number; parts: number }): Candidate | null {
  state.parts += 1
  if (depth > nestingMax || state.parts > partsMax) return null
  const type = contentTypeOf(entity.headers)
  if (isAttachment(entity.headers, type)) {
    state.attachments += 1
    return null
  }
  if (type.mime === 'text/plain') return { kind: 'plain', text: partText(entity, type) }
  if (type.mime === 'text/html') return { kind: 'html', text: partText(entity, type) }
  if (!type.mime.startsWith('multipart/')) {
    state.attachments += 1
    return null
  }
  const children = multipartParts(entity.body, type.params.get('boundary') ?? '').map(splitEntity)
  const candidates = children.map((child) => pick(child, depth + 1, state)).filter((c): c is Candidate => c !== null)
  // alternative: the plain version if any; mixed/related: the first readable part (the message itself).
  if (type.mime === 'multipart/alternative') return candidates.find((c) => c.kind === 'plain') ?? candidates[0] ?? null
  return candidates[0] ?? null
}

function isAttachment(headers: readonly Header[], type: ContentType): boolean {
  const disposition = headerValue(headers, 'content-disposition')?.trim().toLowerCase() ?? ''
  return disposition.startsWith('attachment') || (type.mime.startsWith('text/') && type.params.has('name') && !disposition.startsWith('inline'))
}

/** A header's text decoded, or '' when absent. */
export function decodedHeader(headers: readonly Header[], name: string): string {
  const value = headerValue(headers, name)
  return value === null ? '' : headerText(value)
}

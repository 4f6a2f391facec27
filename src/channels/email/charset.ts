// Bytes ↔ text for mail. A unit arrives as a JS string: the IMAP source decodes a message's bytes
// as UTF-8 when they are valid UTF-8 and as Latin-1 otherwise (so every byte survives as one char),
// and `earshot ingest` reads .eml files as UTF-8. Parts in other charsets are recovered from there.

const utf8Labels = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'ansi_x3.4-1968', ''])
// WHATWG reads these as windows-1252 (mailers mean it), but Node's TextDecoder reads them as
// ISO-8859-1, losing € “ ” … in 0x80–0x9F; the table below restores them.
const windows1252Labels = new Set(['windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'iso_8859-1', 'cp819', 'ibm819'])
const windows1252High = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]

function decodeWindows1252(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 8_192) {
    const chunk = Array.from(bytes.subarray(i, i + 8_192), (b) => (b >= 0x80 && b <= 0x9f ? windows1252High[b - 0x80] ?? b : b))
    out += String.fromCharCode(...chunk)
  }
  return out
}

/** Each char ≤ U+00FF as one byte; null when the text holds wider chars (it was decoded already). */
export function latin1Bytes(text: string): Uint8Array | null {
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0xff) return null
    bytes[i] = code
  }
  return bytes
}

/** Decodes bytes in a MIME charset; unknown charsets read as UTF-8 when valid, else windows-1252. */
export function decodeBytes(bytes: Uint8Array, charset: string): string {
  const label = charset.trim().toLowerCase()
  if (windows1252Labels.has(label)) return decodeWindows1252(bytes)
  if (!utf8Labels.has(label)) {
    try {
      return new TextDecoder(label).decode(bytes)
    } catch {
      // unknown label (utf-7, x-user-defined …): fall through to the guess below
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return decodeWindows1252(bytes)
  }
}

/**
 * Text of an unencoded (7bit/8bit) part. A non-UTF-8 charset is applied to the chars read as
 * bytes; text already holding wider chars was decoded upstream and is kept.
 */
export function decodeUnencoded(text: string, charset: string): string {
  const label = charset.trim().toLowerCase()
  if (utf8Labels.has(label) || !/[\u0080-\u00ff]/.test(text)) return text
  const bytes = latin1Bytes(text)
  return bytes === null ? text : decodeBytes(bytes, label)
}

/** How the IMAP source turns a message's bytes into a unit body (see the file comment). */
export function unitText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // Buffer's latin1 is true ISO-8859-1 (byte n → U+00nn); TextDecoder('latin1') is windows-1252.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  }
}

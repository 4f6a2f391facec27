// Feed bytes → text. XML says its own encoding: a byte order mark, else the prolog's
// `encoding="…"`, else the HTTP charset, else UTF-8 (XML 1.0 §4.3.3 and Appendix F).
import { decodeBytes } from '../email/charset.ts'

export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3))
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2))
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2))
  const encoding = declaredEncoding(bytes) ?? httpCharset(contentType) ?? 'utf-8'
  // A UTF-8 feed with a few broken bytes keeps its other characters (U+FFFD for the broken ones).
  if (/^utf-?8$/i.test(encoding)) return new TextDecoder('utf-8').decode(bytes)
  return decodeBytes(bytes, encoding)
}

/** `encoding` of an XML declaration at the start (after leading whitespace, which feeds have). */
export function declaredEncoding(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 300)).toString('latin1')
  const match = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']/.exec(head)
  return match?.[1] ?? null
}

function httpCharset(contentType: string | null): string | null {
  return /;\s*charset\s*=\s*"?([A-Za-z0-9._:-]{1,40})/i.exec(contentType ?? '')?.[1] ?? null
}

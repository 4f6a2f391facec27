// HTML fragment → plain text for feed bodies. A linear scanner, not a DOM: tags are dropped,
// entities decoded, block elements become line breaks and links become "text (url)".
// Nothing is executed or fetched; script/style/svg … contents are dropped whole.
import { textLengthMax } from '../wire.ts'

const skippedElements = new Set(['script', 'style', 'svg', 'head', 'noscript', 'template', 'iframe', 'object', 'canvas', 'title'])
const paragraphElements = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'table', 'hr',
  'section', 'article', 'figure', 'aside', 'main', 'nav', 'details', 'address',
])
const lineElements = new Set(['br', 'div', 'tr', 'dt', 'dd', 'header', 'footer', 'figcaption', 'summary', 'caption'])
const linkSchemes = new Set(['http:', 'https:', 'mailto:'])
// Break markers (control characters are removed from text first), resolved by resolveBreaks.
const lineBreak = '\u0001'
const brBreak = '\u0002'
const paragraphBreak = '\u0003'
const openLinksMax = 16
/** Stop scanning once this much text is out; the result is cut to textLengthMax anyway. */
const outputCharsMax = textLengthMax + 1_000

interface OpenLink {
  href: string | null
  partIndex: number
}

interface ScanState {
  parts: string[]
  length: number
  links: OpenLink[]
  preDepth: number
}

export function htmlToText(html: string, base: string | null): string {
  const state: ScanState = { parts: [], length: 0, links: [], preDepth: 0 }
  let i = 0
  while (i < html.length && state.length < outputCharsMax) {
    const lt = html.indexOf('<', i)
    const textEnd = lt < 0 ? html.length : lt
    if (textEnd > i) emitText(state, html.slice(i, textEnd))
    if (lt < 0) break
    i = scanMarkup(html, lt, state, base)
  }
  return tidyText(resolveBreaks(state.parts.join('')))
}

/** Handles the markup starting at `lt`; returns the index after it. */
function scanMarkup(html: string, lt: number, state: ScanState, base: string | null): number {
  if (html.startsWith('<!--', lt)) return afterMarker(html, '-->', lt + 4)
  if (html.startsWith('<![CDATA[', lt)) {
    const end = html.indexOf(']]>', lt + 9)
    emitText(state, html.slice(lt + 9, end < 0 ? html.length : end), true)
    return end < 0 ? html.length : end + 3
  }
  if (html.startsWith('<!', lt) || html.startsWith('<?', lt)) return afterMarker(html, '>', lt + 2)
  const nameMatch = /^<(\/?)([A-Za-z][A-Za-z0-9:-]{0,63})/.exec(html.slice(lt, lt + 66))
  if (nameMatch === null) {
    emitText(state, '<')
    return lt + 1
  }
  const tagEnd = findTagEnd(html, lt + nameMatch[0].length)
  const source = html.slice(lt, tagEnd)
  const name = localName(nameMatch[2] ?? '')
  if (nameMatch[1] === '/') {
    closeElement(name, state)
    return tagEnd
  }
  if (skippedElements.has(name) && !source.endsWith('/>')) return afterClosingTag(html, name, tagEnd)
  openElement(name, source, state, base)
  return tagEnd
}

function afterMarker(html: string, marker: string, from: number): number {
  const end = html.indexOf(marker, from)
  return end < 0 ? html.length : end + marker.length
}

/** Index after the `>` closing a tag, skipping `>` inside quoted attribute values. */
function findTagEnd(html: string, from: number): number {
  let quote: string | null = null
  for (let j = from; j < html.length; j++) {
    const c = html[j]
    if (quote !== null) {
      if (c === quote) quote = null
    } else if (c === '"' || c === "'") quote = c
    else if (c === '>') return j + 1
  }
  return html.length
}

function afterClosingTag(html: string, name: string, from: number): number {
  const closing = new RegExp(`</(?:[A-Za-z0-9-]+:)?${name}\\s*>`, 'gi')
  closing.lastIndex = from
  const match = closing.exec(html)
  return match === null ? html.length : match.index + match[0].length
}

function localName(name: string): string {
  const colon = name.lastIndexOf(':')
  return (colon < 0 ? name : name.slice(colon + 1)).toLowerCase()
}

function openElement(name: string, source: string, state: ScanState, base: string | null): void {
  if (name === 'br') emit(state, brBreak)
  else if (name === 'li') emit(state, `${lineBreak}- `)
  else if (paragraphElements.has(name)) emit(state, paragraphBreak)
  else if (lineElements.has(name)) emit(state, lineBreak)
  if (name === 'pre') state.preDepth += 1
  if (name === 'a' && !source.endsWith('/>')) {
    // Unclosed <a>s pile up in broken markup; past a few, their targets are not worth resolving.
    const href = state.links.length < openLinksMax ? attribute(source, 'href') : null
    state.links.push({ href: href === null ? null : safeUrl(href, base, linkSchemes), partIndex: state.parts.length })
  }
}

function closeElement(name: string, state: ScanState): void {
  if (name === 'pre') state.preDepth = Math.max(0, state.preDepth - 1)
  if (paragraphElements.has(name)) emit(state, paragraphBreak)
  else if (lineElements.has(name) || name === 'li') emit(state, lineBreak)
  if (name === 'a') closeLink(state)
}

function closeLink(state: ScanState): void {
  const link = state.links.pop()
  if (link === undefined || link.href === null) return
  const text = state.parts.slice(link.partIndex).join('').trim()
  if (text === '') emit(state, link.href)
  else if (!sameLink(text, link.href)) emit(state, ` (${link.href})`)
}

/** "example.com/x" shown for https://example.com/x needs no repetition. */
function sameLink(text: string, href: string): boolean {
  const bare = (s: string) => s.replace(/^(https?:\/\/|mailto:)/i, '').replace(/^www\./i, '').replace(/\/$/, '')
  return bare(text) === bare(href)
}

function attribute(source: string, name: string): string | null {
  const pattern = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i')
  const match = pattern.exec(source)
  if (match === null) return null
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '')
}

/** An absolute URL with an allowed scheme, resolved against `base`; null otherwise (javascript: …). */
export function safeUrl(ref: string, base: string | null, schemes: ReadonlySet<string>): string | null {
  if (ref.trim() === '' || ref.length > 4_000) return null
  try {
    const url = base === null ? new URL(ref.trim()) : new URL(ref.trim(), base)
    return schemes.has(url.protocol) ? url.href : null
  } catch {
    return null
  }
}

function emitText(state: ScanState, text: string, literal = false): void {
  const decoded = (literal ? text : decodeEntities(text)).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
  emit(state, state.preDepth > 0 ? decoded.replace(/\r\n?/g, '\n') : decoded.replace(/[\s\u00a0]+/g, ' '))
}

function emit(state: ScanState, text: string): void {
  if (text === '') return
  state.parts.push(text)
  state.length += text.length
}

/**
 * A run of break markers (with the spaces between them) becomes one line break, or an empty line
 * when it holds a paragraph break or two <br>s: `</li> <li>` is one line, `<br><br>` a blank one.
 */
function resolveBreaks(text: string): string {
  return text.replace(/[ \t]*[\u0001-\u0003][\u0001-\u0003 \t]*/g, (run) => {
    const brs = run.split(brBreak).length - 1
    return run.includes(paragraphBreak) || brs >= 2 ? '\n\n' : '\n'
  })
}

/** Drops trailing spaces and keeps at most one empty line between paragraphs (leading spaces only survive in <pre>). */
function tidyText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

// HTML 4 Latin-1 entities, in code point order from U+00A0.
const latin1Names = (
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 ' +
  'acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml ' +
  'Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde ' +
  'Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ' +
  'ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide ' +
  'oslash ugrave uacute ucirc uuml yacute thorn yuml'
).split(' ')

const namedEntities: ReadonlyMap<string, number> = new Map<string, number>([
  ...latin1Names.map((name, i): [string, number] => [name, 0xa0 + i]),
  ['quot', 34], ['amp', 38], ['apos', 39], ['lt', 60], ['gt', 62], ['OElig', 338], ['oelig', 339],
  ['Scaron', 352], ['scaron', 353], ['Yuml', 376], ['fnof', 402], ['circ', 710], ['tilde', 732],
  ['ensp', 8194], ['emsp', 8195], ['thinsp', 8201], ['zwnj', 8204], ['zwj', 8205], ['lrm', 8206], ['rlm', 8207],
  ['ndash', 8211], ['mdash', 8212], ['lsquo', 8216], ['rsquo', 8217], ['sbquo', 8218], ['ldquo', 8220],
  ['rdquo', 8221], ['bdquo', 8222], ['dagger', 8224], ['Dagger', 8225], ['bull', 8226], ['hellip', 8230],
  ['permil', 8240], ['prime', 8242], ['Prime', 8243], ['lsaquo', 8249], ['rsaquo', 8250], ['euro', 8364],
  ['trade', 8482], ['larr', 8592], ['uarr', 8593], ['rarr', 8594], ['darr', 8595], ['harr', 8596],
  ['minus', 8722], ['hearts', 9829],
])

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, ref: string) => {
    if (!ref.startsWith('#')) {
      const code = namedEntities.get(ref)
      return code === undefined ? whole : String.fromCodePoint(code)
    }
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
    return valid ? String.fromCodePoint(code) : '\ufffd'
  })
}

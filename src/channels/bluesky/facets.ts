// Rich-text facets for outgoing posts: Bluesky only links a mention or a URL when a facet marks it,
// with UTF-8 BYTE offsets into the text (not UTF-16 indexes). Pure; resolving handles to DIDs is
// done by send.ts.

export interface TextSpan {
  byteStart: number
  byteEnd: number
}

export interface MentionSpan extends TextSpan {
  /** Lower-cased handle without the @. */
  handle: string
}

export interface LinkSpan extends TextSpan {
  uri: string
}

export interface Facet {
  index: TextSpan
  features: ({ $type: 'app.bsky.richtext.facet#mention'; did: string } | { $type: 'app.bsky.richtext.facet#link'; uri: string })[]
}

/** Bounds the handle lookups one reply can cause. */
export const mentionCountMax = 20
const linkCountMax = 20

// As the official clients detect them: @ at the start, after whitespace or "(".
const mentionPattern = /(^|\s|\()@([a-zA-Z0-9.-]+)(\b)/g
const handlePattern = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/
const linkPattern = /(^|\s|\()(https?:\/\/[^\s]+)/g

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function spanAt(text: string, start: number, matched: string): TextSpan {
  const byteStart = utf8Length(text.slice(0, start))
  return { byteStart, byteEnd: byteStart + utf8Length(matched) }
}

export function findMentions(text: string): MentionSpan[] {
  const spans: MentionSpan[] = []
  for (const match of text.matchAll(mentionPattern)) {
    const handle = match[2] ?? ''
    if (!handlePattern.test(handle) || handle.length > 253) continue
    const start = match.index + (match[1] ?? '').length
    spans.push({ handle: handle.toLowerCase(), ...spanAt(text, start, `@${handle}`) })
    if (spans.length >= mentionCountMax) break
  }
  return spans
}

/** http(s) URLs, without trailing sentence punctuation or an unbalanced closing parenthesis. */
export function findLinks(text: string): LinkSpan[] {
  const spans: LinkSpan[] = []
  for (const match of text.matchAll(linkPattern)) {
    let uri = match[2] ?? ''
    uri = uri.replace(/[.,;:!?"']+$/, '')
    if (uri.endsWith(')') && !uri.includes('(')) uri = uri.slice(0, -1)
    if (!URL.canParse(uri)) continue
    const start = match.index + (match[1] ?? '').length
    spans.push({ uri, ...spanAt(text, start, uri) })
    if (spans.length >= linkCountMax) break
  }
  return spans
}

/** Facets for the text, given the DIDs the mentioned handles resolved to (unresolved ones stay plain text). */
export function facetsFor(text: string, didsByHandle: ReadonlyMap<string, string>): Facet[] {
  const facets: Facet[] = []
  for (const m of findMentions(text)) {
    const did = didsByHandle.get(m.handle)
    if (did !== undefined) facets.push({ index: { byteStart: m.byteStart, byteEnd: m.byteEnd }, features: [{ $type: 'app.bsky.richtext.facet#mention', did }] })
  }
  for (const l of findLinks(text)) {
    facets.push({ index: { byteStart: l.byteStart, byteEnd: l.byteEnd }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: l.uri }] })
  }
  return facets.sort((a, b) => a.index.byteStart - b.index.byteStart)
}

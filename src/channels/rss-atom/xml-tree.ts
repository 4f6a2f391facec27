// A small element tree over fast-xml-parser's `preserveOrder` output, which keeps mixed content
// (Atom xhtml bodies) in document order. Built by checking every value, no casts.
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { isRecord } from '../wire.ts'

export interface XmlElement {
  name: string
  attrs: ReadonlyMap<string, string>
  children: XmlNode[]
}
export type XmlNode = XmlElement | string

const attributePrefix = '@_'

// Limits count only entities declared in the document's DTD (`appliesTo: 'external'`, read by the
// parser though missing from its typings); &amp; and friends are unlimited, feeds are full of them.
const entityLimits = {
  enabled: true, maxEntityCount: 100, maxEntitySize: 10_000, maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000,
  appliesTo: 'external',
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: attributePrefix,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Internal DTD entities are expanded within entityLimits; external (SYSTEM) ones make the parser throw.
  processEntities: entityLimits,
  htmlEntities: true,
  maxNestedTags: 200,
})

export type XmlParsed =
  | { ok: true; nodes: XmlNode[]; wellFormed: boolean; problem: string }
  | { ok: false; detail: string }

/** Parses leniently; `wellFormed` says whether the strict validator accepted the text. */
export function parseXml(text: string): XmlParsed {
  try {
    const verdict = XMLValidator.validate(text)
    const problem = verdict === true ? '' : `${verdict.err.msg} (line ${verdict.err.line}, col ${verdict.err.col})`
    return { ok: true, nodes: toNodes(parser.parse(text)), wellFormed: verdict === true, problem }
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) }
  }
}

function toNodes(value: unknown): XmlNode[] {
  if (!Array.isArray(value)) return []
  const nodes: XmlNode[] = []
  for (const entry of value) {
    if (!isRecord(entry)) continue
    for (const [key, content] of Object.entries(entry)) {
      if (key === ':@') continue
      if (key === '#text') {
        if (typeof content === 'string' || typeof content === 'number') nodes.push(String(content))
      } else {
        nodes.push({ name: key, attrs: attrsOf(entry[':@']), children: toNodes(content) })
      }
    }
  }
  return nodes
}

function attrsOf(value: unknown): ReadonlyMap<string, string> {
  const attrs = new Map<string, string>()
  if (!isRecord(value)) return attrs
  for (const [key, attr] of Object.entries(value)) {
    if (key.startsWith(attributePrefix) && (typeof attr === 'string' || typeof attr === 'number')) {
      attrs.set(key.slice(attributePrefix.length), String(attr))
    }
  }
  return attrs
}

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string'
}

export function elements(nodes: readonly XmlNode[]): XmlElement[] {
  return nodes.filter(isElement)
}

export function childrenNamed(el: XmlElement, names: readonly string[]): XmlElement[] {
  return el.children.filter((node): node is XmlElement => isElement(node) && names.includes(node.name))
}

/** The first child called `names[0]`, else the first called `names[1]` … (names are in priority order). */
export function childNamed(el: XmlElement, names: readonly string[]): XmlElement | null {
  for (const name of names) {
    const found = el.children.find((node): node is XmlElement => isElement(node) && node.name === name)
    if (found !== undefined) return found
  }
  return null
}

/** All text below `el`, tags dropped. */
export function textContent(el: XmlElement): string {
  return el.children.map((node) => (isElement(node) ? textContent(node) : node)).join('')
}

/** Trimmed text of `childNamed(el, names)`; null when absent or blank. */
export function childText(el: XmlElement, names: readonly string[]): string | null {
  const child = childNamed(el, names)
  const text = child === null ? '' : textContent(child).trim()
  return text === '' ? null : text
}

/** Back to markup (escaped), for Atom xhtml bodies and for keeping an item as `raw`. */
export function serialize(nodes: readonly XmlNode[]): string {
  return nodes.map((node) => (isElement(node) ? serializeElement(node) : escapeText(node))).join('')
}

function serializeElement(el: XmlElement): string {
  const attrs = [...el.attrs].map(([key, value]) => ` ${key}="${escapeAttr(value)}"`).join('')
  return el.children.length === 0 ? `<${el.name}${attrs}/>` : `<${el.name}${attrs}>${serialize(el.children)}</${el.name}>`
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;')
}

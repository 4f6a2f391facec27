// What RSS items and Atom entries have in common once read: the feed context they inherit
// and the NormalizedMessage they become.
import type { Author, NormalizedMessage } from '../../core/model.ts'
import { capText, engagementOf } from '../wire.ts'
import { safeUrl } from './html-text.ts'
import type { XmlElement } from './xml-tree.ts'

/** Longer guids/ids are not ids; such items are skipped. */
export const externalIdLengthMax = 2_048
export const webSchemes: ReadonlySet<string> = new Set(['http:', 'https:'])
const langPattern = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}$/

/** Feed-level values items fall back to. */
export interface FeedContext {
  /** Base for relative links: xml:base, else the feed's self/alternate link. */
  base: string | null
  /** The feed's web page, used as author id when an item names nobody. */
  link: string | null
  id: string | null
  title: string | null
  date: Date | null
  langs: string[]
  author: Author | null
}

export interface FeedItem {
  externalId: string
  title: string
  body: string
  author: Author
  createdAt: Date
  url: string | null
  replies: number | null
  parentExternalId: string | null
  langs: string[]
  raw: string
}

export function feedMessage(item: FeedItem): NormalizedMessage {
  return {
    channel: 'rss-atom',
    op: 'create',
    externalId: item.externalId,
    author: item.author,
    direction: 'in',
    visibility: 'public',
    text: capText([item.title, item.body].filter((part) => part !== '').join('\n\n')),
    langs: item.langs,
    createdAt: item.createdAt,
    parentExternalId: item.parentExternalId,
    threadExternalId: null,
    url: item.url,
    engagement: item.replies === null ? null : engagementOf(0, 0, item.replies, 0),
    raw: item.raw,
  }
}

/** externalUserId is the author's name, else email, else the feed itself (link, id, title). */
export function feedAuthor(name: string | null, email: string | null, feed: FeedContext): Author {
  const named = name ?? email
  return {
    externalUserId: named ?? feed.link ?? feed.id ?? feed.title ?? 'unknown-feed',
    handle: null,
    displayName: name ?? (named === null ? feed.title : null),
    followers: null,
    verified: false,
  }
}

/** The element's xml:base resolved against the inherited base. */
export function baseOf(el: XmlElement, inherited: string | null): string | null {
  const own = el.attrs.get('xml:base')
  return own === undefined ? inherited : safeUrl(own, inherited, webSchemes) ?? inherited
}

export function langOf(value: string | null | undefined): string[] {
  const lang = value?.trim() ?? ''
  return langPattern.test(lang) ? [lang] : []
}

export function countOf(value: string | null | undefined): number | null {
  const text = value?.trim() ?? ''
  return /^\d{1,9}$/.test(text) ? Number(text) : null
}

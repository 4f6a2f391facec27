// Synthetic Bluesky Jetstream traffic for benchmarks: N `app.bsky.feed.post` create commits in the
// real wire format (same line builder as the demo), deterministic for a seed.
//   - authors: a pool of ~N/5 distinct DIDs, picked with a mild skew, so identities repeat;
//   - threads: ~30 % of posts reply to one of the last `replyWindow` posts (root and parent refs as
//     Jetstream sends them), so threading and conversation refresh have work;
//   - text: 100–250 chars built from the demo's English (and some fr/es/de) templates, ~35 % complaints.
import { DEMO_BRAND } from '../demo/context.ts'
import { blueskyPostLine, facetsFor, postUri, TidClock, type StrongRef } from '../demo/bluesky-wire.ts'
import { cidDagCbor, didPlc } from '../demo/ids.ts'
import type { DemoLang } from '../demo/personas.ts'
import { createRng, type Rng } from '../demo/prng.ts'
import { bookingRef } from '../demo/ids.ts'
import { cities, flightNumber, templates, voice, type Intent, type Template } from '../demo/templates.ts'

export interface SyntheticOptions {
  count: number
  seed?: number
  /** Share of posts that reply to an earlier post (default 0.3). */
  replyShare?: number
  /** Replies pick their parent among this many most recent posts (default 2000). */
  replyWindow?: number
  /** Authors in the pool (default max(1, round(count / 5))). */
  authors?: number
  /** Relay time of the first event, ms since the epoch (default 2025-03-03T09:00:00Z: fixed for determinism). */
  startMs?: number
}

export interface SyntheticPost {
  /** The Jetstream JSON line. */
  line: string
  /** at:// URI of the post: the message's external id after parsing. */
  uri: string
  did: string
  /** at:// URI of the thread root (the post itself when it starts a thread). */
  rootUri: string
  parentUri: string | null
}

export interface SyntheticStream {
  posts: SyntheticPost[]
  authors: number
  replies: number
  threads: number
  /** Size of the largest thread (posts). */
  threadSizeMax: number
  textCharsMean: number
}

export const defaultSeed = 0xea25_0001
export const textCharsMin = 100
export const textCharsMax = 250

const brandMention = `@${DEMO_BRAND.blueskyHandle}`
const mentions: Record<string, string> = { [DEMO_BRAND.blueskyHandle]: DEMO_BRAND.blueskyDid }

const intentWeights: readonly (readonly [Intent, number])[] = [
  ['complaint', 35], ['question', 25], ['chatter', 20], ['praise', 12], ['idea', 6], ['spam', 2],
]
const langWeights: readonly (readonly [DemoLang, number])[] = [['en', 85], ['fr', 6], ['es', 5], ['de', 4]]

/** Extra sentences that lengthen a post to its target size, per language. */
const fillers: Record<DemoLang, readonly string[]> = {
  en: [
    'Not the first time either.', 'Anyone else seeing this today?', 'Honestly expected better.', 'Will update if I hear back.',
    'The app says everything is fine, which it clearly is not.', 'Customer service phone line keeps dropping the call.',
    'Still waiting for a reply from support.', 'Flying again next month, fingers crossed.', 'Kids are exhausted, so am I.',
    'Took three emails to get a booking reference.', 'Gate staff were doing their best to be fair.', 'Posting this so others know.',
  ],
  fr: ['Toujours pas de réponse du service client.', 'Ce n’est pas la première fois.', 'Quelqu’un d’autre dans ce cas ?'],
  es: ['Todavía sin respuesta del servicio al cliente.', 'No es la primera vez.', '¿A alguien más le pasa?'],
  de: ['Immer noch keine Antwort vom Kundenservice.', 'Nicht das erste Mal.', 'Geht es noch jemandem so?'],
}

const templatesBy = new Map<string, Template[]>()
for (const t of templates) {
  const key = `${t.lang}/${t.intent}`
  const list = templatesBy.get(key) ?? []
  list.push(t)
  templatesBy.set(key, list)
}

function pickTemplate(rng: Rng): Template {
  const lang = rng.weighted(langWeights)
  const intent = rng.weighted(intentWeights)
  const list = templatesBy.get(`${lang}/${intent}`) ?? templatesBy.get(`en/${intent}`) ?? templatesBy.get('en/complaint')!
  return rng.pick(list)
}

const rivals = ['Tailspin Air', 'Fabrikam Airways', 'Litware Air']
const pets = ['dog', 'cat', 'little terrier', 'old cat']
const months = ['March', 'April', 'June', 'September', 'October', 'November']
const links = ['https://nw-free-flights.example/claim', 'https://refund-fast.example/nw', 'https://miles-market.example/deal']
const pad2 = (n: number): string => String(n).padStart(2, '0')

/**
 * Fills a demo template's slots like the demo's `render`, as one switch: that one builds a table of
 * closures per call, which costs ~25 µs a post under tsx and dominated generating 100k posts.
 */
export function fillSlots(text: string, rng: Rng, lang: DemoLang): string {
  const from = rng.pick(cities)
  let to = rng.pick(cities)
  while (to === from) to = rng.pick(cities)
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    switch (name) {
      case 'brand': return brandMention
      case 'flight': return flightNumber(rng)
      case 'from': return from.names[lang]
      case 'to': return to.names[lang]
      case 'fromCode': return from.code
      case 'toCode': return to.code
      case 'time': return `${pad2(rng.int(5, 22))}:${pad2(rng.int(0, 11) * 5)}`
      case 'hours': return String(rng.int(2, 7))
      case 'mins': return String(rng.int(20, 95))
      case 'days': return String(rng.int(2, 12))
      case 'gate': return `${rng.pick(['A', 'B', 'C', 'D'])}${rng.int(1, 38)}`
      case 'seat': return `${rng.int(3, 38)}${rng.pick(['A', 'B', 'C', 'D', 'E', 'F'])}`
      case 'ref': return bookingRef(rng)
      case 'amount': return String(rng.int(8, 90) * 10)
      case 'rival': return rng.pick(rivals)
      case 'pet': return rng.pick(pets)
      case 'month': return rng.pick(months)
      case 'link': return rng.pick(links)
      case 'few': return String(rng.int(3, 6))
      case 'weeks': return String(rng.int(4, 10))
      case 'quick': return String(rng.int(5, 15))
      case 'early': return String(rng.int(4, 6))
      case 'row': return String(rng.int(10, 35))
      case 'nth': return rng.pick(['second', 'third', 'fourth'])
      case 'date': return `${rng.int(1, 28)}th`
      default: return whole
    }
  })
}

/** Cuts at the last space at or before `max` chars (never in the middle of a surrogate pair). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const space = text.lastIndexOf(' ', max)
  let end = space >= textCharsMin ? space : max
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end--
  return text.slice(0, end).trimEnd()
}

export function postText(rng: Rng): { text: string; lang: DemoLang } {
  const template = pickTemplate(rng)
  let text = voice(fillSlots(template.text, rng, template.lang), template.intent, template.lang, rng)
  const target = rng.int(textCharsMin, textCharsMax)
  const extra = fillers[template.lang]
  let next = rng.int(0, extra.length - 1)
  for (let added = 0; text.length < target && added < extra.length; added++) {
    // Each filler at most once per post, after a sentence end.
    text = `${/[.!?)\p{Extended_Pictographic}]$/u.test(text) ? text : `${text}.`} ${extra[next]!}`
    next = (next + 1) % extra.length
  }
  return { text: cut(text, textCharsMax), lang: template.lang }
}

interface Ref extends StrongRef {
  root: StrongRef
}

export function generateJetstreamPosts(opts: SyntheticOptions): SyntheticStream {
  const count = opts.count
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`)
  const rng = createRng(opts.seed ?? defaultSeed)
  const replyShare = opts.replyShare ?? 0.3
  const replyWindow = Math.max(1, opts.replyWindow ?? 2000)
  const authorCount = Math.max(1, opts.authors ?? Math.round(count / 5))

  const dids = new Set<string>()
  while (dids.size < authorCount) dids.add(didPlc(rng))
  const pool = [...dids]

  const rkeys = new TidClock(rng)
  const revs = new TidClock(rng)
  let timeUs = (opts.startMs ?? Date.UTC(2025, 2, 3, 9, 0, 0)) * 1000
  const recent: Ref[] = []
  const threadSizes = new Map<string, number>()
  const posts: SyntheticPost[] = []
  let replies = 0
  let chars = 0

  for (let i = 0; i < count; i++) {
    timeUs += Math.max(1, Math.round(rng.exp(20_000))) // ~50 posts/s of relay time
    // Mild skew: the low end of the pool posts more often (x^1.6 on a uniform draw).
    const did = pool[Math.min(pool.length - 1, Math.floor(pool.length * rng.next() ** 1.6))]!
    const createdAtMs = Math.floor(timeUs / 1000) - rng.int(50, 3000)
    const rkey = rkeys.next(createdAtMs * 1000)
    const rev = revs.next(timeUs - 200_000)
    const cid = cidDagCbor(rng)
    const uri = postUri(did, rkey)
    const { text, lang } = postText(rng)
    const parent = recent.length > 0 && rng.chance(replyShare) ? recent[rng.int(0, recent.length - 1)]! : null
    const root: StrongRef = parent === null ? { uri, cid } : parent.root
    const line = blueskyPostLine({
      did, timeUs, createdAtMs, rkey, rev, cid, text, langs: [lang], facets: facetsFor(text, mentions),
      ...(parent === null ? {} : { reply: { root: parent.root, parent: { uri: parent.uri, cid: parent.cid } } }),
    })
    posts.push({ line, uri, did, rootUri: root.uri, parentUri: parent?.uri ?? null })
    if (parent !== null) replies++
    threadSizes.set(root.uri, (threadSizes.get(root.uri) ?? 0) + 1)
    chars += text.length
    recent.push({ uri, cid, root })
    if (recent.length > replyWindow) recent.shift()
  }

  let threadSizeMax = 0
  for (const n of threadSizes.values()) threadSizeMax = Math.max(threadSizeMax, n)
  return { posts, authors: pool.length, replies, threads: threadSizes.size, threadSizeMax, textCharsMean: count === 0 ? 0 : chars / count }
}

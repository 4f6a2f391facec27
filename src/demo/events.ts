// The everyday traffic: posts, replies, deletes and skippable noise on Bluesky, posts and replies
// on X, and now and then a blog feed.
import { blueskyDeleteLine, blueskyNoiseLine, blueskyPostLine, facetsFor, postUri, type NoiseKind } from './bluesky-wire.ts'
import { DEMO_BRAND, personaFor, remember, type BskyPostRef, type DemoChannel, type DemoContext, type XPostRef } from './context.ts'
import { cidDagCbor } from './ids.ts'
import type { DemoLang, Persona } from './personas.ts'
import { render, replyTemplates, templates, voice, type Intent, type Template } from './templates.ts'
import { buildTweet, xStreamLine, type MatchingRule, type TweetInput } from './x-wire.ts'

export interface Produced {
  channel: DemoChannel
  body: string
  scenario: string
}

const INTENT_WEIGHTS: readonly (readonly [Intent, number])[] = [
  ['complaint', 32],
  ['question', 22],
  ['praise', 14],
  ['idea', 10],
  ['spam', 7],
  ['chatter', 15],
]
const LANG_WEIGHTS: readonly (readonly [DemoLang, number])[] = [['en', 70], ['fr', 10], ['es', 10], ['de', 10]]

const X_MENTION = `@${DEMO_BRAND.xUsername}`
const BSKY_MENTION = `@${DEMO_BRAND.blueskyHandle}`

/** Picks intent, then a language that has templates for it, then a template. */
function pickTemplate(ctx: DemoContext, pool: readonly Template[], accept: (t: Template) => boolean = () => true): Template {
  const { rng } = ctx
  for (;;) {
    const intent = rng.weighted(INTENT_WEIGHTS)
    const langs = LANG_WEIGHTS.filter(([l]) => pool.some((t) => t.intent === intent && t.lang === l))
    if (langs.length === 0) continue
    const lang = rng.weighted(langs)
    const candidates = pool.filter((t) => t.intent === intent && t.lang === lang && accept(t))
    if (candidates.length > 0) return rng.pick(candidates)
  }
}

/** A template rendered and given a personal touch. */
function say(ctx: DemoContext, template: Template, brandMention: string): string {
  const text = render(template.text, { rng: ctx.rng, brandMention, lang: template.lang })
  return voice(text, template.intent, template.lang, ctx.rng)
}

/** What people write under the brand's own posts: no spam, no unrelated chatter. */
const answersBrand = (t: Template): boolean => t.intent !== 'spam' && t.intent !== 'chatter'

/** The filtered-stream rules a tweet text matches (a tweet matching none is never delivered). */
export function matchRules(ctx: DemoContext, text: string): MatchingRule[] {
  const rules: MatchingRule[] = []
  if (text.toLowerCase().includes(X_MENTION)) rules.push(ctx.rules.mention)
  if (/\bnorthwind\b/i.test(text.replace(/@\w+/g, ''))) rules.push(ctx.rules.keyword)
  return rules
}

/** Someone writing in `lang` who is not the author of the post being answered. */
function otherPersona(ctx: DemoContext, lang: DemoLang, notDid: string): Persona {
  const author = personaFor(ctx, lang)
  return author.did !== notDid ? author : ctx.rng.pick(ctx.personas.filter((p) => p.did !== notDid))
}

// ---------------------------------------------------------------- Bluesky

export function bskyPost(ctx: DemoContext, atMs: number, author: Persona, text: string, lang: string, reply?: BskyPostRef): string {
  const { rng } = ctx
  const timeUs = atMs * 1000 + rng.int(0, 999)
  const createdAtMs = atMs - rng.int(80, 600)
  const rkey = ctx.tids.next(createdAtMs * 1000 + rng.int(0, 999))
  const rev = ctx.tids.next(timeUs - rng.int(50_000, 120_000))
  const cid = cidDagCbor(rng)
  const uri = postUri(author.did, rkey)
  const root = reply ? reply.root : { uri, cid }
  remember(ctx.recentBsky, { uri, cid, did: author.did, rkey, root })
  return blueskyPostLine({
    did: author.did,
    timeUs,
    createdAtMs,
    rkey,
    rev,
    cid,
    text,
    langs: [lang],
    facets: facetsFor(text, { [DEMO_BRAND.blueskyHandle]: ctx.brandDid }),
    ...(reply ? { reply: { root: reply.root, parent: { uri: reply.uri, cid: reply.cid } } } : {}),
  })
}

function blueskyEvent(ctx: DemoContext, atMs: number): Produced {
  const { rng } = ctx
  const kind = rng.weighted<'post' | 'reply' | 'noise' | 'delete'>([['post', 55], ['reply', 15], ['noise', 25], ['delete', 5]])
  const deletable = ctx.recentBsky.filter((p) => p.did !== ctx.brandDid)
  if (kind === 'delete' && deletable.length > 0) {
    const victim = rng.pick(deletable)
    ctx.recentBsky.splice(ctx.recentBsky.indexOf(victim), 1)
    const timeUs = atMs * 1000 + rng.int(0, 999)
    const body = blueskyDeleteLine(victim.did, timeUs, ctx.tids.next(timeUs - 80_000), 'app.bsky.feed.post', victim.rkey)
    return { channel: 'bluesky', body, scenario: 'delete' }
  }
  if (kind === 'noise') {
    const noise = rng.weighted<NoiseKind>([['like', 40], ['repost', 20], ['follow', 20], ['identity', 10], ['account', 10]])
    const targets = [...ctx.recentBsky, ...ctx.brandBskyPosts]
    const subject = rng.pick(targets)
    const body = blueskyNoiseLine({
      kind: noise,
      did: rng.pick(ctx.personas).did,
      timeUs: atMs * 1000 + rng.int(0, 999),
      createdAtMs: atMs - rng.int(100, 2000),
      clock: ctx.tids,
      rng,
      subject,
      subjectDid: rng.chance(0.5) ? ctx.brandDid : rng.pick(ctx.personas).did,
      seq: ctx.nextSeq(),
    })
    return { channel: 'bluesky', body, scenario: 'noise' }
  }
  if (kind === 'reply' && ctx.recentBsky.length > 0) {
    const toBrand = rng.chance(0.3)
    const parent = toBrand ? rng.pick(ctx.brandBskyPosts) : rng.pick(ctx.recentBsky)
    const template = toBrand ? pickTemplate(ctx, templates, answersBrand) : pickTemplate(ctx, replyTemplates)
    const author = otherPersona(ctx, template.lang, parent.did)
    const text = say(ctx, template, BSKY_MENTION)
    return { channel: 'bluesky', body: bskyPost(ctx, atMs, author, text, template.lang, parent), scenario: 'reply' }
  }
  const template = pickTemplate(ctx, templates)
  const author = personaFor(ctx, template.lang)
  const text = say(ctx, template, BSKY_MENTION)
  return { channel: 'bluesky', body: bskyPost(ctx, atMs, author, text, template.lang), scenario: template.intent }
}

// ---------------------------------------------------------------- X

export function tweetLine(
  ctx: DemoContext,
  createdAtMs: number,
  author: Persona,
  text: string,
  lang: string,
  ref?: { type: 'replied_to' | 'quoted'; to: XPostRef },
  media?: TweetInput['media'],
): { body: string; post: XPostRef } {
  const extra = {
    ...(ref ? { ref: { type: ref.type, tweet: ref.to.tweet, author: ref.to.author } } : {}),
    ...(media ? { media } : {}),
  }
  const knownUsers = { [DEMO_BRAND.xUsername]: ctx.brandX.xUserId }
  const tweet = buildTweet({ id: ctx.tweetId(createdAtMs), text, author, createdAtMs, lang, knownUsers, ...extra })
  const rules = matchRules(ctx, text)
  return { body: xStreamLine(tweet, { author, ...extra }, rules.length > 0 ? rules : [ctx.rules.keyword]), post: { tweet, author } }
}

function xEvent(ctx: DemoContext, atMs: number): Produced {
  const { rng } = ctx
  const createdAtMs = atMs - rng.int(200, 650)
  const parents = [...ctx.recentX.filter((p) => p.tweet.text.toLowerCase().includes(X_MENTION)), ...ctx.brandTweets]
  if (rng.chance(0.2)) {
    const parent = rng.pick(parents)
    const toBrand = parent.author.xUserId === ctx.brandX.xUserId
    const template = toBrand ? pickTemplate(ctx, templates, answersBrand) : pickTemplate(ctx, replyTemplates)
    const author = otherPersona(ctx, template.lang, parent.author.did)
    const lead = toBrand ? X_MENTION : `@${parent.author.username} ${X_MENTION}`
    const text = `${lead} ${say(ctx, template, X_MENTION).replace(`${X_MENTION} `, '')}`
    const { body, post } = tweetLine(ctx, createdAtMs, author, text, template.lang, { type: 'replied_to', to: parent })
    remember(ctx.recentX, post)
    return { channel: 'x-twitter', body, scenario: 'reply' }
  }
  // The filtered stream only delivers tweets that match a rule: skip texts that never name the brand.
  const template = pickTemplate(ctx, templates, (t) => /northwind|\{brand\}/i.test(t.text))
  const author = personaFor(ctx, template.lang)
  const text = say(ctx, template, X_MENTION)
  const { body, post } = tweetLine(ctx, createdAtMs, author, text, template.lang)
  remember(ctx.recentX, post)
  return { channel: 'x-twitter', body, scenario: template.intent }
}

// ---------------------------------------------------------------- all channels

export function normalEvent(ctx: DemoContext, atMs: number): Produced {
  const channel = ctx.rng.weighted<DemoChannel>([['bluesky', 50], ['x-twitter', 47], ['rss-atom', 2]])
  if (channel === 'rss-atom') return { channel, body: ctx.rss.document(atMs).xml, scenario: 'rss' }
  return channel === 'bluesky' ? blueskyEvent(ctx, atMs) : xEvent(ctx, atMs)
}

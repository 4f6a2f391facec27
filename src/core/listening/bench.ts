// `earshot bench listening`: compiles N synthetic listening rules and matches M synthetic messages
// against them, next to a naive baseline measured in the same run (each message tokenised once, then
// every rule's tree evaluated on it with evaluate.ts). Synchronous, no I/O, deterministic for a seed.
//
// Rules mimic a workspace's listening setup: brand mentions excluding the brand's own account,
// brand + complaint words with wildcards, product phrases and hashtags, campaign hashtags with a
// wildcard, channel- and language-scoped rules, and a few rules with only negative terms (evaluated
// on every message). Messages are 8–30 words of English, French, German or Spanish filler (with
// diacritics), about a third naming a brand, a quarter with a complaint word.
import { performance } from 'node:perf_hooks'
import { createRng, type Rng } from '../../demo/prng.ts'
import { compileRules, matchRules, type ListeningMessage, type ListeningRule } from './compile.ts'
import { evaluateRule, viewMessage } from './evaluate.ts'
import { parseRule } from './parse.ts'
import type { RuleAst } from './ast.ts'
import { tokenizeText } from './tokenize.ts'

export const benchRulesMax = 100_000
export const benchMessagesMax = 10_000_000

export interface ListeningBenchOptions {
  rules: number
  messages: number
  seed?: number
  /** Messages the naive baseline runs over (it is slow); default min(messages, 20 000). */
  baselineMessages?: number
}

export interface ListeningBenchResult {
  rules: number
  messages: number
  /** Distinct terms over all rules. */
  terms: number
  /** Rules evaluated on every message (true with no term present). */
  always_evaluated_rules: number
  generate_ms: number
  compile_ms: number
  wall_s: number
  msgs_per_s: number
  /** Messages per second of process CPU time (user + system): steadier than wall time on a busy machine. */
  cpu_msgs_per_s: number
  /** Rules whose tree was evaluated, per message (the rest were skipped: none of their terms occurred). */
  rules_evaluated_per_msg: number
  /** Rule matches over all messages. */
  matched: number
  /** Messages matching at least one rule. */
  messages_matched: number
  /** Folding + tokenising alone, the floor of any matcher that reads the text. */
  tokenize_only_msgs_per_s: number
  baseline_messages: number
  baseline_msgs_per_s: number
  baseline_cpu_msgs_per_s: number
  /** msgs_per_s ÷ baseline_msgs_per_s. */
  speedup: number
  /** True when the compiled matcher and the baseline returned the same ids for every baseline message. */
  agree: boolean
  method: string
}

export function benchListening(opts: ListeningBenchOptions): ListeningBenchResult {
  const seed = opts.seed ?? 20250303
  if (!(Number.isInteger(opts.rules) && opts.rules >= 1 && opts.rules <= benchRulesMax)) {
    throw new RangeError(`rules must be an integer within 1..${benchRulesMax}`)
  }
  if (!(Number.isInteger(opts.messages) && opts.messages >= 1 && opts.messages <= benchMessagesMax)) {
    throw new RangeError(`messages must be an integer within 1..${benchMessagesMax}`)
  }
  const baselineMessages = Math.min(opts.messages, opts.baselineMessages ?? 20_000)

  const generateStart = performance.now()
  const { rules, messages } = generateListeningWorkload({ seed, rules: opts.rules, messages: opts.messages })
  const generateMs = performance.now() - generateStart

  const compileStart = performance.now()
  const compiled = compileRules(rules)
  const compileMs = performance.now() - compileStart

  const tokenizeStart = performance.now()
  let tokenCount = 0
  for (const m of messages) tokenCount += tokenizeText(m.text).words.length
  const tokenizeS = (performance.now() - tokenizeStart) / 1000

  const fastSample: string[][] = []
  let matched = 0
  let messagesMatched = 0
  let evaluated = 0
  const matchStart = performance.now()
  const matchCpu = process.cpuUsage()
  for (let i = 0; i < messages.length; i++) {
    const ids = matchRules(compiled, messages[i]!)
    evaluated += compiled.scratch.candidates.length
    matched += ids.length
    if (ids.length > 0) messagesMatched++
    if (i < baselineMessages) fastSample.push(ids)
  }
  const wallS = (performance.now() - matchStart) / 1000
  const cpuS = cpuSecondsSince(matchCpu)

  const asts: RuleAst[] = rules.map((r) => {
    const parsed = parseRule(r.query)
    if (!parsed.ok) throw new Error(`generated rule does not parse: ${r.query}`)
    return parsed.ast
  })
  let agree = true
  const baselineStart = performance.now()
  const baselineCpu = process.cpuUsage()
  for (let i = 0; i < baselineMessages; i++) {
    const view = viewMessage(messages[i]!)
    const ids: string[] = []
    for (let r = 0; r < asts.length; r++) if (evaluateRule(asts[r]!, view)) ids.push(rules[r]!.id)
    if (ids.join('\n') !== fastSample[i]!.join('\n')) agree = false
  }
  const baselineS = (performance.now() - baselineStart) / 1000
  const baselineCpuS = cpuSecondsSince(baselineCpu)

  const msgsPerS = messages.length / wallS
  const baselineMsgsPerS = baselineMessages / baselineS
  return {
    rules: rules.length,
    messages: messages.length,
    terms: compiled.termCount,
    always_evaluated_rules: compiled.alwaysEvaluated.length,
    generate_ms: round(generateMs),
    compile_ms: round(compileMs),
    wall_s: round(wallS, 3),
    msgs_per_s: Math.round(msgsPerS),
    cpu_msgs_per_s: Math.round(messages.length / cpuS),
    rules_evaluated_per_msg: round(evaluated / messages.length),
    matched,
    messages_matched: messagesMatched,
    tokenize_only_msgs_per_s: tokenCount >= 0 ? Math.round(messages.length / tokenizeS) : 0,
    baseline_messages: baselineMessages,
    baseline_msgs_per_s: Math.round(baselineMsgsPerS),
    baseline_cpu_msgs_per_s: Math.round(baselineMessages / baselineCpuS),
    speedup: round(msgsPerS / baselineMsgsPerS, 1),
    agree,
    method:
      'one pass per message: fold + tokenise, hash lookups for words/hashtags/mentions/author/lang/channel, ' +
      'prefix tries, a token-level Aho-Corasick for phrases; then only rules with a trigger term present (plus rules ' +
      'that can match with no term present) are evaluated. Baseline: tokenise once, evaluate every rule tree (evaluate.ts)',
  }
}

export function formatListeningBench(r: ListeningBenchResult): string {
  return [
    `listening: ${r.rules} rules (${r.terms} distinct terms, ${r.always_evaluated_rules} evaluated on every message) × ${r.messages} messages`,
    `  compiled matcher  ${r.msgs_per_s.toLocaleString('en')} msgs/s, ${r.cpu_msgs_per_s.toLocaleString('en')} per CPU-second  (${r.wall_s} s; compile ${r.compile_ms} ms; ${r.rules_evaluated_per_msg} rules evaluated per message)`,
    `  naive baseline    ${r.baseline_msgs_per_s.toLocaleString('en')} msgs/s, ${r.baseline_cpu_msgs_per_s.toLocaleString('en')} per CPU-second  (over ${r.baseline_messages} messages)  → ×${r.speedup}`,
    `  tokenise only     ${r.tokenize_only_msgs_per_s.toLocaleString('en')} msgs/s`,
    `  matches ${r.matched} (${r.messages_matched} messages matched at least one rule); matcher and baseline ${r.agree ? 'agree' : 'DISAGREE'}`,
  ].join('\n')
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1e6
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

// ---------------------------------------------------------------------------------------------
// Synthetic data

/** The bench's synthetic rules and messages (deterministic for a seed). */
export function generateListeningWorkload(opts: { seed: number; rules: number; messages: number }): {
  rules: ListeningRule[]
  messages: ListeningMessage[]
} {
  const rng = createRng(opts.seed)
  const brands = generateBrands(rng, Math.max(8, Math.ceil(opts.rules / 3)))
  const rules = generateRules(rng, brands, opts.rules)
  return { rules, messages: generateMessages(rng, brands, opts.messages) }
}

interface Brand {
  name: string
  product: string
  campaign: string
}

const syllables = ['nor', 'th', 'wind', 'zeph', 'ra', 'lum', 'in', 'ax', 'ko', 'vel', 'ta', 'mar', 'is', 'ol', 'ent',
  'qu', 'io', 'sa', 'ber', 'don', 'fi', 'ne', 'go', 'ria', 'tek', 'vo', 'lex', 'pri', 'mo', 'zu', 'ca', 'dra']
const productNouns = ['air', 'pay', 'go', 'max', 'one', 'cloud', 'phone', 'card', 'plus', 'app', 'home', 'drive']
const campaignNouns = ['summer', 'deals', 'launch', 'week', 'days', 'fest', 'promo', 'challenge']
const complaintWords = ['delay', 'delayed', 'delays', 'refund', 'refunds', 'cancelled', 'cancellation', 'outage',
  'broken', 'crash', 'crashed', 'rude', 'waiting', 'lost', 'never', 'again', 'worst', 'scam']
const foreignComplaints = ['retard', 'retardé', 'annulé', 'annulation', 'verspätung', 'verspätet', 'storniert',
  'retraso', 'cancelación', 'reembolso', 'remboursement', 'erstattung']
const channels = ['bluesky', 'x-twitter', 'rss-atom']
const langs = ['en', 'fr', 'de', 'es'] as const
const filler: Readonly<Record<(typeof langs)[number], readonly string[]>> = {
  en: ['the', 'a', 'my', 'is', 'and', 'was', 'today', 'flight', 'app', 'order', 'why', 'so', 'this', 'again', 'time',
    'nobody', 'tells', 'us', 'anything', 'thanks', 'great', 'crew', 'customer', 'service', 'still', 'no', 'reply',
    'week', 'month', 'third', 'help', 'please', 'account', 'login', 'update', 'new', 'love', 'it', 'works', 'fine',
    'battery', 'screen', 'delivery', 'package', 'box', 'store', 'staff', 'morning', 'night', 'just', 'got', 'back'],
  fr: ['le', 'la', 'mon', 'est', 'et', 'vol', 'aujourd’hui', 'encore', 'personne', 'répond', 'merci', 'très', 'déçu',
    'équipage', 'service', 'client', 'commande', 'colis', 'où', 'été', 'déjà', 'semaine', 'première', 'fois'],
  de: ['der', 'die', 'das', 'mein', 'ist', 'und', 'flug', 'heute', 'wieder', 'niemand', 'antwortet', 'danke', 'schön',
    'größte', 'frühstück', 'über', 'kundenservice', 'bestellung', 'paket', 'woche', 'müde', 'gepäck'],
  es: ['el', 'la', 'mi', 'es', 'y', 'vuelo', 'hoy', 'otra', 'vez', 'nadie', 'responde', 'gracias', 'atención',
    'cliente', 'pedido', 'paquete', 'también', 'año', 'mañana', 'avión', 'equipaje', 'qué'],
}

function generateBrands(rng: Rng, count: number): Brand[] {
  const names = new Set<string>()
  for (let attempts = 0; names.size < count && attempts < count * 50; attempts++) {
    const parts = rng.int(2, 3)
    let name = ''
    for (let p = 0; p < parts; p++) name += rng.pick(syllables)
    if (name.length >= 5) names.add(name)
  }
  for (let n = 0; names.size < count; n++) names.add(`brand${n}`)
  return [...names].map((name) => ({ name, product: rng.pick(productNouns), campaign: rng.pick(campaignNouns) }))
}

function generateRules(rng: Rng, brands: readonly Brand[], count: number): ListeningRule[] {
  const rules: ListeningRule[] = []
  for (let i = 0; i < count; i++) {
    const b = brands[i % brands.length]!
    const lang = rng.pick(langs.slice(1))
    const kind = rng.weighted<number>([[0, 3], [1, 3], [2, 2], [3, 1], [4, 1], [5, 1], [6, 0.3], [7, 0.1]])
    const [query, tag] = ((): [string, string] => {
      switch (kind) {
        case 0: return [`"${b.name}" AND NOT from:${b.name}`, 'brand']
        case 1: return [`(${b.name} OR @${b.name} OR #${b.name}) AND (delay* OR refund* OR cancel* OR outage)`, 'brand']
        case 2: return [`"${b.name} ${b.product}" OR #${b.name}${b.product}`, 'product']
        case 3: return [`${b.name} channel:${rng.pick(channels)} -giveaway -spam`, 'competitor']
        case 4: return [`${b.name} lang:${lang} (retard* OR annul* OR verspätung OR retraso OR reembolso)`, 'competitor']
        case 5: return [`#${b.campaign}${b.name}* OR "${b.name} ${b.campaign}"`, 'campaign']
        case 6: return [`lang:${lang} AND NOT (${rng.pick(filler[lang])} OR ${rng.pick(filler[lang])})`, 'campaign']
        default: return [`NOT (${rng.pick(complaintWords)} OR ${b.name}) AND NOT channel:rss-atom`, 'brand']
      }
    })()
    rules.push({ id: `rule-${i}`, query, tags: [tag] })
  }
  return rules
}

function generateMessages(rng: Rng, brands: readonly Brand[], count: number): ListeningMessage[] {
  const messages: ListeningMessage[] = []
  for (let i = 0; i < count; i++) {
    const lang = rng.weighted<(typeof langs)[number]>([['en', 7], ['fr', 1], ['de', 1], ['es', 1]])
    const words: string[] = []
    const length = rng.int(8, 30)
    for (let w = 0; w < length; w++) words.push(rng.pick(filler[lang]))
    let author = `user${rng.int(1, 50_000)}`
    if (rng.chance(0.35)) {
      const b = rng.pick(brands)
      const at = rng.int(0, words.length)
      const mention = rng.weighted<string>([
        [capitalise(b.name), 4], [`@${b.name}`, 2], [`#${b.name}`, 1], [`${b.name} ${b.product}`, 1],
        [`#${b.campaign}${b.name}2025`, 0.5], [`${b.name}'s`, 0.5],
      ])
      words.splice(at, 0, mention)
      if (rng.chance(0.05)) author = b.name
    }
    if (rng.chance(0.25)) {
      words.splice(rng.int(0, words.length), 0, lang === 'en' ? rng.pick(complaintWords) : rng.pick(foreignComplaints))
    }
    if (rng.chance(0.02)) words.push(rng.pick(['giveaway', 'spam', '#giveaway']))
    let text = words.join(' ')
    if (rng.chance(0.5)) text = `${capitalise(text)}${rng.pick(['.', '!', '?', '!!', ' 😡', ' 🙏'])}`
    const platformLangs = rng.chance(0.6) ? [lang] : []
    messages.push({ text, authorHandle: `@${author}`, langs: platformLangs, lang: rng.chance(0.9) ? lang : null, channel: rng.pick(channels) })
  }
  return messages
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

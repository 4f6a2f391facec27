// Compiles a workspace's listening rules once into one matcher, then matches every inbound message
// against all of them with a single pass over the message's tokens:
//
//   - every distinct term of every rule gets a term id (shared between rules);
//   - whole words, hashtags, mentions, authors, languages and channels are hash-map lookups per token;
//   - `prefix*` terms sit in a character trie walked from the start of each token (an anchored
//     Aho-Corasick: a term matches whole tokens, so no failure links are needed);
//   - phrases sit in one Aho-Corasick automaton over word tokens (its alphabet is the words that occur
//     in some phrase; any other word sends it back to the root), so all phrases of all rules are found
//     in one left-to-right pass;
//   - a rule is evaluated only when one of its trigger terms occurred: a set of its terms of which one
//     is present whenever the rule is true (for `a AND (b OR c) AND NOT d`: {a} or {b, c}, whichever
//     looks rarer). Rules without such a set (`NOT spam`, `lang:fr OR NOT x`) are evaluated on every
//     message.
//
// The matcher keeps scratch state (generation stamps), so one CompiledRules must not be used by two
// matchRules calls at the same time; JavaScript runs them one after the other anyway.
import { assert } from '../assert.ts'
import { isListeningTag, type ListeningTag, type RuleAst, type RuleTerm } from './ast.ts'
import { parseRule } from './parse.ts'
import { foldHandle, langKeys, tokenizeText } from './tokenize.ts'

export interface ListeningRule {
  id: string
  query: string
  tags: string[]
}

export interface ParsedListeningRule {
  id: string
  ast: RuleAst
  tags: string[]
}

export interface ListeningMessage {
  text: string
  authorHandle: string | null
  /** The platform's language tags. */
  langs: string[]
  /** The detected language, if any. */
  lang: string | null
  channel: string
}

interface TrieNode {
  next: Map<number, TrieNode>
  /** Prefix terms that end at this node. */
  terms: number[]
}

/** Exact values plus `prefix*` values of one kind of token. */
interface Dictionary {
  exact: Map<string, number[]>
  prefixes: TrieNode | null
}

interface WordEntry {
  terms: number[]
  /** Symbol of this word in the phrase automaton, -1 when no phrase contains it. */
  symbol: number
}

interface PhraseAutomaton {
  goto: Map<number, number>[]
  fail: Int32Array
  /** Phrase terms ending at each state, including those reached through failure links. */
  out: number[][]
}

type Evaluate = () => boolean

interface Scratch {
  generation: number
  termSeen: Uint32Array
  ruleSeen: Uint32Array
  candidates: number[]
}

export interface CompiledRules {
  readonly ruleIds: readonly string[]
  readonly ruleTags: readonly (readonly ListeningTag[])[]
  readonly termCount: number
  /** Indexes of rules that can match with none of their terms present. */
  readonly alwaysEvaluated: readonly number[]
  /** @internal */
  readonly words: Map<string, WordEntry>
  /** @internal */
  readonly wordPrefixes: TrieNode | null
  /** @internal */
  readonly phrases: PhraseAutomaton | null
  /** @internal */
  readonly hashtags: Dictionary
  /** @internal */
  readonly mentions: Dictionary
  /** @internal */
  readonly authors: Dictionary
  /** @internal */
  readonly langs: Map<string, number[]>
  /** @internal */
  readonly channels: Map<string, number[]>
  /** @internal Rules containing each term. */
  readonly termRules: readonly (readonly number[])[]
  /** @internal */
  readonly evaluators: readonly Evaluate[]
  /** @internal */
  readonly scratch: Scratch
}

export const rulesPerWorkspaceMax = 100_000

/** Parses and compiles. Every query must parse (callers validate with `parseRule` first). */
export function compileRules(rules: readonly ListeningRule[]): CompiledRules {
  return compileParsedRules(
    rules.map((rule) => {
      const parsed = parseRule(rule.query)
      assert(parsed.ok, `rule ${rule.id} does not parse: ${parsed.ok ? '' : parsed.error.message}`)
      return { id: rule.id, ast: parsed.ast, tags: rule.tags }
    }),
  )
}

export function compileParsedRules(rules: readonly ParsedListeningRule[]): CompiledRules {
  assert(rules.length <= rulesPerWorkspaceMax, `more than ${rulesPerWorkspaceMax} rules`)
  assert(new Set(rules.map((r) => r.id)).size === rules.length, 'rule ids must be unique')

  const termIds = new Map<string, number>()
  const terms: RuleTerm[] = []
  const termRules: number[][] = []
  const scratch: Scratch = { generation: 0, termSeen: new Uint32Array(0), ruleSeen: new Uint32Array(0), candidates: [] }

  const termIdOf = (term: RuleTerm, rule: number): number => {
    const key = termKey(term)
    let id = termIds.get(key)
    if (id === undefined) {
      id = terms.length
      termIds.set(key, id)
      terms.push(term)
      termRules.push([])
    }
    const users = termRules[id]!
    if (rule !== -1 && users[users.length - 1] !== rule) users.push(rule)
    return id
  }

  const evaluators: Evaluate[] = []
  const alwaysEvaluated: number[] = []
  rules.forEach((rule, index) => {
    for (const tag of rule.tags) assert(isListeningTag(tag), `rule ${rule.id}: unknown tag ${tag}`)
    evaluators.push(compileNode(rule.ast, (term) => termIdOf(term, -1), scratch))
    const triggers = triggerTerms(rule.ast) ?? (evaluateWithNoTerms(rule.ast) ? null : allTerms(rule.ast))
    if (triggers === null) alwaysEvaluated.push(index)
    else for (const term of triggers) termIdOf(term, index)
  })

  scratch.termSeen = new Uint32Array(terms.length)
  scratch.ruleSeen = new Uint32Array(rules.length)
  const dictionaries = buildDictionaries(terms)
  return {
    ruleIds: rules.map((r) => r.id),
    ruleTags: rules.map((r) => r.tags.filter(isListeningTag)),
    termCount: terms.length,
    alwaysEvaluated,
    ...dictionaries,
    termRules,
    evaluators,
    scratch,
  }
}

/** Ids of the rules the message matches, in rule order. */
export function matchRules(compiled: CompiledRules, msg: ListeningMessage): string[] {
  const s = compiled.scratch
  s.generation = (s.generation + 1) >>> 0
  if (s.generation === 0) {
    s.termSeen.fill(0)
    s.ruleSeen.fill(0)
    s.generation = 1
  }
  const candidates = s.candidates
  candidates.length = 0
  for (const r of compiled.alwaysEvaluated) {
    s.ruleSeen[r] = s.generation
    candidates.push(r)
  }

  const tokens = tokenizeText(msg.text)
  scanWords(compiled, tokens.words)
  scanDictionary(compiled, compiled.hashtags, tokens.hashtags)
  scanDictionary(compiled, compiled.mentions, tokens.mentions)
  if (msg.authorHandle !== null) scanDictionary(compiled, compiled.authors, [foldHandle(msg.authorHandle)])
  for (const key of langKeys(msg.langs, msg.lang)) {
    const found = compiled.langs.get(key)
    if (found !== undefined) see(compiled, found)
  }
  const channel = compiled.channels.get(msg.channel.toLowerCase())
  if (channel !== undefined) see(compiled, channel)

  const matched: number[] = []
  for (const r of candidates) if (compiled.evaluators[r]!()) matched.push(r)
  matched.sort((a, b) => a - b)
  return matched.map((r) => compiled.ruleIds[r]!)
}

/** Marks terms present in the current message and queues the rules they trigger. */
function see(compiled: CompiledRules, terms: readonly number[]): void {
  const s = compiled.scratch
  const generation = s.generation
  for (const t of terms) {
    if (s.termSeen[t] === generation) continue
    s.termSeen[t] = generation
    for (const r of compiled.termRules[t]!) {
      if (s.ruleSeen[r] === generation) continue
      s.ruleSeen[r] = generation
      s.candidates.push(r)
    }
  }
}

function scanWords(compiled: CompiledRules, words: readonly string[]): void {
  const phrases = compiled.phrases
  const prefixes = compiled.wordPrefixes
  let state = 0
  for (const word of words) {
    const entry = compiled.words.get(word)
    if (entry !== undefined) {
      if (entry.terms.length > 0) see(compiled, entry.terms)
      if (phrases !== null) {
        state = entry.symbol === -1 ? 0 : stepPhrase(phrases, state, entry.symbol)
        const out = phrases.out[state]!
        if (out.length > 0) see(compiled, out)
      }
    } else {
      state = 0
    }
    if (prefixes !== null) walkPrefixes(compiled, prefixes, word)
  }
}

function scanDictionary(compiled: CompiledRules, dictionary: Dictionary, values: readonly string[]): void {
  for (const value of values) {
    const found = dictionary.exact.get(value)
    if (found !== undefined) see(compiled, found)
    if (dictionary.prefixes !== null) walkPrefixes(compiled, dictionary.prefixes, value)
  }
}

function walkPrefixes(compiled: CompiledRules, root: TrieNode, token: string): void {
  let node: TrieNode | undefined = root
  for (let i = 0; i < token.length; i++) {
    node = node.next.get(token.charCodeAt(i))
    if (node === undefined) return
    if (node.terms.length > 0) see(compiled, node.terms)
  }
}

function stepPhrase(a: PhraseAutomaton, from: number, symbol: number): number {
  let state = from
  for (;;) {
    const to = a.goto[state]!.get(symbol)
    if (to !== undefined) return to
    if (state === 0) return 0
    state = a.fail[state]!
  }
}

// ---------------------------------------------------------------------------------------------
// Building

function termKey(term: RuleTerm): string {
  switch (term.kind) {
    case 'phrase':
      return `phrase:${term.words.join(' ')}`
    case 'word':
    case 'hashtag':
    case 'mention':
    case 'from':
      return `${term.kind}${term.prefix ? '*' : ''}:${term.value}`
    case 'lang':
    case 'channel':
      return `${term.kind}:${term.value}`
  }
}

function compileNode(ast: RuleAst, termIdOf: (term: RuleTerm) => number, scratch: Scratch): Evaluate {
  switch (ast.kind) {
    case 'and': {
      const children = flatten(ast, 'and').map((c) => compileNode(c, termIdOf, scratch))
      return () => {
        for (const child of children) if (!child()) return false
        return true
      }
    }
    case 'or': {
      const children = flatten(ast, 'or').map((c) => compileNode(c, termIdOf, scratch))
      return () => {
        for (const child of children) if (child()) return true
        return false
      }
    }
    case 'not': {
      if (ast.child.kind === 'not') return compileNode(ast.child.child, termIdOf, scratch)
      const child = compileNode(ast.child, termIdOf, scratch)
      return () => !child()
    }
    default: {
      const t = termIdOf(ast)
      return () => scratch.termSeen[t] === scratch.generation
    }
  }
}

function flatten(ast: RuleAst, kind: 'and' | 'or'): RuleAst[] {
  if (ast.kind !== kind) return [ast]
  return ast.children.flatMap((c) => flatten(c, kind))
}

/**
 * Terms of which at least one is present whenever the rule is true, chosen to be rare, so the rule is
 * evaluated only when one of them occurs; null when there is no such set (the rule can be true with
 * no positive term, like `NOT spam`). An AND needs one child's triggers only: the cheapest.
 */
function triggerTerms(ast: RuleAst): RuleTerm[] | null {
  switch (ast.kind) {
    case 'and': {
      let best: RuleTerm[] | null = null
      let bestCost = Infinity
      for (const child of ast.children) {
        const triggers = triggerTerms(child)
        if (triggers === null) continue
        const cost = triggers.reduce((sum, t) => sum + triggerCost(t), 0)
        if (cost < bestCost) {
          best = triggers
          bestCost = cost
        }
      }
      return best
    }
    case 'or': {
      const all: RuleTerm[] = []
      for (const child of ast.children) {
        const triggers = triggerTerms(child)
        if (triggers === null) return null
        all.push(...triggers)
      }
      return all
    }
    case 'not':
      return ast.child.kind === 'not' ? triggerTerms(ast.child.child) : null
    default:
      return [ast]
  }
}

/** Rough share of messages a term occurs in: languages and channels are common, phrases rare. */
function triggerCost(term: RuleTerm): number {
  switch (term.kind) {
    case 'lang':
    case 'channel':
      return 100
    case 'word':
      return term.prefix ? 2 : 1
    case 'phrase':
    case 'hashtag':
    case 'mention':
    case 'from':
      return 0.5
  }
}

function allTerms(ast: RuleAst): RuleTerm[] {
  switch (ast.kind) {
    case 'and':
    case 'or':
      return ast.children.flatMap(allTerms)
    case 'not':
      return allTerms(ast.child)
    default:
      return [ast]
  }
}

function evaluateWithNoTerms(ast: RuleAst): boolean {
  switch (ast.kind) {
    case 'and':
      return ast.children.every(evaluateWithNoTerms)
    case 'or':
      return ast.children.some(evaluateWithNoTerms)
    case 'not':
      return !evaluateWithNoTerms(ast.child)
    default:
      return false
  }
}

function buildDictionaries(terms: readonly RuleTerm[]) {
  const words = new Map<string, WordEntry>()
  const wordEntry = (word: string): WordEntry => {
    let entry = words.get(word)
    if (entry === undefined) {
      entry = { terms: [], symbol: -1 }
      words.set(word, entry)
    }
    return entry
  }
  let wordPrefixes: TrieNode | null = null
  const hashtags = emptyDictionary()
  const mentions = emptyDictionary()
  const authors = emptyDictionary()
  const langs = new Map<string, number[]>()
  const channels = new Map<string, number[]>()
  const phraseList: { words: string[]; term: number }[] = []

  for (const [id, term] of terms.entries()) {
    switch (term.kind) {
      case 'word':
        if (term.prefix) wordPrefixes = addPrefix(wordPrefixes ?? newTrieNode(), term.value, id)
        else wordEntry(term.value).terms.push(id)
        break
      case 'phrase':
        phraseList.push({ words: term.words, term: id })
        break
      case 'hashtag':
        addToDictionary(hashtags, term.value, term.prefix, id)
        break
      case 'mention':
        addToDictionary(mentions, term.value, term.prefix, id)
        break
      case 'from':
        addToDictionary(authors, term.value, term.prefix, id)
        break
      case 'lang':
        pushTo(langs, term.value, id)
        break
      case 'channel':
        pushTo(channels, term.value, id)
        break
    }
  }

  let symbols = 0
  const symbolOf = (word: string): number => {
    const entry = wordEntry(word)
    if (entry.symbol === -1) entry.symbol = symbols++
    return entry.symbol
  }
  const phrases = phraseList.length === 0 ? null : buildPhraseAutomaton(phraseList.map((p) => ({ symbols: p.words.map(symbolOf), term: p.term })))
  return { words, wordPrefixes, phrases, hashtags, mentions, authors, langs, channels }
}

function emptyDictionary(): Dictionary {
  return { exact: new Map(), prefixes: null }
}

function addToDictionary(d: Dictionary, value: string, prefix: boolean, id: number): void {
  if (prefix) d.prefixes = addPrefix(d.prefixes ?? newTrieNode(), value, id)
  else pushTo(d.exact, value, id)
}

function pushTo(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [id])
  else list.push(id)
}

function newTrieNode(): TrieNode {
  return { next: new Map(), terms: [] }
}

function addPrefix(root: TrieNode, value: string, id: number): TrieNode {
  assert(value.length > 0, 'empty prefix')
  let node = root
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    let child = node.next.get(code)
    if (child === undefined) {
      child = newTrieNode()
      node.next.set(code, child)
    }
    node = child
  }
  node.terms.push(id)
  return root
}

/** Classic Aho-Corasick construction (goto trie, BFS failure links, merged outputs). */
function buildPhraseAutomaton(phrases: readonly { symbols: number[]; term: number }[]): PhraseAutomaton {
  const goto: Map<number, number>[] = [new Map()]
  const outLists: number[][] = [[]]
  for (const phrase of phrases) {
    assert(phrase.symbols.length >= 2, 'a phrase has at least two words')
    let state = 0
    for (const symbol of phrase.symbols) {
      let to = goto[state]!.get(symbol)
      if (to === undefined) {
        to = goto.length
        goto.push(new Map())
        outLists.push([])
        goto[state]!.set(symbol, to)
      }
      state = to
    }
    outLists[state]!.push(phrase.term)
  }
  const fail = new Int32Array(goto.length)
  const queue: number[] = []
  for (const to of goto[0]!.values()) queue.push(to)
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!
    for (const [symbol, to] of goto[state]!) {
      queue.push(to)
      let f = fail[state]!
      while (f !== 0 && !goto[f]!.has(symbol)) f = fail[f]!
      const target = goto[f]!.get(symbol)
      fail[to] = target !== undefined && target !== to ? target : 0
      // BFS order: the failure state is shallower, so its outputs are already merged.
      outLists[to] = [...outLists[to]!, ...outLists[fail[to]!]!]
    }
  }
  return { goto, fail, out: outLists }
}

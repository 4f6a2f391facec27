// The reference evaluator: one rule tree against one message, straight from the definitions, with no
// shared dictionaries or automata. The property tests check compileRules + matchRules against it, and
// `benchListening` uses it (rule by rule) as the naive baseline. Pure.
import type { RuleAst, RuleTerm } from './ast.ts'
import type { ListeningMessage } from './compile.ts'
import { foldHandle, tokenizeText } from './tokenize.ts'

export interface MessageView {
  words: readonly string[]
  wordSet: ReadonlySet<string>
  hashtags: readonly string[]
  mentions: readonly string[]
  author: string | null
  /** Lower-cased language tags as sent, `_` read as `-`. */
  langs: readonly string[]
  channel: string
}

/** Tokenises a message once, for any number of `evaluateRule` calls. */
export function viewMessage(msg: ListeningMessage): MessageView {
  const tokens = tokenizeText(msg.text)
  const langs = [...msg.langs, ...(msg.lang === null ? [] : [msg.lang])].map((l) => l.trim().toLowerCase().replace(/_/g, '-'))
  return {
    words: tokens.words,
    wordSet: new Set(tokens.words),
    hashtags: tokens.hashtags,
    mentions: tokens.mentions,
    author: msg.authorHandle === null ? null : foldHandle(msg.authorHandle),
    langs,
    channel: msg.channel.toLowerCase(),
  }
}

export function evaluateRule(ast: RuleAst, view: MessageView): boolean {
  switch (ast.kind) {
    case 'and':
      return ast.children.every((c) => evaluateRule(c, view))
    case 'or':
      return ast.children.some((c) => evaluateRule(c, view))
    case 'not':
      return !evaluateRule(ast.child, view)
    default:
      return termOccurs(ast, view)
  }
}

function termOccurs(term: RuleTerm, view: MessageView): boolean {
  switch (term.kind) {
    case 'word':
      return term.prefix ? view.words.some((w) => w.startsWith(term.value)) : view.wordSet.has(term.value)
    case 'phrase':
      return containsRun(view.words, term.words)
    case 'hashtag':
      return matchesAny(view.hashtags, term.value, term.prefix)
    case 'mention':
      return matchesAny(view.mentions, term.value, term.prefix)
    case 'from':
      return view.author !== null && matchesAny([view.author], term.value, term.prefix)
    case 'lang':
      return view.langs.some((l) => l === term.value || l.startsWith(`${term.value}-`))
    case 'channel':
      return view.channel === term.value
  }
}

function matchesAny(values: readonly string[], value: string, prefix: boolean): boolean {
  return values.some((v) => (prefix ? v.startsWith(value) : v === value))
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  outer: for (let i = 0; i + run.length <= words.length; i++) {
    for (let j = 0; j < run.length; j++) if (words[i + j] !== run[j]) continue outer
    return true
  }
  return false
}

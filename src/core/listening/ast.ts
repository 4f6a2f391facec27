// The listening-rule syntax tree: what `parseRule` returns, `printRule` renders and `compileRules`
// compiles. Plain JSON (it can be stored next to the rule). Leaf values are already folded
// (lower case, no diacritics — see tokenize.ts), so two spellings of one term give one tree.

export type RuleAst =
  | { kind: 'or'; children: RuleAst[] }
  | { kind: 'and'; children: RuleAst[] }
  | { kind: 'not'; child: RuleAst }
  | RuleTerm

export type RuleTerm =
  /** One whole word token; `prefix` (written `delay*`) matches every word starting with `value`. */
  | { kind: 'word'; value: string; prefix: boolean }
  /** Consecutive word tokens (`"flight delayed"`, or a bare `wi-fi`); at least two. */
  | { kind: 'phrase'; words: string[] }
  /** `#tag`, without the `#`. */
  | { kind: 'hashtag'; value: string; prefix: boolean }
  /** `@handle` mentioned in the text, without the `@`. */
  | { kind: 'mention'; value: string; prefix: boolean }
  /** `from:handle`: the author's handle, without the `@`. */
  | { kind: 'from'; value: string; prefix: boolean }
  /** `lang:xx` or `lang:xx-yy`: a language tag of the message (primary tag matches any region). */
  | { kind: 'lang'; value: string }
  /** `channel:name`. */
  | { kind: 'channel'; value: string }

export type RuleTermKind = RuleTerm['kind']

export const queryLengthMax = 2000
/** Parenthesis nesting limit. */
export const nestingDepthMax = 32
/** Shortest prefix before a trailing `*`, so `a*` cannot match half the language. */
export const wildcardPrefixLengthMin = 2

export const listeningTags = ['brand', 'competitor', 'product', 'campaign'] as const
export type ListeningTag = (typeof listeningTags)[number]

export function isListeningTag(value: string): value is ListeningTag {
  return (listeningTags as readonly string[]).includes(value)
}

// The listening-rule query language: `parseRule` (query → RuleAst or an error with its position)
// and `printRule` (RuleAst → a query that parses back to the same tree). Pure; never throws.
//
//   query   := or
//   or      := and ( "OR" and )*
//   and     := unary ( "AND"? unary )*            adjacency is AND
//   unary   := ( "NOT" | "-" )* primary           "-" must touch what it negates: -spam, -(a OR b)
//   primary := "(" or ")" | term
//   term    := word | word* | "quoted phrase" | #hashtag[*] | @handle[*]
//            | lang:xx[-yy] | channel:name | from:[@]handle[*]
//
// Precedence NOT > AND > OR. Operators are upper case; `and`, `or`, `not` in lower case are words.
// A bare word that splits into several tokens (`wi-fi`, `12:30`) is a phrase. Values are folded
// (tokenize.ts), so `Café`, `cafe` and `CAFÉ` are the same term. Positions in errors are 0-based
// offsets into the query string (UTF-16 code units, as JavaScript indexes strings).
import { nestingDepthMax, queryLengthMax, wildcardPrefixLengthMin, type RuleAst, type RuleTerm } from './ast.ts'
import { foldText, tokenizeFolded } from './tokenize.ts'

export interface RuleParseError {
  message: string
  /** 0-based offset into the query. */
  position: number
}

export type RuleParseResult = { ok: true; ast: RuleAst } | { ok: false; error: RuleParseError }

export const ruleFieldNames = ['lang', 'channel', 'from'] as const

type Lexeme =
  | { type: 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'neg'; position: number }
  | { type: 'term'; position: number; term: RuleTerm }

/** Thrown inside this module only; `parseRule` turns it into `{ ok: false }`. */
class ParseFailure {
  constructor(readonly message: string, readonly position: number) {}
}

export function parseRule(query: string): RuleParseResult {
  try {
    if (query.length > queryLengthMax) {
      throw new ParseFailure(`query is longer than ${queryLengthMax} characters`, queryLengthMax)
    }
    const lexemes = lex(query)
    if (lexemes.length === 0) throw new ParseFailure('query is empty', 0)
    return { ok: true, ast: new Parser(lexemes).parseQuery() }
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: { message: e.message, position: e.position } }
    throw e
  }
}

// ---------------------------------------------------------------------------------------------
// Lexer

const whitespace = /\s/
const operators: Readonly<Record<string, 'and' | 'or' | 'not'>> = { AND: 'and', OR: 'or', NOT: 'not' }

function isDelimiter(c: string): boolean {
  return c === '(' || c === ')' || c === '"' || whitespace.test(c)
}

function lex(query: string): Lexeme[] {
  const out: Lexeme[] = []
  let i = 0
  while (i < query.length) {
    const c = query[i]!
    if (whitespace.test(c)) {
      i++
    } else if (c === '(' || c === ')') {
      out.push({ type: c === '(' ? 'lparen' : 'rparen', position: i })
      i++
    } else if (c === '"') {
      const end = query.indexOf('"', i + 1)
      if (end === -1) throw new ParseFailure('unterminated quote: add the closing "', i)
      out.push({ type: 'term', position: i, term: phraseTerm(query.slice(i + 1, end), i) })
      i = end + 1
    } else {
      let end = i
      while (end < query.length && !isDelimiter(query[end]!)) end++
      lexChunk(query, i, end, out)
      i = end
    }
  }
  return out
}

/** A run of non-delimiter characters `query[start, end)`: leading `-`s, then an operator or a term. */
function lexChunk(query: string, start: number, end: number, out: Lexeme[]): void {
  let i = start
  while (i < end && query[i] === '-') {
    const next = i + 1 < query.length ? query[i + 1]! : ''
    if (i + 1 === end && next !== '(' && next !== '"') {
      throw new ParseFailure("'-' must touch the term it excludes, as in -spam or -(a OR b)", i)
    }
    out.push({ type: 'neg', position: i })
    i++
  }
  if (i === end) return
  const chunk = query.slice(i, end)
  const operator = i === start ? operators[chunk] : undefined
  if (operator !== undefined) out.push({ type: operator, position: i })
  else out.push({ type: 'term', position: i, term: chunkTerm(chunk, i) })
}

const fieldName = /^[A-Za-z][A-Za-z0-9_-]*$/
const langTag = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/
const channelName = /^[a-z0-9-]+$/

function chunkTerm(chunk: string, position: number): RuleTerm {
  const colon = chunk.indexOf(':')
  if (colon > 0 && fieldName.test(chunk.slice(0, colon))) {
    return fieldTerm(chunk.slice(0, colon).toLowerCase(), chunk.slice(colon + 1), position, position + colon + 1)
  }
  if (chunk.startsWith('#')) {
    const { body, prefix } = splitWildcard(chunk.slice(1), position + 1)
    return { kind: 'hashtag', value: tagValue('#', body, prefix, position), prefix }
  }
  if (chunk.startsWith('@')) {
    const { body, prefix } = splitWildcard(chunk.slice(1), position + 1)
    return { kind: 'mention', value: tagValue('@', body, prefix, position), prefix }
  }
  const { body, prefix } = splitWildcard(chunk, position)
  const words = tokenizeFolded(foldText(body)).words
  if (words.length === 0) throw new ParseFailure(`'${chunk}' has no letters or digits to search for`, position)
  if (words.length > 1) {
    if (prefix) throw new ParseFailure(`'*' works on one word, and '${body}' splits into ${words.length}`, position)
    return { kind: 'phrase', words }
  }
  const value = words[0]!
  if (prefix) checkPrefixLength(value, position)
  return { kind: 'word', value, prefix }
}

function phraseTerm(content: string, quotePosition: number): RuleTerm {
  const star = content.indexOf('*')
  if (star !== -1) throw new ParseFailure("'*' is not supported inside quotes", quotePosition + 1 + star)
  const words = tokenizeFolded(foldText(content)).words
  if (words.length === 0) throw new ParseFailure('quoted phrase has no letters or digits', quotePosition)
  if (words.length === 1) return { kind: 'word', value: words[0]!, prefix: false }
  return { kind: 'phrase', words }
}

function fieldTerm(name: string, raw: string, position: number, valuePosition: number): RuleTerm {
  if (raw === '') throw new ParseFailure(`'${name}:' needs a value`, valuePosition)
  switch (name) {
    case 'lang': {
      const value = raw.toLowerCase()
      if (!langTag.test(value)) throw new ParseFailure(`'${raw}' is not a language code like en or pt-br`, valuePosition)
      return { kind: 'lang', value }
    }
    case 'channel': {
      const value = raw.toLowerCase()
      if (!channelName.test(value)) {
        throw new ParseFailure(`'${raw}' is not a channel name (letters, digits and -)`, valuePosition)
      }
      return { kind: 'channel', value }
    }
    case 'from': {
      const at = raw.startsWith('@') ? 1 : 0
      const { body, prefix } = splitWildcard(raw.slice(at), valuePosition + at)
      return { kind: 'from', value: tagValue('@', body, prefix, valuePosition), prefix }
    }
    default:
      throw new ParseFailure(
        `unknown field '${name}:' (known: ${ruleFieldNames.join(', ')}); put text with ':' in quotes`,
        position,
      )
  }
}

function splitWildcard(text: string, position: number): { body: string; prefix: boolean } {
  const star = text.indexOf('*')
  if (star === -1) return { body: text, prefix: false }
  if (star !== text.length - 1) throw new ParseFailure("'*' is only allowed at the end of a term", position + star)
  return { body: text.slice(0, -1), prefix: true }
}

/** The folded value of a hashtag (sigil `#`) or handle (sigil `@`), which must be one whole token. */
function tagValue(sigil: '#' | '@', body: string, prefix: boolean, position: number): string {
  const value = foldText(body)
  const tokens = tokenizeFolded(sigil + value)
  const found = sigil === '#' ? tokens.hashtags : tokens.mentions
  if (found.length !== 1 || found[0] !== value) {
    const what = sigil === '#' ? 'hashtag (letters, digits and _)' : 'handle (letters, digits, _, and . or - inside)'
    throw new ParseFailure(`'${sigil}${body}' is not a valid ${what}`, position)
  }
  if (prefix) checkPrefixLength(value, position)
  return value
}

function checkPrefixLength(value: string, position: number): void {
  if ([...value].length < wildcardPrefixLengthMin) {
    throw new ParseFailure(`put at least ${wildcardPrefixLengthMin} letters before '*'`, position)
  }
}

// ---------------------------------------------------------------------------------------------
// Parser (recursive descent; recursion is bounded by the parenthesis limit)

const operatorText = { and: 'AND', or: 'OR', not: 'NOT' } as const

class Parser {
  private next = 0
  private depth = 0

  constructor(private readonly lexemes: readonly Lexeme[]) {}

  parseQuery(): RuleAst {
    const ast = this.parseOr()
    const rest = this.peek()
    if (rest !== undefined) {
      // parseOr only stops early at a ')' it was not inside of.
      throw new ParseFailure("')' has no matching '('", rest.position)
    }
    return ast
  }

  private peek(): Lexeme | undefined {
    return this.lexemes[this.next]
  }

  private startsUnary(l: Lexeme | undefined): boolean {
    return l !== undefined && (l.type === 'term' || l.type === 'lparen' || l.type === 'not' || l.type === 'neg')
  }

  private parseOr(): RuleAst {
    const children = [this.parseAnd()]
    for (let op = this.peek(); op?.type === 'or'; op = this.peek()) {
      this.next++
      this.expectRightOperand(op)
      children.push(this.parseAnd())
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children }
  }

  private parseAnd(): RuleAst {
    const children = [this.parseUnary()]
    for (let l = this.peek(); l !== undefined; l = this.peek()) {
      if (l.type === 'and') {
        this.next++
        this.expectRightOperand(l)
      } else if (!this.startsUnary(l)) {
        break
      }
      children.push(this.parseUnary())
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children }
  }

  private expectRightOperand(op: Lexeme): void {
    if (!this.startsUnary(this.peek())) {
      throw new ParseFailure(`'${operatorText[op.type as 'and' | 'or']}' needs a term on its right`, op.position)
    }
  }

  private parseUnary(): RuleAst {
    const negations: Lexeme[] = []
    for (let l = this.peek(); l?.type === 'not' || l?.type === 'neg'; l = this.peek()) {
      negations.push(l)
      this.next++
    }
    const last = negations[negations.length - 1]
    if (last !== undefined && !this.startsUnary(this.peek())) {
      throw new ParseFailure("'NOT' needs a term after it", last.position)
    }
    let node = this.parsePrimary()
    for (let k = 0; k < negations.length; k++) node = { kind: 'not', child: node }
    return node
  }

  private parsePrimary(): RuleAst {
    const l = this.peek()
    // The callers only come here at the start of the query or group, or after a checked operator.
    if (l === undefined) throw new ParseFailure('query is empty', 0)
    switch (l.type) {
      case 'term':
        this.next++
        return l.term
      case 'lparen':
        return this.parseGroup(l.position)
      case 'rparen':
        throw new ParseFailure("')' has no matching '('", l.position)
      case 'and':
      case 'or':
        throw new ParseFailure(`'${operatorText[l.type]}' needs a term on its left`, l.position)
      case 'not':
      case 'neg':
        // parseUnary consumed every negation before calling us.
        throw new ParseFailure("'NOT' needs a term after it", l.position)
    }
  }

  private parseGroup(open: number): RuleAst {
    this.depth++
    if (this.depth > nestingDepthMax) {
      throw new ParseFailure(`parentheses nest deeper than ${nestingDepthMax} levels`, open)
    }
    this.next++
    const first = this.peek()
    if (first === undefined) throw new ParseFailure("'(' is never closed", open)
    if (first.type === 'rparen') throw new ParseFailure("empty parentheses '()'", open)
    const inner = this.parseOr()
    if (this.peek()?.type !== 'rparen') throw new ParseFailure("'(' is never closed", open)
    this.next++
    this.depth--
    return inner
  }
}

// ---------------------------------------------------------------------------------------------
// Printer

/** Renders a tree as a query; `parseRule(printRule(ast))` gives `ast` back for every parsed tree. */
export function printRule(ast: RuleAst): string {
  switch (ast.kind) {
    case 'or':
      return ast.children.map((c) => (c.kind === 'or' ? `(${printRule(c)})` : printRule(c))).join(' OR ')
    case 'and':
      return ast.children.map((c) => (c.kind === 'or' || c.kind === 'and' ? `(${printRule(c)})` : printRule(c))).join(' AND ')
    case 'not':
      return ast.child.kind === 'or' || ast.child.kind === 'and' ? `NOT (${printRule(ast.child)})` : `NOT ${printRule(ast.child)}`
    case 'word':
      return ast.value + (ast.prefix ? '*' : '')
    case 'phrase':
      return `"${ast.words.join(' ')}"`
    case 'hashtag':
      return `#${ast.value}${ast.prefix ? '*' : ''}`
    case 'mention':
      return `@${ast.value}${ast.prefix ? '*' : ''}`
    case 'from':
      return `from:${ast.value}${ast.prefix ? '*' : ''}`
    case 'lang':
      return `lang:${ast.value}`
    case 'channel':
      return `channel:${ast.value}`
  }
}

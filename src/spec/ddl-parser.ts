// The recursive-descent parser behind floe's DDL text forms: column definitions and types (Iceberg names and
// common SQL spellings), transform terms and sort items. Errors name the offending text and its position.
import { InvalidArgumentError } from '../errors.js'
import { parsePrimitiveType, SIMPLE_TYPE_NAMES } from './json/schema-json.js'
import { tokenize, type Token } from './ddl-lexer.js'
import type { NullOrder, SortDirection } from './sort-order.js'
import type { Transform } from './transform.js'
import type { IcebergType, NestedField } from './types.js'
/** SQL spellings of Iceberg primitive types; each may carry a length such as `varchar(10)`, which is dropped. */
const ALIASES: Record<string, string> = {
  bigint: 'long',
  integer: 'int',
  smallint: 'int',
  tinyint: 'int',
  real: 'float',
  bool: 'boolean',
  text: 'string',
  varchar: 'string',
  char: 'string',
  bytes: 'binary',
  blob: 'binary',
  varbinary: 'binary',
  timestamp_ntz: 'timestamp',
  timestamp_ltz: 'timestamptz',
}


/** Spark's plural transform names. */
const PLURAL: Record<string, string> = { years: 'year', months: 'month', days: 'day', hours: 'hour' }

const MAX_INT = 0x7fffffff

/** A column's type with the `not null` and `comment '…'` that may follow it. */
export interface TypedColumn {
  readonly type: IcebergType
  readonly required: boolean
  readonly doc?: string
}

/** A transform term before its column is looked up: the transform and the column path as typed. */
export interface UnboundTerm {
  readonly transform: Transform
  readonly path: readonly string[]
  /** The term's token, for error positions. */
  readonly at: Token
}

/** A recursive-descent parser over the tokens of one text (column list, type, term, partition or sort list). */
export class Parser {
  private readonly tokens: Token[]
  private i = 0
  private nextId = 0

  constructor(
    private readonly text: string,
    private readonly what: string,
  ) {
    this.tokens = tokenize(text, what)
  }

  // --- token helpers

  peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!
  }

  take(): Token {
    const t = this.peek()
    if (t.kind !== 'end') this.i++
    return t
  }

  isPunct(ch: string, k = 0): boolean {
    const t = this.peek(k)
    return t.kind === 'punct' && t.text === ch
  }

  isWord(word: string, k = 0): boolean {
    const t = this.peek(k)
    return t.kind === 'word' && t.text.toLowerCase() === word
  }

  atEnd(): boolean {
    return this.peek().kind === 'end'
  }

  /** Throw INVALID_ARGUMENT for `tok`: `message` then where it is. */
  fail(message: string, tok: Token = this.peek()): never {
    const found = tok.kind === 'end' ? 'the end of the text' : JSON.stringify(tok.raw)
    throw new InvalidArgumentError(`Cannot parse ${this.what} ${JSON.stringify(this.text)}: ${message}, found ${found} at character ${tok.pos + 1}`)
  }

  /** Throw INVALID_ARGUMENT with a full message, adding where `tok` is. */
  refuse(message: string, tok: Token): never {
    throw new InvalidArgumentError(`${message} at character ${tok.pos + 1} of ${this.what} ${JSON.stringify(this.text)}`)
  }

  expectPunct(ch: string, expected = `"${ch}"`): Token {
    if (!this.isPunct(ch)) this.fail(`expected ${expected}`)
    return this.take()
  }

  expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail(`expected "${word}"`)
    return this.take()
  }

  expectEnd(expected: string): void {
    if (!this.atEnd()) this.fail(`expected ${expected}`)
  }

  /** Items separated by commas, up to the end of the text; no empty items (`a,,b`) and no trailing comma. */
  commaList<T>(item: () => T, between: string): T[] {
    if (this.atEnd()) return []
    const out = [item()]
    while (this.isPunct(',')) {
      this.take()
      out.push(item())
    }
    this.expectEnd(`"," or the end of the text after ${between}`)
    return out
  }

  /** A non-negative or signed integer literal. */
  integer(expected: string): { value: number; tok: Token } {
    const tok = this.peek()
    if (tok.kind !== 'int') this.fail(`expected ${expected}`)
    this.take()
    const value = Number(tok.text)
    return { value: Number.isSafeInteger(value) ? value : value < 0 ? -Infinity : Infinity, tok }
  }

  /** One name: a word, an integer-looking word, or a quoted name (never empty). */
  name(expected: string): string {
    const tok = this.peek()
    if (tok.kind === 'quoted') {
      if (!tok.text) this.refuse('A name cannot be empty', tok)
      this.take()
      return tok.text
    }
    if (tok.kind === 'word' || tok.kind === 'int') {
      this.take()
      return tok.text
    }
    return this.fail(`expected ${expected}`)
  }

  /** A dotted column path such as `st.x` or `` st.`y z` ``. */
  path(expected = 'a column name'): string[] {
    const parts = [this.name(expected)]
    while (this.isPunct('.')) {
      this.take()
      parts.push(this.name('a column name after "."'))
    }
    return parts
  }

  // --- column lists and types

  /** `name type [not null] [comment '…']`; inside a struct the name may be followed by `:`. */
  column(inStruct: boolean): NestedField {
    const nameTok = this.peek()
    const name = this.name(inStruct ? 'a struct field name' : 'a column name')
    if (inStruct && this.isPunct(':')) this.take()
    else if (this.isPunct('.')) this.fail(`expected a type after column name ${name} (quote a name that contains "." with backticks)`)
    const next = this.peek()
    if (next.kind === 'end' || next.kind === 'punct')
      this.refuse(`Cannot parse column definition ${JSON.stringify(this.text.slice(nameTok.pos, next.pos).trim())}: expected "name type"`, next)
    const id = ++this.nextId
    const { type, required, doc } = this.typedColumn()
    return { id, name, required, type, ...(doc === undefined ? {} : { doc }) }
  }

  /** A type followed by optional `not null` and `comment '…'` (each at most once, in any order). */
  typedColumn(): TypedColumn {
    const type = this.type()
    let required = false
    let doc: string | undefined
    for (;;) {
      if (this.isWord('not')) {
        const tok = this.take()
        if (required) this.refuse('"not null" given twice', tok)
        this.expectWord('null')
        required = true
      } else if (this.isWord('comment')) {
        const tok = this.take()
        if (doc !== undefined) this.refuse('"comment" given twice', tok)
        const s = this.peek()
        if (s.kind !== 'string') this.fail("expected a 'quoted' comment after comment")
        this.take()
        doc = s.text
      } else break
    }
    return { type, required, ...(doc === undefined ? {} : { doc }) }
  }

  /** An Iceberg type or one of its SQL spellings. */
  type(): IcebergType {
    const tok = this.peek()
    if (tok.kind !== 'word') return this.fail('expected a type')
    const word = tok.text.toLowerCase()
    this.take()
    switch (word) {
      case 'struct': {
        this.expectPunct('<')
        const fields: NestedField[] = []
        if (!this.isPunct('>')) {
          fields.push(this.column(true))
          while (this.isPunct(',')) {
            this.take()
            fields.push(this.column(true))
          }
        }
        this.expectPunct('>', '"," or ">" after a struct field')
        return { kind: 'struct', fields }
      }
      case 'list':
      case 'array': {
        this.expectPunct('<')
        const elementId = ++this.nextId
        const element = this.type()
        this.expectPunct('>', `">" after the ${word} element type`)
        return { kind: 'list', elementId, element, elementRequired: false }
      }
      case 'map': {
        this.expectPunct('<')
        const keyId = ++this.nextId
        const valueId = ++this.nextId
        const key = this.type()
        if (!this.isPunct(',')) this.refuse(`map needs a key and a value type: ${this.text.slice(tok.pos, this.peek().end)}`, this.peek())
        this.take()
        const value = this.type()
        if (this.isPunct(',')) this.refuse('map takes exactly a key and a value type', this.peek())
        this.expectPunct('>', '">" after the map value type')
        return { kind: 'map', keyId, key, valueId, value, valueRequired: false }
      }
      case 'decimal': {
        if (!this.isPunct('(')) this.fail('expected decimal(P, S)')
        this.take()
        const p = this.integer('an integer precision')
        let scale = 0
        let sTok = p.tok
        if (this.isPunct(',')) {
          this.take()
          const s = this.integer('an integer scale')
          scale = s.value
          sTok = s.tok
        }
        this.expectPunct(')', '")" after the decimal scale')
        if (!(p.value >= 1 && p.value <= 38)) this.refuse(`Invalid decimal precision ${p.tok.text}: must be 1 to 38`, p.tok)
        if (!(scale >= 0 && scale <= p.value)) this.refuse(`Invalid decimal scale ${sTok.text}: must be 0 to the precision ${p.value}`, sTok)
        return { kind: 'decimal', precision: p.value, scale }
      }
      case 'fixed': {
        const close = this.isPunct('[') ? ']' : this.isPunct('(') ? ')' : undefined
        if (!close) return this.fail('expected fixed[L] or fixed(L)')
        this.take()
        const n = this.integer('an integer length')
        this.expectPunct(close)
        if (!(n.value >= 1 && n.value <= MAX_INT)) this.refuse(`Invalid fixed length ${n.tok.text}: must be 1 to ${MAX_INT}`, n.tok)
        return { kind: 'fixed', length: n.value }
      }
      case 'timestamp': {
        let nanos = false
        if (this.isPunct('(')) {
          this.take()
          const p = this.integer('an integer precision')
          this.expectPunct(')')
          if (p.value !== 6 && p.value !== 9) this.refuse(`Invalid timestamp precision ${p.tok.text}: Iceberg has timestamp(6) and timestamp(9)`, p.tok)
          nanos = p.value === 9
        }
        let tz = false
        if (this.isWord('with') || this.isWord('without')) {
          tz = this.take().text.toLowerCase() === 'with'
          this.expectWord('time')
          this.expectWord('zone')
        }
        return { kind: tz ? (nanos ? 'timestamptz_ns' : 'timestamptz') : nanos ? 'timestamp_ns' : 'timestamp' }
      }
      case 'geometry':
      case 'geography': {
        if (!this.isPunct('(')) return parsePrimitiveType(word)
        const args = this.rawArguments()
        try {
          return parsePrimitiveType(`${word}(${args})`)
        } catch {
          return this.refuse(`Unknown type ${JSON.stringify(this.text.slice(tok.pos, this.tokens[this.i - 1]!.end))}`, tok)
        }
      }
      default: {
        const alias = Object.hasOwn(ALIASES, word) ? ALIASES[word] : undefined
        if (alias !== undefined && this.isPunct('(')) {
          // a length or precision (`varchar(10)`, `bigint(20)`) that Iceberg's type has no room for
          this.take()
          const n = this.integer('an integer length')
          if (n.value < 0) this.refuse(`Invalid length ${n.tok.text}`, n.tok)
          this.expectPunct(')')
        }
        const name = alias ?? word
        if (!SIMPLE_TYPE_NAMES.has(name) || this.isPunct('(') || this.isPunct('[')) {
          const end = this.isPunct('(') || this.isPunct('[') ? this.skipArguments() : tok.end
          return this.refuse(`Unknown type ${JSON.stringify(this.text.slice(tok.pos, end))}`, tok)
        }
        return parsePrimitiveType(name)
      }
    }
  }

  /** The source text between `(` and its matching `)`, consumed. */
  rawArguments(): string {
    const open = this.take()
    let depth = 1
    for (;;) {
      const t = this.take()
      if (t.kind === 'end') this.refuse('Unclosed "("', open)
      if (t.kind === 'punct' && t.text === '(') depth++
      if (t.kind === 'punct' && t.text === ')' && --depth === 0) return this.text.slice(open.end, t.pos)
    }
  }

  /** Skip a bracketed argument list for an error message; the offset past it. */
  skipArguments(): number {
    const opener = this.peek().text
    const closer = opener === '(' ? ')' : ']'
    let depth = 0
    for (;;) {
      const t = this.take()
      if (t.kind === 'end') return t.pos
      if (t.kind === 'punct' && t.text === opener) depth++
      if (t.kind === 'punct' && t.text === closer && --depth === 0) return t.end
    }
  }

  // --- transform terms and sort items

  /** A column (identity) or a transform of one: `day(ts)`, `bucket(16, id)`, `bucket(id, 16)`, `days(ts)`. */
  term(): UnboundTerm {
    const at = this.peek()
    if (!(at.kind === 'word' && this.isPunct('(', 1))) return { transform: { kind: 'identity' }, path: this.path('a column or a transform such as day(ts)'), at }
    this.take()
    this.take()
    const args: Array<{ int: number; tok: Token } | { path: string[] }> = []
    if (!this.isPunct(')')) {
      for (;;) {
        if (this.peek().kind === 'int' && (this.isPunct(',', 1) || this.isPunct(')', 1))) {
          const { value, tok } = this.integer('an integer')
          args.push({ int: value, tok })
        } else args.push({ path: this.path('a column or an integer') })
        if (!this.isPunct(',')) break
        this.take()
      }
    }
    this.expectPunct(')', '"," or ")" after a transform argument')
    const fn = at.text.toLowerCase()
    const kind = (Object.hasOwn(PLURAL, fn) ? PLURAL[fn] : undefined) ?? fn
    const paths = args.flatMap((a) => ('path' in a ? [a.path] : []))
    const ints = args.flatMap((a) => ('int' in a ? [a] : []))
    switch (kind) {
      case 'identity':
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'void':
        if (args.length !== 1 || paths.length !== 1) this.refuse(`${at.text}() takes one column`, at)
        return { transform: { kind }, path: paths[0]!, at }
      case 'bucket':
      case 'truncate': {
        if (args.length !== 2 || paths.length !== 1 || ints.length !== 1) this.refuse(`${at.text}() takes an integer and a column, such as ${kind}(16, id)`, at)
        const n = ints[0]!
        if (!(n.int >= 1 && n.int <= MAX_INT)) this.refuse(`Invalid ${kind} parameter ${n.tok.text}: must be 1 to ${MAX_INT}`, n.tok)
        return { transform: kind === 'bucket' ? { kind, n: n.int } : { kind, width: n.int }, path: paths[0]!, at }
      }
      default:
        return this.refuse(`Unknown transform ${fn}`, at)
    }
  }

  /** `term [asc | desc] [nulls first | nulls last]`. */
  sortItem(): UnboundTerm & { direction: SortDirection; nullOrder: NullOrder } {
    const term = this.term()
    let direction: SortDirection = 'asc'
    if (this.isWord('asc') || this.isWord('desc')) direction = this.take().text.toLowerCase() as SortDirection
    let nulls = direction === 'asc' ? 'first' : 'last'
    if (this.isWord('nulls')) {
      this.take()
      if (!this.isWord('first') && !this.isWord('last')) this.fail('expected "first" or "last" after nulls')
      nulls = this.take().text.toLowerCase()
    }
    if (!this.atEnd() && !this.isPunct(',')) this.fail('expected asc, desc, nulls first, nulls last or ","')
    return { ...term, direction, nullOrder: `nulls-${nulls}` as NullOrder }
  }
}

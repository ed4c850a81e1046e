// DDL column lists round-trip: random nested schemas (names with quotes, commas, spaces, backticks and
// unicode; decimal, fixed, struct, list and map types; not null; comments with quotes and commas), printed
// as DDL text in any of the accepted spellings, parse back to the same schema apart from field ids.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseColumns } from '../../src/spec/ddl.js'
import type { IcebergType, NestedField } from '../../src/spec/types.js'

const runs = { numRuns: Number(process.env.FC_NUM_RUNS ?? 300) }

/** A type and one way to write it. */
interface Typed {
  readonly type: IcebergType
  readonly text: string
}

const anyCase = (s: string): fc.Arbitrary<string> => fc.constantFrom(s, s.toUpperCase(), s[0]!.toUpperCase() + s.slice(1))

/** Each primitive with the spellings the parser takes for it. */
const SPELLINGS: Array<[IcebergType, string[]]> = [
  [{ kind: 'boolean' }, ['boolean', 'bool']],
  [{ kind: 'int' }, ['int', 'integer', 'smallint', 'tinyint']],
  [{ kind: 'long' }, ['long', 'bigint', 'bigint(20)']],
  [{ kind: 'float' }, ['float', 'real']],
  [{ kind: 'double' }, ['double']],
  [{ kind: 'date' }, ['date']],
  [{ kind: 'time' }, ['time']],
  [{ kind: 'timestamp' }, ['timestamp', 'timestamp_ntz', 'timestamp without time zone', 'timestamp(6)', 'timestamp(6) without time zone']],
  [{ kind: 'timestamptz' }, ['timestamptz', 'timestamp_ltz', 'timestamp with time zone', 'timestamp(6) with time zone']],
  [{ kind: 'timestamp_ns' }, ['timestamp_ns', 'timestamp(9)']],
  [{ kind: 'timestamptz_ns' }, ['timestamptz_ns', 'timestamp(9) with time zone']],
  [{ kind: 'string' }, ['string', 'varchar', 'varchar(10)', 'text', 'char(1)']],
  [{ kind: 'uuid' }, ['uuid']],
  [{ kind: 'binary' }, ['binary', 'bytes', 'blob', 'varbinary(8)']],
]

const primitiveArb: fc.Arbitrary<Typed> = fc.oneof(
  fc.constantFrom(...SPELLINGS).chain(([type, texts]) => fc.constantFrom(...texts).chain((t) => anyCase(t).map((text): Typed => ({ type, text })))),
  fc
    .integer({ min: 1, max: 38 })
    .chain((precision) => fc.tuple(fc.constant(precision), fc.integer({ min: 0, max: precision }), fc.constantFrom('', ' ')))
    .map(([precision, scale, sp]): Typed => ({ type: { kind: 'decimal', precision, scale }, text: scale === 0 && precision % 2 ? `decimal(${precision})` : `decimal(${precision},${sp}${scale})` })),
  fc.tuple(fc.integer({ min: 1, max: 0x7fffffff }), fc.boolean()).map(([length, square]): Typed => ({ type: { kind: 'fixed', length }, text: square ? `fixed[${length}]` : `fixed(${length})` })),
)

/** Names drawn to stress the tokenizer: quotes of every kind, list punctuation, spaces, dots and unicode. */
const nameArb: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom('`', '"', "'", ',', ' ', '(', ')', '<', '>', '[', ']', ':', '.', '-', 'not', 'null', 'comment', 'struct', '\t', 'é', '名', '😀', '1'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))

/** Write a name bare when that reads back as the same name, else quoted with backticks or double quotes. */
const printName = (name: string, quote: 0 | 1 | 2): string => {
  if (quote === 0 && /^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) return name
  return quote === 2 ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll('`', '``')}\``
}

const docArb = fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replace(/\p{Cs}/gu, '')), { nil: undefined })

interface Column {
  readonly field: NestedField
  readonly text: (inStruct: boolean) => string
}

const columnArb = (typeArb: fc.Arbitrary<Typed>): fc.Arbitrary<{ name: string; typed: Typed; required: boolean; doc: string | undefined; quote: 0 | 1 | 2; colon: boolean; order: boolean; lower: boolean }> =>
  fc.record({
    name: nameArb,
    typed: typeArb,
    required: fc.boolean(),
    doc: docArb,
    quote: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    colon: fc.boolean(),
    order: fc.boolean(),
    lower: fc.boolean(),
  })

const toColumn = (c: { name: string; typed: Typed; required: boolean; doc: string | undefined; quote: 0 | 1 | 2; colon: boolean; order: boolean; lower: boolean }): Column => {
  const notNull = c.required ? (c.lower ? ' not null' : ' NOT NULL') : ''
  const comment = c.doc === undefined ? '' : ` ${c.lower ? 'comment' : 'COMMENT'} '${c.doc.replaceAll("'", "''")}'`
  const mods = c.order ? notNull + comment : comment + notNull
  return {
    field: { id: 0, name: c.name, required: c.required, type: c.typed.type, ...(c.doc === undefined ? {} : { doc: c.doc }) },
    text: (inStruct) => `${printName(c.name, c.quote)}${inStruct && c.colon ? ':' : ''} ${c.typed.text}${mods}`,
  }
}

const uniqueColumns = (typeArb: fc.Arbitrary<Typed>, minLength: number): fc.Arbitrary<Column[]> =>
  fc.uniqueArray(columnArb(typeArb), { minLength, maxLength: 4, selector: (c) => c.name }).map((cs) => cs.map(toColumn))

const { typed } = fc.letrec<{ typed: Typed; struct: Typed; list: Typed; map: Typed }>((tie) => ({
  typed: fc.oneof({ depthSize: 'small', withCrossShrink: true }, primitiveArb, tie('struct'), tie('list'), tie('map')),
  struct: fc.tuple(uniqueColumns(tie('typed'), 0), fc.constantFrom(', ', ',', ' , ')).map(([cols, sep]): Typed => ({
    type: { kind: 'struct', fields: cols.map((c) => c.field) },
    text: `struct<${cols.map((c) => c.text(true)).join(sep)}>`,
  })),
  list: fc.tuple(tie('typed'), fc.constantFrom('list', 'array', 'ARRAY')).map(([e, kw]): Typed => ({ type: { kind: 'list', elementId: 0, element: e.type, elementRequired: false }, text: `${kw}<${e.text}>` })),
  map: fc.tuple(tie('typed'), tie('typed')).map(([k, v]): Typed => ({
    type: { kind: 'map', keyId: 0, key: k.type, valueId: 0, value: v.type, valueRequired: false },
    text: `map<${k.text}, ${v.text}>`,
  })),
}))

/** The type with every id set to 0. */
const withoutIds = (t: IcebergType): IcebergType => {
  switch (t.kind) {
    case 'struct':
      return { kind: 'struct', fields: t.fields.map(fieldWithoutId) }
    case 'list':
      return { ...t, elementId: 0, element: withoutIds(t.element) }
    case 'map':
      return { ...t, keyId: 0, valueId: 0, key: withoutIds(t.key), value: withoutIds(t.value) }
    default:
      return t
  }
}
const fieldWithoutId = (f: NestedField): NestedField => ({ ...f, id: 0, type: withoutIds(f.type) })

/** Every id in the parsed schema (fields, list elements, map keys and values). */
const ids = (fields: readonly NestedField[]): number[] => {
  const out: number[] = []
  const type = (t: IcebergType): void => {
    if (t.kind === 'struct') walk(t.fields)
    else if (t.kind === 'list') out.push(t.elementId), type(t.element)
    else if (t.kind === 'map') out.push(t.keyId, t.valueId), type(t.key), type(t.value)
  }
  const walk = (fs: readonly NestedField[]): void => fs.forEach((f) => (out.push(f.id), type(f.type)))
  walk(fields)
  return out
}

describe('DDL column lists', () => {
  it('print and parse back to the same schema, modulo ids, with unique provisional ids', () => {
    fc.assert(
      fc.property(uniqueColumns(typed, 1), fc.constantFrom(', ', ',', ' ,\n '), (cols, sep) => {
        const text = cols.map((c) => c.text(false)).join(sep)
        const parsed = parseColumns(text)
        expect(parsed.fields.map(fieldWithoutId)).toEqual(cols.map((c) => fieldWithoutId(c.field)))
        const all = ids(parsed.fields)
        expect(new Set(all).size).toBe(all.length)
      }),
      runs,
    )
  })
})

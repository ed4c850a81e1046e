// Variant → JSON, checked against Impala's expected rendering of Trino's variant table (every primitive type,
// escaped strings and keys, nested arrays and objects, large field ids, decimals of every width) and by a
// round-trip property through an independent encoder of the Parquet variant format written here.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringifyJson } from '../../../src/spec/json/lossless.js'
import { variantToJson } from '../../../src/spec/variant.js'
import { CORPUS } from '../../support/corpus.js'
import { corpusTables } from '../../support/corpus/manifest.js'
import { openCorpusTable } from '../../support/corpus/open.js'
import { canonExpected, impalaCells, parseImpalaTest } from '../../support/corpus/impala-expected.js'
import { floe } from '../../support/cli.js'

const TEST_FILE = join(CORPUS, 'impala/_expected/testdata/workloads/functional-query/queries/QueryTest/iceberg-v3-variant.test')

/** Impala's expected `id → v` rendering (RESULTS double each backslash). */
function impalaExpected(): Map<number, string | null> {
  const cs = parseImpalaTest(readFileSync(TEST_FILE, 'utf8')).find((c) => /^SELECT id, v FROM functional_parquet\.trino_variant ORDER BY id;?$/.test(c.query))!
  const out = new Map<number, string | null>()
  for (const line of cs.results!) {
    const [id, v] = impalaCells(line)
    const text = canonExpected(v!)
    out.set(Number(id), text === 'NULL' ? null : text!.replace(/\\\\/g, '\\'))
  }
  return out
}

describe('variantToJson', () => {
  it("renders Trino's variant table as Impala expects, except where Impala prints its own formats", async () => {
    const want = impalaExpected()
    expect(want.size).toBe(55)
    const t = await openCorpusTable(corpusTables().find((c) => c.dir.endsWith('iceberg_v3/trino_variant'))!)
    const rows = await t.scan().toArray()
    expect(rows.length).toBe(55)
    let compared = 0
    for (const r of rows) {
      const id = r.id as number
      const got = r.v === null ? null : stringifyJson(variantToJson(r.v as never))
      expect(want.has(id), `id ${id} has an expected answer`).toBe(true)
      const expected = want.get(id)!
      if (expected === '"<unsupported-type>"') {
        // Impala cannot render time, timestamptz and uuid variants: floe prints them as it prints such columns
        expect(got, `id ${id}`).toMatch(/^"(\d\d:\d\d:\d\d\.\d{6}|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"$/)
        continue
      }
      if (expected !== null && /^"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+"$/.test(expected)) {
        // Impala writes timestamps with a space and 9 digits; floe writes ISO-8601 with the value's precision
        const [date, time] = expected.slice(1, -1).split(' ')
        const digits = id === 60 ? 9 : 6
        expect(got, `id ${id}`).toBe(`"${date}T${time!.slice(0, 9 + digits)}"`)
        continue
      }
      expect(got, `id ${id}`).toBe(expected)
      compared++
    }
    expect(compared).toBe(50)
  })

  it('prints variants as JSON in floe scan (jsonl nests them, csv and table show their JSON text)', async () => {
    const ct = corpusTables().find((c) => c.dir.endsWith('iceberg_v3/trino_variant'))!
    const remap = `${ct.locationPrefix}=${ct.path}`
    const jsonl = await floe('scan', ct.path, '--remap', remap, '--filter', 'id in (0, 1, 15, 31)')
    expect(jsonl.stderr).toBe('')
    const byId = new Map(jsonl.stdout.trim().split('\n').map((l) => [JSON.parse(l).id as number, JSON.parse(l).v]))
    expect(byId).toEqual(
      new Map<number, unknown>([
        [0, null],
        [1, null],
        [15, 'hello'],
        [31, { age: 30, name: 'Alice' }],
      ]),
    )
    const csv = await floe('scan', ct.path, '--remap', remap, '--filter', 'id in (0, 1, 15)', '--format', 'csv')
    const lines = csv.stdout.trim().split('\n').slice(1).sort()
    // SQL null is an empty cell; a variant null is the JSON text null; a string keeps its JSON quotes
    expect(lines).toEqual(['0,NULL,', '1,variant null,null', '15,str hello,"""hello"""'].sort())
  })

  it('round-trips JSON values through an independent encoder (property)', () => {
    const json: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((b) => b < -(2n ** 31n) || b >= 2n ** 31n),
        fc.string({ maxLength: 80 }),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 }),
      ),
    })).v
    fc.assert(
      fc.property(json, (v) => {
        const { metadata, value } = encodeVariant(v)
        expect(variantToJson({ metadata, value })).toEqual(v)
      }),
      { numRuns: 300 },
    )
  })

  it('refuses, quickly, encodings whose offsets share values, claim more elements than bytes, or repeat a key', () => {
    const { metadata } = encodeVariant({ a: 1 })
    const timed = (value: number[], meta = metadata): void => {
      const t0 = performance.now()
      expect(() => variantToJson({ metadata: meta, value: Uint8Array.from(value) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
      expect(performance.now() - t0).toBeLessThan(50)
    }
    // arrays of 255 elements all at offset 0 (the same child), nested 6 deep: 255^6 values from a few hundred bytes
    let v = [0] // null
    for (let d = 0; d < 6; d++) v = [(0 << 2) | 3, 255, ...new Array<number>(256).fill(0), ...v]
    timed(v)
    // an array claiming 2^24 elements in 9 bytes
    timed([(((1 << 2) | 0) << 2) | 3, 0, 0, 0, 1, 0, 0, 0, 0])
    // an object with the field `a` twice
    timed([(0 << 2) | 2, 2, 0, 0, 0, 1, 2, (1 << 2) | 0, (2 << 2) | 0])
    // a time of day outside the day keeps the variant prefix
    expect(() => variantToJson({ metadata, value: Uint8Array.from([17 << 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) })).toThrow(/^Invalid variant: /)
  })

  it('refuses a malformed encoding with INVALID_ARGUMENT', () => {
    const { metadata, value } = encodeVariant({ a: [1, 'x'] })
    for (const bad of [
      { metadata: new Uint8Array(), value },
      { metadata: Uint8Array.from([2, 0, 0]), value },
      { metadata, value: value.subarray(0, value.length - 1) },
      { metadata: Uint8Array.from([1, 0, 0]), value },
    ])
      expect(() => variantToJson(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })
})

// ---- an encoder of the Parquet variant format (the test's oracle): sorted dictionary, minimal offset sizes

function le(n: number, size: number): number[] {
  const out: number[] = []
  for (let i = 0; i < size; i++) out.push(Math.floor(n / 256 ** i) % 256)
  return out
}

const sizeFor = (max: number): number => (max < 256 ? 1 : max < 65536 ? 2 : max < 16777216 ? 3 : 4)

function encodeVariant(v: unknown): { metadata: Uint8Array; value: Uint8Array } {
  const keys = new Set<string>()
  const collect = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(collect)
    else if (x !== null && typeof x === 'object') for (const [k, y] of Object.entries(x)) (keys.add(k), collect(y))
  }
  collect(v)
  const dict = [...keys].sort()
  const enc = new TextEncoder()
  const bytes = dict.map((k) => enc.encode(k))
  const total = bytes.reduce((n, b) => n + b.length, 0)
  const os = sizeFor(Math.max(dict.length, total))
  const offsets: number[] = [0]
  for (const b of bytes) offsets.push(offsets.at(-1)! + b.length)
  const metadata = Uint8Array.from([1 | 0x10 | ((os - 1) << 6), ...le(dict.length, os), ...offsets.flatMap((o) => le(o, os)), ...bytes.flatMap((b) => [...b])])
  const value = (x: unknown): number[] => {
    if (x === null) return [0]
    if (x === true) return [1 << 2]
    if (x === false) return [2 << 2]
    if (typeof x === 'number') return [5 << 2, ...le(x >>> 0, 4)]
    if (typeof x === 'bigint') {
      const u = BigInt.asUintN(64, x)
      return [6 << 2, ...Array.from({ length: 8 }, (_, i) => Number((u >> BigInt(8 * i)) & 0xffn))]
    }
    if (typeof x === 'string') {
      const b = [...enc.encode(x)]
      return b.length < 64 ? [(b.length << 2) | 1, ...b] : [16 << 2, ...le(b.length, 4), ...b]
    }
    const parts = Array.isArray(x) ? x.map(value) : Object.entries(x as object).map(([, y]) => value(y))
    const ends: number[] = [0]
    for (const p of parts) ends.push(ends.at(-1)! + p.length)
    const offSize = sizeFor(ends.at(-1)!)
    const large = parts.length > 255 ? 1 : 0
    const count = le(parts.length, large ? 4 : 1)
    const body = [...ends.flatMap((e) => le(e, offSize)), ...parts.flat()]
    if (Array.isArray(x)) return [(((large << 2) | (offSize - 1)) << 2) | 3, ...count, ...body]
    const ids = Object.keys(x as object).flatMap((k) => le(dict.indexOf(k), sizeFor(dict.length)))
    return [(((large << 4) | ((sizeFor(dict.length) - 1) << 2) | (offSize - 1)) << 2) | 2, ...count, ...ids, ...body]
  }
  return { metadata, value: Uint8Array.from(value(v)) }
}

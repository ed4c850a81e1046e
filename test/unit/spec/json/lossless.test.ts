import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../../src/errors.js'
import { jsonLong, parseJson, parseJsonLossless, RawJson, restoreBigInts, stringifyJson, type JsonValue } from '../../../../src/spec/json/lossless.js'

describe('lossless JSON', () => {
  it('keeps 64-bit integers exact where JSON.parse rounds them', () => {
    const text = '{"snapshot-id":2701171901096418979,"neg":-9223372036854775808,"small":42,"f":1.5}'
    expect(JSON.parse(text)['snapshot-id']).not.toBe(2701171901096418979n)
    const v = parseJson(text) as Record<string, JsonValue>
    expect(v['snapshot-id']).toBe(2701171901096418979n)
    expect(v.neg).toBe(-9223372036854775808n)
    expect(v.small).toBe(42)
    expect(stringifyJson(v)).toBe(text)
  })

  it('never touches digits inside strings, fractions or exponents', () => {
    const text = '{"p":"snap-1234567890123456789-1.avro","q":"a:12345678901234567890,","x":[1.2345678901234567890,1234567890123456789e2]}'
    const v = parseJson(text) as Record<string, JsonValue>
    expect(v.p).toBe('snap-1234567890123456789-1.avro')
    expect(v.q).toBe('a:12345678901234567890,')
    expect(typeof (v.x as JsonValue[])[0]).toBe('number')
    expect(typeof (v.x as JsonValue[])[1]).toBe('number')
  })

  it('keeps a __proto__ key as a plain own key on both parse paths', () => {
    const fast = parseJson('{"__proto__":{"x":1},"n":9007199254740993}') as Record<string, JsonValue>
    const exact = parseJson('{"__proto__":{"x":1},"a":[9007199254740993, 9007199254740992]}') as Record<string, JsonValue>
    for (const o of [fast, exact]) {
      expect(Object.keys(o)).toContain('__proto__')
      expect(Object.getPrototypeOf(o)).toBe(Object.prototype)
      expect(stringifyJson(o)).toContain('"__proto__":{"x":1}')
    }
  })

  it('treats escaped NUL strings as strings, not as long markers', () => {
    expect(parseJson('{"s":"\\u0000123"}')).toEqual({ s: '\u0000123' })
  })

  it('reports the file, line and column of a syntax error', () => {
    for (const bad of ['', '{', '{"a":1,}', '[1 2]', '{"a":"\\x"}', '{"a":1}\n{"a":2}', 'nul', '"abc']) {
      let err: unknown
      try {
        parseJson(bad, 'm.json')
      } catch (e) {
        err = e
      }
      expect(err, bad).toBeInstanceOf(FloeError)
      expect((err as FloeError).code).toBe('INVALID_JSON')
      expect((err as FloeError).message).toMatch(/line \d+ column \d+/)
      expect((err as FloeError).context.file).toBe('m.json')
    }
  })

  it('jsonLong resolves unsafe doubles through the table of exact literals', () => {
    const { tree, longs } = parseJsonLossless('[9007199254740993, 5, 1.5, "x", "snap-9007199254740995"]')
    const a = tree as JsonValue[]
    expect(a.map((v) => jsonLong(v, longs))).toEqual([9007199254740993n, 5n, undefined, undefined, undefined])
    expect(restoreBigInts(a, longs)).toEqual([9007199254740993n, 5, 1.5, 'x', 'snap-9007199254740995'])
  })

  it('falls back to the exact parser when two literals round to the same double', () => {
    const { tree, longs } = parseJsonLossless('[9007199254740993, 9007199254740992, 7342794868382145167, 7342794868382145168]')
    expect(longs.size).toBe(0)
    expect(tree).toEqual([9007199254740993n, 9007199254740992n, 7342794868382145167n, 7342794868382145168n])
  })

  it('parses any JSON value the same as JSON.parse, except that long integers are exact', () => {
    const json = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) }),
        fc.string({ unit: 'binary' }),
        fc.array(tie('v'), { maxLength: 5 }),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('v'), { maxKeys: 5 }),
      ),
    })).v
    fc.assert(
      fc.property(json, fc.constantFrom(0, 2), (v, indent) => {
        const text = stringifyJson(v, indent)
        const back = parseJson(text)
        // every integer compares as bigint: long literals read back exactly, shorter ones as numbers
        const norm = (x: unknown): unknown => {
          if (typeof x === 'bigint') return x
          // an integral double is compared through its JSON text, which is what a reader sees
          if (typeof x === 'number' && Number.isInteger(x) && Math.abs(x) < 1e21) return BigInt(JSON.stringify(x))
          if (Array.isArray(x)) return x.map(norm)
          if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, norm(y)]))
          return x
        }
        expect(norm(back)).toEqual(norm(v))
        // JSON.parse agrees on everything except long integers
        if (!/\d{16,}/.test(text)) expect(back).toEqual(JSON.parse(text))
      }),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 300) },
    )
  })

  it('serialises exactly as JSON.stringify does (compact and indented) where JSON.stringify can: no bigints, raw literals or -0', () => {
    const str = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\u2028', '\ud800', 'a\u0000b', '\u001f'))
    const { v: json } = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 0, 1.5, 1e21, 5e-324, Number.NaN, Number.POSITIVE_INFINITY),
        fc.double().filter((x) => !Object.is(x, -0)),
        str,
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(str, tie('v'), { maxKeys: 4 }),
      ),
    }))
    fc.assert(
      fc.property(json, fc.constantFrom(0, 2, 4), (v, indent) => {
        expect(stringifyJson(v, indent)).toBe(JSON.stringify(v, null, indent || undefined))
      }),
      { numRuns: 2000 },
    )
    expect(stringifyJson({ a: [1n, new RawJson('1.0')], b: undefined, c: {} }, 2)).toBe('{\n  "a": [\n    1,\n    1.0\n  ],\n  "c": {}\n}')
  })

  it('keeps the sign of -0 (JSON.stringify writes 0), and reads it back', () => {
    expect([stringifyJson(-0), stringifyJson({ x: [-0, 0] })]).toEqual(['-0.0', '{"x":[-0.0,0]}'])
    expect(Object.is(parseJson(stringifyJson(-0)), -0)).toBe(true)
    expect(Object.is((parseJson(stringifyJson({ d: -0 })) as { d: number }).d, -0)).toBe(true)
  })
})

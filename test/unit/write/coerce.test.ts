// Row coercion: exact floe values pass through untouched, friendly forms convert exactly, and every bad
// value fails with INVALID_DATA naming the source, the 1-based row and the full column name.
import { describe, expect, it } from 'vitest'
import { isFloeError, type FloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { coerceRows, InvalidDataError, rowCoercer, ScaledDecimal, UnitTime, UnitTimestamp } from '../../../src/write/coerce.js'

const S = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'i', T.int),
  field(3, 'dec', T.decimal(9, 2)),
  field(4, 'dt', T.date),
  field(5, 'tm', T.time),
  field(6, 'ts', T.timestamp),
  field(7, 'tz', T.timestamptz),
  field(8, 'ns', T.timestamptzNs),
  field(9, 'u', T.uuid),
  field(10, 'bin', T.binary),
  field(11, 'st', T.struct([field(12, 'a', T.int, { required: true }), field(13, 'b', T.string)])),
  field(14, 'xs', T.list(15, T.long, true)),
  field(16, 'm', T.map(17, T.string, 18, T.double)),
  field(19, 'fx', T.fixed(2)),
  field(20, 'def', T.string, { writeDefault: 'dflt' }),
])

function failure(input: unknown, source = 'rows'): FloeError {
  try {
    rowCoercer(S, source)(input, 7)
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidDataError)
    return e as FloeError
  }
  throw new Error('expected a failure')
}

describe('rowCoercer', () => {
  it('returns exact rows untouched (no copy)', () => {
    const row = { id: 1n, i: 2, dec: 123n, dt: 1, tm: 5n, ts: 6n, tz: 7n, ns: 8n, u: new Uint8Array(16), bin: new Uint8Array(1), st: null, xs: null, m: null, fx: null, def: null }
    expect(rowCoercer(S)(row, 1)).toBe(row)
  })

  it('converts friendly forms exactly', () => {
    const out = rowCoercer(S)(
      {
        id: 9007199254740991,
        i: 5n,
        dec: '-12.3',
        dt: '1969-12-31',
        tm: '23:59:59.999999',
        ts: '2017-11-16T22:31:08.000001',
        tz: '2017-11-16T14:31:08.000001-08:00',
        ns: new Date(Date.UTC(2020, 0, 1)),
        u: 'F79C3E09-677C-4BBD-A479-3F349CB785E7',
        st: { a: 1 },
        xs: [1, 2n],
        m: { k: 1.5, n: null },
        fx: new Uint8Array([1, 2]),
      },
      1,
    )
    expect(out).toEqual({
      id: 9007199254740991n,
      i: 5,
      dec: -1230n,
      dt: -1,
      tm: 86399999999n,
      ts: 1510871468000001n,
      tz: 1510871468000001n,
      ns: 1577836800000000000n,
      u: Uint8Array.from([0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd, 0xa4, 0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7]),
      bin: null,
      st: { a: 1, b: null },
      xs: [1n, 2n],
      m: new Map([
        ['k', 1.5],
        ['n', null],
      ]),
      fx: new Uint8Array([1, 2]),
      def: 'dflt',
    })
    expect(rowCoercer(S)({ id: 1n, dec: 12.5, ts: new Date(-1) }, 1)).toMatchObject({ dec: 1250n, ts: -1000n })
    expect(rowCoercer(S)({ id: 1n, dec: '1.230' }, 1)).toMatchObject({ dec: 123n })
  })

  it('reads the SQL timestamp form DuckDB, PostgreSQL and Spark print (space, +HH or +HHMM offset) as its ISO form', () => {
    const c = rowCoercer(S)
    const pairs: Array<[Record<string, string>, Record<string, string>]> = [
      [{ ts: '2024-01-01 10:00:00' }, { ts: '2024-01-01T10:00:00' }],
      [{ ts: '1969-12-31 23:59:59.999999' }, { ts: '1969-12-31T23:59:59.999999' }],
      [{ tz: '2024-01-01 10:00:00+00' }, { tz: '2024-01-01T10:00:00+00:00' }],
      [{ tz: '2024-01-01 10:00:00.5-0530' }, { tz: '2024-01-01T10:00:00.5-05:30' }],
      [{ tz: '2024-01-01T10:00-08' }, { tz: '2024-01-01T10:00-08:00' }],
      [{ ns: '2024-01-01 10:00:00.123456789Z' }, { ns: '2024-01-01T10:00:00.123456789Z' }],
    ]
    for (const [sql, iso] of pairs) expect(c({ id: 1n, ...sql }, 1), JSON.stringify(sql)).toEqual(c({ id: 1n, ...iso }, 1))
    // still refused: a zone on a local timestamp, none on timestamptz, a bad offset, two spaces
    for (const bad of [{ ts: '2024-01-01 10:00:00+00' }, { tz: '2024-01-01 10:00:00' }, { tz: '2024-01-01 10:00:00+5' }, { ts: '2024-01-01  10:00:00' }])
      expect(() => c({ id: 1n, ...bad }, 1), JSON.stringify(bad)).toThrow(InvalidDataError)
  })

  it('fails with INVALID_DATA naming source, row and column', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ i: 1 }, 'id', /required value is missing/],
      [{ id: null }, 'id', /required/],
      [{ id: 1.5 }, 'id', /64-bit bigint or a safe integer/],
      [{ id: 2n ** 63n }, 'id', /bigint/],
      [{ id: 1n, i: 2 ** 31 }, 'i', /32-bit integer/],
      [{ id: 1n, dec: '1.234' }, 'dec', /more than 2 fraction digits/],
      [{ id: 1n, dec: 10n ** 9n }, 'dec', /more than 9 digits/],
      [{ id: 1n, dt: new Date(Date.UTC(2020, 0, 1, 5)) }, 'dt', /not a UTC midnight/],
      [{ id: 1n, dt: '2020-02-30' }, 'dt', /cannot parse date/],
      [{ id: 1n, tm: 86400000000n }, 'tm', /not a time of day/],
      [{ id: 1n, ts: '2020-01-01T00:00:00Z' }, 'ts', /has a zone offset/],
      [{ id: 1n, tz: '2020-01-01T00:00:00' }, 'tz', /needs a zone offset/],
      [{ id: 1n, ts: 5 }, 'ts', /expected a bigint/],
      [{ id: 1n, u: 'not-a-uuid' }, 'u', /cannot parse uuid/],
      [{ id: 1n, bin: 'abc' }, 'bin', /Uint8Array/],
      [{ id: 1n, fx: new Uint8Array(3) }, 'fx', /expected 2 bytes/],
      [{ id: 1n, st: { b: 'x' } }, 'st.a', /required value is missing/],
      [{ id: 1n, st: [1] }, 'st', /expected an object/],
      [{ id: 1n, xs: [1n, null] }, 'xs.element', /element 1 is null/],
      [{ id: 1n, m: new Map([['k', 'v']]) }, 'm.value', /expected a number/],
      [{ id: 1n, m: new Map([[1, 1]]) }, 'm.key', /expected a string/],
      [{ id: 1n, idd: 3 }, 'idd', /no such column/],
      [{ id: 1n, def: 'a\uD800b' }, 'def', /lone surrogate/],
      [{ id: 1n, st: { a: 1, b: '\uDC00' } }, 'st.b', /lone surrogate/],
      [{ id: 1n, m: new Map([['k\uD83D', 1]]) }, 'm.key', /lone surrogate/],
    ]
    for (const [input, column, why] of cases) {
      const e = failure(input, 'in.csv')
      expect(e.code).toBe('INVALID_DATA')
      expect(e.context).toMatchObject({ file: 'in.csv', row: 7, field: column })
      expect(e.message).toContain(`in.csv row 7 column ${column}`)
      expect(e.message).toMatch(why)
    }
    expect(failure(42).context).toMatchObject({ file: 'rows', row: 7 })
  })

  it('coerceRows numbers rows from 1 and stops at the first bad one', () => {
    expect(coerceRows(S, [{ id: 1n }, { id: 2 }]).map((r) => r.id)).toEqual([1n, 2n])
    expect(() => coerceRows(S, [{ id: 1n }, { id: 'x' }], 'f.json')).toThrow(expect.objectContaining({ context: expect.objectContaining({ file: 'f.json', row: 2, field: 'id' }) }))
  })
})

describe('rowCoercer with typed values (unit, zone and scale carried by the value)', () => {
  const TS = schema([
    field(1, 'ts', T.timestamp),
    field(2, 'tz', T.timestamptz),
    field(3, 'ns', T.timestampNs),
    field(4, 'tzns', T.timestamptzNs),
    field(5, 'tm', T.time),
    field(6, 'dec', T.decimal(9, 2)),
    field(7, 'st', T.struct([field(8, 'a', T.int)])),
  ])
  const coerce = (input: unknown): unknown => rowCoercer(TS, 'arrow')(input, 3)
  const fails = (input: unknown): FloeError => {
    try {
      coerce(input)
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidDataError)
      return e as FloeError
    }
    throw new Error('expected a failure')
  }

  it('converts to the column unit and scale exactly', () => {
    expect(
      coerce({
        ts: new UnitTimestamp(-2n, 's', null),
        tz: new UnitTimestamp(7_000n, 'ns', 'UTC'),
        ns: new UnitTimestamp(3n, 'us', null),
        tzns: new UnitTimestamp(-4n, 'ms', 'Europe/Paris'),
        tm: new UnitTime(2n, 'ms'),
        dec: new ScaledDecimal(-15n, 1),
      }),
    ).toEqual({ ts: -2_000_000n, tz: 7n, ns: 3000n, tzns: -4_000_000n, tm: 2000n, dec: -150n, st: null })
    expect(coerce({ dec: new ScaledDecimal(-1500n, 4), tm: new UnitTime(86_399_999_999_000n, 'ns') })).toMatchObject({ dec: -15n, tm: 86_399_999_999n })
  })

  it('rejects lossy or mismatched values with INVALID_DATA naming the column', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ ts: new UnitTimestamp(1_001n, 'ns', null) }, 'ts', /timestamp 1001 ns without zone is not a whole number of µs/],
      [{ ts: new UnitTimestamp(0n, 'us', 'UTC') }, 'ts', /has a zone; timestamp values are local date-times/],
      [{ tz: new UnitTimestamp(0n, 'us', null) }, 'tz', /has no zone; timestamptz takes only timestamps with a zone/],
      [{ ns: new UnitTimestamp(2n ** 62n, 'ms', null) }, 'ns', /outside the 64-bit range of timestamp_ns/],
      [{ tm: new UnitTime(5n, 'ns') }, 'tm', /time 5 ns is not a whole number of µs/],
      [{ tm: new UnitTime(86_400n, 's') }, 'tm', /not a time of day/],
      [{ tm: new UnitTimestamp(0n, 'us', null) }, 'tm', /got timestamp 0 µs without zone/],
      [{ dec: new ScaledDecimal(1234n, 3) }, 'dec', /decimal 1\.234 \(scale 3\) has nonzero digits beyond scale 2/],
      [{ dec: new ScaledDecimal(10n ** 8n, 0) }, 'dec', /more than 9 digits/],
      [{ ts: new ScaledDecimal(1n, 0) }, 'ts', /got decimal 1 \(scale 0\)/],
      // a typed value is never taken for a struct
      [{ st: new UnitTime(1n, 'us') }, 'st', /expected an object keyed by column name, got time 1 µs/],
    ]
    for (const [input, column, why] of cases) {
      const e = fails(input)
      expect(e.code).toBe('INVALID_DATA')
      expect(e.context).toMatchObject({ file: 'arrow', row: 3, field: column })
      expect(e.message).toMatch(why)
    }
  })
})

describe('decimal text with extreme exponents', () => {
  it('fails fast with INVALID_DATA instead of building a huge power of ten', () => {
    const s = schema([field(1, 'd', T.decimal(9, 2))])
    for (const text of ['1e999999999', '-1e999999999', '1e-999999999', '12345e-999999']) {
      const t0 = performance.now()
      const e = (() => {
        try {
          coerceRows(s, [{ d: text }], 'in.jsonl')
        } catch (err) {
          return err
        }
        return undefined
      })()
      expect(isFloeError(e, 'INVALID_DATA'), text).toBe(true)
      expect((e as Error).message.length).toBeLessThan(300)
      expect(performance.now() - t0).toBeLessThan(1000)
    }
    // zero and exact values with exponents still convert
    expect(coerceRows(s, [{ d: '0e999999999' }, { d: '1000e-5' }, { d: '1.5e3' }], 'in.jsonl').map((r) => r.d)).toEqual([0n, 1n, 150000n])
  })
})

describe('columns named like Object.prototype members', () => {
  it('read only own properties: a missing `constructor` or `toString` is null, a given one is kept', () => {
    const s = schema([field(1, 'constructor', T.string), field(2, 'toString', T.int), field(3, 'st', T.struct([field(4, 'valueOf', T.long)]))])
    const coerce = rowCoercer(s)
    expect(coerce({}, 1)).toEqual({ constructor: null, toString: null, st: null })
    expect(coerce({ st: {} }, 2)).toEqual({ constructor: null, toString: null, st: { valueOf: null } })
    expect(coerce({ constructor: 'c', toString: 3, st: { valueOf: 4n } }, 3)).toEqual({ constructor: 'c', toString: 3, st: { valueOf: 4n } })
  })
})

describe('unknown keys', () => {
  it('are refused even when every column is present (the fast path counts keys)', () => {
    const s = schema([field(1, 'id', T.long, { required: true }), field(2, 's', T.string)])
    const e = (() => {
      try {
        rowCoercer(s, 'rows')({ id: 1n, s: 'a', nope: 3 }, 4)
      } catch (x) {
        return x as FloeError
      }
      return undefined
    })()
    expect(e?.code).toBe('INVALID_DATA')
    expect(e?.context).toMatchObject({ row: 4, field: 'nope' })
    const exact = { id: 1n, s: 'a' }
    expect(rowCoercer(s)(exact, 1)).toBe(exact)
  })
})

describe('maps whose input keys convert to one key', () => {
  const M = schema([
    field(1, 'ts', T.map(2, T.timestamp, 3, T.string)),
    field(4, 'dec', T.map(5, T.decimal(9, 2), 6, T.string)),
    field(7, 'bin', T.map(8, T.binary, 9, T.string)),
    field(10, 'u', T.map(11, T.uuid, 12, T.string)),
    field(13, 'tm', T.map(14, T.time, 15, T.string)),
    field(16, 'l', T.map(17, T.long, 18, T.string)),
  ])
  const uuid = '123e4567-e89b-12d3-a456-426614174000'
  const refusal = (input: unknown): FloeError => {
    try {
      rowCoercer(M, 'in.json')(input, 3)
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidDataError)
      return e as FloeError
    }
    throw new Error('expected a failure')
  }

  it('are refused with INVALID_DATA naming source, row and the map column (no entry is dropped silently)', () => {
    const cases: [string, Map<unknown, string>, RegExp][] = [
      ['ts', new Map([['2020-01-01T00:00:00', 'a'], ['2020-01-01T00:00:00.000', 'b']]), /the map has the keys "2020-01-01T00:00:00" and "2020-01-01T00:00:00.000", which are one timestamp key/],
      ['ts', new Map<unknown, string>([[1_577_836_800_000_000n, 'a'], [new UnitTimestamp(1_577_836_800_000n, 'ms', null), 'b']]), /the map has the keys 1577836800000000 and timestamp 1577836800000 ms without zone/],
      ['dec', new Map([['1.5', 'a'], ['1.50', 'b']]), /the map has the keys "1\.5" and "1\.50", which are one decimal\(9, ?2\) key/],
      ['dec', new Map<unknown, string>([[new ScaledDecimal(15n, 1), 'a'], [new ScaledDecimal(15n, 1), 'b']]), /the map has the key decimal 1\.5 \(scale 1\) more than once/],
      ['bin', new Map([[Uint8Array.of(7), 'a'], [Uint8Array.of(7), 'b']]), /the map has the key 0x07 more than once/],
      ['u', new Map<unknown, string>([[uuid, 'a'], [Uint8Array.from(Buffer.from(uuid.replace(/-/g, ''), 'hex')), 'b']]), /which are one uuid key/],
      ['tm', new Map<unknown, string>([['00:00:01', 'a'], [new UnitTime(1000n, 'ms'), 'b']]), /which are one time key/],
      ['l', new Map<unknown, string>([[5n, 'a'], [5, 'b']]), /the map has the key 5 more than once/],
    ]
    for (const [column, m, why] of cases) {
      const e = refusal({ [column]: m })
      expect(e.context).toEqual({ file: 'in.json', row: 3, field: column })
      expect(e.message).toMatch(new RegExp(`^Invalid data in in\\.json row 3 column ${column}: `))
      expect(e.message).toMatch(why)
    }
  })

  it('distinct keys are kept, in order', () => {
    const row = rowCoercer(M)({ ts: new Map([['2020-01-01T00:00:00', 'a'], ['2020-01-01T00:00:00.001', 'b']]), bin: new Map([[Uint8Array.of(7), 'a'], [Uint8Array.of(7, 0), 'b']]) }, 1)
    expect([...(row.ts as Map<unknown, unknown>)]).toEqual([
      [1_577_836_800_000_000n, 'a'],
      [1_577_836_800_001_000n, 'b'],
    ])
    expect([...(row.bin as Map<unknown, unknown>)].map(([, v]) => v)).toEqual(['a', 'b'])
  })
})

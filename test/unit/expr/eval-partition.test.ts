import { describe, expect, it } from 'vitest'
import { bind, exprToString } from '../../../src/expr/bind.js'
import { partitionEvaluator, projectInclusiveExpr } from '../../../src/expr/eval-partition.js'
import { parseFilter } from '../../../src/expr/parse.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import { parseTransform, Transforms } from '../../../src/spec/transform.js'
import { applyTransform } from '../../../src/spec/transform-apply.js'
import { field, T, type Value } from '../../../src/spec/types.js'

const S = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'data', T.string),
  field(3, 'ts', T.timestamptz),
  field(4, 'x', T.double),
])

const SPEC: PartitionSpec = {
  specId: 0,
  fields: [
    { sourceId: 3, fieldId: 1000, name: 'ts_day', transform: Transforms.day },
    { sourceId: 1, fieldId: 1001, name: 'id_bucket', transform: Transforms.bucket(16) },
    { sourceId: 2, fieldId: 1002, name: 'data_trunc', transform: Transforms.truncate(2) },
    { sourceId: 1, fieldId: 1003, name: 'id_trunc', transform: Transforms.truncate(100) },
    { sourceId: 4, fieldId: 1004, name: 'x', transform: Transforms.identity },
    { sourceId: 2, fieldId: 1005, name: 'data_z', transform: parseTransform('zorder') },
  ],
}

const projected = (filter: string): string => exprToString(projectInclusiveExpr(SPEC, bind(S, parseFilter(filter))))

// The partition tuple of a row (id, data, ts, x) under SPEC.
function tuple(id: bigint, data: string | null, ts: bigint | null, x: number | null): Value[] {
  return [
    applyTransform(Transforms.day, T.timestamptz, ts),
    applyTransform(Transforms.bucket(16), T.long, id),
    applyTransform(Transforms.truncate(2), T.string, data),
    applyTransform(Transforms.truncate(100), T.long, id),
    x,
    null,
  ]
}

describe('inclusive projection of a row filter', () => {
  it('ANDs the projections through every partition field of the column', () => {
    const bucket = (v: bigint): Value => applyTransform(Transforms.bucket(16), T.long, v)
    expect(projected('id = 150')).toBe(`id_bucket = ${bucket(150n)} and id_trunc = 100`)
    expect(projected('id > 150')).toBe('id_trunc >= 100')
    expect(projected("data like 'abc%'")).toBe("data_trunc like 'ab%'")
    expect(projected("data like 'ab%'")).toBe("data_trunc = 'ab'")
  })

  it('pushes NOT down first and leaves true where no field helps', () => {
    expect(projected('not id < 250')).toBe('id_trunc >= 200')
    expect(projected('not (id != 5)')).toBe(`id_bucket = ${applyTransform(Transforms.bucket(16), T.long, 5n)} and id_trunc = 0`)
    expect(projected('x is nan or id != 5')).toBe('true')
    expect(projected("ts >= '2017-11-16T10:00:00+00:00'")).toBe("ts_day >= '2017-11-16'")
  })
})

describe('partition evaluator', () => {
  const ev = (filter: string): ((t: Value[]) => boolean) => partitionEvaluator(SPEC, bind(S, parseFilter(filter)))

  it('keeps a tuple whose rows may match and drops one whose rows cannot', () => {
    const t = tuple(150n, 'abc', 1510871468000000n, 1.5)
    expect(ev('id = 150')(t)).toBe(true)
    expect(ev('id = 151')(t)).toBe(applyTransform(Transforms.bucket(16), T.long, 151n) === t[1])
    expect(ev('id = 250')(t)).toBe(false)
    expect(ev("data like 'ab%'")(t)).toBe(true)
    expect(ev("data like 'b%'")(t)).toBe(false)
    expect(ev("ts < '2017-11-16T00:00:00+00:00'")(t)).toBe(false)
    expect(ev("ts < '2017-11-16T00:00:00.000001+00:00'")(t)).toBe(true)
    expect(ev('x > 1.5')(t)).toBe(false)
    expect(ev('x >= 1.5')(t)).toBe(true)
  })

  it('applies the null and NaN semantics of rows to partition values', () => {
    const nulls = tuple(1n, null, null, null)
    expect(ev('data is null')(nulls)).toBe(true)
    expect(ev('data is not null')(nulls)).toBe(false)
    expect(ev("data < 'a'")(nulls)).toBe(false)
    expect(ev("not data < 'a'")(nulls)).toBe(false)
    expect(ev("data != 'a'")(nulls)).toBe(true)
    const nan = tuple(1n, 'a', 0n, NaN)
    expect(ev('x is nan')(nan)).toBe(true)
    expect(ev('x > 1')(nan)).toBe(false)
    expect(ev('x != 1')(nan)).toBe(true)
  })

  it('may match a malformed short tuple and coerces values of a promoted type', () => {
    expect(ev('id = 250')([])).toBe(true)
    const intSpec: PartitionSpec = { specId: 1, fields: [{ sourceId: 1, fieldId: 1000, name: 'id', transform: Transforms.identity }] }
    const e = partitionEvaluator(intSpec, bind(S, parseFilter('id in (5, 6)')))
    expect(e([5])).toBe(true)
    expect(e([7])).toBe(false)
  })
})

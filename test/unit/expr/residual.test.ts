import { describe, expect, it } from 'vitest'
import { bind, exprToString } from '../../../src/expr/bind.js'
import { parseFilter } from '../../../src/expr/parse.js'
import { residualEvaluator, residualFor } from '../../../src/expr/residual.js'
import { unpartitioned, type PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import { parseTransform, Transforms } from '../../../src/spec/transform.js'
import { applyTransform } from '../../../src/spec/transform-apply.js'
import { isoTimestampToMicros } from '../../../src/spec/temporal.js'
import { field, T, type Value } from '../../../src/spec/types.js'

const S = schema([
  field(1, 'dateint', T.int),
  field(2, 'hour', T.int),
  field(3, 'ts', T.timestamp),
  field(4, 'id', T.long),
  field(5, 'loc', T.struct([field(6, 'city', T.string)])),
])

const identity = (sourceId: number, fieldId: number, name: string): PartitionSpec['fields'][number] => ({
  sourceId,
  fieldId,
  name,
  transform: Transforms.identity,
})

const residual = (spec: PartitionSpec, filter: string, tuple: Value[]): string => exprToString(residualFor(spec, bind(S, parseFilter(filter)), tuple))

describe('residual evaluator', () => {
  it('leaves the whole filter for an unpartitioned spec', () => {
    expect(residual(unpartitioned, 'id > 5 and loc.city = \'x\'', [])).toBe("id > 5 and loc.city = 'x'")
  })

  it('decides predicates on identity partition values and keeps the others', () => {
    const spec: PartitionSpec = { specId: 1, fields: [identity(1, 1000, 'dateint')] }
    const filter =
      '(dateint < 20170815 and dateint > 20170801) or (dateint = 20170815 and hour < 12) or (dateint = 20170801 and hour > 11)'
    expect(residual(spec, filter, [20170815])).toBe('hour < 12')
    expect(residual(spec, filter, [20170801])).toBe('hour > 11')
    expect(residual(spec, filter, [20170812])).toBe('true')
    expect(residual(spec, filter, [20170817])).toBe('false')
  })

  it('finds the four residual shapes of a day(ts) range', () => {
    const spec: PartitionSpec = { specId: 1, fields: [{ sourceId: 3, fieldId: 1000, name: 'ts_day', transform: Transforms.day }] }
    const filter = "ts >= '2017-11-16T10:00:00' and ts <= '2017-11-18T12:00:00'"
    const day = (s: string): Value => applyTransform(Transforms.day, T.timestamp, isoTimestampToMicros(s))
    const ev = residualEvaluator(spec, bind(S, parseFilter(filter)))
    expect(exprToString(ev([day('2017-11-17T00:00:00')]))).toBe('true')
    expect(exprToString(ev([day('2017-11-16T00:00:00')]))).toBe("ts >= '2017-11-16T10:00:00'")
    expect(exprToString(ev([day('2017-11-18T00:00:00')]))).toBe("ts <= '2017-11-18T12:00:00'")
    expect(exprToString(ev([day('2017-11-19T00:00:00')]))).toBe('false')
    const oneDay = residualEvaluator(spec, bind(S, parseFilter("ts >= '2017-11-16T10:00:00' and ts <= '2017-11-16T12:00:00'")))
    expect(exprToString(oneDay([day('2017-11-16T00:00:00')]))).toBe("ts >= '2017-11-16T10:00:00' and ts <= '2017-11-16T12:00:00'")
  })

  it('uses strict and inclusive projections of truncate and bucket', () => {
    const spec: PartitionSpec = {
      specId: 1,
      fields: [
        { sourceId: 4, fieldId: 1000, name: 'id_trunc', transform: Transforms.truncate(10) },
        { sourceId: 4, fieldId: 1001, name: 'id_bucket', transform: Transforms.bucket(4) },
      ],
    }
    const bucket = (v: bigint): Value => applyTransform(Transforms.bucket(4), T.long, v)
    expect(residual(spec, 'id < 25', [10n, bucket(15n)])).toBe('true')
    expect(residual(spec, 'id < 25', [20n, bucket(22n)])).toBe('id < 25')
    expect(residual(spec, 'id < 25', [30n, bucket(31n)])).toBe('false')
    const other = (bucket(7n) as number) === 0 ? 1 : 0
    expect(residual(spec, 'id = 7', [0n, other])).toBe('false')
    expect(residual(spec, 'id != 7', [0n, other])).toBe('true')
    expect(residual(spec, 'id = 7', [0n, bucket(7n)])).toBe('id = 7')
  })

  it('pushes NOT down, so a null partition value decides neither x < 5 nor not x < 5', () => {
    const spec: PartitionSpec = { specId: 1, fields: [identity(2, 1000, 'hour')] }
    expect(residual(spec, 'not hour < 5', [null])).toBe('false')
    expect(residual(spec, 'hour < 5', [null])).toBe('false')
    expect(residual(spec, 'not hour = 5', [null])).toBe('true')
    expect(residual(spec, 'hour is null', [null])).toBe('true')
    expect(residual(spec, 'not (hour >= 5 or dateint = 1)', [3])).toBe('dateint != 1')
  })

  it('keeps predicates of unknown and void transforms and of nested columns by full name', () => {
    const spec: PartitionSpec = {
      specId: 1,
      fields: [
        { sourceId: 6, fieldId: 1000, name: 'city_z', transform: parseTransform('zorder') },
        { sourceId: 1, fieldId: 1001, name: 'dateint_null', transform: Transforms.void },
      ],
    }
    expect(residual(spec, "loc.city = 'x' and dateint = 1", ['?', null])).toBe("loc.city = 'x' and dateint = 1")
  })
})

// Shared fixtures for the evolution tests: Java TestSchemaUpdate's SCHEMA, metadata built around a schema
// without re-assigning ids, memory-catalog tables, and assertions on typed failures.
import { expect } from 'vitest'
import { MemoryCatalog } from '../../../src/catalog/memory.js'
import { testEnv } from '../../../src/env.js'
import { ValidationError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import { newTableMetadata } from '../../../src/spec/new-table.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { highestFieldId, schema, type Schema } from '../../../src/spec/schema.js'
import type { SortOrder } from '../../../src/spec/sort-order.js'
import type { FormatVersion, TableMetadata } from '../../../src/spec/table-metadata.js'
import { T, field } from '../../../src/spec/types.js'
import type { CreateTableRequest } from '../../../src/catalog/catalog.js'
import type { Table } from '../../../src/table/table.js'

/** Java TestSchemaUpdate.SCHEMA (last column id 23). */
export const JAVA_SCHEMA: Schema = schema([
  field(1, 'id', T.int, { required: true }),
  field(2, 'data', T.string),
  field(3, 'preferences', T.struct([field(8, 'feature1', T.boolean, { required: true }), field(9, 'feature2', T.boolean)]), { doc: 'struct of named boolean options' }),
  field(
    4,
    'locations',
    T.map(
      10,
      T.struct([field(20, 'address', T.string, { required: true }), field(21, 'city', T.string, { required: true }), field(22, 'state', T.string, { required: true }), field(23, 'zip', T.int, { required: true })]),
      11,
      T.struct([field(12, 'lat', T.float, { required: true }), field(13, 'long', T.float, { required: true })]),
      true,
    ),
    { required: true, doc: 'map of address to coordinate' },
  ),
  field(5, 'points', T.list(14, T.struct([field(15, 'x', T.long, { required: true }), field(16, 'y', T.long, { required: true })]), false), { doc: '2-D cartesian points' }),
  field(6, 'doubles', T.list(17, T.double, true), { required: true }),
  field(7, 'properties', T.map(18, T.string, 19, T.string, false), { doc: 'string map of properties' }),
])

/** Metadata whose current schema is `s` exactly as given (ids kept), with an optional spec and sort order. */
export function metadataOf(
  s: Schema,
  opts: { formatVersion?: FormatVersion; lastColumnId?: number; spec?: PartitionSpec; order?: SortOrder; properties?: Record<string, string> } = {},
): TableMetadata {
  const base = newTableMetadata({ schema: schema([field(1, 'x', T.int)]), location: 'memory://t', formatVersion: opts.formatVersion ?? 2 }, '00000000-0000-4000-8000-000000000000', 1n)
  const spec = opts.spec ?? { specId: 0, fields: [] }
  return {
    ...base,
    schemas: [{ ...s, schemaId: 0 }],
    currentSchemaId: 0,
    lastColumnId: opts.lastColumnId ?? highestFieldId(s),
    specs: [spec],
    defaultSpecId: spec.specId,
    lastPartitionId: spec.fields.reduce((m, f) => Math.max(m, f.fieldId), 999),
    sortOrders: opts.order ? [{ orderId: 0, fields: [] }, opts.order] : [{ orderId: 0, fields: [] }],
    defaultSortOrderId: opts.order?.orderId ?? 0,
    properties: opts.properties ?? {},
  }
}

/** A memory-catalog table (retries fast). */
export async function catalogTable(req: CreateTableRequest, seed = 5): Promise<{ cat: MemoryCatalog; io: MemoryFileIO; table: Table }> {
  const io = new MemoryFileIO()
  const cat = new MemoryCatalog(testEnv(io, seed))
  await cat.createNamespace('db')
  const table = await cat.createTable('db.t', { ...req, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2', ...(req.properties ?? {}) } })
  return { cat, io, table }
}

/** Run `fn` and return what it threw (fails the test when it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  expect.fail('expected an error')
}

/** Expect `fn` to throw a ValidationError (code VALIDATION) whose message matches `message`. */
export function expectInvalid(fn: () => unknown, message: string | RegExp): ValidationError {
  const e = thrown(fn)
  expect(e).toBeInstanceOf(ValidationError)
  const v = e as ValidationError
  expect(v.code).toBe('VALIDATION')
  if (typeof message === 'string') expect(v.message).toContain(message)
  else expect(v.message).toMatch(message)
  return v
}

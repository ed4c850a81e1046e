// Data errors found while writing rows (a partition value the partition type cannot hold, a value that cannot
// be coerced) name the row: by the input's own origins when the rows know them (`rowOrigin`, as the CLI's rows
// from several files do), else by the source and the row's number in input order, sorted tables included.
import { describe, expect, it } from 'vitest'
import { testEnv } from '../../../src/env.js'
import { isFloeError } from '../../../src/errors.js'
import { MemoryFileIO } from '../../../src/io/memory.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { rowOrigin, writeDataFiles, type LocatedRows, type RowOrigin } from '../../../src/write/data-writer.js'
import { errorOf } from '../parquet/parquet-files.js'
import { tableOf } from './write-fixtures.js'

const SCHEMA = schema([field(1, 'd', T.decimal(1, 0)), field(2, 's', T.string)])
// truncate[10] of decimal(1,0) -9 is -10: more digits than the partition type holds, so the row is refused
const SPEC: PartitionSpec = { specId: 0, fields: [{ sourceId: 1, fieldId: 1000, name: 'd_trunc', transform: Transforms.truncate(10) }] }
const BY_S = { orderId: 1, fields: [{ sourceId: 2, transform: Transforms.identity, direction: 'asc' as const, nullOrder: 'nulls-first' as const }] }
const PLAIN = tableOf(SCHEMA, { spec: SPEC })
const SORTED = tableOf(SCHEMA, { spec: SPEC, sortOrder: BY_S })

// rows of two "files": a.csv (2 rows) then b.csv, whose given rows follow
function twoFiles(b: readonly unknown[]): Iterable<unknown> & LocatedRows {
  const rows = [{ d: 1n, s: 'z' }, { d: 2n, s: 'y' }, ...b]
  return {
    [Symbol.iterator]: () => rows[Symbol.iterator](),
    [rowOrigin]: (n: number): RowOrigin | undefined => (n <= 2 ? { file: 'a.csv', row: n } : n <= rows.length ? { file: 'b.csv', row: n - 2 } : undefined),
  }
}

async function failure(md: typeof PLAIN, rows: Iterable<unknown>, source?: string): Promise<{ message: string; context: unknown }> {
  const io = new MemoryFileIO()
  const e = await errorOf(writeDataFiles(testEnv(io), { metadata: md }, rows, source === undefined ? {} : { source }))
  expect(isFloeError(e, 'INVALID_DATA')).toBe(true)
  expect(io.files.size).toBe(0)
  return e as { message: string; context: unknown }
}

describe('writeDataFiles names the row of a data error', () => {
  for (const [label, md] of [
    ['unsorted', PLAIN],
    ['sorted', SORTED],
  ] as const) {
    it(`${label}: a refused partition value by the rows' own origin, else by source and input row`, async () => {
      const bad = { d: -9n, s: 'a' }
      const located = await failure(md, twoFiles([{ d: 3n, s: 'x' }, bad]), 'ignored.csv')
      expect(located.message).toMatch(/^Invalid data in b\.csv row 2: Cannot partition column d: truncate\[10\] of -9 is -10/)
      expect(located.context).toMatchObject({ file: 'b.csv', row: 2, field: 'd' })
      // without origins: the source and the row's number in input order (sorted rows are checked before sorting)
      const plain = await failure(md, [{ d: 1n, s: 'z' }, { d: 2n, s: 'y' }, { d: 3n, s: 'x' }, bad], 'in.csv')
      expect(plain.message).toMatch(/^Invalid data in in\.csv row 4: Cannot partition column d/)
      expect(plain.context).toMatchObject({ file: 'in.csv', row: 4, field: 'd' })
      expect((await failure(md, [bad])).message).toMatch(/^Invalid data in rows row 1: /)
    })

    it(`${label}: a value that cannot be coerced by the rows' own origin`, async () => {
      const e = await failure(md, twoFiles([{ d: 'x', s: 'x' }]))
      expect(e.message).toMatch(/^Invalid data in b\.csv row 1 column d: /)
      expect(e.context).toMatchObject({ file: 'b.csv', row: 1, field: 'd' })
    })
  }

  it('rows that know their origins are written like any others', async () => {
    const io = new MemoryFileIO()
    const files = await writeDataFiles(testEnv(io), { metadata: SORTED }, twoFiles([{ d: 3n, s: 'x' }]))
    expect(files.reduce((a, f) => a + f.recordCount, 0n)).toBe(3n)
  })
})

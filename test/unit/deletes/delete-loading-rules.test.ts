// How delete files are matched to data files and schemas while loading:
// - equality columns the read schema lacks come from the newest schema holding them (by schema id), renamed
//   when the read schema already uses the name; an id no schema holds is INVALID_METADATA;
// - a position delete's file_path matches a data file exactly, or up to a scheme+authority only one side has
//   (relocated tables), never across schemes, hosts or buckets;
// - a deletion vector must name the data file it is applied to.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadDeletes } from '../../../src/deletes/delete-filter.js'
import { puffinWithDeletionVectors } from '../../../src/deletes/dv-write.js'
import { withEqualityColumns } from '../../../src/deletes/equality-deletes.js'
import { readPositionDeletes, sameFileLoosely } from '../../../src/deletes/position-deletes.js'
import { FloeError } from '../../../src/errors.js'
import { bytesSource, fileSource } from '../../../src/parquet/byte-source.js'
import { parseColumns } from '../../../src/index.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { findField, schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import { writePositionDeletes } from '../../../src/write/data-writer.js'
import { makeCatalog } from '../../support/catalogs.js'

const oldest = schema([field(1, 'id', T.int), field(2, 'status', T.string), field(3, 's', T.struct([field(4, 'a', T.int), field(5, 'b', T.int)]))], 0)
const middle = schema([field(1, 'id', T.long), field(2, 'status', T.string), field(3, 's', T.struct([field(4, 'a', T.long), field(5, 'b', T.long)]))], 1)
const current = schema([field(1, 'id', T.long), field(6, 'status', T.string), field(3, 's', T.struct([field(4, 'a', T.long)]))], 2)

function code(run: () => unknown): string {
  try {
    run()
  } catch (e) {
    return e instanceof FloeError ? e.code : String(e)
  }
  return 'no error'
}

describe('withEqualityColumns', () => {
  it('adds a dropped column from the newest schema holding it, whatever the list order', () => {
    const s = withEqualityColumns(current, [1, 2], [current, oldest, middle])
    expect(findField(s, 1)).toBe(findField(current, 1))
    expect(findField(s, 2)?.type).toEqual(T.string)
    // the name is taken by the new column 6: the old one gets a free name
    expect(s.fields.map((f) => [f.id, f.name])).toEqual([
      [1, 'id'],
      [6, 'status'],
      [3, 's'],
      [2, 'status#2'],
    ])
  })

  it('merges a dropped struct child into the struct still present, typed by the newest schema', () => {
    const s = withEqualityColumns(current, [5], [current, oldest, middle])
    const st = findField(s, 3)!
    expect(st.type.kind === 'struct' && st.type.fields.map((f) => [f.id, f.type])).toEqual([
      [4, T.long],
      [5, T.long],
    ])
  })

  it('returns the schema itself when nothing is missing; an id no schema holds is INVALID_METADATA', () => {
    expect(withEqualityColumns(current, [1, 4], [current, oldest])).toBe(current)
    expect(code(() => withEqualityColumns(current, [99], [current, oldest, middle]))).toBe('INVALID_METADATA')
  })
})

describe('position delete paths', () => {
  it('sameFileLoosely: equal, or one side without scheme and the same path; never two schemes or hosts', () => {
    expect(sameFileLoosely('hdfs://nn:8020/wh/f', '/wh/f')).toBe(true)
    expect(sameFileLoosely('/wh/f', 'file:/wh/f')).toBe(true)
    expect(sameFileLoosely('s3://b1/wh/f', 's3://b2/wh/f')).toBe(false)
    expect(sameFileLoosely('s3://b/wh/f', 'gs://b/wh/f')).toBe(false)
    expect(sameFileLoosely('hdfs://a/wh/f', 'hdfs://b/wh/f')).toBe(false)
    expect(sameFileLoosely('/wh/f', '/wh/g')).toBe(false)
  })

  it('property: two different paths that both have a scheme never match', () => {
    const part = fc.stringMatching(/^[a-z0-9]{1,4}$/)
    fc.assert(
      fc.property(fc.constantFrom('s3', 'gs', 'hdfs', 'abfs'), fc.constantFrom('s3', 'gs', 'hdfs', 'abfs'), part, part, part, (s1, s2, h1, h2, key) => {
        const a = `${s1}://${h1}/wh/${key}`
        const b = `${s2}://${h2}/wh/${key}`
        expect(sameFileLoosely(a, b)).toBe(a === b)
        expect(sameFileLoosely(a, `/wh/${key}`)).toBe(true)
      }),
    )
  })

  it('readPositionDeletes and whole-file loads keep the relocation fallback but not across buckets', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    const t = await c.createTable('db.t', { schema: parseColumns('id bigint'), formatVersion: 2 })
    const del = await writePositionDeletes(t.env, t, [
      { filePath: 's3://b2/wh/k', pos: 0 },
      { filePath: '/x/k2', pos: 1 },
    ])
    const src = await fileSource(t.env.io, del.filePath)
    const byFile = await readPositionDeletes(src, { dataFiles: ['s3://b1/wh/k', 'hdfs://nn/x/k2'] })
    expect([...byFile.keys()]).toEqual(['hdfs://nn/x/k2'])
    const opts = { open: (p: string) => fileSource(t.env.io, p), schemas: [t.schema()], dataSchema: t.schema(), positionDeleteCache: new Map() }
    expect((await loadDeletes('s3://b1/wh/k', [del], opts)).hasDeletes).toBe(false)
    const relocated = await loadDeletes('hdfs://nn/x/k2', [del], opts)
    expect([0, 1, 2].map((p) => relocated.isDeletedPosition(p))).toEqual([false, true, false])
  })
})

describe('deletion vectors name their data file', () => {
  const { bytes, vectors } = puffinWithDeletionVectors([{ referencedDataFile: '/t/a.parquet', positions: [0] }])
  const v = vectors[0]!
  const dv: DataFile = {
    content: 'position-deletes',
    filePath: '/t/dv.puffin',
    fileFormat: 'PUFFIN',
    specId: 0,
    partition: [],
    recordCount: 1n,
    fileSizeInBytes: BigInt(bytes.length),
    referencedDataFile: '/t/a.parquet',
    contentOffset: v.contentOffset,
    contentSizeInBytes: v.contentSizeInBytes,
  }
  const opts = { open: async (p: string) => bytesSource(bytes, p), schemas: [current], dataSchema: current }

  it('applies to its data file', async () => {
    expect((await loadDeletes('/t/a.parquet', [dv], opts)).isDeletedPosition(0)).toBe(true)
  })

  it('a DV without referenced_data_file, or naming another file, is INVALID_METADATA', async () => {
    const { referencedDataFile: _gone, ...loose } = dv
    await expect(loadDeletes('/t/a.parquet', [loose], opts)).rejects.toMatchObject({ code: 'INVALID_METADATA', message: expect.stringContaining('/t/dv.puffin') })
    await expect(loadDeletes('/t/b.parquet', [dv], opts)).rejects.toMatchObject({ code: 'INVALID_METADATA', message: expect.stringContaining('/t/a.parquet') })
  })
})

// Deletion vectors: Java golden blobs, Roaring portable-64 samples, damage detection, Puffin access paths.
import { readFileSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeDeletionVector, decodeRoaring64, readDeletionVector } from '../../../src/deletes/deletion-vector.js'
import { FloeError } from '../../../src/errors.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import { readPuffinFooter } from '../../../src/puffin/puffin.js'
import { corpusPath } from '../../support/corpus.js'
import { errorOf } from '../parquet/parquet-files.js'

const GOLDEN = 'apache-iceberg/core/src/test/resources/org/apache/iceberg/deletes'
const golden = (name: string): Uint8Array => new Uint8Array(readFileSync(corpusPath(GOLDEN, name)))
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

const B = 2 ** 32
const C = 65536

describe('deletion-vector golden blobs (Java)', () => {
  const cases: [string, number[]][] = [
    ['empty-position-index.bin', []],
    ['small-alternating-values-position-index.bin', [1, 3, 5, 7, 9]],
    ['small-and-large-values-position-index.bin', [100, 101, 2147483747, 2147483748]],
    [
      'all-container-types-position-index.bin',
      [5, 7, ...range(C + 1, C + 1000), ...range(2 * C + 1, 3 * C - 1), B + 10, B + 20, ...range(B + C + 10, B + C + 500), ...range(B + 2 * C + 1, B + 3 * C - 1)],
    ],
  ]
  for (const [name, positions] of cases) {
    it(`${name}: exact positions, size and membership`, () => {
      const dv = decodeDeletionVector(golden(name), name)
      expect([...dv]).toEqual(positions)
      expect(dv.size).toBe(positions.length)
      expect(positions.filter((p) => !dv.has(p))).toEqual([])
      const set = new Set(positions)
      for (const p of [0, 2, 4, 6, 8, 99, 102, C, 3 * C - 1, B - 1, B, B + 11, B + C + 9, B + C + 500, 2 * B, -1, 1.5, Number.NaN])
        expect(dv.has(p), String(p)).toBe(set.has(p))
    })
  }

  it('rejects a damaged CRC, length, magic or bitmap with INVALID_DATA naming the file', () => {
    const good = golden('small-alternating-values-position-index.bin')
    const flip = (i: number): Uint8Array => {
      const b = good.slice()
      b[i] = b[i]! ^ 0x01
      return b
    }
    for (const [bytes, why] of [
      [flip(good.length - 1), 'CRC'],
      [flip(3), 'length'],
      [flip(5), 'magic'],
      [good.subarray(0, good.length - 2), 'length'],
    ] as const) {
      const e = (() => {
        try {
          decodeDeletionVector(bytes, 'dv.bin')
        } catch (err) {
          return err
        }
        return undefined
      })()
      expect(e, why).toBeInstanceOf(FloeError)
      expect((e as FloeError).code).toBe('INVALID_DATA')
      expect((e as FloeError).message).toContain('dv.bin')
    }
    // a structurally broken bitmap with a valid CRC is still refused
    const broken = good.slice()
    broken[20] = 0x99 // the 32-bit cookie
    const view = new DataView(broken.buffer)
    view.setUint32(broken.length - 4, crc32(broken.subarray(4, broken.length - 4)) >>> 0, false)
    expect(() => decodeDeletionVector(broken)).toThrow(/cookie/)
  })
})

describe('Roaring portable 64-bit samples', () => {
  it('64map32bitvals, 64mapempty and 64mapspreadvals decode', () => {
    expect([...decodeRoaring64(golden('64map32bitvals.bin'))]).toEqual(range(0, 10))
    expect(decodeRoaring64(golden('64mapempty.bin')).size).toBe(0)
    const spread = decodeRoaring64(golden('64mapspreadvals.bin'))
    expect([...spread]).toEqual(range(0, 10).flatMap((k) => range(0, 10).map((v) => k * B + v)))
    expect(spread.has(9 * B + 9)).toBe(true)
    expect(spread.has(10 * B)).toBe(false)
  })

  it('64maphighvals is refused like Java ("Invalid unsigned key")', () => {
    expect(() => decodeRoaring64(golden('64maphighvals.bin'), 'high.bin')).toThrow(/Invalid unsigned key/)
    try {
      decodeRoaring64(golden('64maphighvals.bin'))
    } catch (e) {
      expect((e as FloeError).code).toBe('INVALID_DATA')
    }
  })

  it('refuses trailing bytes and truncation', () => {
    const b = golden('64map32bitvals.bin')
    expect(() => decodeRoaring64(Uint8Array.of(...b, 0))).toThrow(FloeError)
    for (let cut = 0; cut < b.length; cut++) expect(() => decodeRoaring64(b.subarray(0, cut))).toThrow(FloeError)
  })
})

describe('deletion vectors in Puffin files', () => {
  const DV = 'iceberg-go/table/dv/testdata/deletes'
  const source = (rel: string) => bytesSource(new Uint8Array(readFileSync(corpusPath(rel))), rel)

  it('single-blob-dv.puffin by content offset/size and by footer lookup', async () => {
    const rel = `${DV}/single-blob-dv.puffin`
    const footer = readPuffinFooter(new Uint8Array(readFileSync(corpusPath(rel))))
    const blob = footer.blobs[0]!
    const byRange = await readDeletionVector(source(rel), { contentOffset: blob.offset, contentSizeInBytes: blob.length })
    expect([...byRange]).toEqual([1, 3, 5, 7, 9])
    const byFooter = await readDeletionVector(source(rel), { referencedDataFile: 's3://warehouse/db/table/data/00000-0-abc.parquet' })
    expect([...byFooter]).toEqual([1, 3, 5, 7, 9])
  })

  it('multi-blob-dv.puffin: one vector per referenced data file', async () => {
    const rel = `${DV}/multi-blob-dv.puffin`
    const one = await readDeletionVector(source(rel), { referencedDataFile: 's3://warehouse/db/table/data/file-001.parquet' })
    const two = await readDeletionVector(source(rel), { referencedDataFile: 's3://warehouse/db/table/data/file-002.parquet' })
    expect([...one]).toEqual([0, 100, 200])
    expect([...two]).toEqual([50, 150])
    const e = await errorOf(readDeletionVector(source(rel)))
    expect((e as FloeError).code).toBe('INVALID_PUFFIN') // two candidates, none named
  })

  it('Trino-style blob metadata (fields: []) reads the same payload', async () => {
    const dv = await readDeletionVector(source('iceberg-go/puffin/testdata/deletion-vector-v1.puffin'), { referencedDataFile: 'data/test.parquet' })
    expect([...dv]).toEqual([1, 3, 5, 7, 9])
  })

  it('a bare DV blob (legacy DuckDB) is refused by default and readable on request', async () => {
    const rel = 'duckdb-iceberg/data/persistent/legacy_bare_deletion_vector/warehouse/default/legacy_bare_deletion_vector/data/legacy-bare-deletion-vector.puffin'
    const e = await errorOf(readDeletionVector(source(rel)))
    expect(e).toBeInstanceOf(FloeError)
    expect((e as FloeError).code).toBe('INVALID_PUFFIN')
    expect((e as FloeError).context.file).toBe(rel)
    expect([...(await readDeletionVector(source(rel), { allowBareBlob: true }))]).toEqual([1])
  })

  it('an offset outside the file is INVALID_PUFFIN', async () => {
    const e = await errorOf(readDeletionVector(source(`${DV}/single-blob-dv.puffin`), { contentOffset: 300n, contentSizeInBytes: 500n }))
    expect((e as FloeError).code).toBe('INVALID_PUFFIN')
  })
})

import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { puffinBlobBytes, readPuffinFooter } from '../../../src/puffin/puffin.js'
import { CORPUS, corpusPath } from '../../support/corpus.js'
import { walkFiles } from '../../support/files.js'

const puffins = walkFiles(CORPUS, (p) => /\.(puffin|stats)$/.test(p) || /puffin\/v1\/.*\.bin$/.test(p) || /puffin\/testdata\/.*uncompressed\.bin$|zstd\.bin$/.test(p)).filter(
  (p) => !basename(p).startsWith('legacy-bare'),
)

describe('Puffin footer', () => {
  it('finds Puffin files in the corpus', () => expect(puffins.length).toBeGreaterThan(10))

  it.each(puffins.map((p) => [p.slice(CORPUS.length + 1), p]))('%s decodes and every blob lies inside the file', (_n, p) => {
    const bytes = readFileSync(p)
    const footer = readPuffinFooter(bytes, p)
    expect(footer.footerSize).toBeGreaterThan(16)
    for (const b of footer.blobs) {
      expect(puffinBlobBytes(bytes, b, p).length).toBe(Number(b.length))
      expect(b.type.length).toBeGreaterThan(0)
    }
  })

  it('reads the sample metric file exactly as the spec shows it', () => {
    const f = readPuffinFooter(readFileSync(corpusPath('apache-iceberg/core/src/test/resources/org/apache/iceberg/puffin/v1/sample-metric-data-compressed-zstd.bin')))
    expect(f.properties['created-by']).toMatch(/Test/)
    expect(f.blobs.map((b) => [b.type, b.compressionCodec])).toEqual([
      ['some-blob', 'zstd'],
      ['some-other-blob', 'zstd'],
    ])
    expect(f.blobs[0]!.snapshotId).toBe(2n)
  })

  it('reads DV blob metadata with referenced data files', () => {
    const f = readPuffinFooter(readFileSync(corpusPath('iceberg-go/table/dv/testdata/deletes/multi-blob-dv.puffin')))
    expect(f.blobs.every((b) => b.type === 'deletion-vector-v1')).toBe(true)
    expect(f.blobs.map((b) => b.properties['referenced-data-file'])).toEqual(expect.arrayContaining([expect.stringMatching(/file-001\.parquet$/)]))
  })

  it('rejects a bare DV blob and damaged files with INVALID_PUFFIN', () => {
    const bare = corpusPath('duckdb-iceberg/data/persistent/legacy_bare_deletion_vector/warehouse/default/legacy_bare_deletion_vector/data/legacy-bare-deletion-vector.puffin')
    const good = readFileSync(corpusPath('iceberg-go/table/dv/testdata/deletes/single-blob-dv.puffin'))
    for (const bytes of [readFileSync(bare), good.subarray(0, good.length - 3), good.subarray(5), new Uint8Array(0)]) {
      let err: unknown
      try {
        readPuffinFooter(bytes, 'x.puffin')
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(FloeError)
      expect((err as FloeError).code).toBe('INVALID_PUFFIN')
    }
  })
})

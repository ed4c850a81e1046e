import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import { readParquetFooter } from '../../../src/parquet/footer.js'
import { corpusPath } from '../../support/corpus.js'

const SPARK_FILE = 'icebird/test/files/hyperparam-iceberg/spark/bunnies/data'

describe('Parquet footer', () => {
  it('decodes a Spark-written footer with field ids and the iceberg.schema key', async () => {
    const { readdirSync } = await import('node:fs')
    const dir = corpusPath(SPARK_FILE)
    const file = readdirSync(dir).find((n) => n.endsWith('.parquet') && !n.includes('deletes'))!
    const md = readParquetFooter(readFileSync(`${dir}/${file}`), file)
    expect(typeof md.num_rows).toBe('bigint')
    expect(md.schema.slice(1).some((e) => e.field_id !== undefined)).toBe(true)
    expect(md.key_value_metadata?.some((kv) => kv.key === 'iceberg.schema')).toBe(true)
  })

  it('rejects truncated and foreign bytes with INVALID_PARQUET', () => {
    for (const b of [new Uint8Array(0), new TextEncoder().encode('PAR1 not really PAR1'), new TextEncoder().encode('hello world, this is text')]) {
      let err: unknown
      try {
        readParquetFooter(b, 'x.parquet')
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(FloeError)
      expect((err as FloeError).code).toBe('INVALID_PARQUET')
      expect((err as FloeError).message).toContain('x.parquet')
    }
  })
})

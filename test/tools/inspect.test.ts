import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseJson, type JsonObject, type JsonValue } from '../../src/spec/json/lossless.js'
import { corpusPath, REPO_ROOT } from '../support/corpus.js'
import { floe } from '../support/cli.js'

const LIST = corpusPath('icebird/test/files/snap-8656952484400131532-1-a85973e4-4009-4cba-875e-5278a2c6027d.avro')
const MANIFEST = corpusPath('icebird/test/files/a85973e4-4009-4cba-875e-5278a2c6027d-m0.avro')
const METADATA = corpusPath('duckdb-iceberg/data/persistent/equality_deletes/warehouse/mydb/mytable/metadata/v7.metadata.json')

const out = (r: { stdout: string }): JsonObject => parseJson(r.stdout) as JsonObject

describe('floe inspect', () => {
  it('prints a manifest list with exact 64-bit ids and its header', async () => {
    const r = await floe('inspect', LIST)
    expect(r.code).toBe(0)
    const j = out(r)
    expect(j.kind).toBe('manifest-list')
    expect(j.snapshotId).toBe(8656952484400131532n)
    expect((j.header as JsonObject)['parent-snapshot-id']).toBe('null')
    expect(((j.manifests as JsonObject[])[0]!).addedSnapshotId).toBe(8656952484400131532n)
  })

  it('prints a manifest whose entries match the golden decode from the corpus', async () => {
    const j = out(await floe('inspect', MANIFEST))
    expect(j.kind).toBe('manifest')
    const golden = JSON.parse(readFileSync(MANIFEST.replace(/\.avro$/, '.json'), 'utf8')) as Array<{ data_file: { file_path: string; record_count: number } }>
    const entries = j.entries as JsonObject[]
    expect(entries.map((e) => (e.dataFile as JsonObject).filePath)).toEqual(golden.map((g) => g.data_file.file_path))
    expect(entries.map((e) => Number((e.dataFile as JsonObject).recordCount))).toEqual(golden.map((g) => g.data_file.record_count))
  })

  it('prints table metadata with every snapshot id exact', async () => {
    const j = out(await floe('inspect', METADATA))
    expect(j.kind).toBe('table-metadata')
    const ids = (j.snapshots as JsonObject[]).map((s) => s['snapshot-id'])
    const source = readFileSync(METADATA, 'utf8')
    for (const id of ids) expect(source).toContain(String(id))
    expect(ids.some((id) => typeof id === 'bigint' && id > 2n ** 53n)).toBe(true)
  })

  it('prints Parquet and Puffin footers', async () => {
    const dv = out(await floe('inspect', corpusPath('iceberg-go/table/dv/testdata/deletes/single-blob-dv.puffin')))
    expect(dv.kind).toBe('puffin')
    expect(((dv.blobs as JsonObject[])[0]!).type).toBe('deletion-vector-v1')
    const pq = corpusPath('duckdb-iceberg/data/persistent/uuid/data')
    const { readdirSync } = await import('node:fs')
    let rows = 0
    for (const file of readdirSync(pq).filter((n) => n.endsWith('.parquet'))) {
      const j = out(await floe('inspect', `${pq}/${file}`))
      expect(j.kind).toBe('parquet')
      expect((j.schema as JsonValue[]).length).toBeGreaterThan(1)
      rows += Number(j.num_rows)
    }
    expect(rows).toBe(10) // the uuid table holds 10 rows (MANIFEST.md)
  })

  it('reads a header-stripped partitioned manifest when given the table metadata', async () => {
    const dir = corpusPath('impala/testdata/data/iceberg_test/hadoop_catalog/ice/iceberg_v2_partitioned_position_deletes/metadata')
    const { readdirSync } = await import('node:fs')
    const manifest = readdirSync(dir).find((n) => /-m\d+\.avro$/.test(n))!
    const bare = await floe('inspect', `${dir}/${manifest}`)
    expect(bare.code).toBe(1)
    expect(bare.stderr).toMatch(/INVALID_METADATA/)
    const meta = readdirSync(dir).filter((n) => /^v\d+\.metadata\.json$/.test(n)).sort().at(-1)!
    const j = out(await floe('inspect', `${dir}/${manifest}`, '--table', `${dir}/${meta}`))
    expect((j.entries as JsonValue[]).length).toBeGreaterThan(0)
  })

  it('fails with a typed error code on stderr and a non-zero status', async () => {
    const missing = await floe('inspect', '/no/such/file.avro')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^floe: NOT_FOUND: .*\/no\/such\/file\.avro/)
    const enc = await floe('inspect', corpusPath('iceberg-rust/crates/iceberg/testdata/manifests_lists/manifest-list-v3-encrypted.avro'))
    expect(enc.stderr).toMatch(/UNSUPPORTED/)
    const broken = await floe('inspect', corpusPath('iceberg-cxx/tests/metadata/broken1.avro'))
    expect(broken.stderr).toMatch(/INVALID_AVRO/)
    const usage = await floe('inspect')
    expect(usage.code).toBe(2)
  })

  it('runs as a real process through the package script', () => {
    const text = execFileSync('npx', ['tsx', 'tools/cli.ts', 'inspect', LIST, '--compact'], { cwd: REPO_ROOT, encoding: 'utf8' })
    expect((parseJson(text) as JsonObject).snapshotId).toBe(8656952484400131532n)
  })
})

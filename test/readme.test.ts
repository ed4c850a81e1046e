// Keeps the README's examples true: each value it shows is computed here.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyTransform, parseTransform, toBinary, readTableMetadata, currentSnapshot, applyUpdates, writeTableMetadataJson } from '../src/index.js'
import { corpusPath, REPO_ROOT } from './support/corpus.js'

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')

describe('README', () => {
  it('starts with the two commands', () => {
    const first = readme.split('\n').slice(0, 6).join('\n')
    expect(first).toContain('npm ci && npm run demo')
    expect(first).toContain('npm test')
  })

  it('shows transform and single-value results that floe computes', () => {
    expect(readme).toContain("applyTransform(parseTransform('bucket[16]'), { kind: 'long' }, 34n)     // 3")
    expect(applyTransform(parseTransform('bucket[16]'), { kind: 'long' }, 34n)).toBe(3)
    expect(applyTransform(parseTransform('day'), { kind: 'timestamptz' }, -1n)).toBe(-1)
    expect(Buffer.from(toBinary({ kind: 'decimal', precision: 9, scale: 2 }, 1420n)).toString('hex')).toBe('058c')
  })

  it('reads metadata with exact ids and writes them back bare', () => {
    const f = corpusPath('duckdb-iceberg/data/persistent/equality_deletes/warehouse/mydb/mytable/metadata/v7.metadata.json')
    const m = readTableMetadata(readFileSync(f), f)
    const id = currentSnapshot(m)!.snapshotId
    const text = writeTableMetadataJson(applyUpdates(m, [{ action: 'set-properties', updates: { owner: 'me' } }], 1n))
    expect(text).toContain(`"current-snapshot-id":${id}`)
    expect(readFileSync(f, 'utf8')).toContain(String(id))
  })

  it('lists every CLI command the dispatcher knows', async () => {
    const { COMMANDS } = await import('../tools/run-cli.js')
    const documented = new Set(readme.split('\n').filter((l) => l.startsWith('floe ')).flatMap((l) => l.split(/\s+/)[1]!.split('|')))
    for (const c of COMMANDS) expect(documented, c.name).toContain(c.name)
  })
})

describe('README write and evolution examples', () => {
  it('run as written', async () => {
    const { FileSystemCatalog, defaultEnv, parseColumns, parsePartitionSpec, T } = await import('../src/index.js')
    const { tempDir } = await import('./support/catalogs.js')
    const catalog = new FileSystemCatalog(defaultEnv(), join(tempDir(), 'warehouse'))
    await catalog.createNamespace('db')
    const schema = parseColumns('id bigint not null, kind string, ts timestamptz, amount decimal(10,2)')
    let t = await catalog.createTable('db.events', { schema, spec: parsePartitionSpec(schema, 'day(ts), bucket(16, id)') })
    t = await t.appendRows([{ id: 1n, kind: 'click', ts: '2024-01-01T10:00:00Z' }, { id: 2n, kind: 'spam', ts: '2024-01-01T11:00:00Z' }])
    t = await t.deleteRows("kind = 'spam'", { mode: 'merge-on-read' })
    const onBranch = await t.appendRows([{ id: 3n, kind: 'view', ts: '2024-01-02T10:00:00Z' }], { branch: 'audit' }) // a new branch forks from main, as in Java
    expect((await onBranch.scan({ snapshot: { ref: 'audit' } }).toArray()).map((r) => r.id).sort()).toEqual([1n, 3n])
    t = onBranch
    expect(readme).toContain(".updateSchema((u) => u.addColumn('region', T.string, { doc: 'sales region' }).renameColumn('kind', 'event_kind').updateColumn('amount', T.decimal(12, 2)).moveAfter('region', 'id'))")
    t = await t
      .transaction()
      .updateSchema((u) => u.addColumn('region', T.string, { doc: 'sales region' }).renameColumn('kind', 'event_kind').updateColumn('amount', T.decimal(12, 2)).moveAfter('region', 'id'))
      .updateSpec((s) => s.addField({ transform: 'hour', source: 'ts' }).removeField('id_bucket'))
      .replaceSortOrder((o) => o.asc('id').desc({ transform: 'day', source: 'ts' }))
      .commit()
    expect(t.schema().fields.map((f) => f.name)).toEqual(['id', 'region', 'event_kind', 'ts', 'amount'])
    expect(t.spec().fields.map((f) => f.name)).toEqual(['ts_day', 'ts_hour'])
    expect((await t.scan().toArray()).map((r) => [r.id, r.event_kind, r.region])).toEqual([[1n, 'click', null]])
  })
})

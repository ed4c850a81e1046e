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

// A v1 snapshot may come without a summary, or with an empty one: Java then reads no operation and writes no
// summary back. floe keeps that: the snapshots metadata table shows null, and a later commit does not invent
// `{"operation":"overwrite"}` for the old snapshot. A non-empty summary without `operation` reads as overwrite.
import { describe, expect, it } from 'vitest'
import { snapshotFromJson, snapshotToJson } from '../../../../src/spec/json/snapshot-json.js'
import { parseJson, type JsonValue } from '../../../../src/spec/json/lossless.js'
import { reportedOperation, reportedSummary } from '../../../../src/spec/snapshot.js'
import { snapshotsTable } from '../../../../src/table/metadata-tables.js'
import type { TableMetadata } from '../../../../src/spec/table-metadata.js'

const base = '"snapshot-id": 1, "timestamp-ms": 1000, "manifests": ["m.avro"]'
const read = (json: string) => snapshotFromJson(parseJson(json) as JsonValue, { file: 'v1.metadata.json', path: 'snapshots[0]' } as never)
const row = (json: string) => snapshotsTable({ snapshots: [read(json)] } as unknown as TableMetadata)[0]!

describe('snapshot summary forms', () => {
  it('an absent summary has no operation and no summary, and is written back without one', () => {
    const s = read(`{${base}}`)
    expect(s.summaryForm).toBe('absent')
    expect(s.summary.operation).toBe('overwrite') // floe's own logic still has an operation
    expect(row(`{${base}}`)).toMatchObject({ operation: null, summary: null })
    expect('summary' in snapshotToJson(s, false)).toBe(false)
  })

  it('an empty summary has no operation and no summary (Java SnapshotParser), and is written back without one', () => {
    const json = `{${base}, "summary": {}}`
    expect(read(json).summaryForm).toBe('empty')
    expect(row(json)).toMatchObject({ operation: null, summary: null })
    expect('summary' in snapshotToJson(read(json), false)).toBe(false)
  })

  it('reports what Java reports (the CLI prints these): null, {} or the summary with its operation', () => {
    expect([reportedOperation(read(`{${base}}`)), reportedSummary(read(`{${base}}`))]).toEqual([null, null])
    expect([reportedOperation(read(`{${base}, "summary": {}}`)), reportedSummary(read(`{${base}, "summary": {}}`))]).toEqual([null, null])
    const full = read(`{${base}, "summary": {"operation": "delete", "deleted-records": "2"}}`)
    expect([reportedOperation(full), reportedSummary(full)]).toEqual(['delete', { operation: 'delete', 'deleted-records': '2' }])
  })

  it('a non-empty summary without operation reads and writes as overwrite; a full one round-trips', () => {
    const partial = read(`{${base}, "summary": {"added-data-files": "1"}}`)
    expect(partial.summaryForm).toBeUndefined()
    expect(snapshotToJson(partial, false).summary).toEqual({ operation: 'overwrite', 'added-data-files': '1' })
    const full = read(`{${base}, "summary": {"operation": "append", "added-records": "5"}}`)
    expect(row(`{${base}, "summary": {"operation": "append", "added-records": "5"}}`)).toMatchObject({ operation: 'append', summary: new Map([['added-records', '5']]) })
    expect(snapshotToJson(full, false).summary).toEqual({ operation: 'append', 'added-records': '5' })
  })
})

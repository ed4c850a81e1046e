// The files and entries metadata tables carry Java's DataFile field docs (DataFile.getType), as their schemas
// do in Java; the docs reach Arrow output as field metadata.
import { describe, expect, it } from 'vitest'
import { filesTableSchema, entriesTableSchema } from '../../../src/table/metadata-tables-schemas.js'
import { makeCatalog } from '../../support/catalogs.js'
import { parseColumns, parsePartitionSpec } from '../../../src/spec/ddl.js'
import type { StructType } from '../../../src/spec/types.js'

describe('metadata table field docs', () => {
  it('files and entries tables document every data file field as Java does', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    const schema = parseColumns('id bigint, ts timestamp')
    const t = await c.createTable('db.t', { schema, spec: parsePartitionSpec(schema, 'day(ts)') })
    const files = filesTableSchema(t.metadata)
    const doc = (name: string): string | undefined => files.fields.find((f) => f.name === name)?.doc
    expect(doc('file_path')).toBe('Location URI with FS scheme')
    expect(doc('spec_id')).toBe('Partition spec ID')
    expect(doc('partition')).toBe('Partition data tuple, schema based on the partition spec')
    expect(doc('content_size_in_bytes')).toBe('The length of referenced content stored in the file')
    // every data file field has one (readable_metrics is floe's own addition)
    expect(files.fields.filter((f) => f.name !== 'readable_metrics' && f.doc === undefined).map((f) => f.name)).toEqual([])
    const entries = entriesTableSchema(t.metadata)
    const dataFile = entries.fields.find((f) => f.name === 'data_file')!.type as StructType
    expect(dataFile.fields.find((f) => f.name === 'record_count')!.doc).toBe('Number of records in the file')
    expect(entries.fields.find((f) => f.name === 'status')!.doc).toBeUndefined()
  })
})

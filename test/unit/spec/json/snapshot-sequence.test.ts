// As Java's SnapshotParser, a snapshot's `sequence-number` is written only when above 0: v1-era snapshots of
// an upgraded table stay without the key (it reads back as 0), later ones carry it.
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../../../src/catalog/memory.js'
import { testEnv } from '../../../../src/env.js'
import { MemoryFileIO } from '../../../../src/io/memory.js'
import { parseJson, type JsonObject } from '../../../../src/spec/json/lossless.js'
import { parseColumns } from '../../../../src/spec/ddl.js'

describe('snapshot sequence-number in metadata JSON', () => {
  it('is left out for sequence number 0 after a v1 → v2 upgrade and written for later snapshots', async () => {
    const io = new MemoryFileIO()
    const c = new MemoryCatalog(testEnv(io, 11))
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: parseColumns('id bigint'), formatVersion: 1 })
    t = await t.appendRows([{ id: 1n }])
    const v1Id = t.currentSnapshot()!.snapshotId
    t = await t.transaction().setProperties({ 'format-version': '2' }).commit()
    t = await t.appendRows([{ id: 2n }])
    const json = parseJson(new TextDecoder().decode(await io.read(t.metadataLocation!))) as JsonObject
    const snaps = json['snapshots'] as JsonObject[]
    const old = snaps.find((s) => s['snapshot-id'] === v1Id)!
    const next = snaps.find((s) => s['snapshot-id'] !== v1Id)!
    expect('sequence-number' in old).toBe(false)
    expect(String(next['sequence-number'])).toBe('1')
    // and it still reads as 0
    expect(t.metadata.snapshots.find((s) => s.snapshotId === v1Id)!.sequenceNumber).toBe(0n)
    expect((await t.scan().toArray()).length).toBe(2)
  })
})

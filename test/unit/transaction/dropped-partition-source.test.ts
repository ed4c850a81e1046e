// A partition field can outlive its source column: after the field leaves the spec, the column may be
// dropped, and commits that rewrite manifests of the old spec still type its values by the column's last type.
import { describe, expect, it } from 'vitest'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import { makeCatalog } from '../../support/catalogs.js'

describe('a partition source column dropped after its field left the spec', () => {
  for (const mode of ['copy-on-write', 'merge-on-read'] as const) {
    it(`leaves old-spec manifests rewritable (${mode} delete, then append and time travel)`, async () => {
      const c = makeCatalog('memory')
      await c.createNamespace('db')
      let t = await c.createTable('db.t', {
        schema: schema([field(1, 'id', T.long, { required: true }), field(2, 's', T.string), field(3, 'd', T.decimal(9, 2))]),
        spec: { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 's_t', transform: Transforms.truncate(2) }, { sourceId: 3, fieldId: 1001, name: 'd_b', transform: Transforms.bucket(4) }] },
      })
      t = await t.appendRows([1, 2, 3, 4].map((i) => ({ id: BigInt(i), s: `v${i}x`, d: BigInt(i * 100) })))
      const before = t.currentSnapshot()!.snapshotId
      t = await t.transaction().updateSpec((u) => void u.removeField('s_t').removeField('d_b')).commit()
      t = await t.transaction().updateSchema((u) => void u.deleteColumn('s').deleteColumn('d')).commit()
      t = await t.deleteRows('id = 2', { mode })
      t = await t.appendRows([{ id: 5n }])
      const ids = (await t.scan().toArray()).map((r) => r.id as bigint).sort((a, b) => (a < b ? -1 : 1))
      expect(ids).toEqual([1n, 3n, 4n, 5n])
      // the old-spec files keep their partition tuples, typed by the dropped columns' last types
      const files = (await t.scan().planFiles()).filter((x) => x.spec.specId === 0)
      expect(files.length).toBeGreaterThan(0)
      for (const x of files) {
        expect(typeof x.file.partition[0]).toBe('string')
        expect(typeof x.file.partition[1]).toBe('number')
      }
      expect((await t.scan({ snapshot: { snapshotId: before } }).toArray()).length).toBe(4)
    })
  }
})

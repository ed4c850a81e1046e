// Row-level writes validate from the snapshot they read, as Spark's writes do: a merge-on-read delete that
// only drops whole files by name still conflicts with a concurrent append of a matching row; a dynamic
// overwrite to a branch that does not exist yet validates from main's head (where the branch forks);
// appendRows is a merge append (Java's newAppend), honouring commit.manifest.* and merge-enabled.
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../../src/errors.js'
import { readManifestList } from '../../../src/spec/avro/manifest-list-codec.js'
import { schema } from '../../../src/spec/schema.js'
import { Transforms } from '../../../src/spec/transform.js'
import { T, field } from '../../../src/spec/types.js'
import type { Table } from '../../../src/table/table.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true }), field(2, 'p', T.int)])
const SPEC = { specId: 0, fields: [{ sourceId: 2, fieldId: 1000, name: 'p', transform: Transforms.identity }] }

async function table(formatVersion: 2 | 3, props: Record<string, string> = {}): Promise<Table> {
  const c = makeCatalog('memory')
  await c.createNamespace('db')
  return c.createTable('db.t', { schema: SCHEMA, spec: SPEC, formatVersion, properties: { 'commit.retry.min-wait-ms': '1', 'commit.retry.max-wait-ms': '2', ...props } })
}

async function ids(t: Table): Promise<bigint[]> {
  const out: bigint[] = []
  for await (const r of t.scan().rows()) out.push(r.id as bigint)
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

describe('row-level write validation', () => {
  for (const v of [2, 3] as const) {
    it(`v${v}: a merge-on-read delete that drops a whole file by name conflicts with a concurrent matching append (serializable)`, async () => {
      let t = await table(v, { 'write.delete.mode': 'merge-on-read' })
      t = await t.appendRows([{ id: 2n, p: 1 }]) // a whole-file match
      t = await t.appendRows([{ id: 1n, p: 1 }, { id: 3n, p: 1 }]) // planned (bounds cover 2), no matching row
      const stale = t
      const concurrent = await t.appendRows([{ id: 2n, p: 1 }])
      await expect(stale.deleteRows('id = 2')).rejects.toBeInstanceOf(ValidationError)
      expect(await ids(await concurrent.refresh())).toEqual([1n, 2n, 2n, 3n])
      // under snapshot isolation the same delete commits, and the concurrent row stays (Java's rule)
      const done = await stale.deleteRows('id = 2', { isolation: 'snapshot' })
      expect(done.currentSnapshot()!.summary.operation).toBe('delete')
      expect(await ids(done)).toEqual([1n, 2n, 3n])
    })
  }

  it('a dynamic overwrite to a new branch validates from main head, where the branch forks', async () => {
    let t = await table(2)
    t = await t.appendRows([{ id: 1n, p: 1 }])
    t = await t.appendRows([{ id: 2n, p: 1 }])
    t = await t.deleteRows('id = 1', { mode: 'copy-on-write' })
    for (const isolation of ['serializable', 'snapshot'] as const) {
      const b = await t.overwritePartitions([{ id: 9n, p: 1 }], { branch: `b-${isolation}`, isolation })
      const head = b.metadata.refs[`b-${isolation}`]!.snapshotId
      expect(b.metadata.snapshots.find((s) => s.snapshotId === head)!.parentSnapshotId).toBe(t.currentSnapshot()!.snapshotId)
      const rows: bigint[] = []
      for await (const r of b.scan({ snapshot: { ref: `b-${isolation}` } }).rows()) rows.push(r.id as bigint)
      expect(rows).toEqual([9n])
    }
  })

  it('appendRows packs manifests per commit.manifest.min-count-to-merge; with merging disabled it does not', async () => {
    const count = async (t: Table): Promise<number> => {
      const s = t.currentSnapshot()!
      return readManifestList(await t.env.io.read(s.manifestList!), { file: s.manifestList! }).manifests.length
    }
    const appendSix = async (props: Record<string, string>): Promise<number[]> => {
      let t = await table(2, props)
      const counts: number[] = []
      for (let i = 0; i < 6; i++) {
        t = await t.appendRows([{ id: BigInt(i), p: 1 }])
        counts.push(await count(t))
      }
      expect(await ids(t)).toEqual([0n, 1n, 2n, 3n, 4n, 5n])
      return counts
    }
    const merged = await appendSix({ 'commit.manifest.min-count-to-merge': '3' })
    const fast = await appendSix({ 'commit.manifest.min-count-to-merge': '3', 'commit.manifest-merge.enabled': 'false' })
    expect(fast).toEqual([1, 2, 3, 4, 5, 6])
    expect(Math.max(...merged)).toBeLessThan(3)
  })
})

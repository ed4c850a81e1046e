// Read points as Java's SnapshotScan picks them: `main` on a table without snapshots is its (empty) current
// state, and a selector naming two read points is refused.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../../src/errors.js'
import { schema } from '../../../src/spec/schema.js'
import { T, field } from '../../../src/spec/types.js'
import type { SnapshotSelector } from '../../../src/table/time-travel.js'
import { makeCatalog } from '../../support/catalogs.js'

const SCHEMA = schema([field(1, 'id', T.long, { required: true })])

describe('snapshot selectors', () => {
  it("ref 'main' on a table without snapshots reads nothing, and DML on branch main works", async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA })
    expect(await t.scan({ snapshot: { ref: 'main' } }).toArray()).toEqual([])
    expect(await t.scan({ snapshot: { ref: 'main' } }).planFiles()).toEqual([])
    t = await t.deleteRows('id = 1', { branch: 'main' })
    t = await t.overwriteRows([{ id: 2n }], 'id = 2', { branch: 'main' })
    expect(await t.scan({ snapshot: { ref: 'main' } }).toArray()).toEqual([{ id: 2n }])
  })

  it('refuses a selector with two read points (Java: "Cannot override ref, already set snapshot id")', async () => {
    const c = makeCatalog('memory')
    await c.createNamespace('db')
    let t = await c.createTable('db.t', { schema: SCHEMA })
    t = await t.appendRows([{ id: 1n }])
    const id = t.currentSnapshot()!.snapshotId
    for (const sel of [{ snapshotId: id, ref: 'main' }, { ref: 'main', asOfTimestampMs: 0n }, {}]) {
      const e = (() => {
        try {
          t.scan({ snapshot: sel as unknown as SnapshotSelector })
        } catch (x) {
          return x
        }
        return undefined
      })()
      expect(isFloeError(e) && e.code).toBe('INVALID_ARGUMENT')
    }
  })
})

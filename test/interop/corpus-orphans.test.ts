// Orphan detection on every corpus table (a dry run in place: nothing is deleted). Whatever it would delete
// must be referenced by nothing, judged independently of its own reachability code: no data or delete file
// any snapshot's scan plan reads, no manifest list, manifest or metadata file, is ever among the orphans.
// A table whose metadata cannot be followed in full must refuse with a typed error.
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../src/errors.js'
import { DEFAULT_EQUAL_SCHEMES, fileKey, flattenEquivalences } from '../../src/maintenance/orphan-paths.js'
import type { RemoveOrphanFilesResult } from '../../src/maintenance/remove-orphan-files.js'
import { snapshotManifests } from '../../src/table/scan-plan.js'
import type { Table } from '../../src/table/table.js'
import { corpusTables, type CorpusTable } from '../support/corpus/manifest.js'
import { openCorpusTable } from '../support/corpus/open.js'

const schemes = flattenEquivalences(DEFAULT_EQUAL_SCHEMES, true)
const keyOf = (p: string): string => fileKey(p, schemes, new Map()).key
const FUTURE = BigInt(Date.now()) + 86_400_000n

async function referenced(t: Table): Promise<Set<string>> {
  const m = t.metadata
  const out = new Set<string>([t.metadataLocation, ...m.metadataLog.map((e) => e.metadataFile)].map(keyOf))
  for (const s of m.snapshots) {
    if (s.manifestList) out.add(keyOf(s.manifestList))
    for (const mf of await snapshotManifests(t.env.io, m, s)) out.add(keyOf(mf.manifestPath))
    for (const task of await t.scan({ snapshot: { snapshotId: s.snapshotId } }).planFiles()) {
      out.add(keyOf(task.file.filePath))
      for (const d of task.deletes) out.add(keyOf(d.filePath))
    }
  }
  return out
}

describe('orphan detection on the corpus (dry run)', () => {
  const tally = { checked: 0, withOrphans: 0, refused: 0 }
  for (const c of corpusTables()) {
    it(`${c.source}/${c.dir}`, async () => {
      let t: Table
      let res: RemoveOrphanFilesResult
      try {
        t = await openCorpusTable(c as CorpusTable)
        res = await t.removeOrphanFiles({ dryRun: true, olderThanMs: FUTURE })
      } catch (e) {
        // a table whose metadata cannot be followed in full (the conformance tests cover why) refuses typed
        expect(isFloeError(e), String(e)).toBe(true)
        tally.refused++
        return
      }
      expect(res.deleted).toBe(0)
      const refs = await referenced(t)
      expect(refs.size).toBeGreaterThan(0)
      for (const o of res.orphanFiles) expect(refs.has(keyOf(o)), `${o} is referenced`).toBe(false)
      tally.checked++
      if (res.orphanFiles.length > 0) tally.withOrphans++
    })
  }
  it('checked most of the corpus', () => {
    expect(tally.checked).toBeGreaterThan(tally.refused)
  })
})

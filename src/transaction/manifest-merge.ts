// Merge append (Java MergeAppend / ManifestMergeManager): the manifest list of a merging update, with small
// manifests of one spec bin-packed into target-sized ones.
import { lastKnownTypes } from '../spec/last-known-types.js'
import { readManifest } from '../spec/avro/manifest-codec.js'
import type { ManifestEntry, ManifestFile } from '../spec/manifest.js'
import { boolProp, intProp } from '../spec/properties.js'
import { currentSchema, specById, type TableMetadata } from '../spec/table-metadata.js'
import { writeNewManifest, type NewManifest } from './manifest-writer.js'
import type { CommitContext } from './pending-update.js'

/** A manifest in the list being built: already written (new) or carried from the parent (kept). */
export type ListedManifest = { readonly kind: 'new'; readonly m: NewManifest } | { readonly kind: 'kept'; readonly m: ManifestFile }

const fileOf = (x: ListedManifest): ManifestFile => (x.kind === 'new' ? x.m.file : x.m)

/**
 * Java's end-first list packing with a look-back of one bin: walking from the last item to the first, an
 * item joins the open bin while the bin's total stays within `target`, else it opens a new bin (so an item
 * larger than the target sits alone). Bins, and the items in each, come back in the original order; the
 * first bin is the one left under-filled.
 */
export function packEnd<T>(items: readonly T[], weight: (x: T) => bigint, target: bigint): T[][] {
  const bins: T[][] = []
  let open: T[] = []
  let total = 0n
  for (let i = items.length - 1; i >= 0; i--) {
    const x = items[i]!
    const w = weight(x)
    if (open.length > 0 && total + w > target) {
      bins.push(open)
      open = []
      total = 0n
    }
    open.push(x)
    total += w
  }
  if (open.length > 0) bins.push(open)
  return bins.reverse().map((b) => b.reverse())
}

/**
 * How one spec's manifests are merged, as bins of the packing: a single manifest stays; the bin holding the
 * list's first (newest) manifest stays as it is when it has fewer than `minCount` manifests; every other bin
 * becomes one merged manifest.
 */
export function planMergeGroup<T>(group: readonly T[], first: T, weight: (x: T) => bigint, target: bigint, minCount: number): Array<{ readonly merge: boolean; readonly bin: T[] }> {
  return packEnd(group, weight, target).map((bin) => ({ merge: bin.length > 1 && !(bin.includes(first) && bin.length < minCount), bin }))
}

// Java drops parent manifests left with nothing live (only DELETED entries); this update's own stay.
const keep = (x: ListedManifest): boolean => {
  if (x.kind === 'new') return true
  const f = x.m
  return f.addedFilesCount === undefined || f.addedFilesCount > 0 || f.existingFilesCount === undefined || f.existingFilesCount > 0
}

/**
 * The manifest list of a merge append: data manifests, then delete manifests (each in list order, parent
 * manifests with no live file dropped); with `commit.manifest-merge.enabled`, each content's manifests are
 * grouped by spec (highest spec id first) and packed per `commit.manifest.target-size-bytes` and
 * `commit.manifest.min-count-to-merge` (see `planMergeGroup`). A merged manifest keeps this snapshot's ADDED
 * and DELETED entries and turns every other live entry into EXISTING.
 */
export async function mergeManifests(
  m: TableMetadata,
  ctx: CommitContext,
  listed: readonly ListedManifest[],
  snapshotId: bigint,
  nextPath: () => string,
): Promise<ListedManifest[]> {
  const data = listed.filter((x) => fileOf(x).content === 'data' && keep(x))
  const deletes = listed.filter((x) => fileOf(x).content === 'deletes' && keep(x))
  if (!boolProp(m.properties, 'commit.manifest-merge.enabled')) return [...data, ...deletes]
  const minCount = intProp(m.properties, 'commit.manifest.min-count-to-merge')
  const target = BigInt(intProp(m.properties, 'commit.manifest.target-size-bytes'))
  const out: ListedManifest[] = []
  for (const list of [data, deletes]) {
    const first = list[0]
    if (!first) continue
    const groups = new Map<number, ListedManifest[]>()
    for (const x of list) {
      const id = fileOf(x).partitionSpecId
      const g = groups.get(id)
      if (g) g.push(x)
      else groups.set(id, [x])
    }
    for (const specId of [...groups.keys()].sort((a, b) => b - a)) {
      for (const { merge, bin } of planMergeGroup(groups.get(specId)!, first, (x) => fileOf(x).manifestLength, target, minCount)) {
        if (merge) {
          out.push({ kind: 'new', m: await rewriteBin(m, ctx, bin, snapshotId, nextPath()) })
          // this update's own manifests merged away are referenced by nothing once the attempt commits (Java
          // deletes them too); parent manifests stay, older snapshots list them
          for (const x of bin) if (x.kind === 'new') ctx.obsolete?.(x.m.file.manifestPath)
        }
        else out.push(...bin)
      }
    }
  }
  return out
}

async function rewriteBin(m: TableMetadata, ctx: CommitContext, bin: readonly ListedManifest[], snapshotId: bigint, path: string): Promise<NewManifest> {
  const first = fileOf(bin[0]!)
  const spec = specById(m, first.partitionSpecId)!
  const schema = currentSchema(m)
  const entries: ManifestEntry[] = []
  for (const x of bin) {
    const f = fileOf(x)
    // a manifest of this update is not listed yet: read only what it stores (no inherited sequence number)
    const r = readManifest(await ctx.io.read(f.manifestPath), { file: f.manifestPath, specs: m.specs, schema, sourceTypes: lastKnownTypes(m.schemas), formatVersion: m.formatVersion, ...(x.kind === 'kept' ? { manifest: f } : {}) })
    for (const e of r.entries) {
      const ours = e.snapshotId === snapshotId
      if (e.status === 'deleted') {
        if (ours) entries.push(e) // only this update's deletes are carried
      } else if (e.status === 'added' && ours) entries.push(e)
      else entries.push({ ...e, status: 'existing' })
    }
  }
  return writeNewManifest(ctx, m, path, spec, schema, first.content, entries, snapshotId)
}

// Merge append (Java ManifestMergeManager): bin-pack small manifests of one spec into target-sized ones.
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
 * Merge manifests per `commit.manifest-merge.enabled`, `commit.manifest.min-count-to-merge` and
 * `commit.manifest.target-size-bytes`: groups of the same spec and content with at least min-count members
 * are packed into bins up to the target size; each multi-manifest bin is rewritten as one manifest whose
 * entries keep their status for this snapshot's files (ADDED) and become EXISTING otherwise.
 */
export async function mergeManifests(
  m: TableMetadata,
  ctx: CommitContext,
  listed: readonly ListedManifest[],
  snapshotId: bigint,
  nextPath: () => string,
): Promise<ListedManifest[]> {
  if (!boolProp(m.properties, 'commit.manifest-merge.enabled')) return [...listed]
  const minCount = intProp(m.properties, 'commit.manifest.min-count-to-merge')
  const target = BigInt(intProp(m.properties, 'commit.manifest.target-size-bytes'))
  const groups = new Map<string, ListedManifest[]>()
  for (const x of listed) {
    const f = fileOf(x)
    const key = `${f.partitionSpecId}|${f.content}`
    const g = groups.get(key)
    if (g) g.push(x)
    else groups.set(key, [x])
  }
  const out: ListedManifest[] = []
  for (const group of groups.values()) {
    if (group.length < minCount) {
      out.push(...group)
      continue
    }
    // bins in list order (newest first), like Java's ordered bin packing
    const bins: ListedManifest[][] = []
    let cur: ListedManifest[] = []
    let size = 0n
    for (const x of group) {
      const len = fileOf(x).manifestLength
      if (cur.length && size + len > target) {
        bins.push(cur)
        cur = []
        size = 0n
      }
      cur.push(x)
      size += len
    }
    if (cur.length) bins.push(cur)
    for (const bin of bins) {
      if (bin.length === 1) {
        out.push(bin[0]!)
        continue
      }
      out.push({ kind: 'new', m: await rewriteBin(m, ctx, bin, snapshotId, nextPath()) })
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
    const r = readManifest(await ctx.io.read(f.manifestPath), { file: f.manifestPath, manifest: f, specs: m.specs, schema, formatVersion: m.formatVersion })
    for (const e of r.entries) {
      if (e.status === 'deleted') continue
      if (x.kind === 'new' && e.status === 'added') entries.push({ status: 'added', snapshotId, dataFile: e.dataFile })
      else entries.push({ ...e, status: 'existing' })
    }
  }
  return writeNewManifest(ctx, m, path, spec, schema, first.content, entries, snapshotId)
}

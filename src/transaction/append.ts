// Append (Java FastAppend / MergeAppend): add data files; always re-applicable, no conflict validation.
import { InvalidArgumentError } from '../errors.js'
import type { DataFile, ManifestEntry } from '../spec/manifest.js'
import { currentSchema, specById, type TableMetadata } from '../spec/table-metadata.js'
import { snapshotManifests } from '../table/scan-plan.js'
import { checkAddedFiles } from './file-checks.js'
import { mergeManifests, type ListedManifest } from './manifest-merge.js'
import { writeNewManifest, type NewManifest } from './manifest-writer.js'
import type { ChangeSet, CommitContext, PendingUpdate } from './pending-update.js'
import { branchHead, produceSnapshot, ProducerIdentity, replacedManifests } from './snapshot-producer.js'

/** Group files by partition spec id, lowest spec id first (the order Java writes new manifests in). */
export function bySpec(files: readonly DataFile[]): Map<number, DataFile[]> {
  const groups = new Map<number, DataFile[]>()
  for (const f of files) {
    const l = groups.get(f.specId)
    if (l) l.push(f)
    else groups.set(f.specId, [f])
  }
  return new Map([...groups].sort(([a], [b]) => a - b))
}

/** The files without repeats: Java keeps the data files an update adds in a set per spec keyed by location, so the first one given wins. */
export function distinctDataFiles(files: readonly DataFile[]): DataFile[] {
  const seen = new Set<string>()
  return files.filter((f) => {
    const key = `${f.specId}\u0000${f.filePath}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Write manifests of ADDED entries for `files` (one per spec and content). */
export async function writeAddedManifests(m: TableMetadata, ctx: CommitContext, files: readonly DataFile[], snapshotId: bigint, nextPath: () => string): Promise<NewManifest[]> {
  const out: NewManifest[] = []
  const schema = currentSchema(m)
  for (const content of ['data', 'deletes'] as const) {
    const of = files.filter((f) => (f.content === 'data') === (content === 'data'))
    for (const [specId, group] of bySpec(of)) {
      const spec = specById(m, specId)
      if (!spec) throw new InvalidArgumentError(`File ${group[0]!.filePath} uses partition spec ${specId}, which the table does not have`)
      const entries: ManifestEntry[] = group.map((f) => ({ status: 'added', snapshotId, dataFile: f }))
      out.push(await writeNewManifest(ctx, m, nextPath(), spec, schema, content, entries, snapshotId))
    }
  }
  return out
}

/** Append data files to a branch (a file given twice is added once); `merge` lists and bin-packs manifests as Java's MergeAppend does. */
export class AppendFiles implements PendingUpdate {
  readonly kind = 'append'
  private readonly identity = new ProducerIdentity()
  private written: NewManifest[] | undefined
  private readonly files: readonly DataFile[]

  constructor(
    files: readonly DataFile[],
    private readonly opts: { readonly branch: string; readonly merge: boolean; readonly summary?: Readonly<Record<string, string>> },
  ) {
    for (const f of files) if (f.content !== 'data') throw new InvalidArgumentError(`Append takes data files only; ${f.filePath} is ${f.content}`)
    this.files = distinctDataFiles(files)
  }

  /** Build the snapshot on top of `m`; manifests for the added files are written once and reused on retries. */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    checkAddedFiles(m.formatVersion, this.files)
    const snapshotId = this.identity.snapshotId(m, ctx)
    const next = (): string => this.identity.nextManifestPath(m, ctx)
    const parent = branchHead(m, this.opts.branch)
    // the parent's manifest list is read while the new manifests are encoded
    const parentManifests = parent ? snapshotManifests(ctx.io, m, parent) : Promise.resolve([])
    parentManifests.catch(() => undefined) // observed below; a failing manifest write must not leave it unhandled
    this.written ??= await writeAddedManifests(m, ctx, this.files, snapshotId, next)
    for (const w of this.written) ctx.track(w.file.manifestPath) // reused on retries: part of this attempt too
    const kept = await parentManifests
    let listed: ListedManifest[] = [...this.written.map((w): ListedManifest => ({ kind: 'new', m: w })), ...kept.map((k): ListedManifest => ({ kind: 'kept', m: k }))]
    if (this.opts.merge) listed = await mergeManifests(m, ctx, listed, snapshotId, next)
    return produceSnapshot(m, ctx, this.identity, this.opts.branch, {
      operation: 'append',
      listed,
      added: this.files,
      removed: [],
      replacedManifests: replacedManifests(kept, listed),
      ...(this.opts.summary ? { extraSummary: this.opts.summary } : {}),
    })
  }
}

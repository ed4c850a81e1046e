// A test-only update that commits delete files exactly as given, without floe's checks: it stands for another
// engine that wrote a table floe must still handle (e.g. two live deletion vectors for one data file).
import type { DataFile } from '../../src/spec/manifest.js'
import type { TableMetadata } from '../../src/spec/table-metadata.js'
import { snapshotManifests } from '../../src/table/scan-plan.js'
import { writeAddedManifests } from '../../src/transaction/append.js'
import type { ChangeSet, CommitContext, PendingUpdate } from '../../src/transaction/pending-update.js'
import { branchHead, produceSnapshot, ProducerIdentity } from '../../src/transaction/snapshot-producer.js'

/** Adds `deletes` to main as a `delete` snapshot, unchecked (use with `table.transaction().add(...)`). */
export class UncheckedDeletes implements PendingUpdate {
  readonly kind = 'unchecked-deletes'
  private readonly identity = new ProducerIdentity()

  constructor(private readonly deletes: readonly DataFile[]) {}

  /** The parent's manifests plus one new delete manifest of `deletes`. */
  async apply(m: TableMetadata, ctx: CommitContext): Promise<ChangeSet> {
    const snapshotId = this.identity.snapshotId(m, ctx)
    const parent = branchHead(m, 'main')
    const kept = parent ? await snapshotManifests(ctx.io, m, parent) : []
    const written = await writeAddedManifests(m, ctx, this.deletes, snapshotId, () => this.identity.nextManifestPath(m, ctx))
    for (const w of written) ctx.track(w.file.manifestPath)
    return produceSnapshot(m, ctx, this.identity, 'main', { operation: 'delete', written, kept, added: this.deletes, removed: [] })
  }
}

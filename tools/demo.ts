// `npm run demo`: a tour of floe on an embedded warehouse in a local temporary folder (no server).
// This stage builds a partitioned table's metadata, a manifest and a manifest list, commits a snapshot
// through the one reducer, and inspects every file it wrote. Later stages add writing data and scanning.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultEnv } from '../src/env.js'
import { inspectBytes } from '../src/inspect.js'
import { applyUpdates } from '../src/spec/apply-updates.js'
import { writeManifest } from '../src/spec/avro/manifest-codec.js'
import { writeManifestList } from '../src/spec/avro/manifest-list-codec.js'
import { writeTableMetadata } from '../src/spec/json/metadata-write.js'
import type { DataFile } from '../src/spec/manifest.js'
import { newTableMetadata } from '../src/spec/new-table.js'
import { schema } from '../src/spec/schema.js'
import { partitionPath } from '../src/spec/partition-path.js'
import { partitionType } from '../src/spec/partition-spec.js'
import { currentSchema, defaultSpec } from '../src/spec/table-metadata.js'
import { Transforms } from '../src/spec/transform.js'
import { applyTransform } from '../src/spec/transform-apply.js'
import { T, field } from '../src/spec/types.js'
import { isoDateToDays } from '../src/spec/temporal.js'
import { printJson, processIO } from './cli-io.js'
import { schemaToJson, specToJson } from '../src/spec/json/schema-json.js'
import { loadTableState } from '../src/table/load.js'

const say = (s: string): void => processIO.out(`\n== ${s}`)

const env = defaultEnv()
const warehouse = await mkdtemp(join(tmpdir(), 'floe-demo-'))
const location = `${warehouse}/db/events`
say(`warehouse: ${warehouse}`)

// 1. A table partitioned by day(ts) and bucket(4, id): users never supply partition values.
const input = schema([field(1, 'id', T.long, { required: true }), field(2, 'kind', T.string), field(3, 'ts', T.timestamptz)])
let metadata = newTableMetadata(
  {
    schema: input,
    spec: { specId: 0, fields: [{ sourceId: 3, fieldId: 1000, name: 'ts_day', transform: Transforms.day }, { sourceId: 1, fieldId: 1001, name: 'id_bucket', transform: Transforms.bucket(4) }] },
    location,
    formatVersion: 2,
  },
  env.uuid(),
  env.now(),
)
const tableSchema = currentSchema(metadata)
const spec = defaultSpec(metadata)
say('schema and spec (fresh ids, as Java assigns them)')
printJson(processIO, { schema: schemaToJson(tableSchema), 'partition-spec': specToJson(spec) })

// 2. Three data files described by their partition tuples, computed with the spec's transforms.
const micros = (iso: string): bigint => BigInt(isoDateToDays(iso.slice(0, 10))) * 86_400_000_000n
const rows = [
  { id: 7342794868382145167n, ts: micros('2024-01-01') },
  { id: 2n, ts: micros('2024-01-01') },
  { id: 3n, ts: micros('1969-12-31') },
]
const ptype = partitionType(spec, tableSchema)
const files: DataFile[] = rows.map((r, i) => {
  const partition = [applyTransform(Transforms.day, T.timestamptz, r.ts), applyTransform(Transforms.bucket(4), T.long, r.id)]
  return {
    content: 'data',
    filePath: `${location}/data/${partitionPath(spec, ptype, partition)}/0000${i}-demo.parquet`,
    fileFormat: 'PARQUET',
    specId: spec.specId,
    partition,
    recordCount: 1n,
    fileSizeInBytes: 1024n,
  }
})
say('data file paths (hidden partitioning: day(ts), bucket(4, id))')
for (const f of files) processIO.out(f.filePath)

// 3. Write a manifest and a manifest list, then commit the snapshot through the one reducer.
const snapshotId = env.snapshotId()
const commitUuid = env.uuid()
const manifestPath = `${location}/metadata/${commitUuid}-m0.avro`
const manifestBytes = writeManifest(
  files.map((f) => ({ status: 'added', snapshotId, dataFile: f })),
  { formatVersion: 2, spec, schema: tableSchema },
)
await env.io.write(manifestPath, manifestBytes)
const listPath = `${location}/metadata/snap-${snapshotId}-1-${commitUuid}.avro`
const listBytes = writeManifestList(
  [
    {
      manifestPath,
      manifestLength: BigInt(manifestBytes.length),
      partitionSpecId: spec.specId,
      content: 'data',
      sequenceNumber: 1n,
      minSequenceNumber: 1n,
      addedSnapshotId: snapshotId,
      addedFilesCount: files.length,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: 3n,
      existingRowsCount: 0n,
      deletedRowsCount: 0n,
    },
  ],
  { formatVersion: 2, snapshotId, sequenceNumber: 1n },
)
await env.io.write(listPath, listBytes)
metadata = applyUpdates(
  metadata,
  [
    {
      action: 'add-snapshot',
      snapshot: {
        snapshotId,
        sequenceNumber: 1n,
        timestampMs: env.now(),
        manifestList: listPath,
        summary: { operation: 'append', 'added-data-files': '3', 'added-records': '3', 'total-data-files': '3', 'total-records': '3' },
        schemaId: tableSchema.schemaId,
      },
    },
    { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId, type: 'branch' } },
  ],
  env.now(),
)
const metadataPath = `${location}/metadata/v1.metadata.json`
await env.io.write(metadataPath, writeTableMetadata(metadata))
await env.io.write(`${location}/metadata/version-hint.text`, new TextEncoder().encode('1'))

// 4. Load it back from the folder and inspect every file written, with exact 64-bit ids.
const state = await loadTableState(env.io, location)
say(`loaded ${state.metadataLocation}: current snapshot ${state.metadata.currentSnapshotId}`)
for (const path of [metadataPath, listPath, manifestPath]) {
  const { kind, content } = inspectBytes(await env.io.read(path), path)
  say(`floe inspect ${path.slice(warehouse.length + 1)}  (${kind})`)
  printJson(processIO, content)
}
say(`done; files are in ${warehouse}`)

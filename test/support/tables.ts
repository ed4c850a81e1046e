// Small metadata builders shared by tests.
import { newTableMetadata } from '../../src/spec/new-table.js'
import type { PartitionSpec } from '../../src/spec/partition-spec.js'
import { schema } from '../../src/spec/schema.js'
import type { Snapshot } from '../../src/spec/snapshot.js'
import type { FormatVersion, TableMetadata } from '../../src/spec/table-metadata.js'
import { T, field } from '../../src/spec/types.js'
import { Transforms } from '../../src/spec/transform.js'

/** A 3-column schema: id long (required), data string, ts timestamptz. */
export const SIMPLE_SCHEMA = schema([
  field(1, 'id', T.long, { required: true }),
  field(2, 'data', T.string),
  field(3, 'ts', T.timestamptz),
])

/** day(ts) partitioning of SIMPLE_SCHEMA. */
export const DAY_SPEC: PartitionSpec = { specId: 0, fields: [{ sourceId: 3, fieldId: 1000, name: 'ts_day', transform: Transforms.day }] }

/** A new empty table. */
export function emptyTable(formatVersion: FormatVersion = 2, spec: PartitionSpec = DAY_SPEC): TableMetadata {
  return newTableMetadata({ schema: SIMPLE_SCHEMA, spec, location: 's3://bucket/db/t', formatVersion }, '9c12d441-03fe-4693-9a96-a0705ddf69c1', 1_700_000_000_000n)
}

/** A snapshot value for tests. */
export function snap(id: bigint, seq: bigint, ts: bigint, parent?: bigint, extra: Partial<Snapshot> = {}): Snapshot {
  return {
    snapshotId: id,
    sequenceNumber: seq,
    timestampMs: ts,
    manifestList: `s3://bucket/db/t/metadata/snap-${id}-1-x.avro`,
    summary: { operation: 'append' },
    ...(parent === undefined ? {} : { parentSnapshotId: parent }),
    ...extra,
  }
}

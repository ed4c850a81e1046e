// Lossless parse of a ~1 MB metadata file vs JSON.parse of the same text (goal ≤ 2×).
import { isInteger, parse as llParse } from 'lossless-json'
import { parseJson, parseJsonLossless } from '../../src/spec/json/lossless.js'
import { parseTableMetadata } from '../../src/spec/json/metadata-read.js'
import { writeTableMetadataJson } from '../../src/spec/json/metadata-write.js'
import { newTableMetadata } from '../../src/spec/new-table.js'
import { applyUpdates } from '../../src/spec/apply-updates.js'
import type { TableUpdate } from '../../src/spec/updates.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import { interleave, report } from './harness.js'

/** Build table metadata with `n` append snapshots (Spark-like summaries), serialised as JSON. */
export function metadataText(n: number): string {
  let m = newTableMetadata({ schema: schema([field(1, 'id', T.long, { required: true }), field(2, 'data', T.string)]), location: 's3://bucket/warehouse/db/table' }, '9c12d441-03fe-4693-9a96-a0705ddf69c1', 1_700_000_000_000n)
  let parent: bigint | undefined
  for (let i = 0; i < n; i++) {
    const id = 7342794868382145167n + BigInt(i) * 7919n
    const ups: TableUpdate[] = []
    ups.push({
      action: 'add-snapshot',
      snapshot: {
        snapshotId: id,
        ...(parent === undefined ? {} : { parentSnapshotId: parent }),
        sequenceNumber: BigInt(i + 1),
        timestampMs: 1_700_000_000_000n + BigInt(i) * 1000n,
        manifestList: `s3://bucket/warehouse/db/table/metadata/snap-${id}-1-8f2c1f8e-0c1f-4a7e-9b6f-0e5e5b0c1f8e.avro`,
        summary: { operation: 'append', 'spark.app.id': 'local-1700000000000', 'added-data-files': '1', 'added-records': '100', 'added-files-size': '1234', 'changed-partition-count': '1', 'total-records': String(i * 100), 'total-files-size': String(i * 1234), 'total-data-files': String(i), 'total-delete-files': '0', 'total-position-deletes': '0', 'total-equality-deletes': '0' },
        schemaId: 0,
      },
    })
    ups.push({ action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: id, type: 'branch' } })
    m = applyUpdates(m, ups, 1_800_000_000_000n)
    parent = id
  }
  return writeTableMetadataJson(m)
}

/** Run the benchmark and return its markdown report and the headline ratio. */
export async function run(): Promise<{ text: string; ratio: number }> {
  const text = metadataText(1226)
  const medians = await interleave(
    [
      { name: 'JSON.parse (lossy)', run: () => JSON.parse(text) },
      { name: 'floe parseJsonLossless (tree + long table)', run: () => parseJsonLossless(text) },
      { name: 'floe parseJson (bigint tree)', run: () => parseJson(text) },
      { name: 'floe parseTableMetadata (typed model)', run: () => parseTableMetadata(text) },
      { name: 'lossless-json 4.3.3', run: () => llParse(text, null, (v: string) => (isInteger(v) ? BigInt(v) : parseFloat(v))) },
    ],
    25,
    5,
  )
  const ratio = medians.get('floe parseJsonLossless (tree + long table)')! / medians.get('JSON.parse (lossy)')!
  const out = `${report(`Lossless JSON: ${(text.length / 1e6).toFixed(2)} MB metadata, 1226 snapshots`, medians, 'JSON.parse (lossy)')}\n\njson-parse: ratio ${ratio.toFixed(2)} (goal ≤ 2.00)`
  return { text: out, ratio }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log((await run()).text)

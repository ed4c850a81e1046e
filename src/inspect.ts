// Decode any Iceberg file (metadata JSON, manifest list, manifest, Parquet footer, Puffin) for inspection.
import { FloeError, UnsupportedError } from './errors.js'
import { readParquetFooter } from './parquet/footer.js'
import { readPuffinFooter } from './puffin/puffin.js'
import { readManifest } from './spec/avro/manifest-codec.js'
import { readManifestList } from './spec/avro/manifest-list-codec.js'
import { readOcf, readOcfHeader } from './spec/avro/ocf.js'
import { metadataBytesToText, parseTableMetadata } from './spec/json/metadata-read.js'
import { metadataToJson } from './spec/json/metadata-write.js'
import { specToJson, schemaToJson } from './spec/json/schema-json.js'
import type { TableMetadata } from './spec/table-metadata.js'

/** What kind of file a byte string is. */
export type FileKind = 'table-metadata' | 'manifest-list' | 'manifest' | 'avro' | 'parquet' | 'puffin'

/** The result of inspecting a file: its kind and a JSON-ready description (bigint exact, bytes as Uint8Array). */
export interface Inspection {
  readonly kind: FileKind
  readonly file: string
  readonly content: unknown
}

const starts = (b: Uint8Array, s: string): boolean => [...s].every((c, i) => b[i] === c.charCodeAt(0))

/** Detect a file's kind from its bytes (and, for Avro, its writer schema). */
export function detectKind(bytes: Uint8Array, file: string): FileKind {
  if (starts(bytes, 'PAR1')) return 'parquet'
  if (starts(bytes, 'PFA1')) return 'puffin'
  if (starts(bytes, 'AGS1')) throw new UnsupportedError('The file is encrypted (AES-GCM stream, magic AGS1); floe does not implement Iceberg encryption', { context: { file } })
  if (starts(bytes, 'Obj\u0001')) {
    const h = readOcfHeader(bytes, file)
    const root = h.schema
    if (root.kind === 'record') {
      const ids = new Set(root.fields.map((f) => f.fieldId))
      const names = new Set(root.fields.map((f) => f.name))
      if (ids.has(500) || names.has('manifest_path')) return 'manifest-list'
      if (names.has('data_file') && (names.has('status') || ids.has(0))) return 'manifest'
    }
    return 'avro'
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'table-metadata'
  const firstChar = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart()[0]
  if (firstChar === '{') return 'table-metadata'
  throw new FloeError('UNSUPPORTED', `Cannot tell what kind of file this is (not JSON, Avro, Parquet or Puffin)`, { context: { file } })
}

/** Decode a file for display. `table` supplies specs and schema for manifests whose header keys were stripped. */
export function inspectBytes(bytes: Uint8Array, file: string, table?: TableMetadata): Inspection {
  const kind = detectKind(bytes, file)
  switch (kind) {
    case 'table-metadata': {
      const m = parseTableMetadata(metadataBytesToText(bytes, file), file)
      return { kind, file, content: metadataToJson(m) }
    }
    case 'manifest-list': {
      const l = readManifestList(bytes, { file })
      return { kind, file, content: { formatVersion: l.formatVersion, snapshotId: l.snapshotId, parentSnapshotId: l.parentSnapshotId, sequenceNumber: l.sequenceNumber, firstRowId: l.firstRowId, header: headerObject(l.metadata), manifests: l.manifests } }
    }
    case 'manifest': {
      const opts = table ? { file, specs: table.specs, schema: table.schemas.find((s) => s.schemaId === table.currentSchemaId)! } : { file }
      const m = readManifest(bytes, opts)
      return {
        kind,
        file,
        content: {
          formatVersion: m.formatVersion,
          content: m.content,
          specId: m.specId,
          spec: specToJson(m.spec),
          schema: m.schema ? schemaToJson(m.schema) : undefined,
          header: headerObject(m.metadata),
          entries: m.entries,
        },
      }
    }
    case 'avro': {
      const r = readOcf(bytes, { file })
      return { kind, file, content: { header: headerObject(r.header.metadata), records: r.records } }
    }
    case 'parquet':
      return { kind, file, content: readParquetFooter(bytes, file) }
    case 'puffin':
      return { kind, file, content: readPuffinFooter(bytes, file) }
  }
}

function headerObject(meta: ReadonlyMap<string, string>): Record<string, string> {
  const o: Record<string, string> = {}
  for (const [k, v] of meta) if (k !== 'avro.schema') o[k] = v
  return o
}

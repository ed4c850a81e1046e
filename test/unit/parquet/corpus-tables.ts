// Test helper: open a corpus table (metadata → manifest list → manifests, locations remapped to the corpus
// folder), read its Parquet data files with hyparquetReader, and apply deletes with the simplified planning
// rules of FACTS §12 (sequence numbers, same partition, global equality deletes).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loadDeletes } from '../../../src/deletes/delete-filter.js'
import { bytesSource } from '../../../src/parquet/byte-source.js'
import type { ByteSource, ReadRequest, Row } from '../../../src/parquet/codec.js'
import { hyparquetReader } from '../../../src/parquet/hyparquet-reader.js'
import { readManifest } from '../../../src/spec/avro/manifest-codec.js'
import { readManifestList } from '../../../src/spec/avro/manifest-list-codec.js'
import { readTableMetadata } from '../../../src/spec/json/metadata-read.js'
import type { DataFile } from '../../../src/spec/manifest.js'
import { parseNameMapping, type NameMapping } from '../../../src/spec/name-mapping.js'
import type { PartitionSpec } from '../../../src/spec/partition-spec.js'
import type { Schema } from '../../../src/spec/schema.js'
import { currentSchema, currentSnapshot, snapshotById, type TableMetadata } from '../../../src/spec/table-metadata.js'
import type { Value } from '../../../src/spec/types.js'
import { corpusPath } from '../../support/corpus.js'

/** A live content file of the snapshot, with its data sequence number and local path. */
export interface CorpusFile {
  readonly file: DataFile
  readonly sequenceNumber: bigint
  readonly spec: PartitionSpec
  readonly local: string
}

/** An opened corpus table at one snapshot. */
export interface CorpusTable {
  readonly dir: string
  readonly metadata: TableMetadata
  readonly schema: Schema
  readonly nameMapping: NameMapping | undefined
  readonly data: CorpusFile[]
  readonly deletes: CorpusFile[]
  /** Map a metadata location to the local corpus path. */
  local(location: string): string
}

/** Open `tableDir` (relative to the corpus) with metadata file `metadataName` at the current or given snapshot. */
export function openTable(tableDir: string, metadataName: string, opts: { snapshotId?: bigint; extraPrefixes?: Record<string, string> } = {}): CorpusTable {
  const dir = corpusPath(tableDir)
  const metadata = readTableMetadata(readFileSync(join(dir, 'metadata', metadataName)), metadataName)
  const prefixes: [string, string][] = [[metadata.location, dir], ...Object.entries(opts.extraPrefixes ?? {}).map(([k, v]): [string, string] => [k, corpusPath(v)])]
  prefixes.sort((a, b) => b[0].length - a[0].length)
  const local = (loc: string): string => {
    for (const [from, to] of prefixes) if (loc.startsWith(from)) return to + loc.slice(from.length)
    throw new Error(`location ${loc} is outside ${metadata.location}`)
  }
  const snapshot = opts.snapshotId === undefined ? currentSnapshot(metadata) : snapshotById(metadata, opts.snapshotId)
  const schema = currentSchema(metadata)
  const mapping = metadata.properties['schema.name-mapping.default']
  const data: CorpusFile[] = []
  const deletes: CorpusFile[] = []
  if (snapshot) {
    if (snapshot.manifestList === undefined) throw new Error("v1 snapshots without a manifest list are not supported here")
    const list = readManifestList(readFileSync(local(snapshot.manifestList)), { file: snapshot.manifestList })
    for (const mf of list.manifests) {
      const m = readManifest(readFileSync(local(mf.manifestPath)), { manifest: mf, specs: metadata.specs, schema, file: mf.manifestPath })
      for (const e of m.entries) {
        if (e.status === 'deleted') continue
        const cf: CorpusFile = { file: e.dataFile, sequenceNumber: e.sequenceNumber ?? 0n, spec: m.spec, local: local(e.dataFile.filePath) }
        ;(e.dataFile.content === 'data' ? data : deletes).push(cf)
      }
    }
  }
  return { dir, metadata, schema, nameMapping: mapping === undefined ? undefined : parseNameMapping(mapping), data, deletes, local }
}

/** Identity-partition values of a data file by source field id. */
export function partitionConstants(f: CorpusFile): Map<number, Value> {
  const out = new Map<number, Value>()
  f.spec.fields.forEach((pf, i) => {
    if (pf.transform.kind === 'identity') out.set(pf.sourceId, f.file.partition[i] ?? null)
  })
  return out
}

/** A ByteSource over a local corpus file. */
export function localSource(path: string): ByteSource {
  return bytesSource(new Uint8Array(readFileSync(path)), path)
}

/** Read every row of one data file (positions checked to be contiguous). */
export async function readRows(t: CorpusTable, f: CorpusFile, extra: Partial<ReadRequest> = {}): Promise<Row[]> {
  const rows: Row[] = []
  const request: ReadRequest = {
    schema: t.schema,
    constants: partitionConstants(f),
    ...(t.nameMapping ? { nameMapping: t.nameMapping } : {}),
    ...extra,
  }
  for await (const b of hyparquetReader.readBatches(localSource(f.local), request)) {
    if (extra.rowGroupFilter === undefined && b.start !== rows.length) throw new Error(`batch starts at ${b.start}, expected ${rows.length}`)
    rows.push(...b.rows)
  }
  return rows
}

const samePartition = (a: CorpusFile, b: CorpusFile): boolean =>
  a.spec.specId === b.spec.specId && JSON.stringify(a.file.partition, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) === JSON.stringify(b.file.partition, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))

/** The delete files that apply to `d` (FACTS §12 table). */
export function applicableDeletes(t: CorpusTable, d: CorpusFile): DataFile[] {
  const dvs = t.deletes.filter(
    (x) => x.file.fileFormat === 'PUFFIN' && x.file.referencedDataFile === d.file.filePath && d.sequenceNumber <= x.sequenceNumber,
  )
  const pos = dvs.length
    ? []
    : t.deletes.filter(
        (x) =>
          x.file.content === 'position-deletes' &&
          x.file.fileFormat !== 'PUFFIN' &&
          (x.file.referencedDataFile === undefined || x.file.referencedDataFile === d.file.filePath) &&
          d.sequenceNumber <= x.sequenceNumber &&
          samePartition(x, d),
      )
  const eq = t.deletes.filter(
    (x) => x.file.content === 'equality-deletes' && d.sequenceNumber < x.sequenceNumber && (x.spec.fields.length === 0 || samePartition(x, d)),
  )
  return [...dvs, ...pos, ...eq].map((x) => x.file)
}

/** Scan the table: every live row after deletes, file by file in manifest order. */
export async function scanTable(t: CorpusTable, opts: { allowBareDeletionVectors?: boolean; shareDeletes?: boolean } = {}): Promise<Row[]> {
  const out: Row[] = []
  const cache = opts.shareDeletes ? new Map() : undefined
  for (const d of t.data) {
    const filter = await loadDeletes(d.file.filePath, applicableDeletes(t, d), {
      open: async (path) => localSource(t.local(path)),
      schemas: [t.schema, ...t.metadata.schemas.filter((s) => s !== t.schema).reverse()],
      dataSchema: t.schema,
      ...(opts.allowBareDeletionVectors ? { allowBareDeletionVectors: true } : {}),
      ...(cache ? { positionDeleteCache: cache } : {}),
    })
    const rows = await readRows(t, d)
    rows.forEach((r, i) => {
      if (!filter.isDeleted(i, r)) out.push(r)
    })
  }
  return out
}

/** The metadata file a table's readers start from: version hint (number or file stem), else the highest version. */
export function currentMetadataName(tableDir: string): string {
  const m = join(corpusPath(tableDir), 'metadata')
  const names = readdirSync(m).filter((n) => /metadata\.json(\.gz)?$/.test(n) && !n.startsWith('.'))
  const hintFile = ['version-hint.text', 'version-hint.txt'].map((h) => join(m, h)).find((p) => existsSync(p))
  if (hintFile) {
    const h = readFileSync(hintFile, 'utf8').trim()
    const hit = names.find((n) => n === `v${h}.metadata.json` || n === `v${h}.gz.metadata.json` || n.startsWith(`${h}.`) || n === `${h}.metadata.json`)
    if (hit) return hit
  }
  const version = (n: string): number => Number(/^v?(\d+)/.exec(n)?.[1] ?? -1)
  return [...names].sort((a, b) => version(a) - version(b)).at(-1)!
}

/** Table folders (relative to the corpus) holding a `metadata/` folder with metadata JSON. */
export function corpusTables(): string[] {
  const out: string[] = []
  const visit = (rel: string): void => {
    const abs = corpusPath(rel)
    for (const name of readdirSync(abs).sort()) {
      if (name.startsWith('.') || name === '_expected') continue
      const child = rel ? `${rel}/${name}` : name
      if (!statSync(corpusPath(child)).isDirectory()) continue
      if (name === 'metadata') {
        if (readdirSync(corpusPath(child)).some((n) => /metadata\.json(\.gz)?$/.test(n))) out.push(rel)
      } else visit(child)
    }
  }
  visit('')
  return out
}

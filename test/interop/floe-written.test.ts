// Tables floe WRITES, read by independent readers. For v2 and v3, unpartitioned and partitioned by seven
// transforms, with every primitive type and edge values: (1) DuckDB reads every data file by field id
// (all columns renamed) with the rows floe scans from it; (2) icebird 0.3.1 reads the whole table equal to
// floe's scan after normalising representations by Iceberg type (icebirdForm documents each one);
// (3) manifest lists and manifests carry Java's header keys and `field-id` on every Avro field in Java's
// order; (4) each manifest's partition tuple is the transforms of the file's rows as DuckDB reads them;
// (5) after a merge-on-read delete, DuckDB and icebird agree with floe (v2 position deletes), and the v3
// deletion-vector case asserts icebird's documented limitation.
import { rmSync } from 'node:fs'
import { basename } from 'node:path'
import type { DuckDBConnection } from '@duckdb/node-api'
import { icebergRead } from 'icebird'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalFileIO } from '../../src/io/local.js'
import type { Row } from '../../src/parquet/codec.js'
import { readManifest } from '../../src/spec/avro/manifest-codec.js'
import { readManifestList } from '../../src/spec/avro/manifest-list-codec.js'
import { readOcfHeader } from '../../src/spec/avro/ocf.js'
import type { DataFile } from '../../src/spec/manifest.js'
import { findField } from '../../src/spec/schema.js'
import { applyTransform } from '../../src/spec/transform-apply.js'
import { resultType } from '../../src/spec/transform.js'
import type { PrimitiveType, Value } from '../../src/spec/types.js'
import { utf8Encode } from '../../src/spec/values.js'
import { readTask } from '../../src/table/read.js'
import type { Table } from '../../src/table/table.js'
import type { FileScanTask } from '../../src/table/task.js'
import { duckdb } from '../support/corpus/duckdb.js'
import { batches, canonical, DELETED_I, duckFileRows, fromDuck, icebirdRows, installVerbatimFetch, NOT_UTF8, readByFieldId, writeTable, type WrittenTable } from '../support/floe-written.js'
import { canon } from '../unit/write/write-fixtures.js'

const io = new LocalFileIO()
const INPUT = batches().flat()

// Java's Avro field order (../shared/spec/FACTS.md §7, §8.2, §8.3): spec constants, not floe output.
const LIST_IDS = { 2: [500, 501, 502, 517, 515, 516, 503, 504, 505, 506, 512, 513, 514, 507, 519], 3: [500, 501, 502, 517, 515, 516, 503, 504, 505, 506, 512, 513, 514, 507, 519, 520] }
const ENTRY_IDS = [0, 1, 3, 4, 2]
const DATA_FILE_IDS = {
  2: [134, 100, 101, 102, 103, 104, 108, 109, 110, 137, 125, 128, 131, 132, 135, 140, 143],
  3: [134, 100, 101, 102, 103, 104, 108, 109, 110, 137, 125, 128, 131, 132, 135, 140, 142, 143, 144, 145],
}

/** Every record's field ids (by record name) and every array's element-id in an Avro schema JSON. */
function avroIds(schemaText: string): { records: Map<string, unknown[]>; elementIds: unknown[]; mapRecords: string[] } {
  const records = new Map<string, unknown[]>()
  const elementIds: unknown[] = []
  const mapRecords: string[] = []
  const visit = (t: unknown): void => {
    if (Array.isArray(t)) return t.forEach(visit)
    if (typeof t !== 'object' || t === null) return
    const o = t as Record<string, unknown>
    if (o.type === 'record') {
      const fields = o.fields as Record<string, unknown>[]
      records.set(o.name as string, fields.map((f) => f['field-id']))
      fields.forEach((f) => visit(f.type))
    } else if (o.type === 'array') {
      if (o.logicalType === 'map') mapRecords.push((o.items as { name: string }).name)
      else elementIds.push(o['element-id'])
      visit(o.items)
    }
  }
  visit(JSON.parse(schemaText))
  return { records, elementIds, mapRecords }
}

async function collect(it: AsyncIterable<Row>): Promise<Row[]> {
  const out: Row[] = []
  for await (const r of it) out.push(r)
  return out
}

const byId = (rows: readonly Row[]): Row[] => [...rows].sort((a, b) => ((a.id as bigint) < (b.id as bigint) ? -1 : 1))

async function icebird(t: Table): Promise<Record<string, unknown>[]> {
  const restore = installVerbatimFetch()
  try {
    return await icebergRead({ tableUrl: t.metadata.location, metadataFileName: basename(t.metadataLocation) })
  } finally {
    restore()
  }
}

/**
 * Run `fn` with the process's `unhandledRejection` listeners swapped for a recorder. icebird starts reading
 * delete files without awaiting them (read.js: `const deleteMaps = fetchDeleteMaps(…)`, awaited only after
 * the first data file is read), so when that read fails first Node reports the rejection as unhandled.
 */
async function capturingUnhandled<T>(fn: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; unhandled: unknown[] }> {
  const saved = process.listeners('unhandledRejection')
  process.removeAllListeners('unhandledRejection')
  const unhandled: unknown[] = []
  const record = (e: unknown): void => void unhandled.push(e)
  process.on('unhandledRejection', record)
  try {
    const [result] = await Promise.allSettled([fn()])
    await new Promise((r) => setImmediate(r))
    return { result: result!, unhandled }
  } finally {
    process.off('unhandledRejection', record)
    for (const l of saved) process.on('unhandledRejection', l)
  }
}

/** The raw metadata JSON of a table version (ids in the parts compared here are small integers). */
async function rawMetadata(t: Table): Promise<{ schemas: { 'schema-id': number }[]; 'partition-specs': { 'spec-id': number; fields: unknown[] }[] }> {
  return JSON.parse(new TextDecoder().decode(await io.read(t.metadataLocation))) as never
}

describe.each([2, 3] as const)('floe-written v%i tables', (v) => {
  describe.each([false, true])('partitioned: %s', (partitioned) => {
    let w: WrittenTable
    let c: DuckDBConnection
    beforeAll(async () => {
      w = await writeTable(v, partitioned)
      c = await duckdb()
    })
    afterAll(() => {
      if (w) rmSync(w.warehouse, { recursive: true, force: true })
    })

    it('DuckDB reads every data file by field id: the same rows, in file order, as floe scans from it', async () => {
      const s = w.appended.schema()
      const tasks = await w.appended.scan().planFiles()
      expect(tasks.length).toBeGreaterThan(partitioned ? 4 : 1)
      const all: Row[] = []
      for (const task of tasks) {
        const floe = await collect(readTask(w.appended.env, task, undefined, { withPositions: true }))
        const duck = await duckFileRows(c, task.file.filePath, s)
        expect(duck.length).toBe(Number(task.file.recordCount))
        expect(canonical(s, duck)).toEqual(canonical(s, floe))
        all.push(...duck)
      }
      // and DuckDB's rows are the rows that were appended
      expect(canonical(s, byId(all).map(({ _pos, ...r }) => r))).toEqual(canonical(s, byId(INPUT)))
    })

    it('icebird reads the whole table equal to floe’s scan (normalised by Iceberg type)', async () => {
      const s = w.appended.schema()
      const got = await icebird(w.appended)
      const floe = await w.appended.scan().toArray()
      expect(got.length).toBe(INPUT.length)
      expect(icebirdRows(s, got, 'icebird')).toEqual(icebirdRows(s, floe, 'floe'))
      // Limitation: binary comes back as UTF-8 text, so bytes that are not UTF-8 are lost (floe keeps them).
      const ib = got.find((r) => r.bin !== null && (r.bin as string).includes('\uFFFD'))
      const fl = floe.find((r) => r.id === ib?.id)
      expect(fl?.bin).toEqual(NOT_UTF8)
      expect(utf8Encode(ib?.bin as string)).not.toEqual(NOT_UTF8)
    })

    it('every manifest list and manifest carries the Java header keys and field-ids on every Avro field', async () => {
      const t = w.deleted
      const md = await rawMetadata(t)
      const seen = new Set<string>()
      let manifests = 0
      for (const snap of t.snapshots()) {
        const bytes = await io.read(snap.manifestList!)
        const h = readOcfHeader(bytes).metadata
        const keys = ['snapshot-id', 'parent-snapshot-id', 'sequence-number', ...(v >= 3 ? ['first-row-id'] : []), 'format-version']
        expect(Object.fromEntries(keys.map((k) => [k, h.get(k)]))).toEqual({
          'snapshot-id': String(snap.snapshotId),
          'parent-snapshot-id': snap.parentSnapshotId === undefined ? 'null' : String(snap.parentSnapshotId),
          'sequence-number': String(snap.sequenceNumber),
          ...(v >= 3 ? { 'first-row-id': String(snap.firstRowId) } : {}),
          'format-version': String(v),
        })
        const list = avroIds(h.get('avro.schema')!)
        expect(list.records.get('manifest_file')).toEqual(LIST_IDS[v])
        expect(list.records.get('r508')).toEqual([509, 518, 510, 511])
        expect(list.elementIds).toEqual([508])
        for (const mf of readManifestList(bytes).manifests) {
          if (seen.has(mf.manifestPath)) continue
          seen.add(mf.manifestPath)
          manifests++
          const mh = readOcfHeader(await io.read(mf.manifestPath)).metadata
          expect(['schema', 'partition-spec', 'partition-spec-id', 'format-version', 'content'].filter((k) => !mh.has(k))).toEqual([])
          expect([mh.get('partition-spec-id'), mh.get('format-version'), mh.get('content')]).toEqual([String(mf.partitionSpecId), String(v), mf.content])
          const headerSchema = JSON.parse(mh.get('schema')!) as { 'schema-id': number }
          expect(headerSchema).toEqual(md.schemas.find((x) => x['schema-id'] === headerSchema['schema-id']))
          // required from v2 by the spec's manifest key-value table
          if (v >= 2) expect(mh.get('schema-id')).toBe(String(headerSchema['schema-id']))
          const spec = md['partition-specs'].find((x) => x['spec-id'] === mf.partitionSpecId)!
          expect(JSON.parse(mh.get('partition-spec')!)).toEqual(spec.fields)
          const ids = avroIds(mh.get('avro.schema')!)
          expect(ids.records.get('manifest_entry')).toEqual(ENTRY_IDS)
          expect(ids.records.get('r2')).toEqual(DATA_FILE_IDS[v])
          expect(ids.records.get('r102')).toEqual(spec.fields.map((f) => (f as { 'field-id': number })['field-id']))
          for (const name of ids.mapRecords) expect(ids.records.get(name)).toEqual(/^k(\d+)_v(\d+)$/.exec(name)!.slice(1).map(Number))
          expect(ids.mapRecords.length).toBe(6)
          expect(ids.elementIds).toEqual([133, 136])
          for (const fieldIds of ids.records.values()) for (const id of fieldIds) expect(Number.isInteger(id)).toBe(true)
        }
      }
      expect(t.snapshots().length).toBe(3)
      expect(manifests).toBeGreaterThanOrEqual(3)
    })

    it('manifest partition values are the transforms of each data file’s rows as DuckDB reads them', async () => {
      const t = w.deleted
      const s = t.schema()
      const partitions = new Map<string, unknown>() // data file path → its manifest partition tuple
      const deletes: { file: DataFile; tuple: unknown }[] = []
      for (const mf of readManifestList(await io.read(t.currentSnapshot()!.manifestList!)).manifests) {
        const m = readManifest(await io.read(mf.manifestPath), { manifest: mf, specs: t.metadata.specs })
        const sources = m.spec.fields.map((f) => findField(s, f.sourceId)!)
        const types = m.spec.fields.map((f, k) => resultType(f.transform, sources[k]!.type as PrimitiveType))
        const tuple = (p: readonly Value[]): unknown[] => p.map((x, k) => canon(types[k]!, x))
        for (const e of m.entries.filter((x) => x.status !== 'deleted')) {
          const file = e.dataFile
          if (file.content !== 'data') {
            deletes.push({ file, tuple: tuple(file.partition) })
            continue
          }
          partitions.set(file.filePath, tuple(file.partition))
          const rows = await duckFileRows(c, file.filePath, s)
          expect(rows.length).toBeGreaterThan(0)
          for (const r of rows) expect(tuple(m.spec.fields.map((f, k) => applyTransform(f.transform, sources[k]!.type as PrimitiveType, r[sources[k]!.name]!)))).toEqual(tuple(file.partition))
        }
      }
      const distinct = new Set([...partitions.values()].map((p) => JSON.stringify(p)))
      if (partitioned) expect(distinct.size).toBeGreaterThan(4)
      else expect([...distinct]).toEqual(['[]'])
      // one delete per partially deleted data file; its partition is the partition of the data file it references
      expect(deletes.length).toBe(2)
      for (const { file: d, tuple } of deletes) {
        const targets =
          d.fileFormat === 'PUFFIN'
            ? [d.referencedDataFile!]
            : (await c.runAndReadAll(`SELECT DISTINCT p FROM read_parquet('${d.filePath.replace(/'/g, "''")}', schema = MAP {2147483546: {name: 'p', type: 'VARCHAR', default_value: NULL}})`)).getRows().map((r) => String(r[0]))
        expect(targets.length).toBe(1)
        expect(tuple).toEqual(partitions.get(targets[0]!))
      }
    })

    it('after a merge-on-read delete: DuckDB finds the same rows and positions; icebird applies v2 position deletes', async () => {
      const s = w.deleted.schema()
      const after = await w.deleted.scan().toArray()
      expect(after.length).toBe(INPUT.length - INPUT.filter((r) => r.i === DELETED_I).length)
      // DuckDB evaluates the delete predicate itself over the appended files
      const before = await w.appended.scan().planFiles()
      const union = before.map((task) => `SELECT * FROM ${readByFieldId(task.file.filePath, s.fields)}`).join(' UNION ALL ')
      const i = s.fields.find((f) => f.name === 'i')!
      const kept = (await c.runAndReadAll(`SELECT * FROM (${union}) WHERE c${i.id} IS DISTINCT FROM ${DELETED_I}`)).getRowObjects()
      const keptRows = kept.map((o) => Object.fromEntries(s.fields.map((f) => [f.name, fromDuck(f.type, o[`c${f.id}`])])) as Row)
      expect(canonical(s, byId(after))).toEqual(canonical(s, byId(keptRows)))

      const tasks: FileScanTask[] = (await w.deleted.scan().planFiles()).filter((task) => task.deletes.length > 0)
      expect(tasks.length).toBe(2) // every delete is partial: the files stay, with a delete each
      const q = (path: string): string => `'${path.replace(/'/g, "''")}'`
      for (const task of tasks) {
        const all = await duckFileRows(c, task.file.filePath, s)
        const matched = (await c.runAndReadAll(`SELECT file_row_number FROM ${readByFieldId(task.file.filePath, s.fields)} WHERE c${i.id} = ${DELETED_I} ORDER BY 1`)).getRows().map((r) => String(r[0]))
        expect(matched.length).toBeGreaterThan(0)
        expect(matched.length).toBeLessThan(all.length)
        // floe's scan of the file with its deletes = DuckDB's rows of the file minus the rows matching the filter, by position
        const live = await collect(readTask(w.deleted.env, task, undefined, { withPositions: true }))
        expect(canonical(s, live)).toEqual(canonical(s, all.filter((r) => !matched.includes(String(r._pos)))))
        if (v === 2) {
          // DuckDB reads the position-delete files by their reserved field ids (file_path 2147483546, pos 2147483545): the same positions
          const reads = task.deletes.map(
            (x) => `SELECT n FROM read_parquet(${q(x.filePath)}, schema = MAP {2147483546: {name: 'p', type: 'VARCHAR', default_value: NULL}, 2147483545: {name: 'n', type: 'BIGINT', default_value: NULL}}) WHERE p = ${q(task.file.filePath)}`,
          )
          expect((await c.runAndReadAll(`${reads.join(' UNION ALL ')} ORDER BY 1`)).getRows().map((r) => String(r[0]))).toEqual(matched)
        } else {
          // v3 writes deletion vectors (Puffin), which DuckDB's read_parquet cannot open: the positions are checked above through floe
          expect(task.deletes.map((x) => [x.fileFormat, x.content, x.referencedDataFile])).toEqual([['PUFFIN', 'position-deletes', task.file.filePath]])
        }
      }

      if (v === 2) {
        const got = await icebird(w.deleted)
        expect(icebirdRows(s, got, 'icebird')).toEqual(icebirdRows(s, after, 'floe'))
      } else {
        // icebird 0.3.1 does not read deletion vectors (README: "Binary Deletion Vectors ❌"): it opens the
        // Puffin file named by a position-delete entry as Parquet and fails on the footer magic.
        const { result, unhandled } = await capturingUnhandled(() => icebird(w.deleted))
        expect(result.status).toBe('rejected')
        expect(String((result as PromiseRejectedResult).reason)).toMatch(/footer != PAR1/)
        for (const e of unhandled) expect(String(e)).toMatch(/footer != PAR1/)
      }
    })
  })
})

// Round-trip properties for manifests and manifest lists (v1/v2/v3), field ids on every written record
// field, and robustness: mutated or truncated Avro only ever fails with a FloeError (no hang, no TypeError).
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../src/errors.js'
import { readManifest, writeManifest } from '../../src/spec/avro/manifest-codec.js'
import { readManifestList, writeManifestList } from '../../src/spec/avro/manifest-list-codec.js'
import { readOcf, readOcfHeader } from '../../src/spec/avro/ocf.js'
import { parseJson, type JsonValue } from '../../src/spec/json/lossless.js'
import type { ManifestEntry, ManifestFile } from '../../src/spec/manifest.js'
import type { FormatVersion } from '../../src/spec/table-metadata.js'
import { corpusPath } from '../support/corpus.js'
import { id63, manifestArb, manifestFileArb } from './arbitraries/manifest.js'

const runs = Number(process.env.FC_NUM_RUNS ?? 200)
/** Mutation cases per property; at least 500 so the suite runs ≥ 1,000 mutated files. */
const fuzzRuns = Math.max(500, runs)

/** What a reader returns for a written entry when no manifest-list entry is given. */
function expectedRead(e: ManifestEntry, v: FormatVersion): ManifestEntry {
  return v === 1 ? { ...e, sequenceNumber: 0n, fileSequenceNumber: 0n } : e
}

/** Every record field in an Avro schema JSON carries an integer field-id (variant records excepted). */
function fieldsWithoutIds(s: JsonValue, path = ''): string[] {
  if (Array.isArray(s)) return s.flatMap((b, i) => fieldsWithoutIds(b, `${path}|${i}`))
  if (s === null || typeof s !== 'object') return []
  const out: string[] = []
  if (s.type === 'record' && Array.isArray(s.fields) && s.logicalType !== 'variant')
    for (const f of s.fields as { name: string; type: JsonValue; 'field-id'?: unknown }[]) {
      if (!Number.isInteger(f['field-id'])) out.push(`${path}.${f.name}`)
      out.push(...fieldsWithoutIds(f.type, `${path}.${f.name}`))
    }
  if (s.items !== undefined) out.push(...fieldsWithoutIds(s.items, `${path}[]`))
  if (s.values !== undefined) out.push(...fieldsWithoutIds(s.values, `${path}{}`))
  if (typeof s.type === 'object') out.push(...fieldsWithoutIds(s.type, path))
  return out
}

describe('manifest round-trips', () => {
  it('random manifests (v1/v2/v3, random specs, metrics, 63-bit ids) read back exactly', () => {
    fc.assert(
      fc.property(manifestArb(), fc.constantFrom('null', 'deflate' as const), ({ v, content, schema, spec, entries }, codec) => {
        const bytes = writeManifest(entries, { formatVersion: v, spec, schema, content, codec })
        const m = readManifest(bytes)
        expect(m.entries).toEqual(entries.map((e) => expectedRead(e, v)))
        expect(m.formatVersion).toBe(v)
        expect(m.content).toBe(content)
        expect(m.spec).toEqual(spec)
        expect(m.schema).toEqual(schema)
      }),
      { numRuns: runs },
    )
  })

  it('inheritance fills exactly the unassigned values from the list entry', () => {
    fc.assert(
      fc.property(manifestArb(), id63, fc.bigInt({ min: 0n, max: 1n << 40n }), ({ v, content, schema, spec, entries }, sid, seq) => {
        const list: ManifestFile = { manifestPath: 'm.avro', manifestLength: 1n, partitionSpecId: spec.specId, content, sequenceNumber: seq, minSequenceNumber: 0n, addedSnapshotId: sid }
        const got = readManifest(writeManifest(entries, { formatVersion: v, spec, schema, content }), { manifest: list }).entries
        got.forEach((g, i) => {
          const e = entries[i]!
          expect(g.snapshotId).toBe(e.snapshotId ?? sid)
          const inherits = e.status === 'added' || seq === 0n
          expect(g.sequenceNumber).toBe(e.sequenceNumber ?? (inherits ? seq : undefined))
          expect(g.fileSequenceNumber).toBe(e.fileSequenceNumber ?? (inherits ? seq : undefined))
          expect(g.dataFile).toEqual(e.dataFile)
        })
      }),
      { numRuns: runs },
    )
  })

  it('written headers carry field-id on every record field', () => {
    fc.assert(
      fc.property(manifestArb(), ({ v, content, schema, spec, entries }) => {
        const h = readOcfHeader(writeManifest(entries, { formatVersion: v, spec, schema, content }))
        expect(fieldsWithoutIds(parseJson(h.schemaText))).toEqual([])
        expect(h.metadata.get('format-version')).toBe(String(v))
      }),
      { numRuns: runs },
    )
  })
})

describe('manifest-list round-trips', () => {
  for (const v of [1, 2, 3] as const)
    it(`v${v} lists read back exactly, with header ids`, () => {
      fc.assert(
        fc.property(fc.array(manifestFileArb(v), { maxLength: 6 }), id63, fc.option(id63, { nil: undefined }), fc.bigInt({ min: 0n, max: 1n << 62n }), (ms, sid, parent, seq) => {
          const bytes = writeManifestList(ms, { formatVersion: v, snapshotId: sid, sequenceNumber: seq, firstRowId: seq, ...(parent === undefined ? {} : { parentSnapshotId: parent }) })
          const l = readManifestList(bytes)
          expect(l.manifests).toEqual(ms)
          expect(l.snapshotId).toBe(sid)
          expect(l.parentSnapshotId).toBe(parent)
          expect(l.sequenceNumber).toBe(v >= 2 ? seq : undefined)
          expect(l.firstRowId).toBe(v === 3 ? seq : undefined)
          expect(fieldsWithoutIds(parseJson(readOcfHeader(bytes).schemaText))).toEqual([])
        }),
        { numRuns: runs },
      )
    })
})

// ---------------------------------------------------------------------------------------- robustness

type Sample = { kind: 'manifest' | 'list'; bytes: Uint8Array }

/** Valid files to mutate: generated (both codecs) plus engine-written ones from the corpus. */
function samples(): Sample[] {
  const out: Sample[] = []
  const gen = fc.sample(manifestArb(), { numRuns: 6, seed: 7 })
  gen.forEach(({ v, content, schema, spec, entries }, i) =>
    out.push({ kind: 'manifest', bytes: writeManifest(entries, { formatVersion: v, spec, schema, content, codec: i % 2 ? 'null' : 'deflate' }) }),
  )
  const lists = fc.sample(fc.array(manifestFileArb(2), { minLength: 1, maxLength: 4 }), { numRuns: 3, seed: 9 })
  lists.forEach((ms, i) => out.push({ kind: 'list', bytes: writeManifestList(ms, { formatVersion: 2, snapshotId: 1n, codec: i % 2 ? 'null' : 'deflate' }) }))
  for (const p of [
    'icebird/test/files/a85973e4-4009-4cba-875e-5278a2c6027d-m0.avro',
    'iceberg-cxx/tests/tables/identity_partitioning/metadata/bfd02a62-ed9d-4ab0-83a0-992b76310fe4-m0.avro',
    'duckdb-iceberg/data/persistent/big_query_error/metadata/24f5f399-c7ec-488d-a9d3-f0aceb454be2-4830b289af0338e2-f-00000-of-00001.avro',
  ])
    out.push({ kind: 'manifest', bytes: readFileSync(corpusPath(p)) })
  for (const p of ['iceberg-go/testdata/duckdb_v3_manifest_list.avro', 'icebird/test/files/snap-8656952484400131532-1-a85973e4-4009-4cba-875e-5278a2c6027d.avro'])
    out.push({ kind: 'list', bytes: readFileSync(corpusPath(p)) })
  return out
}

/** Decode with every reader that applies; anything thrown must be a FloeError. */
function decodeAll(s: Sample, bytes: Uint8Array): void {
  const attempts = [() => readOcf(bytes), s.kind === 'manifest' ? () => readManifest(bytes, { file: 'fuzz.avro' }) : () => readManifestList(bytes, { file: 'fuzz.avro' })]
  for (const a of attempts)
    try {
      a()
    } catch (e) {
      if (!(e instanceof FloeError)) throw new Error(`untyped error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
    }
}

type Mutation = { op: 'flip' | 'set' | 'insert' | 'delete'; at: number; byte: number }
const mutation: fc.Arbitrary<Mutation> = fc.record({ op: fc.constantFrom('flip', 'set', 'insert', 'delete'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) })

function mutate(src: Uint8Array, ms: readonly Mutation[], cut: number | undefined): Uint8Array {
  let b = Array.from(src)
  for (const m of ms) {
    const i = b.length ? m.at % b.length : 0
    if (m.op === 'flip') b[i] = (b[i] ?? 0) ^ (1 << (m.byte & 7))
    else if (m.op === 'set') b[i] = m.byte
    else if (m.op === 'insert') b.splice(i, 0, m.byte)
    else b.splice(i, 1)
  }
  if (cut !== undefined) b = b.slice(0, cut % (b.length + 1))
  return Uint8Array.from(b)
}

describe('robustness', () => {
  const all = samples()

  for (const kind of ['manifest', 'list'] as const)
    it(`random mutations of valid ${kind} files only give FloeError`, () => {
      const pool = all.filter((s) => s.kind === kind)
      fc.assert(
        fc.property(fc.nat(pool.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.option(fc.nat(), { nil: undefined }), (i, ms, cut) => {
          const s = pool[i]!
          decodeAll(s, mutate(s.bytes, ms, cut))
        }),
        { numRuns: fuzzRuns },
      )
    })

  it('mutations aimed at the data section (past the header) only give FloeError', () => {
    fc.assert(
      fc.property(fc.nat(all.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (i, edits) => {
        const s = all[i]!
        const start = readOcfHeader(s.bytes).dataOffset
        const b = s.bytes.slice()
        for (const [at, v] of edits) if (b.length > start) b[start + (at % (b.length - start))] = v
        decodeAll(s, b)
      }),
      { numRuns: fuzzRuns },
    )
  })

  it('every truncation of the sample files only gives FloeError', () => {
    for (const s of all.slice(0, 8)) for (let n = 0; n < s.bytes.length; n += 1 + (s.bytes.length >> 9)) decodeAll(s, s.bytes.subarray(0, n))
  })
})

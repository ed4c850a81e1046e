// Round-trip properties for metadata JSON, schemas and specs; random mutations only give typed errors.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../src/errors.js'
import { parseJson, stringifyJson } from '../../src/spec/json/lossless.js'
import { jsonRoot } from '../../src/spec/json/json-read.js'
import { parseTableMetadata, readTableMetadata } from '../../src/spec/json/metadata-read.js'
import { validateMetadata } from '../../src/spec/json/metadata-validate.js'
import { metadataToJson, writeTableMetadata, writeTableMetadataJson } from '../../src/spec/json/metadata-write.js'
import { schemaFromJson, schemaToJson, specFromJson, specToJson } from '../../src/spec/json/schema-json.js'
import { metadataArb, schemaArb, specArb } from './arbitraries/metadata.js'

const runs = Number(process.env.FC_NUM_RUNS ?? 200)

describe('metadata round-trips', () => {
  it('schemas round-trip through JSON', () => {
    fc.assert(
      fc.property(schemaArb(), (s) => {
        const text = stringifyJson(schemaToJson(s))
        expect(schemaFromJson(parseJson(text), jsonRoot())).toEqual(s)
      }),
      { numRuns: runs },
    )
  })

  it('partition specs round-trip through JSON', () => {
    fc.assert(
      fc.property(schemaArb().chain((s) => specArb(s, 3)), (spec) => {
        expect(specFromJson(parseJson(stringifyJson(specToJson(spec))), jsonRoot())).toEqual(spec)
      }),
      { numRuns: runs },
    )
  })

  for (const version of [1, 2, 3] as const) {
    it(`v${version} metadata round-trips exactly (64-bit ids included), plain and gzip`, () => {
      fc.assert(
        fc.property(metadataArb(version), fc.boolean(), (m, pretty) => {
          validateMetadata(m)
          const again = parseTableMetadata(writeTableMetadataJson(m, pretty ? 2 : 0))
          expect(again).toEqual(m)
          expect(readTableMetadata(writeTableMetadata(m, { gzip: true }))).toEqual(m)
        }),
        { numRuns: runs },
      )
    })
  }
})

describe('bad metadata bytes never escape untyped', () => {
  it('memoised snapshot and log text changes nothing: compact output equals serialising the plain tree', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3 as const).chain((v) => metadataArb(v)), (m) => {
        const plain = stringifyJson(metadataToJson(m))
        expect(writeTableMetadataJson(m)).toBe(plain)
        expect(writeTableMetadataJson(m)).toBe(plain) // second time from the memo
        expect(JSON.parse(writeTableMetadataJson(m, 2))).toEqual(JSON.parse(plain))
        // file bytes assembled from cached part bytes equal encoding the whole text, first time and memoised
        const bytes = new TextEncoder().encode(plain)
        expect(writeTableMetadata(m)).toEqual(bytes)
        expect(writeTableMetadata(m)).toEqual(bytes)
      }),
      { numRuns: runs },
    )
  })

  it('random byte mutations and truncations give only FloeError (≥1000 cases)', () => {
    const sample = fc.sample(metadataArb(2), { numRuns: 20, seed: 42 }).map((m) => writeTableMetadata(m))
    let typed = 0
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sample.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        (which, edits, cut, gzip) => {
          const src = sample[which]!
          let bytes = new Uint8Array(src)
          for (const [pos, b] of edits) bytes[pos % bytes.length] = b
          if (cut !== undefined) bytes = bytes.subarray(0, cut % (bytes.length + 1))
          if (gzip) bytes = new Uint8Array([0x1f, 0x8b, ...bytes.subarray(2)])
          try {
            readTableMetadata(bytes, 'mutated.metadata.json')
          } catch (e) {
            if (!(e instanceof FloeError)) throw e
            typed++
          }
        },
      ),
      { numRuns: Math.max(1000, runs * 5), seed: 7 },
    )
    expect(typed).toBeGreaterThan(100)
  })
})

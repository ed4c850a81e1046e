// floe's snappy block compressor. Property: for inputs built of random bytes, runs and back-references (near,
// and beyond the 64 KiB copy offset limit), its output is byte for byte what hyparquet-writer's built-in
// compressor gives, and hyparquet's decompressor gives the input back. Unit tests: every literal length
// form (1..4 length bytes), copies longer than 64 bytes, inputs shorter than the 15-byte margin, and the
// shared scratch buffer (one call's output is not overwritten by the next).
import fc from 'fast-check'
import { snappyUncompress } from 'hyparquet'
import { snappyCompress as hyparquetSnappy } from 'hyparquet-writer/src/snappy.js'
import { describe, expect, it } from 'vitest'
import { snappyCompress } from '../../../src/compression/snappy.js'

type Piece = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'run'; byte: number; len: number } | { kind: 'back'; offset: number; len: number }

const PIECE: fc.Arbitrary<Piece> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant('run' as const), byte: fc.integer({ min: 0, max: 255 }), len: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant('back' as const), offset: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 60_000, max: 70_000 })), len: fc.integer({ min: 1, max: 400 }) }),
)

/** The input the pieces describe (a back-reference repeats earlier bytes, clamped to what exists). */
function build(pieces: readonly Piece[]): Uint8Array {
  const out: number[] = []
  for (const p of pieces) {
    if (p.kind === 'bytes') out.push(...p.bytes)
    else if (p.kind === 'run') for (let i = 0; i < p.len; i++) out.push(p.byte)
    else if (out.length > 0) {
      const off = Math.min(p.offset, out.length)
      for (let i = 0; i < p.len; i++) out.push(out[out.length - off]!)
    }
  }
  return Uint8Array.from(out)
}

function roundTrip(packed: Uint8Array, n: number): Uint8Array {
  const back = new Uint8Array(n)
  snappyUncompress(packed, back)
  return back
}

describe('snappyCompress', () => {
  it('gives hyparquet-writer’s bytes exactly, and hyparquet decompresses them to the input', () => {
    fc.assert(
      fc.property(fc.array(PIECE, { maxLength: 120 }), (pieces) => {
        const input = build(pieces)
        const packed = snappyCompress(input)
        expect(Buffer.from(packed).equals(Buffer.from(hyparquetSnappy(input)))).toBe(true)
        expect(Buffer.from(roundTrip(packed, input.length)).equals(Buffer.from(input))).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('writes literal lengths in 1 to 4 extra bytes and splits long copies', () => {
    // incompressible runs of pseudo-random bytes: one literal each, of lengths needing 0..3 extra length bytes
    let s = 12345
    const noise = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24)
    for (const n of [0, 1, 14, 15, 16, 60, 61, 256, 257, 70_000, 17_000_000]) {
      const input = noise(n)
      const packed = snappyCompress(input)
      expect(Buffer.from(packed).equals(Buffer.from(hyparquetSnappy(input)))).toBe(true)
      expect(Buffer.from(roundTrip(packed, n)).equals(Buffer.from(input))).toBe(true)
    }
    // a run compresses to a literal and 64-byte copies: far smaller than the input
    const run = new Uint8Array(100_000).fill(7)
    const packed = snappyCompress(run)
    expect(packed.length).toBeLessThan(5000)
    expect(roundTrip(packed, run.length).every((b) => b === 7)).toBe(true)
  })

  it('returns arrays that later calls do not overwrite', () => {
    const a = snappyCompress(new TextEncoder().encode('iceberg '.repeat(100)))
    const copy = Uint8Array.from(a)
    snappyCompress(new Uint8Array(10_000).fill(1))
    expect(a).toEqual(copy)
  })
})

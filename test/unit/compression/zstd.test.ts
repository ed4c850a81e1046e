// The shared zstd module: loaded once, and what it compresses decompresses back (checked with fzstd, the
// decompressor the readers use).
import { decompress } from 'fzstd'
import { describe, expect, it } from 'vitest'
import { loadZstd } from '../../../src/compression/zstd.js'

describe('loadZstd', () => {
  it('loads one module that round-trips at several levels', async () => {
    const a = loadZstd()
    expect(loadZstd()).toBe(a)
    const z = await a
    const input = new TextEncoder().encode('iceberg '.repeat(1000))
    for (const level of [1, 3, 19]) {
      const packed = z.compress(input, level)
      expect(packed.length).toBeLessThan(input.length / 10)
      expect(decompress(packed)).toEqual(input)
    }
  })
})

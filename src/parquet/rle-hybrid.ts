// The Parquet RLE / bit-packing hybrid (levels, dictionary indexes, RLE booleans), decoded defensively: a run
// never writes past the output, every run consumes input, and input ends are errors. hyparquet's decoder
// trusts run headers: a damaged RLE run length grows its output array without bound (the process dies with a
// fatal "invalid size" error) and a damaged bit-packed header with bit width 0 loops forever.

/** An output the hybrid decoder fills (levels: Uint16Array; dictionary indexes: Uint32Array). */
export type HybridOutput = Uint8Array | Uint16Array | Uint32Array

/** Bits needed for values up to `max` (0 for 0). */
export function bitWidth(max: number): number {
  return 32 - Math.clz32(max)
}

/**
 * Decode `out.length` values of `width` bits (0–32) from the hybrid encoding in `bytes[start, end)`. Returns
 * the offset after the last run read. Throws when the runs end before the output is full, when a varint is
 * malformed, or when a value exceeds `max` (when given).
 */
export function readHybrid(bytes: Uint8Array, start: number, end: number, width: number, out: HybridOutput, max?: number): number {
  if (!(width >= 0 && width <= 32)) throw new Error(`invalid bit width ${width}`)
  const stop = Math.min(end, bytes.length)
  const n = out.length
  const valueBytes = (width + 7) >>> 3
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1
  let p = start
  let seen = 0
  while (seen < n) {
    // run header: an unsigned varint of at most 32 bits
    let header = 0
    let shift = 0
    for (;;) {
      if (p >= stop) throw new Error(`encoded values end after ${seen} of ${n}`)
      const b = bytes[p++]!
      if (shift === 28 && b > 0x0f) throw new Error('run header varint is too long')
      header += (b & 0x7f) * 2 ** shift
      if (!(b & 0x80)) break
      shift += 7
    }
    if (header % 2 === 0) {
      // RLE run: one value repeated
      const count = header / 2
      if (p + valueBytes > stop) throw new Error(`encoded values end after ${seen} of ${n}`)
      let value = 0
      for (let i = 0; i < valueBytes; i++) value += bytes[p + i]! * 2 ** (8 * i)
      p += valueBytes
      if (max !== undefined && value > max) throw new Error(`value ${value} exceeds the maximum ${max}`)
      const to = Math.min(n, seen + count)
      out.fill(value, seen, to)
      seen = to
    } else {
      // bit-packed run of (header >> 1) groups of 8 values
      const count = Math.floor(header / 2) * 8
      const take = Math.min(count, n - seen)
      const runBytes = Math.floor(header / 2) * width
      const need = Math.ceil((take * width) / 8)
      if (p + need > stop) throw new Error(`encoded values end after ${seen} of ${n}`)
      if (width === 0) out.fill(0, seen, seen + take)
      else if (width <= 25) {
        // a 32-bit window always holds a value's bits (shift ≤ 7, width ≤ 25)
        for (let i = 0; i < take; i++) {
          const bit = i * width
          const at = p + (bit >>> 3)
          const w = bytes[at]! | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)
          const v = (w >>> (bit & 7)) & mask
          if (max !== undefined && v > max) throw new Error(`value ${v} exceeds the maximum ${max}`)
          out[seen + i] = v
        }
      } else {
        for (let i = 0; i < take; i++) {
          let bit = i * width
          let v = 0
          for (let got = 0; got < width; ) {
            const off = bit & 7
            const bits = Math.min(8 - off, width - got)
            v += ((bytes[p + (bit >>> 3)]! >>> off) & ((1 << bits) - 1)) * 2 ** got
            got += bits
            bit += bits
          }
          if (max !== undefined && v > max) throw new Error(`value ${v} exceeds the maximum ${max}`)
          out[seen + i] = v
        }
      }
      seen += take
      p = Math.min(stop, p + runBytes)
    }
  }
  return p
}

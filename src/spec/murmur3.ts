// Spec Appendix B: 32-bit Murmur3 (x86 variant, seed 0), the hash behind the bucket transform.
// Written from the published algorithm description; all arithmetic is 32-bit via Math.imul and `| 0`.

const C1 = 0xcc9e2d51
const C2 = 0x1b873593
const TWO_32 = 4294967296
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)
const MIN_SAFE = -MAX_SAFE

function mixK1(k: number): number {
  k = Math.imul(k, C1)
  k = (k << 15) | (k >>> 17)
  return Math.imul(k, C2)
}

function mixH1(h: number, k: number): number {
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

function fmix(h: number, length: number): number {
  h ^= length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h | 0
}

/** murmur3_x86_32 with seed 0 over `bytes`, as a signed 32-bit integer (Java `Hashing.murmur3_32_fixed`). */
export function murmur3Bytes(bytes: Uint8Array): number {
  const len = bytes.length
  const blocks = len & ~3
  let h = 0
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)
    h = mixH1(h, mixK1(k))
  }
  const rest = len - blocks
  if (rest > 0) {
    let k = 0
    if (rest === 3) k ^= bytes[blocks + 2]! << 16
    if (rest >= 2) k ^= bytes[blocks + 1]! << 8
    k ^= bytes[blocks]!
    h ^= mixK1(k)
  }
  return fmix(h, len)
}

let utf8Scratch = new Uint8Array(256)

// UTF-8 encode into the scratch buffer (lone surrogates → U+FFFD, as TextEncoder does); returns the length.
function encodeUtf8(s: string): number {
  if (utf8Scratch.length < s.length * 3) utf8Scratch = new Uint8Array(s.length * 3)
  const out = utf8Scratch
  let n = 0
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i)
    if (c < 0x80) {
      out[n++] = c
      continue
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6)
      out[n++] = 0x80 | (c & 63)
      continue
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        i++
        out[n++] = 0xf0 | (c >> 18)
        out[n++] = 0x80 | ((c >> 12) & 63)
        out[n++] = 0x80 | ((c >> 6) & 63)
        out[n++] = 0x80 | (c & 63)
        continue
      }
      c = 0xfffd
    }
    out[n++] = 0xe0 | (c >> 12)
    out[n++] = 0x80 | ((c >> 6) & 63)
    out[n++] = 0x80 | (c & 63)
  }
  return n
}

/** murmur3 of a string's UTF-8 bytes, encoded into a reused buffer (no allocation on the hot path). */
export function murmur3String(s: string): number {
  const n = encodeUtf8(s) // may replace the scratch buffer, so read it only afterwards
  return murmur3Bytes(utf8Scratch.subarray(0, n))
}

/** Hash of an int64 given as its low and high 32-bit halves (8 bytes little-endian, the spec's `hashLong`). */
export function murmur3Int64(lo: number, hi: number): number {
  let h = mixH1(0, mixK1(lo | 0))
  h = mixH1(h, mixK1(hi | 0))
  return fmix(h, 8)
}

/** `hashLong` of an integer held in a JS number (exact for safe integers; ints hash like longs). */
export function murmur3Long(v: number): number {
  if (v >= -2147483648 && v <= 2147483647) return murmur3Int64(v | 0, v < 0 ? -1 : 0)
  const hi = Math.floor(v / TWO_32)
  const lo = v - hi * TWO_32
  return murmur3Int64(lo | 0, hi | 0)
}

/** `hashLong` of a bigint (wrapped to int64 first). */
export function murmur3BigInt(v: bigint): number {
  if (v >= MIN_SAFE && v <= MAX_SAFE) return murmur3Long(Number(v))
  return murmur3Int64(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)))
}

/** `hashInt` of a 32-bit int: the value is widened to a long first, so `34` and `34L` hash the same. */
export function murmur3Int(v: number): number {
  return murmur3Int64(v | 0, v < 0 ? -1 : 0)
}

const scratch = new DataView(new ArrayBuffer(8))

/** Hash of a float/double as the spec's reference table defines it (NaN canonical, −0 → 0); not a bucket source. */
export function murmur3Double(v: number): number {
  if (Number.isNaN(v)) return murmur3Int64(0, 0x7ff80000)
  scratch.setFloat64(0, v === 0 ? 0 : v, true)
  return murmur3Int64(scratch.getInt32(0, true), scratch.getInt32(4, true))
}

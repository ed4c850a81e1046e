// Snappy block compression (the raw format Parquet's SNAPPY codec stores: a varint of the uncompressed length,
// then literal and copy elements). The matcher is the greedy one of the reference implementation, run over the
// whole input with a hash table of up to 2^14 entries and offsets below 64 KiB, so its output is byte for byte
// the one hyparquet-writer's built-in compressor gives (a property checks that); what differs is the emitter:
// elements go straight into one buffer sized for the worst case instead of through a growable writer one byte
// at a time, which made snappy about a quarter of a large Parquet write's CPU time.

const MAX_TABLE_BITS = 14
const MAX_OFFSET = 0xffff
const INPUT_MARGIN = 15
const HASH_MUL = 0x1e35a7bd
const tables: Int32Array[] = []
let scratch = new Uint8Array(0)

/** The largest block snappy can make of `n` bytes (the reference's bound, plus the length varint). */
function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6) + 5
}

const load32 = (a: Uint8Array, p: number): number => a[p]! | (a[p + 1]! << 8) | (a[p + 2]! << 16) | (a[p + 3]! << 24)
const hashAt = (a: Uint8Array, p: number, shift: number): number => Math.imul(load32(a, p), HASH_MUL) >>> shift
const hashView = (v: DataView, p: number, shift: number): number => Math.imul(v.getInt32(p, true), HASH_MUL) >>> shift

/** Write a literal element of input[from, from + len) at `op`; returns the new end. */
function literal(out: Uint8Array, op: number, input: Uint8Array, from: number, len: number): number {
  const l = len - 1
  if (l < 60) out[op++] = l << 2
  else {
    const bytes = l < 0x100 ? 1 : l < 0x10000 ? 2 : l < 0x1000000 ? 3 : 4
    out[op++] = (59 + bytes) << 2
    for (let i = 0; i < bytes; i++) out[op++] = (l >>> (8 * i)) & 0xff
  }
  if (len <= 16) {
    for (let i = 0; i < len; i++) out[op++] = input[from + i]!
    return op
  }
  out.set(input.subarray(from, from + len), op)
  return op + len
}

/** Write copy elements for `len` bytes at `offset` back; returns the new end. */
function copy(out: Uint8Array, op: number, offset: number, len: number): number {
  for (; len >= 68; len -= 64) op = copyShort(out, op, offset, 64)
  if (len > 64) {
    op = copyShort(out, op, offset, 60)
    len -= 60
  }
  return copyShort(out, op, offset, len)
}

/** One copy element of 4..64 bytes. */
function copyShort(out: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    out[op] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5)
    out[op + 1] = offset & 0xff
    return op + 2
  }
  out[op] = 2 + ((len - 1) << 2)
  out[op + 1] = offset & 0xff
  out[op + 2] = offset >>> 8
  return op + 3
}

/** Compress `input` into one snappy block (a new array of exactly the compressed length). */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const n = input.length
  const need = maxCompressedLength(n)
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2))
  const out = scratch
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength)
  let op = 0
  for (let v = n; ; v >>>= 7) {
    if (v < 0x80) {
      out[op++] = v
      break
    }
    out[op++] = (v & 0x7f) | 0x80
  }

  let nextEmit = 0
  if (n >= INPUT_MARGIN) {
    let bits = 1
    while (1 << bits <= n && bits <= MAX_TABLE_BITS) bits++
    bits--
    const shift = 32 - bits
    const table = (tables[bits] ??= new Int32Array(1 << bits))
    table.fill(0)
    const ipLimit = n - INPUT_MARGIN
    let ip = 1
    let nextHash = hashView(view, ip, shift)
    outer: for (;;) {
      // Find a 4-byte match, looking further apart the longer nothing matches.
      let skip = 32
      let nextIp = ip
      let candidate: number
      for (;;) {
        ip = nextIp
        const hash = nextHash
        nextIp = ip + (skip++ >>> 5)
        if (ip > ipLimit) break outer
        nextHash = nextIp + 4 <= n ? hashView(view, nextIp, shift) : hashAt(input, nextIp, shift)
        candidate = table[hash]!
        table[hash] = ip
        if (ip - candidate <= MAX_OFFSET && view.getInt32(ip, true) === view.getInt32(candidate, true)) break
      }
      op = literal(out, op, input, nextEmit, ip - nextEmit)
      // Emit copies while the position right after one starts another match.
      for (;;) {
        const base = ip
        let matched = 4
        while (ip + matched + 4 <= n && view.getInt32(ip + matched, true) === view.getInt32(candidate + matched, true)) matched += 4
        while (ip + matched < n && input[ip + matched] === input[candidate + matched]) matched++
        ip += matched
        op = copy(out, op, base - candidate, matched)
        nextEmit = ip
        if (ip >= ipLimit) break outer
        table[hashView(view, ip - 1, shift)] = ip - 1
        const cur = hashView(view, ip, shift)
        candidate = table[cur]!
        table[cur] = ip
        if (!(ip - candidate <= MAX_OFFSET && view.getInt32(ip, true) === view.getInt32(candidate, true))) break
      }
      ip++
      nextHash = hashView(view, ip, shift)
    }
  }
  if (nextEmit < n) op = literal(out, op, input, nextEmit, n - nextEmit)
  return out.slice(0, op)
}

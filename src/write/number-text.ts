// Exact reading of decimal number text: 32-bit floats rounded once from the digits (like Java's
// Float.parseFloat) and exact integers, so no input number passes through a double when it should not.
import { parseDecimal } from '../spec/values.js'

const F32 = new Float32Array(1)
const F32_BITS = new Uint32Array(F32.buffer)
const MAX_FLOAT = 3.4028234663852886e38
// the value one step above the largest float, where rounding goes to Infinity
const FLOAT_OVERFLOW = 2 ** 128

// Adjacent float magnitudes (non-negative, finite or the overflow step).
function floatAbove(f: number): number {
  if (f === MAX_FLOAT) return FLOAT_OVERFLOW
  F32[0] = f
  F32_BITS[0]! += 1
  return F32[0]!
}
function floatBelow(f: number): number {
  if (f === Infinity) return MAX_FLOAT
  F32[0] = f
  F32_BITS[0]! -= 1
  return F32[0]!
}

// A positive finite double as m × 2^e.
function doubleParts(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const exp = Number((bits >> 52n) & 0x7ffn)
  const frac = bits & 0xfffffffffffffn
  return exp === 0 ? { m: frac, e: -1074 } : { m: frac | (1n << 52n), e: exp - 1075 }
}

// Sign of |text| − x for decimal text and a positive finite double x, computed exactly.
function compareAbs(text: string, x: number): number {
  const d = parseDecimal(text)
  const u = d.unscaled < 0n ? -d.unscaled : d.unscaled
  const { m, e } = doubleParts(x)
  const lhs = u * (d.scale < 0 ? 10n ** BigInt(-d.scale) : 1n) * (e < 0 ? 1n << BigInt(-e) : 1n)
  const rhs = m * (d.scale > 0 ? 10n ** BigInt(d.scale) : 1n) * (e > 0 ? 1n << BigInt(e) : 1n)
  return lhs === rhs ? 0 : lhs > rhs ? 1 : -1
}

/**
 * The float (32-bit) nearest the exact value of decimal number text, ties to even, like Java's
 * `Float.parseFloat`. Going through the nearest double first can land exactly halfway between two floats
 * when the text is not; only then is the text compared exactly with that halfway point.
 */
export function float32FromText(text: string): number {
  const d = Number(text)
  const f = Math.fround(d)
  if (f === d || Number.isNaN(d)) return f
  const a = Math.abs(d)
  const fa = Math.abs(f)
  const lo = fa < a ? fa : floatBelow(fa)
  const hi = fa < a ? floatAbove(fa) : fa === Infinity ? FLOAT_OVERFLOW : fa
  if (a !== (lo + hi) / 2) return f
  const c = compareAbs(text, a)
  if (c === 0) return f
  const r = c > 0 ? (hi === FLOAT_OVERFLOW ? Infinity : hi) : lo
  return d < 0 ? -r : r
}

const PLAIN_INTEGER = /^-?\d{1,40}$/

/** The exact integer that decimal number text denotes, or undefined when it has a fraction or exceeds 10^40. */
export function exactInteger(text: string): bigint | undefined {
  if (PLAIN_INTEGER.test(text)) return BigInt(text)
  const { unscaled, scale } = parseDecimal(text)
  if (unscaled === 0n) return 0n
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length
  if (scale <= 0) return digits - scale > 40 ? undefined : unscaled * 10n ** BigInt(-scale)
  if (scale >= digits) return undefined
  const k = 10n ** BigInt(scale)
  return unscaled % k === 0n ? unscaled / k : undefined
}

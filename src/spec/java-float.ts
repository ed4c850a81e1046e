// The decimal digits Java (JDK 19+) prints for a float or double (`Float.toString` / `Double.toString`):
// among the decimals that round to the value, those of the least length m (of length 1 or 2 when m is 1),
// the one closest to the exact value, ties to an even last digit. JavaScript's own shortest form rounds
// ties up and has no one-or-two-digit rule, so partition paths and summary keys would differ from Java's.

/** A decimal `0.d1d2…dn × 10^exp10`. */
export interface DecimalDigits {
  readonly digits: string
  readonly exp10: number
}

const view = new DataView(new ArrayBuffer(8))

/** The exact decimal expansion of a finite non-zero number's magnitude. */
function exactDigits(x: number): DecimalDigits {
  view.setFloat64(0, Math.abs(x))
  const bits = view.getBigUint64(0)
  let e = Number((bits >> 52n) & 0x7ffn)
  let m = bits & ((1n << 52n) - 1n)
  if (e === 0) e = 1
  else m |= 1n << 52n
  e -= 1075 // |x| = m × 2^e
  let s: string
  let point: number
  if (e >= 0) {
    s = (m << BigInt(e)).toString()
    point = s.length
  } else {
    s = (m * 5n ** BigInt(-e)).toString()
    point = s.length + e
  }
  const lead = s.length - s.replace(/^0+/, '').length
  return { digits: s.slice(lead).replace(/0+$/, ''), exp10: point - lead }
}

/** The `p`-digit decimal closest to |x| (ties to an even last digit). */
function roundTo(exact: DecimalDigits, p: number): DecimalDigits {
  const { digits, exp10 } = exact
  if (digits.length <= p) return { digits: digits.padEnd(p, '0'), exp10 }
  let head = BigInt(digits.slice(0, p))
  const rest = digits.slice(p)
  const above = rest[0]! > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)))
  const tie = rest[0] === '5' && !above
  if (above || (tie && head % 2n === 1n)) head++
  let d = head.toString()
  let ex = exp10
  if (d.length > p) {
    d = d.slice(0, p)
    ex++
  }
  return { digits: d, exp10: ex }
}

const valueOf = (r: DecimalDigits): number => Number(`0.${r.digits}e${r.exp10}`)

/** Java's digits of a finite non-zero float (`isFloat`: the value is a float32) or double magnitude. */
export function javaShortestDigits(x: number, isFloat: boolean): DecimalDigits {
  const target = Math.abs(x)
  const exact = exactDigits(target)
  for (let p = 1; p <= 17; p++) {
    const r = roundTo(exact, p)
    const y = valueOf(r)
    if (isFloat ? Math.fround(y) === target : y === target) return p === 1 ? roundTo(exact, 2) : r
  }
  return roundTo(exact, 17)
}

/** The number Java prints for a float32 value (its shortest identifying decimal), as a double; 0, NaN and ±Infinity unchanged. */
export function javaShortestFloat(x: number): number {
  const f = Math.fround(x)
  if (f === 0 || !Number.isFinite(f)) return f
  const v = valueOf(javaShortestDigits(f, true))
  return f < 0 ? -v : v
}

// Column materialisation for one row group: flat top-level columns are converted column-wise into one array
// per column (typed arrays kept when possible); nested columns keep their levels and are assembled per row
// by level-walking readers (Dremel record assembly) into structs (objects), lists (arrays) and maps (Map).
import { constantProducer } from './constant-values.js'
import { setOwn } from '../spec/own.js'
import { FloeError } from '../errors.js'
import type { MapValue, StructValue, Value } from '../spec/types.js'
import { copyBytes, identity, type Converter } from './convert.js'
import type { PageSink } from './hyparquet-pages.js'
import type { PNode } from './parquet-schema.js'
import type { Plan } from './resolve.js'

type TypedColumn = Int32Array | Float32Array | Float64Array | BigInt64Array

const isTyped = (x: unknown): x is TypedColumn =>
  x instanceof Int32Array || x instanceof Float32Array || x instanceof Float64Array || x instanceof BigInt64Array

function badDictionaryIndex(index: unknown): never {
  throw new Error(`dictionary index ${String(index)} out of range`)
}

/** A flat column being filled page by page: one value per row, nulls in place. */
export interface FlatColumn extends PageSink {
  /** The finished column (throws unless exactly `rows` values arrived). */
  finish(): ArrayLike<Value>
}

/** Sink for a non-repeated top-level leaf of `rows` rows with maximum definition level `maxDef`. */
export function flatColumn(rows: number, maxDef: number, convert: Converter): FlatColumn {
  let dict: ArrayLike<Value> | undefined
  let dictBytes = false
  let out: Value[] | TypedColumn | undefined
  let pos = 0
  const generic = (): Value[] => {
    if (Array.isArray(out)) return out
    const g = new Array<Value>(rows)
    if (out) for (let i = 0; i < pos; i++) g[i] = out[i]!
    out = g
    return g
  }
  return {
    dictionary(values) {
      dict = convert(values)
      dictBytes = dict[0] instanceof Uint8Array
    },
    page(values, isDict, defs, _reps, triples) {
      if (pos + triples > rows) throw new Error(`column has more than ${rows} values`)
      if (isDict) {
        if (!dict) throw new Error('dictionary-encoded page without a dictionary')
        const d = dict
        const o = generic()
        const idx = values as ArrayLike<number>
        let v = 0
        if (dictBytes) {
          // byte values must not be shared between rows
          for (let i = 0; i < triples; i++) {
            if (defs.length !== 0 && defs[i] !== maxDef) o[pos++] = null
            else {
              const x = d[idx[v++]!]
              o[pos++] = x === undefined ? badDictionaryIndex(idx[v - 1]) : new Uint8Array(x as Uint8Array)
            }
          }
        } else if (defs.length === 0) {
          for (let i = 0; i < triples; i++) {
            const x = d[idx[i]!]
            o[pos++] = x === undefined ? badDictionaryIndex(idx[i]) : x
          }
        } else {
          for (let i = 0; i < triples; i++) {
            if (defs[i] === maxDef) {
              const x = d[idx[v++]!]
              o[pos++] = x === undefined ? badDictionaryIndex(idx[v - 1]) : x
            } else o[pos++] = null
          }
        }
        if (v !== idx.length && (defs.length !== 0 || dictBytes)) throw new Error('page values do not match its definition levels')
        return
      }
      const dense = convert(values)
      if (dense.length === triples) {
        // no nulls in this page
        if (out === undefined && pos === 0 && triples === rows && (isTyped(dense) || Array.isArray(dense))) {
          out = dense as Value[] | TypedColumn
          pos = rows
          return
        }
        if (out === undefined && isTyped(dense)) out = new (dense.constructor as new (n: number) => TypedColumn)(rows)
        if (isTyped(out) && dense.constructor === out.constructor) {
          ;(out as { set(a: ArrayLike<unknown>, o: number): void }).set(dense as ArrayLike<unknown>, pos)
          pos += triples
          return
        }
        const o = generic()
        for (let i = 0; i < triples; i++) o[pos++] = dense[i]!
        return
      }
      const o = generic()
      let v = 0
      for (let i = 0; i < triples; i++) o[pos++] = defs[i] === maxDef ? dense[v++]! : null
      if (v !== dense.length) throw new Error('page values do not match its definition levels')
    },
    finish() {
      if (pos !== rows) throw new Error(`column has ${pos} values, expected ${rows}`)
      return out ?? []
    },
  }
}

/** A nested leaf's levels and dense values, with the read position of the assembling readers. */
export interface Cursor extends PageSink {
  defs: Uint16Array | undefined
  reps: Uint16Array | undefined
  values: Value[]
  t: number
  v: number
  n: number
  readonly maxDef: number
}

/** Sink keeping the levels of a nested leaf whose chunk holds `triples` level triples. */
export function cursor(triples: number, leaf: PNode, convert: Converter): Cursor {
  const maxDef = leaf.def
  let dict: ArrayLike<Value> | undefined
  let dictBytes = false
  // levels grow page by page: the footer's count is only an upper bound, never trusted for one big allocation
  const initial = Math.min(triples, 1 << 16)
  const grow = (a: Uint16Array | undefined, need: number): Uint16Array | undefined => {
    if (!a || need <= a.length) return a
    const b = new Uint16Array(Math.min(triples, Math.max(need, 2 * a.length)))
    b.set(a)
    return b
  }
  const c: Cursor = {
    defs: maxDef > 0 ? new Uint16Array(initial) : undefined,
    reps: leaf.rep > 0 ? new Uint16Array(initial) : undefined,
    values: [],
    t: 0,
    v: 0,
    n: 0,
    maxDef,
    dictionary(values) {
      dict = convert(values)
      dictBytes = dict[0] instanceof Uint8Array
    },
    page(values, isDict, defs, reps, count) {
      const at = c.n
      if (at + count > triples) throw new Error(`column has more than ${triples} values`)
      c.defs = grow(c.defs, at + count)
      c.reps = grow(c.reps, at + count)
      if (c.defs) {
        if (defs.length) c.defs.set(defs, at)
        else c.defs.fill(maxDef, at, at + count)
      }
      if (c.reps && reps.length) c.reps.set(reps, at)
      c.n = at + count
      const out = c.values
      if (isDict) {
        if (!dict) throw new Error('dictionary-encoded page without a dictionary')
        const idx = values as ArrayLike<number>
        for (let i = 0; i < idx.length; i++) {
          const x = dict[idx[i]!]
          out.push(x === undefined ? badDictionaryIndex(idx[i]) : dictBytes ? new Uint8Array(x as Uint8Array) : x)
        }
      } else {
        const dense = convert(values)
        for (let i = 0; i < dense.length; i++) out.push(dense[i]!)
      }
    },
  }
  return c
}

/** Converter of the values a leaf contributes to a plan (hidden presence leaves keep raw values). */
export function leafConverters(p: Plan, out = new Map<number, Converter>()): Map<number, Converter> {
  switch (p.k) {
    case 'prim':
      out.set(p.node.leaf, p.convert)
      break
    case 'struct':
      p.fields.forEach((f) => leafConverters(f, out))
      if (p.hidden) out.set(p.hidden.leaf, identity)
      break
    case 'list':
      leafConverters(p.element, out)
      break
    case 'map':
      leafConverters(p.key, out)
      leafConverters(p.value, out)
      break
    case 'variant':
      out.set(p.metadata.leaf, copyBytes)
      out.set(p.value.leaf, copyBytes)
      break
    default:
      break
  }
  return out
}

type Read = () => Value

const defAt = (c: Cursor): number => (c.defs === undefined ? c.maxDef : c.defs[c.t]!)
const repAt = (c: Cursor): number => (c.reps === undefined ? 0 : c.reps[c.t]!)

/** Consume one occurrence of a node at repetition level `r`: its first triple and every deeper-repeated one. */
function skipOccurrence(c: Cursor, r: number): void {
  let t = c.t
  if (t >= c.n) throw new Error('column ends early')
  const { defs, reps, maxDef } = c
  do {
    if (defs === undefined || defs[t] === maxDef) c.v++
    t++
  } while (reps !== undefined && t < c.n && reps[t]! > r)
  c.t = t
}

/** Compile a nested plan into a reader over the cursors (indexed by leaf). */
export function compileReader(p: Plan, cursors: ReadonlyMap<number, Cursor>): Read {
  const cur = (n: PNode): Cursor => cursors.get(n.leaf)!
  const leavesOf = (q: Plan): Cursor[] => {
    const out: Cursor[] = []
    for (const [leaf] of leafConverters(q)) out.push(cursors.get(leaf)!)
    return out
  }
  switch (p.k) {
    case 'const':
      return constantProducer(p.value)
    case 'pos':
      return () => null
    case 'prim': {
      const c = cur(p.node)
      const maxDef = c.maxDef
      return () => {
        if (c.t >= c.n) throw new Error('column ends early')
        const t = c.t++
        if (c.defs === undefined || c.defs[t] === maxDef) return c.values[c.v++]!
        return null
      }
    }
    case 'variant': {
      const m = cur(p.metadata)
      const v = cur(p.value)
      const node = p.node
      const optional = node.repetition !== 'REQUIRED'
      return () => {
        if (optional && defAt(m) < node.def) {
          skipOccurrence(m, node.rep)
          skipOccurrence(v, node.rep)
          return null
        }
        m.t++
        v.t++
        return { metadata: m.values[m.v++] as Uint8Array, value: v.values[v.v++] as Uint8Array }
      }
    }
    case 'struct': {
      const node = p.node
      const names = p.names
      const fields = p.fields.map((f) => compileReader(f, cursors))
      const all = leavesOf(p)
      const driver = all[0]!
      const hidden = p.hidden ? cur(p.hidden) : undefined
      const optional = node.repetition !== 'REQUIRED'
      return () => {
        if (optional && defAt(driver) < node.def) {
          for (const c of all) skipOccurrence(c, node.rep)
          return null
        }
        const o: Record<string, Value> = {}
        for (let i = 0; i < fields.length; i++) setOwn(o, names[i]!, fields[i]!())
        if (hidden) skipOccurrence(hidden, node.rep)
        return o as StructValue
      }
    }
    case 'list':
    case 'map': {
      const wrapper = p.node
      const repeated = p.repeated
      const all = leavesOf(p)
      const driver = all[0]!
      const optional = wrapper !== undefined && wrapper.repetition !== 'REQUIRED'
      const outer = repeated.rep - 1
      // -1: the list is null; 0: empty; 1: has entries (then the caller reads them)
      const presence = (): number => {
        const d = defAt(driver)
        if (optional && d < wrapper.def) {
          for (const c of all) skipOccurrence(c, outer)
          return -1
        }
        if (d < repeated.def) {
          for (const c of all) skipOccurrence(c, outer)
          return 0
        }
        return 1
      }
      const more = (): boolean => driver.t < driver.n && repAt(driver) >= repeated.rep
      if (p.k === 'list') {
        const element = compileReader(p.element, cursors)
        return () => {
          const s = presence()
          if (s < 0) return null
          const out: Value[] = []
          if (s > 0) {
            do out.push(element())
            while (more())
          }
          return out
        }
      }
      const key = compileReader(p.key, cursors)
      const value = compileReader(p.value, cursors)
      return () => {
        const s = presence()
        if (s < 0) return null
        const out = new Map<Value, Value>()
        if (s > 0) {
          do {
            const k = key()
            if (k === null) throw new Error('map key is null')
            out.set(k, value())
          } while (more())
        }
        return out as MapValue
      }
    }
  }
}

/** Assemble `rows` values of a nested top-level plan; checks every cursor was consumed exactly. */
export function assembleNested(p: Plan, rows: number, cursors: ReadonlyMap<number, Cursor>, column: string, file: string): Value[] {
  const out = new Array<Value>(rows)
  try {
    const read = compileReader(p, cursors)
    for (let i = 0; i < rows; i++) out[i] = read()
    for (const [leaf] of leafConverters(p)) {
      const c = cursors.get(leaf)!
      if (c.t !== c.n || c.v !== c.values.length) throw new Error(`column holds ${c.n} levels, ${c.t} were used for ${rows} rows`)
    }
  } catch (e) {
    if (e instanceof FloeError) throw e
    throw new FloeError('INVALID_PARQUET', `Cannot assemble Parquet column ${column}: ${(e as Error).message}`, { cause: e, context: { file, field: column } })
  }
  return out
}

// A small reference model of a table under schema and partition evolution, for evolution.prop.test.ts:
// columns by field id (name, type, initial default), rows by field id, and the partition specs. Each step
// predicts whether the real operation succeeds and what the table looks like afterwards.
import type { PartitionField } from '../../src/spec/partition-spec.js'
import { transformToString, type Transform } from '../../src/spec/transform.js'
import { T, type PrimitiveType, type Value } from '../../src/spec/types.js'

/** One column of the model (top-level primitives only). */
export interface Col {
  readonly id: number
  readonly name: string
  readonly type: PrimitiveType
  readonly initial: Value
}

/** A step of the random program. */
export type Op =
  | { readonly op: 'add'; readonly name: string; readonly type: PrimitiveType; readonly withDefault: boolean; readonly seed: number }
  | { readonly op: 'drop'; readonly col: number }
  | { readonly op: 'rename'; readonly col: number; readonly name: string }
  | { readonly op: 'widen'; readonly col: number }
  | { readonly op: 'move'; readonly col: number; readonly ref: number; readonly kind: 'first' | 'before' | 'after' }
  | { readonly op: 'addPartition'; readonly col: number; readonly transform: 'identity' | 'bucket[4]' | 'truncate[3]' }
  | { readonly op: 'removePartition'; readonly field: number }
  | { readonly op: 'append'; readonly rows: number; readonly seed: number }

/** What a step is predicted to do. */
export type Outcome = 'ok' | 'noop' | 'fail'

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A random non-null value of `type`. */
export function valueOf(type: PrimitiveType, r: () => number): Value {
  switch (type.kind) {
    case 'int':
      return Math.floor((r() - 0.5) * 4294967295) | 0
    case 'long':
      return BigInt(Math.floor((r() - 0.5) * 2 ** 53)) * (r() < 0.5 ? 1n : 1024n)
    case 'float':
      return Math.fround((r() - 0.5) * 1000)
    case 'double':
      return (r() - 0.5) * 1e6
    case 'decimal':
      return BigInt(Math.floor((r() - 0.5) * 10 ** Math.min(type.precision, 15)))
    case 'string':
      return Array.from({ length: Math.floor(r() * 4) }, () => 'abcxyz'[Math.floor(r() * 6)]).join('')
    default:
      throw new Error(`no generator for ${type.kind}`)
  }
}

/** The value `v` (written or defaulted under an older type) read as `type`. */
export function readAs(v: Value, type: PrimitiveType): Value {
  if (v === null) return null
  if (type.kind === 'long' && typeof v === 'number') return BigInt(v)
  return v
}

const parseT = (t: string): Transform => (t === 'identity' ? { kind: 'identity' } : t === 'bucket[4]' ? { kind: 'bucket', n: 4 } : { kind: 'truncate', width: 3 })
const key = (f: PartitionField): string => `${f.sourceId}|${transformToString(f.transform)}|${f.fieldId}|${f.name}`

/** The model table. */
export class Model {
  cols: Col[]
  rows: Map<number, Value>[] = []
  specs: PartitionField[][] = [[]]
  defaultSpec = 0
  lastColumnId: number
  lastPartitionId = 999
  nextRowId = 0n

  constructor(
    readonly formatVersion: 1 | 2 | 3,
    cols: Col[],
    readonly identifierId: number,
  ) {
    this.cols = cols
    this.lastColumnId = Math.max(...cols.map((c) => c.id))
  }

  /** The current default spec's fields. */
  get spec(): PartitionField[] {
    return this.specs[this.defaultSpec]!
  }

  /** Apply `o` to the model; returns the predicted outcome (the model is unchanged for 'fail' and 'noop'). */
  step(o: Op): Outcome {
    switch (o.op) {
      case 'add': {
        if (this.cols.some((c) => c.name === o.name)) return 'fail'
        const initial = o.withDefault && this.formatVersion >= 3 ? valueOf(o.type, rng(o.seed)) : null
        this.cols = [...this.cols, { id: ++this.lastColumnId, name: o.name, type: o.type, initial }]
        return 'ok'
      }
      case 'drop': {
        const c = this.cols[o.col]!
        if (c.id === this.identifierId || this.spec.some((f) => f.sourceId === c.id && f.transform.kind !== 'void')) return 'fail'
        this.cols = this.cols.filter((x) => x !== c)
        return 'ok'
      }
      case 'rename': {
        const c = this.cols[o.col]!
        if (c.name === o.name) return 'noop'
        if (this.cols.some((x) => x.name === o.name)) return 'fail'
        this.cols = this.cols.map((x) => (x === c ? { ...x, name: o.name } : x))
        return 'ok'
      }
      case 'widen': {
        const c = this.cols[o.col]!
        const to = widened(c.type)
        if (!to) return 'noop'
        this.cols = this.cols.map((x) => (x === c ? { ...x, type: to } : x))
        return 'ok'
      }
      case 'move': {
        const c = this.cols[o.col]!
        const ref = this.cols[o.ref]!
        if (o.kind !== 'first' && c === ref) return 'fail'
        const rest = this.cols.filter((x) => x !== c)
        const at = o.kind === 'first' ? 0 : rest.indexOf(ref) + (o.kind === 'after' ? 1 : 0)
        const next = [...rest.slice(0, at), c, ...rest.slice(at)]
        if (next.every((x, i) => x === this.cols[i])) return 'noop'
        this.cols = next
        return 'ok'
      }
      case 'addPartition':
        return this.addPartition(this.cols[o.col]!, parseT(o.transform))
      case 'removePartition': {
        const live = this.spec.filter((f) => f.transform.kind !== 'void')
        const victim = live[o.field % Math.max(1, live.length)]
        if (!victim) return 'noop'
        const fields = this.formatVersion === 1 ? this.spec.map((f) => (f === victim ? { ...f, transform: { kind: 'void' } as Transform } : f)) : this.spec.filter((f) => f !== victim)
        return this.setSpec(fields)
      }
      case 'append':
        return 'ok'
    }
  }

  private addPartition(c: Col, t: Transform): Outcome {
    const numeric = ['int', 'long', 'decimal', 'string'].includes(c.type.kind)
    if (t.kind !== 'identity' && !numeric) return 'fail'
    const ts = transformToString(t)
    if (this.spec.some((f) => f.sourceId === c.id && transformToString(f.transform) === ts)) return 'fail'
    let field: PartitionField | undefined
    if (this.formatVersion >= 2) field = this.specs.flat().find((f) => f.sourceId === c.id && transformToString(f.transform) === ts)
    const name = t.kind === 'identity' ? c.name : t.kind === 'bucket' ? `${c.name}_bucket_4` : `${c.name}_trunc_3`
    field ??= { sourceId: c.id, fieldId: this.lastPartitionId + 1, name, transform: t }
    let fields = [...this.spec]
    const clash = fields.find((f) => f.name === field.name)
    if (clash && clash.transform.kind !== 'void') return 'fail'
    if (clash) fields = fields.map((f) => (f === clash ? { ...f, name: `${f.name}_${f.fieldId}` } : f))
    return this.setSpec([...fields, field])
  }

  private setSpec(fields: PartitionField[]): Outcome {
    for (const f of fields) {
      const named = this.cols.find((c) => c.name === f.name)
      if (this.cols.some((c) => c.id === f.sourceId) && named && named.id !== f.sourceId) return 'fail'
    }
    const same = (a: PartitionField[], b: PartitionField[]): boolean => a.length === b.length && a.every((f, i) => key(f) === key(b[i]!))
    if (same(fields, this.spec)) return 'noop'
    const existing = this.specs.findIndex((s) => same(s, fields))
    if (existing >= 0) this.defaultSpec = existing
    else {
      this.specs.push(fields)
      this.defaultSpec = this.specs.length - 1
    }
    this.lastPartitionId = Math.max(this.lastPartitionId, ...fields.map((f) => f.fieldId))
    return 'ok'
  }

  /** New rows for the current columns (id unique, other values sometimes null). */
  newRows(n: number, seed: number): Record<string, Value>[] {
    const r = rng(seed)
    const out: Record<string, Value>[] = []
    for (let i = 0; i < n; i++) {
      const byId = new Map<number, Value>()
      const row: Record<string, Value> = {}
      for (const c of this.cols) {
        const v = c.id === this.identifierId ? this.nextRowId++ : r() < 0.2 ? null : valueOf(c.type, r)
        byId.set(c.id, v)
        row[c.name] = v
      }
      this.rows.push(byId)
      out.push(row)
    }
    return out
  }

  /** The rows a scan must return: current names, dropped columns gone, missing ones at their initial default. */
  expectedRows(): Record<string, Value>[] {
    return this.rows.map((r) => Object.fromEntries(this.cols.map((c) => [c.name, readAs(r.has(c.id) ? r.get(c.id)! : c.initial, c.type)])))
  }
}

/** The promoted type of `t`, if any (int→long, float→double, decimal precision +3). */
export function widened(t: PrimitiveType): PrimitiveType | undefined {
  if (t.kind === 'int') return T.long
  if (t.kind === 'float') return T.double
  if (t.kind === 'decimal' && t.precision + 3 <= 38) return T.decimal(t.precision + 3, t.scale)
  return undefined
}

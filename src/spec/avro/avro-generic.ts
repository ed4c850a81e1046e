// Schema-driven skipping and generic decoding of Avro values with floe's bounds-checked reader.
import { setOwn } from '../own.js'
import { blockCount, minEncodedSize, unionIndex, type AvroNode, type Reader } from './avro-node.js'

const skipCache = new WeakMap<AvroNode, Reader<void>>()

/** A function that skips one value of the node. */
export function skipperFor(node: AvroNode): Reader<void> {
  const hit = skipCache.get(node)
  if (hit) return hit
  const s = buildSkipper(node)
  skipCache.set(node, s)
  return s
}

function buildSkipper(node: AvroNode): Reader<void> {
  switch (node.kind) {
    case 'null':
      return () => {}
    case 'boolean':
      return (r) => r.skip(1)
    case 'int':
    case 'long':
    case 'enum':
      return (r) => r.skipVarint()
    case 'float':
      return (r) => r.skip(4)
    case 'double':
      return (r) => r.skip(8)
    case 'bytes':
    case 'string':
      return (r) => r.skipBytes()
    case 'fixed': {
      const size = node.size
      return (r) => r.skip(size)
    }
    case 'record': {
      const parts = node.fields.map((f) => skipperFor(f.type))
      return (r) => {
        for (let i = 0; i < parts.length; i++) parts[i]!(r)
      }
    }
    case 'union': {
      const parts = node.branches.map((b) => skipperFor(b))
      return (r) => parts[unionIndex(r, parts.length)]!(r)
    }
    case 'array': {
      const item = skipperFor(node.items)
      const min = minEncodedSize(node.items)
      return (r) => {
        for (let n = blockCount(r, min); n > 0; n = blockCount(r, min)) for (let i = 0; i < n; i++) item(r)
      }
    }
    case 'map': {
      const value = skipperFor(node.values)
      const min = 1 + minEncodedSize(node.values)
      return (r) => {
        for (let n = blockCount(r, min); n > 0; n = blockCount(r, min))
          for (let i = 0; i < n; i++) {
            r.skipBytes()
            value(r)
          }
      }
    }
  }
}

const genericCache = new WeakMap<AvroNode, Reader<unknown>>()

/**
 * A generic decoder: records → plain objects keyed by field name, long → bigint, int/float/double →
 * number, bytes/fixed → Uint8Array, map → Map, enum → symbol string, union → the branch value.
 */
export function genericReader(node: AvroNode): Reader<unknown> {
  const hit = genericCache.get(node)
  if (hit) return hit
  const g = buildGeneric(node)
  genericCache.set(node, g)
  return g
}

function buildGeneric(node: AvroNode): Reader<unknown> {
  switch (node.kind) {
    case 'null':
      return () => null
    case 'boolean':
      return (r) => r.boolean()
    case 'int':
      return (r) => r.int()
    case 'long':
      return (r) => r.long()
    case 'float':
      return (r) => r.float()
    case 'double':
      return (r) => r.double()
    case 'bytes':
      return (r) => r.bytes()
    case 'string':
      return (r) => r.string()
    case 'fixed': {
      const size = node.size
      return (r) => r.fixed(size)
    }
    case 'enum': {
      const symbols = node.symbols
      return (r) => {
        const i = r.int()
        if (i < 0 || i >= symbols.length) r.fail(`Invalid Avro enum index ${i}`)
        return symbols[i]
      }
    }
    case 'record': {
      const names = node.fields.map((f) => f.name)
      const parts = node.fields.map((f) => genericReader(f.type))
      return (r) => {
        const o: Record<string, unknown> = {}
        for (let i = 0; i < parts.length; i++) {
          const k = names[i]!
          const v = parts[i]!(r)
          setOwn(o, k, v)
        }
        return o
      }
    }
    case 'union': {
      const parts = node.branches.map((b) => genericReader(b))
      return (r) => parts[unionIndex(r, parts.length)]!(r)
    }
    case 'array': {
      const item = genericReader(node.items)
      const min = minEncodedSize(node.items)
      return (r) => {
        const out: unknown[] = []
        for (let n = blockCount(r, min); n > 0; n = blockCount(r, min)) for (let i = 0; i < n; i++) out.push(item(r))
        return out
      }
    }
    case 'map': {
      const value = genericReader(node.values)
      const min = 1 + minEncodedSize(node.values)
      return (r) => {
        const out = new Map<string, unknown>()
        for (let n = blockCount(r, min); n > 0; n = blockCount(r, min))
          for (let i = 0; i < n; i++) {
            const k = r.string()
            out.set(k, value(r))
          }
        return out
      }
    }
  }
}

// Table identifiers and namespaces.
import { InvalidArgumentError } from '../errors.js'

/** A namespace: one or more levels. */
export type Namespace = readonly string[]

/** A table in a catalog. */
export interface TableIdentifier {
  readonly namespace: Namespace
  readonly name: string
}

/** Parse `ns.table` or `a.b.table` (the last part is the table name). */
export function parseIdentifier(s: string | TableIdentifier): TableIdentifier {
  if (typeof s !== 'string') return s
  const parts = s.split('.')
  if (parts.length < 2 || parts.some((p) => p.length === 0)) throw new InvalidArgumentError(`Invalid table identifier ${JSON.stringify(s)}: expected namespace.table`)
  return { namespace: parts.slice(0, -1), name: parts[parts.length - 1]! }
}

/** Parse `a` or `a.b` into a namespace. */
export function parseNamespace(s: string | Namespace): Namespace {
  if (typeof s !== 'string') return s
  const parts = s.split('.')
  if (parts.some((p) => p.length === 0)) throw new InvalidArgumentError(`Invalid namespace ${JSON.stringify(s)}`)
  return parts
}

/** `ns.table`. */
export function formatIdentifier(id: TableIdentifier): string {
  return [...id.namespace, id.name].join('.')
}

/** `a.b`. */
export function formatNamespace(ns: Namespace): string {
  return ns.join('.')
}

const SAFE = /^[A-Za-z0-9_][A-Za-z0-9_\-$]*$/

/** Reject names that cannot be a folder name (used by file-based catalogs). */
export function checkPathSafe(parts: readonly string[], what: string): void {
  for (const p of parts) if (!SAFE.test(p)) throw new InvalidArgumentError(`Invalid ${what} name ${JSON.stringify(p)}: use letters, digits, _ - $`)
}

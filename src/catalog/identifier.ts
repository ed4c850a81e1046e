// Table identifiers and namespaces.
import { InvalidArgumentError } from '../errors.js'
import { compareStrings } from '../spec/values.js'

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

// Characters a folder name never holds: separators (a backslash too, which URL parsing turns into `/`), NUL and
// other control characters. With a URI warehouse, `%`, `?` and `#` are refused as well: URL parsing
// would decode (`%2e%2e` is `..`) or cut the path at them; so is a trailing space, which URL parsing strips
// when the name ends the URI (a folder's own location), turning `<ns>/<name> ` into `<ns>/`.
const UNSAFE = /[/\\\u0000-\u001f\u007f]/
const UNSAFE_IN_URI = /[%?#]| $/

/** True when `name` is one safe folder name: not empty, not `.` or `..`, no separator or control character. */
export function isPathSafe(name: string, uri = false): boolean {
  return name.length > 0 && name !== '.' && name !== '..' && !UNSAFE.test(name) && !(uri && UNSAFE_IN_URI.test(name))
}

/** Reject names that cannot be one folder name (used by file-based catalogs); `uri`: the warehouse is a URI. */
export function checkPathSafe(parts: readonly string[], what: string, uri = false): void {
  for (const p of parts)
    if (!isPathSafe(p, uri)) throw new InvalidArgumentError(`Invalid ${what} name ${JSON.stringify(p)}: it must be one folder name (not empty, . or .., without / \\ or control characters${uri ? ', and without % ? # or a trailing space under a URI warehouse' : ''})`)
}

/** Order namespaces level by level, each level by its UTF-8 bytes (how every catalog lists them). */
export function compareNamespaces(a: Namespace, b: Namespace): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i]!, b[i]!)
    if (c !== 0) return c
  }
  return a.length - b.length
}

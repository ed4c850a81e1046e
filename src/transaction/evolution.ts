// Shared pieces of the evolution API (schema, partition spec, sort order): terms naming a column or a
// transform of one, resolving them against a schema, and the metadata a transaction's evolutions produce.
import { ValidationError } from '../errors.js'
import { applyUpdates } from '../spec/apply-updates.js'
import type { Schema } from '../spec/schema.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import { canTransform, parseTransform, transformToString, type Transform } from '../spec/transform.js'
import { isPrimitive, typeToString, type NestedField } from '../spec/types.js'
import type { ChangeSet, PendingUpdate } from './pending-update.js'
import { findByName, insideListOrMap, lookupFields } from './schema-changes.js'

/** A transform of a named column: `{ transform: Transforms.bucket(16), source: 'id' }` or `{ transform: 'day', source: 'ts' }`. */
export interface TransformTerm {
  readonly transform: Transform | string
  readonly source: string
}

/** A column name (identity) or a transform of a column. */
export type Term = string | TransformTerm

/** A term bound to a schema: the source column and the transform. */
export interface BoundTerm {
  readonly sourceId: number
  readonly sourceName: string
  readonly source: NestedField
  readonly transform: Transform
}

/** An evolution update: its changes are pure and computable synchronously, so later edits of a transaction can see them. */
export interface EvolutionUpdate extends PendingUpdate {
  /** The metadata changes on top of `m`; throws ValidationError when they cannot apply. */
  changes(m: TableMetadata): ChangeSet
}

/** Human form of a term for messages (`bucket[16](id)`, `category`). */
export function termToString(t: Term): string {
  if (typeof t === 'string') return t
  const tr = typeof t.transform === 'string' ? t.transform : transformToString(t.transform)
  return `${tr}(${t.source})`
}

/**
 * Bind a term to `schema` (Java UnboundTerm.bind): the column must exist, be a primitive outside any list or
 * map, and the transform must apply to its type. `what` names the caller in messages (partition, sort).
 */
export function bindTerm(schema: Schema, term: Term, caseSensitive: boolean, what: string): BoundTerm {
  const name = typeof term === 'string' ? term : term.source
  let transform: Transform
  try {
    transform = typeof term === 'string' ? { kind: 'identity' } : typeof term.transform === 'string' ? parseTransform(term.transform) : term.transform
  } catch (e) {
    throw new ValidationError(`Invalid ${what} transform in ${termToString(term)}: ${e instanceof Error ? e.message : String(e)}`, { context: { field: name } })
  }
  const l = lookupFields(schema.fields)
  const f = findByName(l, name, caseSensitive)
  if (!f) throw new ValidationError(`Cannot find field '${name}' in schema ${schema.schemaId} for ${what} ${termToString(term)}`, { context: { field: name } })
  if (insideListOrMap(l, f.id)) throw new ValidationError(`Cannot ${what} by ${name}: it is nested in a list or map`, { context: { field: name } })
  if (transform.kind === 'unknown') throw new ValidationError(`Cannot ${what} by unknown transform ${transform.name}`, { context: { field: name } })
  if (!isPrimitive(f.type) || f.type.kind === 'variant') throw new ValidationError(`Cannot ${what} by non-primitive source field ${name}: ${typeToString(f.type)}`, { context: { field: name } })
  if (!canTransform(transform, f.type))
    throw new ValidationError(`Invalid source type ${typeToString(f.type)} for transform: ${transformToString(transform)} (column ${name})`, { context: { field: name } })
  return { sourceId: f.id, sourceName: l.names.get(f.id)!, source: f, transform }
}

/** The error for an evolution built on a table version that changed underneath it (Java fails instead of rebasing). */
export function staleBase(what: string, detail: string): ValidationError {
  return new ValidationError(`Cannot commit ${what}: the table changed concurrently (${detail}); reload the table and build the change again`, {
    context: { conflict: what },
  })
}

/** True for updates whose changes later evolutions of the same transaction must see. */
export function isEvolutionUpdate(u: PendingUpdate): u is EvolutionUpdate {
  return typeof (u as Partial<EvolutionUpdate>).changes === 'function'
}

/** The metadata after the evolution updates among `updates` (others are skipped: they change no schema, spec or order). */
export function evolvedMetadata(start: TableMetadata, updates: readonly PendingUpdate[]): TableMetadata {
  let m = start
  for (const u of updates) if (isEvolutionUpdate(u)) m = applyUpdates(m, u.changes(m).updates, m.lastUpdatedMs)
  return m
}

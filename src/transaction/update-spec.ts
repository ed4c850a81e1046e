// Partition spec evolution with Java BaseUpdatePartitionSpec semantics: add, remove and rename fields of
// the default spec; v2+ reuse the field id of an equivalent field from any older spec, v1 keeps removed
// fields as `void` and only appends. The new spec becomes the default.
import { ValidationError } from '../errors.js'
import { checkSpec, PARTITION_DATA_ID_START, specCompatibleWith, type PartitionField, type PartitionSpec } from '../spec/partition-spec.js'

export { checkSpec } from '../spec/partition-spec.js'
import type { Schema } from '../spec/schema.js'
import { currentSchema, defaultSpec, type TableMetadata } from '../spec/table-metadata.js'
import { defaultPartitionName, transformEquals, transformToString, type Transform } from '../spec/transform.js'
import { bindTerm, staleBase, termToString, type EvolutionUpdate, type Term, type TransformTerm } from './evolution.js'
import type { ChangeSet, CommitContext } from './pending-update.js'

/** Options of a partition spec update. */
export interface UpdateSpecOptions {
  /** Resolve source column names case-insensitively; default true. */
  readonly caseSensitive?: boolean
}

const TIME = new Set(['year', 'month', 'day', 'hour'])
const keyOf = (sourceId: number, t: Transform): string => `${sourceId}|${transformToString(t)}`
const describe = (f: PartitionField): string => `${f.fieldId}: ${f.name}: ${transformToString(f.transform)}(${f.sourceId})`

const fail = (message: string, field?: string): never => {
  throw new ValidationError(message, field === undefined ? {} : { context: { field } })
}

/** A pending partition spec change (Java UpdatePartitionSpec); build it with Transaction.updateSpec. */
export class UpdatePartitionSpec implements EvolutionUpdate {
  readonly kind = 'update-spec'
  private readonly spec: PartitionSpec
  private readonly schema: Schema
  private readonly nameToField = new Map<string, PartitionField>()
  private readonly transformToField = new Map<string, PartitionField>()
  private readonly adds: PartitionField[] = []
  private readonly addedTimeFields = new Map<number, PartitionField>()
  private readonly transformToAddedField = new Map<string, PartitionField>()
  private readonly nameToAddedField = new Map<string, PartitionField>()
  private readonly deletes = new Set<number>()
  private readonly renames = new Map<string, string>()
  private lastAssignedPartitionId: number
  private caseSensitiveNames: boolean
  private sealed = false

  constructor(
    /** The table version (with earlier evolutions of the transaction) this update is built on. */
    readonly base: TableMetadata,
    opts: UpdateSpecOptions = {},
  ) {
    this.spec = defaultSpec(base)
    this.schema = currentSchema(base)
    this.lastAssignedPartitionId = base.lastPartitionId
    this.caseSensitiveNames = opts.caseSensitive ?? true
    for (const f of this.spec.fields) {
      if (f.transform.kind === 'unknown') fail(`Cannot update partition spec with unknown transform: ${describe(f)}`, f.name)
      this.nameToField.set(f.name, f)
      this.transformToField.set(keyOf(f.sourceId, f.transform), f)
    }
  }

  /** Resolve source column names case-sensitively (default) or not. */
  caseSensitive(caseSensitive: boolean): this {
    this.touch()
    this.caseSensitiveNames = caseSensitive
    return this
  }

  /** Add a partition field: a column name (identity) or a transform of one; `name` defaults to Java's (`id_bucket_16`). */
  addField(term: Term, name?: string): this
  /** Add a partition field for `transform(source)`. */
  addField(transform: Transform, source: string, name?: string): this
  addField(a: Term | Transform, b?: string, c?: string): this {
    this.touch()
    const [term, name] = isTransform(a) ? [{ transform: a, source: b! }, c] : [a, b]
    if (name === '') fail(`Cannot use empty partition name for ${termToString(term)}`)
    if (name !== undefined && this.nameToAddedField.has(name)) fail(`Cannot add duplicate partition field: ${describe(this.nameToAddedField.get(name)!)}`, name)
    const bound = bindTerm(this.schema, term, this.caseSensitiveNames, 'partition')
    const key = keyOf(bound.sourceId, bound.transform)
    const existing = this.transformToField.get(key)
    if (existing && this.deletes.has(existing.fieldId)) {
      // re-adding a field removed in this update restores it (under the new name, if one is given)
      this.deletes.delete(existing.fieldId)
      return name === undefined || name === existing.name ? this : this.renameField(existing.name, name)
    }
    if (existing) fail(`Cannot add duplicate partition field ${name ?? termToString(term)}=${termToString(term)}, conflicts with ${describe(existing)}`, name ?? existing.name)
    const added = this.transformToAddedField.get(key)
    if (added) fail(`Cannot add duplicate partition field ${name ?? termToString(term)}=${termToString(term)}, already added: ${describe(added)}`, added.name)
    let field = this.recycleOrCreate(bound.sourceId, bound.transform, name)
    if (field.name === '') field = { ...field, name: defaultPartitionName(bound.transform, bound.sourceName, true) }
    if (TIME.has(field.transform.kind)) {
      const other = this.addedTimeFields.get(field.sourceId)
      if (other) fail(`Cannot add redundant partition field: ${describe(other)} conflicts with ${describe(field)}`, field.name)
      this.addedTimeFields.set(field.sourceId, field)
    }
    this.transformToAddedField.set(key, field)
    const clash = this.nameToField.get(field.name)
    if (clash && !this.deletes.has(clash.fieldId)) {
      if (clash.transform.kind !== 'void') fail(`Cannot add duplicate partition field name: ${field.name}`, field.name)
      this.renameField(clash.name, `${clash.name}_${clash.fieldId}`)
    } else if (clash) {
      this.renames.set(clash.name, `${clash.name}_${clash.fieldId}`)
    }
    if (this.nameToAddedField.has(field.name)) fail(`Cannot add duplicate partition field name: ${field.name}`, field.name)
    this.nameToAddedField.set(field.name, field)
    this.adds.push(field)
    return this
  }

  /** Remove a partition field by its name, or by the term it partitions on. */
  removeField(nameOrTerm: string | TransformTerm): this
  /** Remove the partition field for `transform(source)`. */
  removeField(transform: Transform, source: string): this
  removeField(a: string | TransformTerm | Transform, b?: string): this {
    this.touch()
    if (typeof a === 'string') {
      if (this.nameToAddedField.has(a)) fail(`Cannot delete newly added field: ${describe(this.nameToAddedField.get(a)!)}`, a)
      if (this.renames.has(a)) fail(`Cannot rename and delete partition field: ${a}`, a)
      const f = this.nameToField.get(a)
      if (!f) return fail(`Cannot find partition field to remove: ${a}`, a)
      this.deletes.add(f.fieldId)
      return this
    }
    const term: TransformTerm = isTransform(a) ? { transform: a, source: b! } : a
    const bound = bindTerm(this.schema, term, this.caseSensitiveNames, 'partition')
    const key = keyOf(bound.sourceId, bound.transform)
    const added = this.transformToAddedField.get(key)
    if (added) fail(`Cannot delete newly added field: ${describe(added)}`, added.name)
    const f = this.transformToField.get(key)
    if (!f) return fail(`Cannot find partition field to remove: ${termToString(term)}`, term.source)
    if (this.renames.has(f.name)) fail(`Cannot rename and delete partition field: ${f.name}`, f.name)
    this.deletes.add(f.fieldId)
    return this
  }

  /** Rename a partition field of the current spec. */
  renameField(name: string, newName: string): this {
    this.touch()
    if (!newName) fail(`Cannot rename partition field ${name} to an empty name`, name)
    const clash = this.nameToField.get(newName)
    if (clash && clash.transform.kind === 'void' && clash.name !== name) this.renameField(clash.name, `${clash.name}_${clash.fieldId}`)
    if (this.nameToAddedField.has(name)) fail(`Cannot rename newly added partition field: ${name}`, name)
    const f = this.nameToField.get(name)
    if (!f) return fail(`Cannot find partition field to rename: ${name}`, name)
    if (this.deletes.has(f.fieldId)) fail(`Cannot delete and rename partition field: ${name}`, name)
    this.renames.set(name, newName)
    return this
  }

  /** The new spec (spec id assigned at commit); throws ValidationError when it is invalid. */
  result(): PartitionSpec {
    const v1 = this.base.formatVersion < 2
    const fields: PartitionField[] = []
    for (const f of this.spec.fields) {
      const name = this.renames.get(f.name) ?? f.name
      if (!this.deletes.has(f.fieldId)) fields.push({ ...f, name })
      else if (v1) fields.push({ ...f, name, transform: { kind: 'void' } })
    }
    fields.push(...this.adds)
    const specId = this.base.specs.reduce((x, s) => Math.max(x, s.specId + 1), 0)
    const spec: PartitionSpec = { specId, fields }
    checkSpec(spec, this.schema)
    return spec
  }

  /** `add-spec` + `set-default-spec` (last added), guarded by the base's last partition id and default spec id. */
  changes(m: TableMetadata): ChangeSet {
    this.sealed = true
    if (
      m.defaultSpecId !== this.base.defaultSpecId ||
      m.lastPartitionId !== this.base.lastPartitionId ||
      m.currentSchemaId !== this.base.currentSchemaId ||
      m.formatVersion !== this.base.formatVersion
    )
      throw staleBase(
        'partition spec update',
        `default spec ${this.base.defaultSpecId} → ${m.defaultSpecId}, last partition id ${this.base.lastPartitionId} → ${m.lastPartitionId}, current schema ${this.base.currentSchemaId} → ${m.currentSchemaId}, format version ${this.base.formatVersion} → ${m.formatVersion}`,
      )
    const spec = this.result()
    const requirements: ChangeSet['requirements'] = [
      { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: m.lastPartitionId },
      { type: 'assert-default-spec-id', defaultSpecId: m.defaultSpecId },
    ]
    if (specCompatibleWith(spec, defaultSpec(m))) return { updates: [], requirements }
    return { updates: [{ action: 'add-spec', spec }, { action: 'set-default-spec', specId: -1 }], requirements }
  }

  /** The commit-time changes (a stale base fails with ValidationError, as Java's UpdatePartitionSpec does). */
  async apply(m: TableMetadata, _ctx: CommitContext): Promise<ChangeSet> {
    return this.changes(m)
  }

  /** Seal the update (called when it joins a transaction); later edits throw. */
  seal(): this {
    this.result()
    this.sealed = true
    return this
  }

  // v2+: an equivalent field (same source and transform, and name when given) of any spec keeps its id.
  private recycleOrCreate(sourceId: number, transform: Transform, name: string | undefined): PartitionField {
    if (this.base.formatVersion >= 2) {
      for (const s of this.base.specs) {
        for (const f of s.fields) {
          if (f.sourceId === sourceId && f.sourceIds === undefined && transformEquals(f.transform, transform) && (name === undefined || f.name === name)) return f
        }
      }
    }
    this.lastAssignedPartitionId = Math.max(this.lastAssignedPartitionId + 1, PARTITION_DATA_ID_START)
    return { sourceId, fieldId: this.lastAssignedPartitionId, name: name ?? '', transform }
  }

  private touch(): void {
    if (this.sealed) throw new ValidationError('This partition spec update was already added to a transaction; start a new update to make more changes')
  }
}

function isTransform(x: unknown): x is Transform {
  return typeof x === 'object' && x !== null && 'kind' in x
}

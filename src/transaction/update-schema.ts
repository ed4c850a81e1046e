// Schema evolution with Java SchemaUpdate semantics: add (with fresh ids from last-column-id), delete, rename,
// promote, re-document, change nullability, move within a struct, union by name and identifier fields.
// Every edit is validated when it is made; the result is validated again against the table it commits to.
import { ValidationError } from '../errors.js'
import { sameSchema } from '../spec/apply-updates.js'
import { schemaShapeProblems, type Schema } from '../spec/schema.js'
import { currentSchema, type TableMetadata } from '../spec/table-metadata.js'
import { isPromotionAllowed, isPrimitive, typeEquals, typeToString, type IcebergType, type NestedField, type PrimitiveType, type Value } from '../spec/types.js'
import { valueEquals } from '../spec/values.js'
import { promoteValue } from '../table/promote.js'
import { staleBase, type EvolutionUpdate } from './evolution.js'
import type { ChangeSet, CommitContext } from './pending-update.js'
import * as C from './schema-changes.js'
import { schemaSideEffects } from './schema-side-effects.js'
import { unionByName } from './union-by-name.js'

/** Options of a schema update. */
export interface UpdateSchemaOptions {
  /** Resolve column names case-insensitively (Java `caseSensitive(false)`); default true. */
  readonly caseSensitive?: boolean
  /** Allow required columns without defaults and optional→required (Java `allowIncompatibleChanges()`). */
  readonly allowIncompatibleChanges?: boolean
}

/** Options of `addColumn`. */
export interface AddColumnOptions {
  readonly doc?: string
  /** A required column needs a non-null `initialDefault` (v3) unless incompatible changes are allowed. */
  readonly required?: boolean
  /** v3: the value of rows written before the column existed. */
  readonly initialDefault?: Value
  /** Any version: the value writers use when none is given; defaults to `initialDefault` (pass null for none). */
  readonly writeDefault?: Value
}

type Ident = { readonly id: number } | { readonly name: string }

const fail = (message: string, field?: string): never => {
  throw new ValidationError(message, field === undefined ? {} : { context: { field } })
}

/** A pending schema change (Java UpdateSchema); build it with Transaction.updateSchema. */
export class UpdateSchema implements EvolutionUpdate {
  readonly kind = 'update-schema'
  private readonly schema: Schema
  private readonly lookup: C.SchemaLookup
  private readonly idToParent: Map<number, number>
  private readonly deletes = new Set<number>()
  private readonly updates = new Map<number, NestedField>()
  private readonly adds = new Map<number, number[]>()
  private readonly addedNameToId = new Map<string, number>()
  private readonly moves = new Map<number, C.Move[]>()
  private lastColumnId: number
  private identifiers: Ident[] | undefined
  private caseSensitiveNames: boolean
  private allowIncompatible: boolean
  private cached: Schema | undefined
  private sealed = false

  constructor(
    /** The table version (with earlier evolutions of the transaction) this update is built on. */
    readonly base: TableMetadata,
    opts: UpdateSchemaOptions = {},
  ) {
    this.schema = currentSchema(base)
    this.lookup = C.lookupFields(this.schema.fields)
    this.idToParent = new Map(this.lookup.parents)
    this.lastColumnId = base.lastColumnId
    this.caseSensitiveNames = opts.caseSensitive ?? true
    this.allowIncompatible = opts.allowIncompatibleChanges ?? false
  }

  /** Resolve names case-sensitively (default) or not. */
  caseSensitive(caseSensitive: boolean): this {
    this.touch()
    this.caseSensitiveNames = caseSensitive
    return this
  }

  /** Allow changes that break reading old data (required columns without defaults, optional → required). */
  allowIncompatibleChanges(): this {
    this.touch()
    this.allowIncompatible = true
    return this
  }

  /** Add a top-level column (`name` must not contain a dot; use the parent form for nested columns). */
  addColumn(name: string, type: IcebergType, opts?: AddColumnOptions): this
  /** Add a column to `parent` (a struct, a list of structs or a map with struct values; null = top level). */
  addColumn(parent: string | null, name: string, type: IcebergType, opts?: AddColumnOptions): this
  addColumn(a: string | null, b: string | IcebergType, c?: IcebergType | AddColumnOptions, d?: AddColumnOptions): this {
    this.touch()
    if (typeof b === 'string') return this.internalAdd(a, b, c as IcebergType, d ?? {})
    if (a !== null && a.includes('.')) fail(`Cannot add column with ambiguous name: ${a}, use addColumn(parent, name, type)`, a)
    return this.internalAdd(null, a ?? '', b, (c as AddColumnOptions | undefined) ?? {})
  }

  private internalAdd(parent: string | null, name: string, type: IcebergType, opts: AddColumnOptions): this {
    if (!name) fail('Cannot add a column with an empty name')
    let parentId = C.TABLE_ROOT_ID
    let fullName = name
    let userName = name
    if (parent !== null) {
      let pf = this.findField(parent)
      if (!pf) return fail(`Cannot find parent struct: ${parent}`, parent)
      if (pf.type.kind === 'map') pf = this.lookup.byId.get(pf.type.valueId)!
      else if (pf.type.kind === 'list') pf = this.lookup.byId.get(pf.type.elementId)!
      if (pf.type.kind !== 'struct') fail(`Cannot add to non-struct column: ${parent}: ${typeToString(pf.type)}`, parent)
      parentId = pf.id
      if (this.deletes.has(parentId) || this.ancestorDeleted(parentId)) fail(`Cannot add to a column that will be deleted: ${parent}`, parent)
      const current = this.findField(`${parent}.${name}`)
      if (current && !this.deletes.has(current.id)) fail(`Cannot add column, name already exists: ${parent}.${name}`, `${parent}.${name}`)
      fullName = `${this.lookup.names.get(parentId)}.${name}`
      userName = `${parent}.${name}`
    } else {
      const current = this.findField(name)
      if (current && !this.deletes.has(current.id)) fail(`Cannot add column, name already exists: ${name}`, name)
    }
    if (this.addedNameToId.has(this.key(fullName)) || this.addedNameToId.has(this.key(userName))) fail(`Cannot add column, name already exists: ${userName}`, userName)
    const required = opts.required ?? false
    const initial = opts.initialDefault ?? null
    const write = opts.writeDefault === undefined ? initial : opts.writeDefault
    C.checkNewColumn(fullName, type, required, initial, write, this.base.formatVersion, this.allowIncompatible)
    const id = this.nextId()
    this.addedNameToId.set(this.key(fullName), id)
    this.addedNameToId.set(this.key(userName), id)
    if (parentId !== C.TABLE_ROOT_ID) this.idToParent.set(id, parentId)
    const f: { -readonly [K in keyof NestedField]: NestedField[K] } = { id, name, required, type: C.assignFreshTypeIds(type, () => this.nextId()) }
    if (opts.doc !== undefined) f.doc = opts.doc
    if (initial !== null) f.initialDefault = C.typedDefault(f.type, initial)
    if (write !== null) f.writeDefault = C.typedDefault(f.type, write)
    this.updates.set(id, f)
    this.adds.set(parentId, [...(this.adds.get(parentId) ?? []), id])
    return this
  }

  /** Delete a column (and everything nested in it). */
  deleteColumn(name: string): this {
    this.touch()
    const f = this.findField(name)
    if (!f) return fail(`Cannot delete missing column: ${name}`, name)
    for (const parentId of this.adds.keys()) {
      if (parentId === f.id || this.isAncestor(f.id, parentId)) fail(`Cannot delete a column that has additions: ${name}`, name)
    }
    if (this.updates.has(f.id)) fail(`Cannot delete a column that has updates: ${name}`, name)
    this.deletes.add(f.id)
    return this
  }

  /** Rename a column; its id (and so its data) stays. */
  renameColumn(name: string, newName: string): this {
    this.touch()
    const f = this.findField(name)
    if (!f) return fail(`Cannot rename missing column: ${name}`, name)
    if (!newName) fail(`Cannot rename ${name} to an empty name`, name)
    if (this.deletes.has(f.id)) fail(`Cannot rename a column that will be deleted: ${f.name}`, name)
    const parent = this.idToParent.get(f.id)
    if (parent !== undefined && this.lookup.byId.get(parent)!.type.kind !== 'struct') fail(`Cannot rename a list element or map key/value: ${name}`, name)
    this.updates.set(f.id, { ...(this.updates.get(f.id) ?? f), name: newName })
    return this
  }

  /** Make a column required: only a just-added column with an initial default, unless incompatible changes are allowed. */
  requireColumn(name: string): this {
    return this.updateRequirement(name, false)
  }

  /** Make a column optional (always compatible). */
  makeColumnOptional(name: string): this {
    return this.updateRequirement(name, true)
  }

  private updateRequirement(name: string, optional: boolean): this {
    this.touch()
    const f = this.findForUpdate(name)
    if (!f) return fail(`Cannot update missing column: ${name}`, name)
    if (f.required !== optional) return this // no-op, allowed even without allowIncompatibleChanges
    const defaultedAdd = this.addedNameToId.has(this.key(name)) && f.initialDefault !== undefined && f.initialDefault !== null
    if (!optional && f.type.kind === 'unknown') fail(`Cannot create required field with unknown type: ${f.name}`, name)
    if (!optional && !defaultedAdd && !this.allowIncompatible) fail(`Cannot change column nullability: ${name}: optional -> required`, name)
    if (this.deletes.has(f.id)) fail(`Cannot update a column that will be deleted: ${f.name}`, name)
    this.updates.set(f.id, { ...f, required: !optional })
    return this
  }

  /** Widen a primitive column: int→long, float→double, decimal precision; v3 also date→timestamp(_ns) and unknown→any. */
  updateColumn(name: string, newType: PrimitiveType, doc?: string): this {
    this.touch()
    const f = this.findForUpdate(name)
    if (!f) return fail(`Cannot update missing column: ${name}`, name)
    if (this.deletes.has(f.id)) fail(`Cannot update a column that will be deleted: ${f.name}`, name)
    if (!typeEquals(f.type, newType)) {
      if (!isPrimitive(newType) || !isPrimitive(f.type) || !isPromotionAllowed(f.type, newType, this.base.formatVersion))
        fail(`Cannot change column type: ${name}: ${typeToString(f.type)} -> ${typeToString(newType)}`, name)
      const u: { -readonly [K in keyof NestedField]: NestedField[K] } = { ...f, type: newType }
      if (f.initialDefault !== undefined) u.initialDefault = promoteValue(f.initialDefault, newType)
      if (f.writeDefault !== undefined) u.writeDefault = promoteValue(f.writeDefault, newType)
      this.updates.set(f.id, u)
    }
    return doc === undefined ? this : this.updateColumnDoc(name, doc)
  }

  /** Set (or with undefined, clear) a column's doc. */
  updateColumnDoc(name: string, doc: string | undefined): this {
    this.touch()
    const f = this.findForUpdate(name)
    if (!f) return fail(`Cannot update missing column: ${name}`, name)
    if (this.deletes.has(f.id)) fail(`Cannot update a column that will be deleted: ${f.name}`, name)
    if (f.doc === doc) return this
    const { doc: _old, ...rest } = f
    this.updates.set(f.id, doc === undefined ? rest : { ...rest, doc })
    return this
  }

  /** Set a column's write default, in any format version (null clears it; a required column must keep one). */
  updateColumnDefault(name: string, writeDefault: Value): this {
    this.touch()
    const f = this.findForUpdate(name)
    if (!f) return fail(`Cannot update missing column: ${name}`, name)
    if (this.deletes.has(f.id)) fail(`Cannot update a column that will be deleted: ${f.name}`, name)
    const cur = f.writeDefault ?? null
    if (writeDefault !== null) C.checkDefault(name, f.type, writeDefault, 'write default')
    const wanted = C.typedDefault(f.type, writeDefault)
    if (wanted === null ? cur === null : cur !== null && valueEquals(f.type, cur, wanted)) return this
    if (wanted === null && f.required) fail(`Cannot remove the write default of required column ${name}`, name)
    const { writeDefault: _old, ...rest } = f
    this.updates.set(f.id, wanted === null ? rest : { ...rest, writeDefault: wanted })
    return this
  }

  /** Move a column to the start of its struct. */
  moveFirst(name: string): this {
    this.touch()
    return this.internalMove(name, { kind: 'first', fieldId: this.findForMove(name, `Cannot move missing column: ${name}`) })
  }

  /** Move a column just before another column of the same struct. */
  moveBefore(name: string, beforeName: string): this {
    return this.relativeMove(name, beforeName, 'before')
  }

  /** Move a column just after another column of the same struct. */
  moveAfter(name: string, afterName: string): this {
    return this.relativeMove(name, afterName, 'after')
  }

  private relativeMove(name: string, refName: string, kind: 'before' | 'after'): this {
    this.touch()
    const fieldId = this.findForMove(name, `Cannot move missing column: ${name}`)
    const refId = this.findForMove(refName, `Cannot move ${name} ${kind} missing column: ${refName}`)
    if (fieldId === refId) fail(`Cannot move ${name} ${kind} itself`, name)
    if (this.deletes.has(refId)) fail(`Cannot move ${name} ${kind} ${refName}: it will be deleted`, name)
    return this.internalMove(name, { kind, fieldId, refId })
  }

  private internalMove(name: string, move: C.Move): this {
    if (this.deletes.has(move.fieldId)) fail(`Cannot move a column that will be deleted: ${name}`, name)
    const parentId = this.idToParent.get(move.fieldId)
    if (parentId !== undefined) {
      const parent = this.lookup.byId.get(parentId)!
      if (parent.type.kind !== 'struct') fail(`Cannot move fields in non-struct type: ${typeToString(parent.type)}`, name)
    }
    if (move.refId !== undefined && this.idToParent.get(move.refId) !== parentId) fail(`Cannot move field ${name} to a different struct`, name)
    const key = parentId ?? C.TABLE_ROOT_ID
    this.moves.set(key, [...(this.moves.get(key) ?? []), move])
    return this
  }

  /** Add every column of `other` missing here (by name), widen types and relax nullability as needed (Java unionByNameWith). */
  unionByNameWith(other: Schema): this {
    this.touch()
    unionByName(this, this.schema, other, this.caseSensitiveNames)
    return this
  }

  /** Replace the identifier fields (names of existing or added columns). */
  setIdentifierFields(names: Iterable<string>): this {
    this.touch()
    const out: Ident[] = []
    for (const name of new Set(names)) {
      const added = this.addedNameToId.get(this.key(name))
      const f = added === undefined ? this.findField(name) : undefined
      out.push(added !== undefined ? { id: added } : f ? { id: f.id } : { name })
    }
    this.identifiers = out
    return this
  }

  /** The new schema (schema id assigned at commit); throws ValidationError when the changes are invalid. */
  result(): Schema {
    if (this.cached) return this.cached
    const idents = this.identifiers ?? this.schema.identifierFieldIds.map((id) => ({ id }))
    for (const i of idents) if ('id' in i) C.checkIdentifierKept(this.lookup, this.deletes, i.id)
    const fields = C.applyChanges(this.schema.fields, this.changeMaps())
    C.checkUniqueNames(fields, !this.caseSensitiveNames)
    const l = C.lookupFields(fields)
    const shape = schemaShapeProblems(l)
    if (shape.length) fail(`Invalid schema: ${shape.join('; ')}`, l.duplicateNames[0])
    const ids = idents.map((i) => {
      if ('id' in i) return i.id
      const f = C.findByName(l, i.name, this.caseSensitiveNames)
      return f ? f.id : fail(`Cannot add field ${i.name} as an identifier field: not found in current schema or added columns`, i.name)
    })
    for (const id of ids) C.checkIdentifierField(l, id)
    const touched = [...this.updates.keys()].flatMap((id) => [id, ...(id > this.base.lastColumnId ? C.nestedIds(l.byId.get(id)?.type ?? { kind: 'int' }) : [])])
    const problems = C.versionProblems(l, touched, this.base.formatVersion, this.lookup)
    if (problems.length) fail(`Invalid schema for v${this.base.formatVersion}: ${problems.join('; ')}`)
    const schemaId = Math.max(...this.base.schemas.map((s) => s.schemaId), this.base.currentSchemaId) + 1
    const s: Schema = { schemaId, fields, identifierFieldIds: [...new Set(ids)] }
    C.checkAgainstTable(this.base, this.lookup, s, this.updates)
    this.cached = s
    return s
  }

  /** The last column id after this update (only grows). */
  get newLastColumnId(): number {
    return this.lastColumnId
  }

  /** `add-schema` + `set-current-schema` (last added), guarded by the base's current schema id and last column id. */
  changes(m: TableMetadata): ChangeSet {
    this.sealed = true
    if (
      m.currentSchemaId !== this.base.currentSchemaId ||
      m.lastColumnId !== this.base.lastColumnId ||
      m.formatVersion !== this.base.formatVersion ||
      !sameSchema(currentSchema(m), this.schema)
    )
      throw staleBase(
        'schema update',
        `current schema ${this.base.currentSchemaId} → ${m.currentSchemaId}, last column id ${this.base.lastColumnId} → ${m.lastColumnId}, format version ${this.base.formatVersion} → ${m.formatVersion}`,
      )
    const s = this.result()
    C.checkAgainstTable(m, this.lookup, s, this.updates)
    const requirements: ChangeSet['requirements'] = [
      { type: 'assert-current-schema-id', currentSchemaId: m.currentSchemaId },
      { type: 'assert-last-assigned-field-id', lastAssignedFieldId: m.lastColumnId },
    ]
    if (sameSchema(s, this.schema) && C.sameDefaults(s.fields, this.schema.fields) && this.lastColumnId === m.lastColumnId) return { updates: [], requirements }
    return {
      updates: [
        { action: 'add-schema', schema: s, lastColumnId: this.lastColumnId },
        { action: 'set-current-schema', schemaId: -1 },
        ...schemaSideEffects(m.properties, this.schema, s, this.changeMaps()),
      ],
      requirements,
    }
  }

  /** The commit-time changes (a stale base fails with ValidationError; Java does not rebase schema updates). */
  async apply(m: TableMetadata, _ctx: CommitContext): Promise<ChangeSet> {
    return this.changes(m)
  }

  private changeMaps(): C.SchemaChanges {
    return { deletes: this.deletes, updates: this.updates, adds: this.adds, moves: this.moves }
  }

  private touch(): void {
    if (this.sealed) throw new ValidationError('This schema update was already added to a transaction; start a new update to make more changes')
    this.cached = undefined
  }

  private nextId(): number {
    return ++this.lastColumnId
  }

  private key(name: string): string {
    return this.caseSensitiveNames ? name : name.toLowerCase()
  }

  private findField(name: string): NestedField | undefined {
    return C.findByName(this.lookup, name, this.caseSensitiveNames)
  }

  private findForUpdate(name: string): NestedField | undefined {
    const existing = this.findField(name)
    if (existing) return this.updates.get(existing.id) ?? existing
    const added = this.addedNameToId.get(this.key(name))
    return added === undefined ? undefined : this.updates.get(added)
  }

  private findForMove(name: string, missing: string): number {
    const added = this.addedNameToId.get(this.key(name))
    if (added !== undefined) return added
    return this.findField(name)?.id ?? fail(missing, name)
  }

  private isAncestor(ancestor: number, id: number): boolean {
    for (let p = this.idToParent.get(id); p !== undefined; p = this.idToParent.get(p)) if (p === ancestor) return true
    return false
  }

  private ancestorDeleted(id: number): boolean {
    for (let p = this.idToParent.get(id); p !== undefined; p = this.idToParent.get(p)) if (this.deletes.has(p)) return true
    return false
  }

  /** Seal the update (called when it joins a transaction); later edits throw. */
  seal(): this {
    this.result()
    this.sealed = true
    return this
  }
}

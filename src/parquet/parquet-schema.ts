// The physical Parquet schema as a tree with definition/repetition levels, leaf indexes and Iceberg field ids
// (from `field_id`, or assigned through a name mapping when the file has none), plus list/map shape detection.
import type { FileMetaData, SchemaElement, SchemaTree } from 'hyparquet'
import { indexNameMapping, type NameMapping } from '../spec/name-mapping.js'
import type { PhysicalType } from './convert.js'

/** One node of the physical schema. */
export interface PNode {
  readonly element: SchemaElement
  readonly name: string
  /** Physical path from the root (root excluded), as in `path_in_schema`. */
  readonly path: readonly string[]
  readonly children: readonly PNode[]
  /** hyparquet's schema nodes from the root down to this node (what its page decoder needs). */
  readonly schemaPath: readonly SchemaTree[]
  readonly repetition: 'REQUIRED' | 'OPTIONAL' | 'REPEATED'
  /** Maximum definition level at this node (counts this node when not REQUIRED). */
  readonly def: number
  /** Maximum repetition level at this node. */
  readonly rep: number
  /** Column chunk index of a leaf; -1 for groups. */
  readonly leaf: number
  /** Index of the first leaf below (or at) this node; -1 for an empty group. */
  readonly firstLeaf: number
  /** Iceberg field id: the file's `field_id`, or the name-mapped id when the file has no ids. */
  fieldId: number | undefined
}

/** The physical schema of one file. */
export interface FileSchema {
  readonly root: PNode
  readonly leaves: readonly PNode[]
  /** True when ids are authoritative: the file carries `field_id`s, or (no mapping given) fallback ids by position. */
  readonly hasIds: boolean
}

/**
 * Build the tree from hyparquet's schema tree; ids from the file, else from `mapping`, else (as Java does)
 * fallback ids 1..n by position for the top-level columns.
 */
export function buildFileSchema(metadata: FileMetaData, tree: SchemaTree, mapping: NameMapping | undefined, byName = false): FileSchema {
  const leaves: PNode[] = []
  const build = (t: SchemaTree, parentPath: readonly SchemaTree[], parentDef: number, parentRep: number, isRoot: boolean): PNode => {
    const el = t.element
    const repetition = isRoot ? 'REQUIRED' : (el.repetition_type ?? 'OPTIONAL')
    const def = parentDef + (repetition === 'REQUIRED' ? 0 : 1)
    const rep = parentRep + (repetition === 'REPEATED' ? 1 : 0)
    const schemaPath = [...parentPath, t]
    const isLeaf = !isRoot && t.children.length === 0
    const leaf = isLeaf ? leaves.length : -1
    const children = t.children.map((c) => build(c, schemaPath, def, rep, false))
    const node: PNode = {
      element: el,
      name: el.name,
      path: isRoot ? [] : t.path,
      children,
      schemaPath,
      repetition,
      def,
      rep,
      leaf,
      firstLeaf: isLeaf ? leaf : (children.find((k) => k.firstLeaf >= 0)?.firstLeaf ?? -1),
      fieldId: isRoot ? undefined : el.field_id,
    }
    if (isLeaf) leaves.push(node)
    return node
  }
  const root = build(tree, [], 0, 0, true)
  // `byName`: the mapping decides even where the file has ids (an input file's ids are another table's)
  const hasIds = !byName && metadata.schema.slice(1).some((e) => e.field_id !== undefined && e.field_id !== null)
  if (!hasIds && mapping) applyNameMapping(root, mapping)
  else if (!hasIds) {
    // Java's ParquetSchemaUtil.addFallbackIds: a file with neither ids nor a mapping gets top-level ids by position
    root.children.forEach((c, i) => (c.fieldId = i + 1))
  }
  return { root, leaves, hasIds: hasIds || !mapping }
}

const annotation = (n: PNode): string | undefined => n.element.logical_type?.type ?? n.element.converted_type

/** The repeated node and element node of a list-shaped node, following Parquet's backward-compatibility rules. */
export interface ListShape {
  /** The LIST-annotated wrapper, or undefined for a bare repeated field (1-level list). */
  readonly list: PNode | undefined
  readonly repeated: PNode
  readonly element: PNode
}

/** Detect a list: a LIST group (3-level or legacy 2-level) or a bare repeated field. */
export function listShape(n: PNode): ListShape | undefined {
  if (n.repetition === 'REPEATED') return { list: undefined, repeated: n, element: n }
  if (annotation(n) !== 'LIST' || n.children.length !== 1) return undefined
  const r = n.children[0]!
  if (r.repetition !== 'REPEATED') return undefined
  // a repeated primitive, a repeated group of several fields, or a one-field group named `array` or
  // `<list>_tuple` is itself the (required) element; otherwise the single child is the element
  if (r.children.length !== 1 || r.name === 'array' || r.name === `${n.name}_tuple`) return { list: n, repeated: r, element: r }
  return { list: n, repeated: r, element: r.children[0]! }
}

/** The repeated key/value node and key and value children of a map-shaped node. */
export interface MapShape {
  readonly map: PNode
  readonly repeated: PNode
  readonly key: PNode
  readonly value: PNode
}

/** Detect a map: a MAP (or legacy MAP_KEY_VALUE) group holding one repeated group of key and value. */
export function mapShape(n: PNode): MapShape | undefined {
  const a = annotation(n)
  if ((a !== 'MAP' && a !== 'MAP_KEY_VALUE') || n.children.length !== 1) return undefined
  const r = n.children[0]!
  if (r.repetition !== 'REPEATED' || r.children.length !== 2) return undefined
  const [key, value] = r.children as [PNode, PNode]
  return { map: n, repeated: r, key, value }
}

/** Whether a group is a variant: `metadata` and `value` binaries (shredded `typed_value` included). */
export function isVariantGroup(n: PNode): boolean {
  if (n.children.length === 0) return false
  const names = new Set(n.children.map((c) => c.name))
  return names.has('metadata') && (names.has('value') || names.has('typed_value')) && annotation(n) !== 'LIST' && annotation(n) !== 'MAP'
}

/** Assign name-mapped ids (Java ApplyNameMapping): list elements map as `element`, map entries as `key`/`value`. */
function applyNameMapping(root: PNode, mapping: NameMapping): void {
  const index = indexNameMapping(mapping)
  const visit = (n: PNode, path: readonly string[]): void => {
    const m = index.find(path)
    n.fieldId = m?.fieldId
    visitChildren(n, path)
  }
  const visitChildren = (n: PNode, path: readonly string[]): void => {
    if (n.children.length === 0) return
    const l = n.repetition === 'REPEATED' ? undefined : listShape(n)
    if (l) {
      const e = index.find([...path, 'element'])
      l.element.fieldId = e?.fieldId
      if (l.element !== l.repeated) l.repeated.fieldId = undefined
      if (l.element.children.length) {
        const lm = mapShape(l.element)
        if (lm || listShape(l.element)) visitChildren(l.element, [...path, 'element'])
        else for (const c of l.element.children) visit(c, [...path, 'element', c.name])
      }
      return
    }
    const m = mapShape(n)
    if (m) {
      m.repeated.fieldId = undefined
      visit(m.key, [...path, 'key'])
      visit(m.value, [...path, 'value'])
      return
    }
    for (const c of n.children) visit(c, [...path, c.name])
  }
  for (const c of root.children) visit(c, [c.name])
}

/** The converter-relevant parts of a leaf's schema element. */
export function physicalType(e: SchemaElement): PhysicalType {
  const lt = e.logical_type
  const p: { -readonly [K in keyof PhysicalType]: PhysicalType[K] } = {}
  if (e.type !== undefined) p.type = e.type
  if (e.type_length !== undefined) p.typeLength = e.type_length
  if (e.converted_type !== undefined) p.convertedType = e.converted_type
  if (lt !== undefined) p.logicalType = lt.type
  if (lt && (lt.type === 'TIMESTAMP' || lt.type === 'TIME')) p.unit = lt.unit
  if (lt && lt.type === 'TIMESTAMP') p.adjustedToUtc = lt.isAdjustedToUTC
  else if (e.converted_type === 'TIMESTAMP_MILLIS' || e.converted_type === 'TIMESTAMP_MICROS') p.adjustedToUtc = true
  if (lt && lt.type === 'INTEGER') {
    p.signed = lt.isSigned
    p.bitWidth = lt.bitWidth
  }
  if (lt && lt.type === 'DECIMAL') {
    p.precision = lt.precision
    p.scale = lt.scale
  } else if (e.converted_type === 'DECIMAL') {
    if (e.precision !== undefined) p.precision = e.precision
    p.scale = e.scale ?? 0
  }
  return p
}

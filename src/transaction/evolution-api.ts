// The evolution API in one import: schema, partition spec and sort order updates and their options.
export { evolvedMetadata, type Term, type TransformTerm } from './evolution.js'
export { UpdateSchema, type AddColumnOptions, type UpdateSchemaOptions } from './update-schema.js'
export { UpdatePartitionSpec, type UpdateSpecOptions } from './update-spec.js'
export { ReplaceSortOrder, type ReplaceSortOrderOptions } from './replace-sort-order.js'

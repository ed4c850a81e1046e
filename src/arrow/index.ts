// floe/arrow: Apache Arrow in and out (optional; needs the apache-arrow peer dependency).
export {
  EXTENSION_NAME_KEY,
  FIELD_DOC_KEY,
  FIELD_ID_KEY,
  LIST_ELEMENT_NAME,
  MAP_ENTRIES_NAME,
  UUID_EXTENSION,
  arrowFieldId,
  arrowSchemaToIceberg,
  icebergFieldToArrow,
  icebergSchemaToArrow,
  icebergTypeToArrow,
  type ArrowToIcebergOptions,
} from './schema.js'
export { arrowTableToRows, recordBatchToRows, rowsToRecordBatch, type InputRow } from './batches.js'
export { arrowRows, ArrowRows, type ArrowInput } from './input.js'
export { checkArrowInputSchema } from './input-check.js'
// the typed values arrowRows yields for timestamps, times and decimals (converted by the writer's coercer)
export { ScaledDecimal, TypedValue, UnitTime, UnitTimestamp, type TemporalUnit } from '../write/coerce.js'
export { DEFAULT_BATCH_SIZE, scanProjectedSchema, scanToArrow, scanToArrowTable, type ScanToArrowOptions, type ArrowScanSource } from './scan.js'

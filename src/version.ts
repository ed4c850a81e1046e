// floe's own version (kept equal to package.json's by a test), as written into snapshot summaries.

/** The floe release this code is. */
export const FLOE_VERSION = '0.1.0'

/** The `iceberg-version` snapshot-summary value floe writes (Java writes `Apache Iceberg <version> (commit …)`). */
export const FLOE_BUILD = `floe ${FLOE_VERSION}`

// Typed access to Iceberg's string-valued Avro header keys (format-version, ids, content).
import { FloeError, InvalidMetadataError } from '../../errors.js'
import type { ManifestContent } from '../manifest.js'
import type { FormatVersion } from '../table-metadata.js'

function ctx(file: string | undefined, field: string): { file?: string; field: string } {
  return file === undefined ? { field } : { file, field }
}

/** `format-version` header value (1..3); absent → undefined; > 3 → UNSUPPORTED_VERSION (as for metadata JSON); garbage → INVALID_METADATA. */
export function headerFormatVersion(meta: ReadonlyMap<string, string>, file?: string): FormatVersion | undefined {
  const v = meta.get('format-version')
  if (v === undefined) return undefined
  if (!/^\s*\d{1,9}\s*$/.test(v)) throw new InvalidMetadataError(`Invalid format-version header '${v}'`, { context: ctx(file, 'format-version') })
  const n = Number(v)
  if (n > 3) throw new FloeError('UNSUPPORTED_VERSION', `Cannot read unsupported format-version ${n}`, { context: ctx(file, 'format-version') })
  if (n < 1) throw new InvalidMetadataError(`Invalid format-version header '${v}'`, { context: ctx(file, 'format-version') })
  return n as FormatVersion
}

/** A 32-bit integer header value (e.g. `partition-spec-id`), or undefined when absent. */
export function headerInt(meta: ReadonlyMap<string, string>, key: string, file?: string): number | undefined {
  const v = meta.get(key)
  if (v === undefined) return undefined
  const n = Number(v)
  if (!/^\s*-?\d{1,10}\s*$/.test(v) || n < -2147483648 || n > 2147483647) throw new InvalidMetadataError(`Invalid ${key} header '${v}'`, { context: ctx(file, key) })
  return n
}

/** A long header value (snapshot ids, sequence numbers); the literal `null` (Java's root parent) → undefined. */
export function headerLong(meta: ReadonlyMap<string, string>, key: string, file?: string): bigint | undefined {
  const v = meta.get(key)
  if (v === undefined || v.trim() === 'null') return undefined
  if (!/^\s*-?\d{1,20}\s*$/.test(v)) throw new InvalidMetadataError(`Invalid ${key} header '${v}'`, { context: ctx(file, key) })
  return BigInt(v.trim())
}

/** The manifest `content` header (`data` / `deletes`), or undefined when absent. */
export function headerContent(meta: ReadonlyMap<string, string>, file?: string): ManifestContent | undefined {
  const v = meta.get('content')
  if (v === undefined) return undefined
  const t = v.trim().toLowerCase()
  if (t === 'data' || t === 'deletes') return t
  throw new InvalidMetadataError(`Invalid manifest content header '${v}'`, { context: ctx(file, 'content') })
}

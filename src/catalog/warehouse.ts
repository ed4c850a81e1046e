// A catalog's warehouse location: a URI as given, a local path made absolute (as Hadoop qualifies a Path),
// so table locations never depend on the working directory of whoever opens the table later.
import { isAbsolute, resolve } from 'node:path'

/** True when `location` has a URI scheme (`file:`, `s3://`, …). */
export function hasScheme(location: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(location)
}

/** `location` with a relative local path resolved against the working directory; URIs and absolute paths unchanged. */
export function absoluteWarehouse(location: string): string {
  return hasScheme(location) || isAbsolute(location) ? location : resolve(location)
}

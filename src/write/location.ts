// Where new data files go, as Java's LocationProviders and OutputFileFactory decide: the data location
// (`write.data.path`, default `<location>/data`), Java file names, and the object-storage layout with a
// murmur3-derived binary entropy prefix (`write.object-storage.enabled`).
import { InvalidArgumentError, UnsupportedError } from '../errors.js'
import type { FileFormat } from '../spec/manifest.js'
import { murmur3String } from '../spec/murmur3.js'

/** Chooses the location of each new data file. */
export interface LocationProvider {
  /** Location for a file; `partitionPath` (`a=1/b=x`) is given for partitioned specs. */
  newDataLocation(fileName: string, partitionPath?: string): string
}

/** Java `LocationUtil.stripTrailingSlash`: drop trailing `/` but keep a bare `scheme://`. */
export function stripTrailingSlash(path: string): string {
  let p = path
  while (p.endsWith('/') && !p.endsWith('://')) p = p.slice(0, -1)
  return p
}

/** The data location: `write.data.path`, then the legacy keys Java honoured, else `<location>/data`. */
export function dataLocation(tableLocation: string, props: Readonly<Record<string, string>>, objectStore: boolean): string {
  const location = stripTrailingSlash(tableLocation)
  const configured =
    props['write.data.path'] ?? (objectStore ? props['write.object-storage.path'] : undefined) ?? props['write.folder-storage.path'] ?? `${location}/data`
  return stripTrailingSlash(configured)
}

/**
 * The entropy directories Java's ObjectStoreLocationProvider derives from a file name: murmur3_32 of the
 * UTF-8 name, lowest 20 bits as a binary string, split `4/4/4/8` (e.g. `1001/1001/1001/10011001`).
 */
export function objectStoreHash(fileName: string): string {
  const bits = ((murmur3String(fileName) | 0x80000000) >>> 0).toString(2).slice(-20)
  return `${bits.slice(0, 4)}/${bits.slice(4, 8)}/${bits.slice(8, 12)}/${bits.slice(12)}`
}

// Hadoop Path(tableLocation): `<parent name>/<name>` (parent name empty at a bucket or volume root).
function pathContext(tableLocation: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/.exec(tableLocation)
  const rest = m ? tableLocation.slice(m[0].length) : tableLocation
  const parts = rest.split('/').filter((p) => p.length > 0)
  const name = parts[parts.length - 1] ?? ''
  if (parts.length === 0) return name
  return `${parts[parts.length - 2] ?? ''}/${name}`
}

/** The table's location provider (Java LocationProviders.locationsFor); a custom `write.location-provider.impl` is UNSUPPORTED. */
export function locationProvider(tableLocation: string, props: Readonly<Record<string, string>>): LocationProvider {
  const impl = props['write.location-provider.impl']
  if (impl !== undefined) throw new UnsupportedError(`Custom location provider ${impl} (write.location-provider.impl) is not supported`)
  const location = stripTrailingSlash(tableLocation)
  const objectStore = (props['write.object-storage.enabled'] ?? 'false').toLowerCase() === 'true'
  const data = dataLocation(location, props, objectStore)
  if (!objectStore) {
    return { newDataLocation: (fileName, partitionPath) => (partitionPath === undefined ? `${data}/${fileName}` : `${data}/${partitionPath}/${fileName}`) }
  }
  const context = data.startsWith(location) ? undefined : pathContext(location)
  const partitioned = (props['write.object-storage.partitioned-paths'] ?? 'true').toLowerCase() === 'true'
  const hashed = (name: string): string => {
    const hash = objectStoreHash(name)
    if (context !== undefined) return `${data}/${hash}/${context}/${name}`
    return partitioned ? `${data}/${hash}/${name}` : `${data}/${hash}-${name}`
  }
  return {
    newDataLocation: (fileName, partitionPath) => hashed(partitionPath !== undefined && partitioned ? `${partitionPath}/${fileName}` : fileName),
  }
}

/**
 * Java OutputFileFactory name: `<partitionId:%05d>-<taskId>-<operationId>-<fileCount:%05d>[-<suffix>].<ext>`,
 * the extension being the format's lower-case name (FileFormat.addExtension: `.parquet`, `.avro`).
 */
export function dataFileName(partitionId: number, taskId: bigint, operationId: string, fileCount: number, suffix?: string, format: FileFormat = 'PARQUET'): string {
  if (!Number.isInteger(partitionId) || partitionId < -0x80000000 || partitionId > 0x7fffffff)
    throw new InvalidArgumentError(`A partition id in file names must be a 32-bit integer, got ${String(partitionId)}`, { context: { field: 'partitionId' } })
  if (typeof taskId !== 'bigint' || taskId < -(1n << 63n) || taskId >= 1n << 63n)
    throw new InvalidArgumentError(`A task id in file names must be a 64-bit integer (bigint), got ${String(taskId)}`, { context: { field: 'taskId' } })
  const pad5 = (n: number): string => (n < 0 ? `-${String(-n).padStart(4, '0')}` : String(n).padStart(5, '0'))
  return `${pad5(partitionId)}-${taskId}-${operationId}-${pad5(fileCount)}${suffix === undefined ? '' : `-${suffix}`}.${format.toLowerCase()}`
}

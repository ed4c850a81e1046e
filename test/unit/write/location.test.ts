// Location providers and file names: Java's default layout, write.data.path, the object-storage entropy
// prefix (Java TestLocationProvider vectors), its partitioned-paths switch and the out-of-table context.
import { describe, expect, it } from 'vitest'
import { murmur3Bytes } from '../../../src/spec/murmur3.js'
import { dataFileName, locationProvider, objectStoreHash, stripTrailingSlash } from '../../../src/write/location.js'

describe('locations', () => {
  it('names files like OutputFileFactory', () => {
    expect(dataFileName(0, 12n, '3ac0d3a9-0000-4000-8000-000000000000', 1)).toBe('00000-12-3ac0d3a9-0000-4000-8000-000000000000-00001.parquet')
    expect(dataFileName(123456, 7n, 'op', 42, 'deletes')).toBe('123456-7-op-00042-deletes.parquet')
  })

  it('uses <location>/data or write.data.path, partition path first', () => {
    const p = locationProvider('s3://b/db/t/', {})
    expect(p.newDataLocation('f.parquet')).toBe('s3://b/db/t/data/f.parquet')
    expect(p.newDataLocation('f.parquet', 'a=1/b=x')).toBe('s3://b/db/t/data/a=1/b=x/f.parquet')
    expect(locationProvider('s3://b/db/t', { 'write.data.path': 'gs://x/y/' }).newDataLocation('f')).toBe('gs://x/y/f')
    expect(stripTrailingSlash('s3://')).toBe('s3://')
  })

  it('reproduces Java hash injection vectors', () => {
    const p = locationProvider('s3://b/db/t', { 'write.object-storage.enabled': 'true' })
    expect(p.newDataLocation('a')).toBe('s3://b/db/t/data/0101/0110/1001/10110010/a')
    expect(p.newDataLocation('b')).toBe('s3://b/db/t/data/1110/0111/1110/00000011/b')
    expect(p.newDataLocation('c')).toBe('s3://b/db/t/data/0010/1101/0110/01011111/c')
    expect(p.newDataLocation('d')).toBe('s3://b/db/t/data/1001/0001/0100/01110011/d')
    const flat = locationProvider('s3://b/db/t', { 'write.object-storage.enabled': 'true', 'write.object-storage.partitioned-paths': 'false' })
    expect(flat.newDataLocation('test.parquet', 'x=val')).toBe('s3://b/db/t/data/0110/1010/0011/11101000-test.parquet')
  })

  it('hashes the partition path with the file name and derives bits from murmur3 of the UTF-8 name', () => {
    const p = locationProvider('s3://b/db/t', { 'write.object-storage.enabled': 'true' })
    expect(p.newDataLocation('f.parquet', 'k=%E2%98%83')).toBe(`s3://b/db/t/data/${objectStoreHash('k=%E2%98%83/f.parquet')}/k=%E2%98%83/f.parquet`)
    const h = murmur3Bytes(new TextEncoder().encode('☃.parquet')) >>> 0
    const bits = (h & 0xfffff).toString(2).padStart(20, '0')
    expect(objectStoreHash('☃.parquet')).toBe(`${bits.slice(0, 4)}/${bits.slice(4, 8)}/${bits.slice(8, 12)}/${bits.slice(12)}`)
  })

  it('adds <parent>/<table> context when the data path is outside the table location', () => {
    const p = locationProvider('s3://b/db/t', { 'write.object-storage.enabled': 'true', 'write.data.path': 's3://store' })
    expect(p.newDataLocation('a')).toBe('s3://store/0101/0110/1001/10110010/db/t/a')
  })
})

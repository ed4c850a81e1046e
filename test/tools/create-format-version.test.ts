// `floe create` takes the format version from --format-version, the format-version property, or neither
// (2); when both are given they must agree, and a refused create leaves no table behind.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

const VERSIONS = [undefined, 1, 2, 3] as const

describe('floe create format version', () => {
  const dir = tempDir('floe-create-fv-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]

  it('every combination of --format-version and --property format-version', async () => {
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    const created: string[] = []
    for (const flag of VERSIONS)
      for (const prop of VERSIONS) {
        const name = `db.t_${flag ?? 'none'}_${prop ?? 'none'}`
        const args = [
          'create',
          name,
          '--schema',
          'a int',
          ...(flag === undefined ? [] : ['--format-version', String(flag)]),
          ...(prop === undefined ? [] : ['--property', `format-version=${prop}`]),
          ...C,
        ]
        const r = await floe(...args)
        const what = args.join(' ')
        if (flag !== undefined && prop !== undefined && flag !== prop) {
          expect(r.code, what).toBe(2)
          expect(r.stderr, what).toMatch(/^floe: INVALID_ARGUMENT: Conflicting format versions/)
          continue
        }
        expect(r.code, `${what}: ${r.stderr}`).toBe(0)
        const out = parseJson(r.stdout) as JsonObject
        expect(out.formatVersion, what).toBe(flag ?? prop ?? 2)
        // the property chooses the version; it is not kept as a table property
        expect(Object.keys(out.properties as JsonObject), what).not.toContain('format-version')
        const described = parseJson((await floe('describe', name, ...C)).stdout) as JsonObject
        expect(described.formatVersion, what).toBe(flag ?? prop ?? 2)
        created.push(name)
      }
    // only the creates that succeeded made a table
    expect(JSON.parse((await floe('list', 'db', ...C)).stdout)).toEqual(created.sort())
  })

  it('a format version outside 1..3 is refused, by flag or by property, and creates nothing', async () => {
    expect((await floe('create-namespace', 'bad', ...C)).code).toBe(0)
    const flag = await floe('create', 'bad.f', '--schema', 'a int', '--format-version', '4', ...C)
    expect(flag.code).toBe(2)
    expect(flag.stderr).toMatch(/^floe: INVALID_ARGUMENT: --format-version must be 1, 2 or 3, got 4/)
    const prop = await floe('create', 'bad.p', '--schema', 'a int', '--property', 'format-version=4', ...C)
    expect(prop.code).toBe(2)
    expect(prop.stderr).toMatch(/^floe: INVALID_ARGUMENT: Unsupported format-version "4"/)
    expect(JSON.parse((await floe('list', 'bad', ...C)).stdout)).toEqual([])
  })
})

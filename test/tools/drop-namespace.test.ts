// `floe drop-namespace` drops an empty namespace in every catalog kind; a namespace holding a table is refused
// and stays, and a missing one is NOT_FOUND.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

describe('drop-namespace', () => {
  for (const kind of ['file', 'sqlite'] as const) {
    it(`drops only an empty namespace (${kind} catalog)`, async () => {
      const dir = tempDir('floe-dropns-')
      const C = ['--catalog', kind === 'file' ? `file:${join(dir, 'wh')}` : `sqlite:${join(dir, 'cat.db')}?warehouse=${join(dir, 'wh')}`]
      expect((await floe('create-namespace', 'a', ...C)).code).toBe(0)
      expect((await floe('create-namespace', 'b', ...C)).code).toBe(0)
      expect((await floe('create', 'a.t', '--schema', 'id int', ...C)).code).toBe(0)
      const full = await floe('drop-namespace', 'a', ...C)
      expect(full.code).toBe(1)
      expect(full.stderr).toMatch(/^floe: VALIDATION: Namespace a is not empty/)
      const empty = await floe('drop-namespace', 'b', ...C)
      expect(empty.code).toBe(0)
      expect(JSON.parse(empty.stdout)).toEqual({ dropped: 'b' })
      expect(JSON.parse((await floe('namespaces', ...C)).stdout)).toEqual(['a'])
      const missing = await floe('drop-namespace', 'b', ...C)
      expect(missing.code).toBe(1)
      expect(missing.stderr).toMatch(/^floe: NOT_FOUND: /)
    })
  }
})

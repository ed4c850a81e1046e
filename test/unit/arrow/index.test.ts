// The ./arrow subpath: explicit exports, package.json wiring, and apache-arrow confined to src/arrow/.
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as arrow from '../../../src/arrow/index.js'
import { REPO_ROOT } from '../../support/corpus.js'
import { walkFiles } from '../../support/files.js'

describe('floe/arrow entry point', () => {
  it('exports the Arrow API explicitly', () => {
    expect(Object.keys(arrow).sort()).toEqual(
      [
        'DEFAULT_BATCH_SIZE',
        'EXTENSION_NAME_KEY',
        'FIELD_DOC_KEY',
        'FIELD_ID_KEY',
        'LIST_ELEMENT_NAME',
        'MAP_ENTRIES_NAME',
        'UUID_EXTENSION',
        'arrowFieldId',
        'arrowRows',
        'ArrowRows',
        'checkArrowInputSchema',
        'arrowSchemaToIceberg',
        'arrowTableToRows',
        'icebergFieldToArrow',
        'icebergSchemaToArrow',
        'icebergTypeToArrow',
        'recordBatchToRows',
        'rowsToRecordBatch',
        'scanProjectedSchema',
        'scanToArrow',
        'scanToArrowTable',
        'ScaledDecimal',
        'TypedValue',
        'UnitTime',
        'UnitTimestamp',
      ].sort(),
    )
    expect(readFileSync(join(REPO_ROOT, 'src/arrow/index.ts'), 'utf8')).not.toMatch(/export \*/)
  })

  it('is wired as the "./arrow" subpath with apache-arrow as an optional peer', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>
    expect(pkg.exports!['./arrow']).toEqual({ types: './dist/src/arrow/index.d.ts', default: './dist/src/arrow/index.js' })
    // a caret range over the version the tests pin, so engines on another 21.x patch install cleanly
    expect(pkg.peerDependencies!['apache-arrow']).toBe(`^${String(pkg.devDependencies!['apache-arrow'])}`)
    expect(pkg.peerDependenciesMeta!['apache-arrow']).toEqual({ optional: true })
    expect(pkg.devDependencies!['apache-arrow']).toBe('21.2.0')
    expect(pkg.dependencies!['apache-arrow']).toBeUndefined()
  })

  it('imports apache-arrow (and src/arrow itself) only under src/arrow/, so the main entry never loads Arrow', () => {
    const offenders = walkFiles(join(REPO_ROOT, 'src'), (p) => p.endsWith('.ts'))
      .filter((p) => /from\s+'(apache-arrow|(\.\.?\/)+arrow\/[^']*)'/.test(readFileSync(p, 'utf8')))
      .map((p) => relative(REPO_ROOT, p))
      .filter((p) => !p.startsWith('src/arrow/'))
    expect(offenders).toEqual([])
  })
})

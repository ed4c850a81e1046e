// The Env's context: every new snapshot's summary carries floe's `iceberg-version` (Java's EnvironmentContext),
// plus `engine-name`/`engine-version` for an engine that sets them; never over the operation.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MemoryCatalog } from '../../src/catalog/memory.js'
import { DEFAULT_CONTEXT, defaultEnv, testEnv, withEngine, type Env } from '../../src/env.js'
import { MemoryFileIO } from '../../src/io/memory.js'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import { FLOE_BUILD, FLOE_VERSION } from '../../src/version.js'
import { REPO_ROOT } from '../support/corpus.js'

const SCHEMA = schema([field(1, 'id', T.long)])

async function appendOnce(env: Env): Promise<Record<string, string>> {
  const c = new MemoryCatalog(env)
  await c.createNamespace('db')
  const t = await (await c.createTable('db.t', { schema: SCHEMA })).appendRows([{ id: 1n }])
  return { ...t.currentSnapshot()!.summary }
}

describe('Env context in snapshot summaries', () => {
  it('names floe and its package version by default', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(FLOE_VERSION).toBe(pkg.version)
    expect(defaultEnv(new MemoryFileIO()).context).toEqual({ 'iceberg-version': `floe ${pkg.version}` })
    const summary = await appendOnce(testEnv(new MemoryFileIO(), 3))
    expect(summary['iceberg-version']).toBe(FLOE_BUILD)
    expect(summary.operation).toBe('append')
  })

  it('adds an engine name and version, and never replaces the operation', async () => {
    const env = withEngine(testEnv(new MemoryFileIO(), 4), 'my-engine', '2.1')
    expect(env.context).toEqual({ ...DEFAULT_CONTEXT, 'engine-name': 'my-engine', 'engine-version': '2.1' })
    const summary = await appendOnce({ ...env, context: { ...env.context, operation: 'delete', 'added-records': '99' } })
    expect(summary).toMatchObject({ operation: 'append', 'engine-name': 'my-engine', 'engine-version': '2.1', 'iceberg-version': FLOE_BUILD })
    // like Java's putAll, the context is added last and wins over a computed key (but not the operation)
    expect(summary['added-records']).toBe('99')
  })

  it('adds nothing for an Env without a context', async () => {
    const { context: _unused, ...bare } = testEnv(new MemoryFileIO(), 5)
    const summary = await appendOnce(bare)
    expect(Object.keys(summary)).not.toContain('iceberg-version')
    expect(summary['added-records']).toBe('1')
  })
})

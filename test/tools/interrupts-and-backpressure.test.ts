// The CLI's terminal seam: an interrupt aborts a write cleanly (status 130, its data files deleted, nothing
// committed), and scan output waits for a slow reader instead of buffering rows.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { schema } from '../../src/spec/schema.js'
import { T, field } from '../../src/spec/types.js'
import type { CliIO } from '../../tools/cli-io.js'
import { writeRows } from '../../tools/output.js'
import { runCli } from '../../tools/run-cli.js'
import { walkFiles } from '../support/files.js'

function capture(extra: Partial<CliIO> = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return { io: { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), isTTY: false, ...extra }, out: () => out, err: () => err }
}

describe('interrupted writes', () => {
  it('an append interrupted while writing exits 130, deletes its data files and commits nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floe-int-'))
    const cat = ['--catalog', `file:${join(dir, 'wh')}`]
    expect(await runCli(['create-namespace', 'db', ...cat], capture().io)).toBe(0)
    expect(await runCli(['create', 'db.t', '--schema', 'id bigint, s string', ...cat], capture().io)).toBe(0)
    const input = join(dir, 'in.csv')
    writeFileSync(input, `id,s\n${Array.from({ length: 5000 }, (_, i) => `${i},v${i}`).join('\n')}\n`)
    // the interrupt arrives once the write is under way
    const c = capture({
      withInterrupts: async (work) => {
        const ac = new AbortController()
        setTimeout(() => ac.abort(), 0)
        return work(ac.signal)
      },
    })
    const code = await runCli(['append', 'db.t', input, ...cat], c.io)
    expect(code).toBe(130)
    expect(c.err()).toMatch(/^floe: ABORTED: /)
    expect(c.out()).toBe('')
    const data = join(dir, 'wh', 'db', 't', 'data')
    expect(existsSync(data) ? walkFiles(data).filter((f) => f.endsWith('.parquet')) : []).toEqual([])
    const after = capture()
    expect(await runCli(['snapshots', 'db.t', ...cat, '--format', 'csv'], after.io)).toBe(0)
    expect(after.out().trim().split('\n')).toHaveLength(1) // the header only: nothing committed
    expect(readdirSync(join(dir, 'wh', 'db', 't', 'metadata')).filter((f) => f.endsWith('.metadata.json'))).toHaveLength(1)
  })
})

describe('scan output backpressure', () => {
  it('stops writing rows while the reader is slow and resumes when it drains', async () => {
    const lines: string[] = []
    let release: (() => void) | undefined
    const io: CliIO = {
      out: (t) => void lines.push(t),
      err: () => undefined,
      isTTY: false,
      backpressure: () => (lines.length === 3 && !release ? new Promise<void>((r) => (release = r)) : undefined),
    }
    const fields = schema([field(1, 'id', T.long, { required: true })]).fields
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: BigInt(i) }))
    const done = writeRows(io, fields, rows, 'jsonl')
    await new Promise((r) => setTimeout(r, 20))
    expect(lines).toHaveLength(3)
    release!()
    expect(await done).toBe(10)
    expect(lines).toHaveLength(10)
  })
})

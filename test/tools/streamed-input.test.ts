// `floe append` streams its input files: a CSV of several read chunks (with a multi-byte character across a
// chunk boundary) and a Parquet file of several row groups load exactly; a missing or folder input fails
// before anything is written; a bad row late in a big file commits nothing.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeParquet } from '../../src/parquet/hyparquet-writer.js'
import { parseColumns } from '../../src/spec/ddl.js'
import { inputRows } from '../../tools/write-args.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

const MiB = 1024 * 1024
const schema = parseColumns('id bigint, s string')

// A CSV of `n` rows (n > 20,000) where one row's 2-byte character straddles the first 1 MiB read.
function bigCsv(n: number): { text: string; rows: { id: bigint; s: string }[] } {
  const rows = Array.from({ length: n }, (_, i) => ({ id: BigInt(i), s: `é-${'x'.repeat(i % 50)}` }))
  const line = (r: { id: bigint; s: string }): string => `${r.id},${r.s}\n`
  // the rows before `k` end short of the boundary; row k is padded so its é starts on the MiB's last byte
  let before = Buffer.byteLength('id,s\n')
  let k = 0
  while (before + Buffer.byteLength(line(rows[k]!)) < MiB - 100) before += Buffer.byteLength(line(rows[k++]!))
  const prefix = `${k},`
  rows[k] = { id: BigInt(k), s: `${'y'.repeat(MiB - 1 - before - prefix.length)}é` }
  const text = 'id,s\n' + rows.map(line).join('')
  if (Buffer.from(text).indexOf(Buffer.from('é'), MiB - 2) !== MiB - 1) throw new Error('the character is not on the boundary')
  return { text, rows }
}

describe('streamed CLI input', () => {
  const dir = tempDir('floe-stream-')

  it('reads a CSV of several chunks and a Parquet file of several row groups exactly', async () => {
    const { text, rows } = bigCsv(80_000)
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * MiB)
    const csv = join(dir, 'big.csv')
    writeFileSync(csv, text)
    const pq = join(dir, 'big.parquet')
    const written = await writeParquet(schema, rows, { rowGroupSizeBytes: 256 * 1024 })
    expect(written.splitOffsets.length).toBeGreaterThan(1)
    writeFileSync(pq, written.bytes)
    const got: unknown[] = []
    for await (const r of await inputRows([csv, pq], schema, undefined)) got.push(r)
    expect(got).toEqual([...rows, ...rows])
  })

  it('checks every input before reading: a missing file is NOT_FOUND and a folder INVALID_ARGUMENT', async () => {
    const csv = join(dir, 'one.csv')
    writeFileSync(csv, 'id,s\n1,a\n')
    const sub = join(dir, 'folder.csv')
    mkdirSync(sub, { recursive: true })
    const first = async (files: string[]): Promise<string> => {
      try {
        // the check happens before any row is asked for
        await inputRows(files, schema, undefined)
        return 'checked'
      } catch (e) {
        return `${(e as { code: string }).code}: ${(e as Error).message}`
      }
    }
    expect(await first([csv, join(dir, 'nope.csv')])).toMatch(/^NOT_FOUND: Input file does not exist: .*nope\.csv/)
    expect(await first([csv, sub])).toMatch(/^INVALID_ARGUMENT: Input .*folder\.csv is a folder/)
    expect(await first([csv])).toBe('checked')
  })

  it('reads a FIFO in order (CSV, and Parquet read whole), as a regular file', async () => {
    const { text, rows } = bigCsv(80_000)
    const fifo = join(dir, 'in.fifo')
    execFileSync('mkfifo', [fifo])
    const writer = spawn('sh', ['-c', `cat > '${fifo}'`], { stdio: ['pipe', 'ignore', 'inherit'] })
    writer.stdin.end(text)
    const got: unknown[] = []
    for await (const r of await inputRows([fifo], schema, 'csv')) got.push(r)
    expect(got).toEqual(rows)
    const pq = join(dir, 'pq.fifo')
    execFileSync('mkfifo', [pq])
    const bytes = (await writeParquet(schema, rows.slice(0, 1000), { rowGroupSizeBytes: 4096 })).bytes
    const pqWriter = spawn('sh', ['-c', `cat > '${pq}'`], { stdio: ['pipe', 'ignore', 'inherit'] })
    pqWriter.stdin.end(bytes)
    const fromPq: unknown[] = []
    for await (const r of await inputRows([pq], schema, 'parquet')) fromPq.push(r)
    expect(fromPq).toEqual(rows.slice(0, 1000))
  })

  it('opens inputs one at a time: more files than the open-file limit append', async () => {
    const C = ['--catalog', `file:${join(dir, 'wh-many')}`]
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.t', '--schema', 'id bigint, s string', ...C)).code).toBe(0)
    const many = join(dir, 'many')
    mkdirSync(many)
    const files = Array.from({ length: 120 }, (_, i) => {
      const f = join(many, `f${i}.csv`)
      writeFileSync(f, `id,s\n${i},m\n`)
      return f
    })
    // a child process whose open-file limit is below the number of inputs
    const out = execFileSync('bash', ['-c', `ulimit -n 100 && exec node --import tsx tools/cli.ts append db.t "$@" ${C.join(' ')}`, 'floe', ...files], { encoding: 'utf8' })
    expect(JSON.parse(out).summary['added-records']).toBe(String(files.length))
  })

  it('a regular file that shrinks while it is read is an IO error, not a torn read', async () => {
    const { text } = bigCsv(80_000)
    const file = join(dir, 'shrinks.csv')
    writeFileSync(file, text)
    const it = (await inputRows([file], schema, undefined))[Symbol.asyncIterator]()
    expect((await it.next()).done).toBe(false)
    truncateSync(file, 1024 * 1024 + 100)
    const e = await (async () => {
      for (;;) if ((await it.next()).done) return undefined
    })().catch((x: unknown) => x)
    expect((e as { code: string }).code).toBe('IO')
    expect((e as Error).message).toMatch(/shrinks\.csv changed while it was read/)
  })

  it('a bad row after the first MiB fails the append naming its row, and commits nothing', async () => {
    const C = ['--catalog', `file:${join(dir, 'wh')}`]
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.t', '--schema', 'id bigint, s string', ...C)).code).toBe(0)
    const { text, rows } = bigCsv(80_000)
    const file = join(dir, 'late.csv')
    writeFileSync(file, `${text}oops,z\n`)
    const r = await floe('append', 'db.t', file, ...C)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(new RegExp(`INVALID_DATA.*late\\.csv row ${rows.length + 1} column id: expected an integer`))
    const scan = await floe('scan', 'db.t', ...C)
    expect(scan.stdout.trim()).toBe('')
    // the data file written for the rows before the bad one was deleted
    expect(readdirSync(join(dir, 'wh', 'db', 't')).includes('data') ? readdirSync(join(dir, 'wh', 'db', 't', 'data')) : []).toEqual([])
  })
})

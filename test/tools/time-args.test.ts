// The CLI's point-in-time arguments (`--as-of`, `rollback-to-timestamp`): one strict parser of epoch
// milliseconds or ISO-8601 dates and date-times, UTC when no offset is given, checked against JS Date as an
// independent calendar and rejecting anything else as INVALID_ARGUMENT naming the option.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isFloeError } from '../../src/errors.js'
import { parseJson, type JsonObject } from '../../src/spec/json/lossless.js'
import { parseTimeArg } from '../../tools/table-args.js'
import { timestampArg } from '../../tools/write-args.js'
import { floe } from '../support/cli.js'
import { tempDir } from '../support/catalogs.js'

const pad = (n: number, w: number): string => String(n).padStart(w, '0')

/** Epoch ms of a UTC wall-clock time by JS Date (years 0–99 included, which Date.UTC would shift). */
function dateUtc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(0)
  t.setUTCFullYear(y, mo - 1, d)
  t.setUTCHours(h, mi, s, ms)
  return t.getTime()
}

/** Days in a month by JS Date: day 0 of the next month. */
function daysIn(y: number, mo: number): number {
  const t = new Date(0)
  t.setUTCFullYear(y, mo, 0)
  return t.getUTCDate()
}

const offsetText = (minutes: number): string => `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60), 2)}:${pad(Math.abs(minutes) % 60, 2)}`

function rejects(text: string, what = '--as-of'): void {
  let err: unknown
  try {
    parseTimeArg(text, what)
  } catch (e) {
    err = e
  }
  expect(isFloeError(err, 'INVALID_ARGUMENT'), `${JSON.stringify(text)} must be rejected`).toBe(true)
  expect((err as Error).message).toContain(what)
  expect((err as Error).message).toContain(JSON.stringify(text))
}

const fields = fc.record({
  y: fc.integer({ min: 0, max: 9999 }),
  mo: fc.integer({ min: 1, max: 12 }),
  d: fc.integer({ min: 1, max: 31 }),
  h: fc.integer({ min: 0, max: 23 }),
  mi: fc.integer({ min: 0, max: 59 }),
  s: fc.integer({ min: 0, max: 59 }),
  ms: fc.integer({ min: 0, max: 999 }),
  fracDigits: fc.integer({ min: 1, max: 3 }),
  form: fc.constantFrom('date', 'hm', 'hms', 'hmsf'),
  zone: fc.oneof(fc.constant<'none' | 'Z'>('none'), fc.constant<'none' | 'Z'>('Z'), fc.integer({ min: -18 * 60, max: 18 * 60 })),
})

describe('parseTimeArg', () => {
  it('agrees with JS Date for random valid dates, times and offsets (no offset means UTC)', () => {
    fc.assert(
      fc.property(fields, (f) => {
        const day = Math.min(f.d, daysIn(f.y, f.mo))
        const date = `${pad(f.y, 4)}-${pad(f.mo, 2)}-${pad(day, 2)}`
        const withTime = f.form !== 'date'
        const h = withTime ? f.h : 0
        const mi = withTime ? f.mi : 0
        const s = f.form === 'hms' || f.form === 'hmsf' ? f.s : 0
        const frac = f.form === 'hmsf' ? pad(f.ms, 3).slice(0, f.fracDigits) : ''
        const ms = frac ? Number(frac.padEnd(3, '0')) : 0
        let text = date
        if (withTime) text += `T${pad(h, 2)}:${pad(mi, 2)}${f.form === 'hm' ? '' : `:${pad(s, 2)}`}${frac ? `.${frac}` : ''}`
        const offset = withTime && typeof f.zone === 'number' ? f.zone : 0
        if (withTime && f.zone === 'Z') text += 'Z'
        if (withTime && typeof f.zone === 'number') text += offsetText(f.zone)
        const expected = BigInt(dateUtc(f.y, f.mo, day, h, mi, s, ms) - offset * 60_000)
        expect(parseTimeArg(text, '--as-of')).toBe(expected)
        expect(timestampArg(text)).toBe(expected)
      }),
      { numRuns: 500 },
    )
  })

  it('reads integers as epoch milliseconds, negative ones included', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => {
        expect(parseTimeArg(n.toString(), '--as-of')).toBe(n)
      }),
    )
    expect(parseTimeArg('-1', '--as-of')).toBe(-1n)
  })

  it('rejects random calendar fields out of range', () => {
    const badField = fc.oneof(
      fc.record({ kind: fc.constant('month' as const), v: fc.oneof(fc.constant(0), fc.integer({ min: 13, max: 99 })) }),
      fc.record({ kind: fc.constant('day' as const), v: fc.integer({ min: 0, max: 99 }) }),
      fc.record({ kind: fc.constant('hour' as const), v: fc.integer({ min: 24, max: 99 }) }),
      fc.record({ kind: fc.constant('minute' as const), v: fc.integer({ min: 60, max: 99 }) }),
      fc.record({ kind: fc.constant('second' as const), v: fc.integer({ min: 60, max: 99 }) }),
      fc.record({ kind: fc.constant('offset' as const), v: fc.oneof(fc.integer({ min: 18 * 60 + 1, max: 99 * 60 + 59 }), fc.integer({ min: 60, max: 99 })) }),
    )
    fc.assert(
      fc.property(fields, badField, fc.boolean(), (f, bad, negative) => {
        const mo = bad.kind === 'month' ? bad.v : f.mo
        // a day past the month's end (by JS Date), or day 0
        const last = daysIn(f.y, f.mo)
        const d = bad.kind === 'day' ? (bad.v === 0 || bad.v > last ? bad.v : last + 1) : Math.min(f.d, last)
        const h = bad.kind === 'hour' ? bad.v : f.h
        const mi = bad.kind === 'minute' ? bad.v : f.mi
        const s = bad.kind === 'second' ? bad.v : f.s
        let off = offsetText((negative ? -1 : 1) * Math.min(f.h, 18) * 60)
        if (bad.kind === 'offset') {
          // either past ±18:00, or a minutes field of 60 or more
          const sign = negative ? '-' : '+'
          off = bad.v > 18 * 60 ? `${sign}${pad(Math.floor(bad.v / 60), 2)}:${pad(bad.v % 60, 2)}` : `${sign}00:${pad(bad.v, 2)}`
        }
        rejects(`${pad(f.y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${off}`)
      }),
      { numRuns: 300 },
    )
  })

  it('rejects text around a valid value, and everything Date.parse would guess at', () => {
    fc.assert(
      // a suffix that cannot continue the value (not a digit, ':', '.', an offset sign or Z)
      fc.property(fields, fc.string({ minLength: 1, maxLength: 4 }), fc.boolean(), (f, junk, before) => {
        fc.pre(before || !/^[0-9:.+\-Z]/.test(junk))
        const v = `${pad(f.y, 4)}-${pad(f.mo, 2)}-${pad(Math.min(f.d, 28), 2)}T${pad(f.h, 2)}:${pad(f.mi, 2)}`
        rejects(before ? `${junk}${v}` : `${v}${junk}`)
      }),
    )
    for (const t of [
      'notatime',
      'foo 2030',
      '',
      ' 1',
      '1 ',
      '1e3',
      '0x10',
      'Infinity',
      '--1',
      '+1',
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-1-1',
      '24-01-01',
      '+002024-01-01',
      '2024-01-01Z',
      '2024-01-01+01:00',
      '2024-01-01T',
      '2024-01-01T12',
      '2024-01-01 12:00',
      '2024-01-01t12:00',
      '2024-01-01T12:00z',
      '2024-01-01T24:00',
      '2024-01-01T12:60',
      '2024-01-01T12:00:60',
      '2024-01-01T12:00:00.',
      '2024-01-01T12:00:00.1234',
      '2024-01-01T12:00+19:00',
      '2024-01-01T12:00+05:60',
      '2024-01-01T12:00+0500',
      '2024-01-01T12:00 UTC',
      'Mon, 01 Jan 2024 00:00:00 GMT',
    ])
      rejects(t)
    expect(() => timestampArg(undefined)).toThrow(/<timestamp>.*got nothing/)
  })

  it('gives the same answer in every time zone (zone-less values are UTC)', () => {
    const saved = process.env.TZ
    try {
      for (const tz of ['UTC', 'Asia/Tokyo', 'America/Los_Angeles']) {
        process.env.TZ = tz
        expect(parseTimeArg('2024-03-01T00:00', '--as-of')).toBe(1709251200000n)
        expect(parseTimeArg('2024-03-01', '--as-of')).toBe(1709251200000n)
        expect(parseTimeArg('2024-03-01T09:00+09:00', '--as-of')).toBe(1709251200000n)
      }
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
  })
})

describe('CLI time arguments', () => {
  const dir = tempDir('floe-cli-fix-b-time-')
  const C = ['--catalog', `file:${join(dir, 'wh')}`]
  const json = (s: string): JsonObject => parseJson(s) as JsonObject

  it('scan --as-of and rollback-to-timestamp: strict values, exit 2 naming the option, UTC when zone-less', async () => {
    expect((await floe('create-namespace', 'db', ...C)).code).toBe(0)
    expect((await floe('create', 'db.t', '--schema', 'id int', ...C)).code).toBe(0)
    const f = join(dir, 'a.jsonl')
    writeFileSync(f, '{"id":1}\n')
    expect((await floe('append', 'db.t', f, ...C)).code).toBe(0)

    for (const bad of ['notatime', 'foo 2030', '2024-02-30', '2024-01-01T25:00']) {
      const r = await floe('scan', 'db.t', '--as-of', bad, ...C)
      expect(r.code, bad).toBe(2)
      expect(r.stderr).toMatch(/^floe: INVALID_ARGUMENT: --as-of must be/)
      expect(r.stderr).toContain(JSON.stringify(bad))
      expect(r.stderr).not.toMatch(/RangeError|INTERNAL/)
      const rb = await floe('rollback-to-timestamp', 'db.t', bad, ...C)
      expect(rb.code, bad).toBe(2)
      expect(rb.stderr).toMatch(/INVALID_ARGUMENT: <timestamp> must be/)
    }
    const empty = await floe('scan', 'db.t', '--as-of=', ...C)
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain('--as-of')

    // a zone-less time long after the commit reads the table; -1 is a real instant before any snapshot
    const later = await floe('scan', 'db.t', '--as-of', '2999-01-01T00:00', ...C)
    expect(later.code).toBe(0)
    expect(later.stdout.trim()).toBe('{"id":1}')
    const before = await floe('scan', 'db.t', '--as-of=-1', ...C)
    expect(before.code).toBe(1)
    expect(before.stderr).toContain('NOT_FOUND')
    expect(before.stderr).toContain('1969-12-31T23:59:59.999Z')

    // the commit time of the snapshot itself, written with a +02:00 offset, selects it; a millisecond earlier does not
    const described = json((await floe('describe', 'db.t', ...C)).stdout)
    const metadata = json(readFileSync(String(described.metadataLocation).replace(/^file:/, ''), 'utf8'))
    const ms = Number((metadata.snapshots as JsonObject[])[0]!['timestamp-ms'])
    const at = (t: number): string => new Date(t + 2 * 3_600_000).toISOString().replace('Z', '+02:00')
    const r = await floe('scan', 'db.t', '--as-of', at(ms), ...C)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe('{"id":1}')
    expect((await floe('scan', 'db.t', '--as-of', at(ms - 1), ...C)).code).toBe(1)
  })
})

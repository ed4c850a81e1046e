import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import {
  civilFromDays,
  daysFromCivil,
  daysToIsoDate,
  daysToMonths,
  daysToYears,
  floorDiv,
  floorDivInt,
  floorMod,
  formatIsoYear,
  humanDay,
  humanHour,
  humanMonth,
  humanYear,
  isoDateToDays,
  isoTimestampToMicros,
  isoTimestampToNanos,
  isoTimeToMicros,
  microsToDays,
  microsToHours,
  microsToIsoTime,
  microsToIsoTimestamp,
  microsToMonths,
  microsToYears,
  nanosToIsoTimestamp,
  nanosToMicros,
  parseIsoTimestamp,
} from '../../../src/spec/temporal.js'

describe('floor division', () => {
  it('rounds toward negative infinity for bigint and number', () => {
    expect(floorDiv(-1n, 1000n)).toBe(-1n)
    expect(floorDiv(-1000n, 1000n)).toBe(-1n)
    expect(floorDiv(-1001n, 1000n)).toBe(-2n)
    expect(floorDiv(999n, 1000n)).toBe(0n)
    expect(floorDiv(7n, -2n)).toBe(-4n)
    expect(floorMod(-1n, 24n)).toBe(23n)
    expect(floorDivInt(-1, 12)).toBe(-1)
    expect(floorDivInt(-12, 12)).toBe(-1)
    expect(floorDivInt(-13, 12)).toBe(-2)
    expect(floorDivInt(11, 12)).toBe(0)
  })
})

describe('civil calendar', () => {
  it('maps epoch days to dates and back, including leap days and pre-1970', () => {
    expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 })
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 })
    expect(civilFromDays(11016)).toEqual({ year: 2000, month: 2, day: 29 })
    expect(civilFromDays(-719528)).toEqual({ year: 0, month: 1, day: 1 })
    expect(daysFromCivil(1600, 3, 1)).toBe(-135080)
    for (const d of [-1_000_000, -719529, -146097, -365, -1, 0, 59, 60, 17486, 2_932_896, 1_000_000])
      expect(daysFromCivil(civilFromDays(d).year, civilFromDays(d).month, civilFromDays(d).day)).toBe(d)
  })

  it('prints years like Java ISO (sign beyond 4 digits)', () => {
    expect(formatIsoYear(2017)).toBe('2017')
    expect(formatIsoYear(5)).toBe('0005')
    expect(formatIsoYear(-1)).toBe('-0001')
    expect(formatIsoYear(10000)).toBe('+10000')
    expect(daysToIsoDate(-719529)).toBe('-0001-12-31')
    expect(isoDateToDays('-0001-12-31')).toBe(-719529)
    expect(isoDateToDays('+10000-01-01')).toBe(daysFromCivil(10000, 1, 1))
  })

  it('rejects impossible dates', () => {
    for (const s of ['2017-02-29', '2017-13-01', '2017-00-10', '2017-1-1', '17-01-01', '2017-01-32', ''])
      expect(() => isoDateToDays(s), s).toThrow(FloeError)
    expect(isoDateToDays('2016-02-29')).toBe(daysFromCivil(2016, 2, 29))
  })
})

describe('times', () => {
  it('formats micros of day in each fraction style', () => {
    const t = 81068123456n // 22:31:08.123456
    expect(microsToIsoTime(t)).toBe('22:31:08.123456')
    expect(microsToIsoTime(t, 'trim')).toBe('22:31:08.123456')
    expect(microsToIsoTime(81068100000n, 'trim')).toBe('22:31:08.1')
    expect(microsToIsoTime(81068000000n, 'trim')).toBe('22:31:08')
    expect(microsToIsoTime(81068100000n, 'java-time')).toBe('22:31:08.100')
    expect(microsToIsoTime(81060000000n, 'java-time')).toBe('22:31')
    expect(microsToIsoTime(81068000001n, 'java-time')).toBe('22:31:08.000001')
    expect(microsToIsoTime(81068123456n, 'nanos')).toBe('22:31:08.123456000')
  })

  it('parses ISO times with optional seconds and fraction', () => {
    expect(isoTimeToMicros('22:31:08.123456')).toBe(81068123456n)
    expect(isoTimeToMicros('22:31')).toBe(81060000000n)
    expect(isoTimeToMicros('00:00:00.1')).toBe(100000n)
    expect(isoTimeToMicros('00:00:00.000001999')).toBe(1n)
    for (const s of ['24:00:00', '12:60', '1:00:00', '12:00:00.', 'x']) expect(() => isoTimeToMicros(s), s).toThrow(FloeError)
    expect(() => microsToIsoTime(86_400_000_000n)).toThrow(FloeError)
    expect(() => microsToIsoTime(-1n)).toThrow(FloeError)
  })
})

describe('timestamps', () => {
  it('formats and parses micros and nanos, pre-1970 included', () => {
    expect(microsToIsoTimestamp(1510871468123456n)).toBe('2017-11-16T22:31:08.123456')
    expect(microsToIsoTimestamp(-1n, { zone: true })).toBe('1969-12-31T23:59:59.999999+00:00')
    expect(microsToIsoTimestamp(-1_000_000n, { style: 'trim' })).toBe('1969-12-31T23:59:59')
    expect(nanosToIsoTimestamp(-1n)).toBe('1969-12-31T23:59:59.999999999')
    expect(nanosToIsoTimestamp(1510871468123456789n, { zone: true, style: 'trim' })).toBe('2017-11-16T22:31:08.123456789+00:00')
    expect(isoTimestampToMicros('1969-12-31T23:59:59.999999')).toBe(-1n)
    expect(isoTimestampToMicros('1969-12-31T23:59:59.9999999')).toBe(-1n)
    expect(isoTimestampToNanos('2017-11-16T22:31:08.123456789')).toBe(1510871468123456789n)
  })

  it('applies offsets and reports them', () => {
    expect(parseIsoTimestamp('2017-11-16T14:31:08-08:00')).toEqual({ epochNanos: 1510871468000000000n, offsetSeconds: -28800 })
    expect(parseIsoTimestamp('2017-11-16T22:31:08Z')).toEqual({ epochNanos: 1510871468000000000n, offsetSeconds: 0 })
    expect(parseIsoTimestamp('2017-11-16T22:31:08')).toEqual({ epochNanos: 1510871468000000000n })
    expect(parseIsoTimestamp('2017-11-16T22:31:08+05:30:15').offsetSeconds).toBe(19815)
    for (const s of ['2017-11-16 22:31:08', '2017-11-16T22:31:08+25:00', '2017-02-30T00:00:00', '2017-11-16T', 'T22:31'])
      expect(() => parseIsoTimestamp(s), s).toThrow(FloeError)
  })
})

describe('unit conversions (floor)', () => {
  it('converts days to years and months', () => {
    expect(daysToYears(17486)).toBe(47)
    expect(daysToMonths(17486)).toBe(574)
    expect(daysToYears(-1)).toBe(-1)
    expect(daysToMonths(-1)).toBe(-1)
    expect(daysToMonths(-365)).toBe(-12)
    expect(daysToYears(-366)).toBe(-2)
  })

  it('converts micros to days, hours, months, years', () => {
    const ts = 1510871468000000n // 2017-11-16T22:31:08
    expect([microsToYears(ts), microsToMonths(ts), microsToDays(ts), microsToHours(ts)]).toEqual([47, 574, 17486, 419686])
    expect([microsToYears(-1n), microsToMonths(-1n), microsToDays(-1n), microsToHours(-1n)]).toEqual([-1, -1, -1, -1])
    expect(microsToDays(-86_400_000_000n)).toBe(-1)
    expect(microsToDays(-86_400_000_001n)).toBe(-2)
    expect(nanosToMicros(-1n)).toBe(-1n)
    expect(nanosToMicros(1999n)).toBe(1n)
  })

  it('prints human partition values like Java', () => {
    expect([humanYear(47), humanMonth(574), humanDay(17486), humanHour(419686)]).toEqual(['2017', '2017-11', '2017-11-16', '2017-11-16-22'])
    expect([humanYear(-1), humanMonth(-1), humanDay(-1), humanHour(-1)]).toEqual(['1969', '1969-12', '1969-12-31', '1969-12-31-23'])
    expect(humanMonth(-13)).toBe('1968-12')
    expect(humanYear(-1971)).toBe('-001')
  })
})

// Temporal transform and ISO text vectors, including pre-1970 values.
import { describe, expect, it } from 'vitest'
import { jsonLong } from '../../src/spec/json/lossless.js'
import { fromJsonValue, toJsonValue } from '../../src/spec/single-value.js'
import {
  daysToIsoDate,
  isoDateToDays,
  isoTimeToMicros,
  microsToIsoTime,
} from '../../src/spec/temporal.js'
import { parseTransform, Transforms } from '../../src/spec/transform.js'
import { applyTransform, partitionToHumanString } from '../../src/spec/transform-apply.js'
import { T } from '../../src/spec/types.js'
import { entries, literal, loadVectors, primitiveOf } from './vectors.js'

const file = loadVectors('temporal.json')
const UNITS = ['year', 'month', 'day', 'hour'] as const

describe('temporal transform vectors', () => {
  it.each(entries(file, 'transforms').map((e) => [`${String(e.type)} ${String(e.value)}`, e] as const))('%s', (_, e) => {
    const type = primitiveOf(e.type)
    const v = literal(type, e)
    let checked = 0
    for (const unit of UNITS) {
      if (e[unit] === undefined) continue
      expect(applyTransform(Transforms[unit], type, v), unit).toBe(e[unit])
      checked++
    }
    expect(checked).toBeGreaterThan(0)
  })

  it.each(entries(file, 'human').map((e) => [`${String(e.transform)} ${String(e.value)}`, e] as const))('human %s', (_, e) => {
    const t = parseTransform(e.transform as string)
    expect(partitionToHumanString(t, t.kind === 'day' ? T.date : T.int, e.value as number)).toBe(e.human)
  })
})

describe('temporal text forms', () => {
  it.each(entries(file, 'dates').map((e) => [e.text as string, e] as const))('date %s', (text, e) => {
    expect(isoDateToDays(text)).toBe(e.days)
    expect(daysToIsoDate(e.days as number)).toBe(text)
  })

  it.each(entries(file, 'times').map((e) => [e.text as string, e] as const))('time %s', (text, e) => {
    expect(isoTimeToMicros(text)).toBe(jsonLong(e.micros))
    expect(microsToIsoTime(jsonLong(e.micros)!)).toBe(text)
  })

  it.each(entries(file, 'timestamps').map((e) => [`${String(e.type)} ${String(e.text)}`, e] as const))('%s', (_, e) => {
    const type = primitiveOf(e.type)
    expect(fromJsonValue(type, e.text as string)).toBe(jsonLong(e.value))
    expect(toJsonValue(type, jsonLong(e.value)!)).toBe(e.text)
  })
})

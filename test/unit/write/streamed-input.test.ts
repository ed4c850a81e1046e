// Streamed CSV and JSON-lines input: any split of the bytes into chunks (inside a field, a doubled quote, a
// CRLF or a UTF-8 character) reads exactly as the whole text does: the same rows, and the same error for
// texts with one error (the generated texts are valid UTF-8, so at most one kind of error competes).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FloeError } from '../../../src/errors.js'
import type { Row } from '../../../src/parquet/codec.js'
import { parseColumns } from '../../../src/spec/ddl.js'
import { parseCsvFields, type CsvField } from '../../../src/write/csv-input.js'
import { csvRows, jsonlRows, textInputRows } from '../../../src/write/input.js'

const schema = parseColumns('id bigint, name string, score double')

// The rows (or the error code and message) of reading `chunks` as a stream.
async function streamed(chunks: readonly Uint8Array[], format: 'csv' | 'jsonl'): Promise<Row[] | string> {
  const out: Row[] = []
  try {
    for await (const r of textInputRows(chunks, format, schema, 'in')) out.push(r)
    return out
  } catch (e) {
    return `${(e as FloeError).code}: ${(e as Error).message}`
  }
}

// The rows (or the error) of reading the whole text at once.
function whole(bytes: Uint8Array, format: 'csv' | 'jsonl'): Row[] | string {
  try {
    return format === 'csv' ? csvRows(bytes, schema, 'in') : jsonlRows(bytes, schema, 'in')
  } catch (e) {
    return `${(e as FloeError).code}: ${(e as Error).message}`
  }
}

// `bytes` cut at the given offsets (sorted, deduplicated, inside the range).
function cut(bytes: Uint8Array, at: readonly number[]): Uint8Array[] {
  const points = [...new Set(at.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let from = 0
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(from, p))
    from = p
  }
  return out
}

// CSV text built from pieces that stress the tokenizer: quotes, doubled quotes, separators, CR, LF, CRLF,
// multi-byte characters, numbers and stray quotes.
const csvPiece = fc.constantFrom('"', '""', ',', '\r', '\n', '\r\n', 'é', '😀', '1', '2.5', 'x', ' ', 'NaN', '"a,b"', '"q""r"')
const csvText = fc.tuple(fc.constantFrom('id,name,score\n', 'name\n', 'id,name\r\n', '\n\nname,score\r', 'bogus\n'), fc.array(csvPiece, { maxLength: 40 })).map(([h, p]) => h + p.join(''))
const jsonPiece = fc.constantFrom('{"id":1}', '{"name":"é😀\\n"}', '{"score":1e3,"id":9223372036854775807}', '\n', '\r\n', ' ', '{"id":', '[1]', '{"nope":1}', '"x"}', '{"name":null}')
const jsonText = fc.array(jsonPiece, { maxLength: 30 }).map((p) => p.join(''))
const cuts = fc.array(fc.nat(), { maxLength: 12 })

// A reference RFC 4180 tokenizer, one character at a time and with the whole text in view (the tokenizer under
// test slices runs of characters and keeps state across chunks): records, each field's text and quoting, and
// the line an unclosed quote opened on.
function referenceCsv(text: string): { records: CsvField[][]; unclosedLine?: number } {
  const records: CsvField[][] = []
  let record: CsvField[] = []
  let cell = ''
  let quoted = false
  let inQuotes = false
  let line = 1
  let quoteLine = 0
  const endField = (): void => {
    record.push({ text: cell, quoted })
    cell = ''
    quoted = false
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '\r' || (c === '\n' && text[i - 1] !== '\r')) line++
    if (inQuotes) {
      if (c !== '"') cell += c
      else if (text[i + 1] === '"') {
        cell += '"'
        i++
      } else inQuotes = false
    } else if (c === '"' && cell === '' && !quoted) {
      inQuotes = quoted = true
      quoteLine = line
    } else if (c === ',') endField()
    else if (c === '\n' || c === '\r') {
      endField()
      records.push(record)
      record = []
      if (c === '\r' && text[i + 1] === '\n') i++
    } else cell += c
  }
  if (cell !== '' || quoted || record.length) {
    endField()
    records.push(record)
  }
  return inQuotes ? { records, unclosedLine: quoteLine } : { records }
}

describe('streamed text input', () => {
  it('tokenizes CSV as a character-at-a-time reference does (property)', () => {
    fc.assert(
      fc.property(csvText, (text) => {
        const ref = referenceCsv(text)
        if (ref.unclosedLine !== undefined) expect(() => parseCsvFields(text, 'in')).toThrow(`opened on line ${ref.unclosedLine} is never closed`)
        else expect(parseCsvFields(text, 'in')).toEqual(ref.records)
      }),
      { numRuns: 1000 },
    )
  })

  it('reads CSV split anywhere exactly as the whole text (property)', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, cuts, async (text, at) => {
        const bytes = new TextEncoder().encode(text)
        expect(await streamed(cut(bytes, at), 'csv')).toEqual(whole(bytes, 'csv'))
      }),
      { numRuns: 400 },
    )
  })

  it('reads JSON lines split anywhere exactly as the whole text (property)', async () => {
    await fc.assert(
      fc.asyncProperty(jsonText, cuts, async (text, at) => {
        const bytes = new TextEncoder().encode(text)
        expect(await streamed(cut(bytes, at), 'jsonl')).toEqual(whole(bytes, 'jsonl'))
      }),
      { numRuns: 400 },
    )
  })

  it('splits inside a UTF-8 character, a doubled quote and a CRLF', async () => {
    const text = 'name,score\r\n"say ""é""",\r\n😀,1\r\n'
    const bytes = new TextEncoder().encode(text)
    const expected = [
      { name: 'say "é"', score: null },
      { name: '😀', score: 1 },
    ]
    expect(whole(bytes, 'csv')).toEqual(expected)
    // every single cut point, and cutting into one-byte chunks
    for (let i = 0; i <= bytes.length; i++) expect(await streamed(cut(bytes, [i]), 'csv')).toEqual(expected)
    expect(await streamed([...bytes].map((b) => new Uint8Array([b])), 'csv')).toEqual(expected)
  })

  it('refuses invalid UTF-8 and an unclosed quote in a stream, naming the file and row', async () => {
    const bad = new Uint8Array([...new TextEncoder().encode('name\nok\n'), 0xc3])
    expect(await streamed(cut(bad, [3, 9]), 'csv')).toMatch(/^INVALID_DATA: Invalid data in in: the file is not valid UTF-8 text/)
    const unclosed = new TextEncoder().encode('name,score\na,1\n"b,2\nc,3\n')
    expect(await streamed(cut(unclosed, [5, 14]), 'csv')).toMatch(/^INVALID_DATA: Invalid data in in row 2: the quoted field opened on line 3 is never closed/)
    expect(await streamed(cut(new TextEncoder().encode('"name\n'), [2]), 'csv')).toMatch(/^INVALID_DATA: Invalid data in in header: the quoted field opened on line 1/)
  })

  it('yields the rows of early chunks before later chunks arrive', async () => {
    let pulled = 0
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (const t of ['name\na\n', 'b\n', 'c\n']) {
        pulled++
        yield new TextEncoder().encode(t)
      }
    }
    const it = textInputRows(chunks(), 'csv', schema, 'in')[Symbol.asyncIterator]()
    expect((await it.next()).value).toEqual({ name: 'a' })
    expect(pulled).toBe(1)
    expect((await it.next()).value).toEqual({ name: 'b' })
    expect(pulled).toBe(2)
  })
})

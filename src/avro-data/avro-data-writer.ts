// Avro data and delete files as Java's Avro appender writes them (`write.format.default=avro`): an object
// container whose schema is the Iceberg→Avro conversion of the write schema (record `table`, field ids),
// with `iceberg.schema` in the header, rows encoded as they arrive into blocks of about 64 000 bytes that are
// compressed and framed one at a time. Like Java's AvroFileAppender it reports only the record count: Avro
// files carry no column metrics and no split offsets.
import { randomBytes } from 'node:crypto'
import { FloeError, InvalidArgumentError } from '../errors.js'
import type { Row } from '../parquet/codec.js'
import { structToAvro } from '../spec/avro/avro-schema.js'
import { concatBytes, varintBytes } from '../spec/avro/binary.js'
import { ocfHeaderBytes } from '../spec/avro/ocf-write.js'
import { schemaToJson } from '../spec/json/schema-json.js'
import { stringifyJson } from '../spec/json/lossless.js'
import type { Schema } from '../spec/schema.js'
import { blockCompressor, type AvroCodecChoice, type BlockCompressor } from './avro-codec.js'
import { AvroSink, structEncoder, type ValueEncoder } from './avro-encoder.js'

/** Java's default sync interval: a block is written once its encoded records reach this many bytes. */
export const AVRO_BLOCK_BYTES = 64_000

/** Options of {@link AvroDataWriter.open}. */
export interface AvroDataWriterOptions {
  /** Block codec (default: Java's data default, deflate at level 9). */
  readonly codec?: AvroCodecChoice
  /** Encoded bytes per block before it is compressed and written (default {@link AVRO_BLOCK_BYTES}). */
  readonly blockBytes?: number
  /** 16-byte sync marker (default: random, as the Avro spec asks; a predictable one lets stored bytes forge a block for readers that resync mid-file). */
  readonly syncMarker?: Uint8Array
  /** Header entries written before `iceberg.schema` (Java's position deletes add `delete-type`). */
  readonly metadata?: Readonly<Record<string, string>>
  /** The file's location, named in errors. */
  readonly file?: string
}

/** A finished Avro file. */
export interface AvroWriteResult {
  readonly bytes: Uint8Array
  readonly rowCount: number
}

/** An incremental Avro data-file writer: rows of floe values keyed by column name in, container bytes out. */
export class AvroDataWriter {
  private readonly sink: AvroSink
  private readonly chunks: Uint8Array[] = []
  private readonly blockBytes: number
  private stored: number
  private blockRows = 0
  private rows = 0
  private done = false

  private constructor(
    private readonly encode: ValueEncoder,
    private readonly compress: BlockCompressor,
    private readonly sync: Uint8Array,
    header: Uint8Array,
    private readonly opts: AvroDataWriterOptions,
  ) {
    this.blockBytes = Math.max(1, opts.blockBytes ?? AVRO_BLOCK_BYTES)
    this.sink = new AvroSink(Math.min(2 * this.blockBytes + 1024, 1 << 20))
    this.chunks.push(header)
    this.stored = header.length
  }

  /** Open a writer for rows of `schema` (loads the zstd module when that codec is chosen). */
  static async open(schema: Schema, opts: AvroDataWriterOptions = {}): Promise<AvroDataWriter> {
    const codec = opts.codec ?? { codec: 'deflate', level: 9 }
    const compress = await blockCompressor(codec)
    const avroSchema = stringifyJson(structToAvro(schema, 'table'))
    const icebergSchema = stringifyJson(schemaToJson(schema))
    // Java's header order: its metadata map puts avro.schema and avro.codec first, then the writer's own keys
    const meta = new Map<string, string>([
      ['avro.schema', avroSchema],
      ['avro.codec', codec.codec],
    ])
    for (const [k, v] of Object.entries(opts.metadata ?? {})) {
      // the Avro spec reserves avro.* keys (Java's DataFileWriter.setMeta refuses them)
      if (k.startsWith('avro.')) throw new InvalidArgumentError(`Cannot set reserved Avro metadata key ${k}`, { context: { field: k, ...(opts.file === undefined ? {} : { file: opts.file }) } })
      meta.set(k, v)
    }
    meta.set('iceberg.schema', icebergSchema)
    const sync = opts.syncMarker ?? new Uint8Array(randomBytes(16))
    return new AvroDataWriter(structEncoder(schema.fields), compress, sync, ocfHeaderBytes(meta, sync), opts)
  }

  /** Rows written so far. */
  get rowCount(): number {
    return this.rows
  }

  /** Bytes written so far: the header and finished blocks, plus the encoded size of the open block (what file rolling compares to its target). */
  get length(): number {
    return this.stored + this.sink.pos
  }

  /** Encode one row of floe values keyed by column name; a full block is compressed and framed. */
  write(row: Row): void {
    if (this.done) throw new FloeError('INVALID_ARGUMENT', 'Avro writer is already finished', this.ctx())
    const sink = this.sink
    const at = sink.pos
    try {
      this.encode(row, sink)
    } catch (e) {
      sink.pos = at // the open block keeps only whole rows
      if (e instanceof FloeError) throw new FloeError(e.code, e.message, { cause: e, context: { ...e.context, ...this.ctx().context, row: this.rows + 1 } })
      throw new FloeError('INVALID_DATA', `Cannot encode row ${this.rows + 1} as Avro: ${(e as Error).message}`, { cause: e, ...this.ctx() })
    }
    this.rows++
    this.blockRows++
    if (sink.pos >= this.blockBytes) this.flush()
  }

  /** Compress and frame the open block (no-op when it is empty). */
  flush(): void {
    if (this.blockRows === 0) return
    const data = this.compress(this.sink.buf.subarray(0, this.sink.pos))
    const head = concatBytes([varintBytes(this.blockRows), varintBytes(data.length)])
    this.chunks.push(head, data, this.sync)
    this.stored += head.length + data.length + this.sync.length
    this.sink.pos = 0
    this.blockRows = 0
  }

  /** Write the last block and return the file's bytes. */
  finish(): AvroWriteResult {
    if (this.done) throw new FloeError('INVALID_ARGUMENT', 'Avro writer is already finished', this.ctx())
    this.flush()
    this.done = true
    const bytes = concatBytes(this.chunks)
    this.chunks.length = 0
    return { bytes, rowCount: this.rows }
  }

  private ctx(): { context?: { file: string } } {
    return this.opts.file === undefined ? {} : { context: { file: this.opts.file } }
  }
}

/** Write rows of `schema` to Avro container bytes in memory. */
export async function writeAvroData(schema: Schema, rows: Iterable<Row> | AsyncIterable<Row>, opts: AvroDataWriterOptions = {}): Promise<AvroWriteResult> {
  const w = await AvroDataWriter.open(schema, opts)
  for await (const row of rows) w.write(row)
  return w.finish()
}

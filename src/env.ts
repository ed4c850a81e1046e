// The host seam: every effect floe needs (storage, time, ids, sleeping, data-file codec) comes through Env.
import { randomBytes, randomUUID } from 'node:crypto'
import type { FileIO } from './io/file-io.js'
import { LocalFileIO } from './io/local.js'
import { FLOE_BUILD } from './version.js'

/** Everything the library needs from its host. */
export interface Env {
  readonly io: FileIO
  /** Wall clock, epoch milliseconds. */
  now(): bigint
  /** A fresh positive 63-bit snapshot id. */
  snapshotId(): bigint
  /** A fresh RFC 4122 v4 uuid (table uuids, file names). */
  uuid(): string
  /** Wait between commit retries. */
  sleep(ms: number): Promise<void>
  /** Uniform random number in [0, 1) (retry jitter). */
  random(): number
  /**
   * Properties added to every new snapshot's summary, as Java's EnvironmentContext: floe's `iceberg-version`
   * by default; an embedding engine adds `engine-name` and `engine-version` (see {@link withEngine}).
   */
  readonly context?: Readonly<Record<string, string>>
}

/** The summary properties of Java's EnvironmentContext that floe's environments carry by default. */
export const DEFAULT_CONTEXT: Readonly<Record<string, string>> = Object.freeze({ 'iceberg-version': FLOE_BUILD })

/** `env` with an engine's name and version added to the summary properties of the snapshots it writes. */
export function withEngine(env: Env, name: string, version: string): Env {
  return { ...env, context: { ...(env.context ?? {}), 'engine-name': name, 'engine-version': version } }
}

/** Java's snapshot id: (most significant 64 bits XOR least significant 64 bits of a random uuid) & Long.MAX_VALUE. */
export function snapshotIdFromBytes(b: Uint8Array): bigint {
  const view = new DataView(b.buffer, b.byteOffset, 16)
  const id = (view.getBigUint64(0) ^ view.getBigUint64(8)) & 0x7fffffffffffffffn
  return id === 0n ? 1n : id
}

/** The production environment: local files (or the given FileIO), the real clock and crypto randomness. */
export function defaultEnv(io: FileIO = new LocalFileIO()): Env {
  return {
    io,
    now: () => BigInt(Date.now()),
    snapshotId: () => snapshotIdFromBytes(randomBytes(16)),
    uuid: () => randomUUID(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: () => Math.random(),
    context: DEFAULT_CONTEXT,
  }
}

/** A small deterministic PRNG (mulberry32) for test environments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A deterministic environment for tests and property suites: a fake clock that advances one millisecond
 * per reading (sleep advances it too, without waiting), seeded ids and uuids.
 */
export function testEnv(io: FileIO, seed = 1, startMs = 1_700_000_000_000n): Env {
  const rnd = seededRandom(seed)
  let clock = startMs
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256))
  return {
    io,
    now: () => (clock += 1n),
    snapshotId: () => snapshotIdFromBytes(bytes(16)),
    uuid: () => {
      const b = bytes(16)
      b[6] = (b[6]! & 0x0f) | 0x40
      b[8] = (b[8]! & 0x3f) | 0x80
      const h = Buffer.from(b).toString('hex')
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
    },
    sleep: async (ms) => {
      clock += BigInt(Math.max(0, Math.round(ms)))
    },
    random: rnd,
    context: DEFAULT_CONTEXT,
  }
}

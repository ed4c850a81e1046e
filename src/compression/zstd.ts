// The zstd WebAssembly module (@bokuweb/zstd-wasm), loaded once per process for every writer that
// compresses with zstd (Parquet pages, Avro blocks); initialised only when it cannot compress yet.

/** The part of the zstd module floe uses. */
export interface ZstdModule {
  init(): Promise<void>
  compress(buf: Uint8Array, level?: number): Uint8Array
}
let zstd: Promise<ZstdModule> | undefined

/** The zstd module, loaded and initialised on first use. */
export function loadZstd(): Promise<ZstdModule> {
  zstd ??= import('@bokuweb/zstd-wasm').then(async (m) => {
    const mod = m as unknown as ZstdModule
    try {
      mod.compress(new Uint8Array(1), 1)
    } catch {
      await mod.init()
    }
    return mod
  })
  return zstd
}

// Minimal typings for snappyjs 0.7 (the package ships none).
declare module 'snappyjs' {
  /** Decompress a raw Snappy block; throws when the stream is invalid or longer than `maxLength`. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array
  /** Compress into a raw Snappy block. */
  export function compress(uncompressed: Uint8Array): Uint8Array
}

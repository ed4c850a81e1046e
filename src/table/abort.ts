// AbortSignal support: long operations check the signal between units of work.
import { FloeError } from '../errors.js'

/** Message of the ABORTED error. */
export const ABORTED_MESSAGE = 'The operation was aborted'

/** Throw FloeError 'ABORTED' when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FloeError('ABORTED', ABORTED_MESSAGE, { cause: signal.reason })
}

// AbortSignal support: long operations check the signal between units of work, and I/O awaits race it.
import { FloeError } from './errors.js'

/** Message of the ABORTED error. */
export const ABORTED_MESSAGE = 'The operation was aborted'

/** Throw FloeError 'ABORTED' when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FloeError('ABORTED', ABORTED_MESSAGE, { cause: signal.reason })
}

/**
 * `p`, or ABORTED as soon as the signal fires, whichever comes first: an abort does not wait for an I/O
 * call in flight (a slow object-store GET); the call's own late outcome is then ignored.
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p
  if (signal.aborted) {
    p.catch(() => undefined)
    return Promise.reject(new FloeError('ABORTED', ABORTED_MESSAGE, { cause: signal.reason }))
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      p.catch(() => undefined)
      reject(new FloeError('ABORTED', ABORTED_MESSAGE, { cause: signal.reason }))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

// Typed errors: every error floe throws is a FloeError with a stable `code`.

/** Stable error codes; hosts branch on these, never on message text. */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'COMMIT_CONFLICT'
  | 'COMMIT_STATE_UNKNOWN'
  | 'VALIDATION'
  | 'INVALID_ARGUMENT'
  | 'INVALID_JSON'
  | 'INVALID_METADATA'
  | 'INVALID_AVRO'
  | 'INVALID_PARQUET'
  | 'INVALID_PUFFIN'
  | 'INVALID_DATA'
  | 'UNSUPPORTED'
  | 'UNSUPPORTED_VERSION'
  | 'IO'
  | 'ABORTED'

/** Where an error happened: the file and, inside it, the field (a JSON key path or column name). */
export interface ErrorContext {
  readonly file?: string
  readonly field?: string
  readonly [key: string]: unknown
}

/** Options accepted by every FloeError constructor. */
export interface ErrorOptions {
  readonly cause?: unknown
  readonly retryable?: boolean
  readonly context?: ErrorContext
}

/** Base of every error thrown by floe; `code` is stable API and `retryable` drives commit retries. */
export class FloeError extends Error {
  readonly code: ErrorCode
  readonly retryable: boolean
  readonly context: ErrorContext

  constructor(code: ErrorCode, message: string, opts: ErrorOptions = {}) {
    super(withContext(message, opts.context), opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'FloeError'
    this.code = code
    this.retryable = opts.retryable ?? false
    this.context = opts.context ?? {}
  }
}

function withContext(message: string, ctx: ErrorContext | undefined): string {
  if (!ctx) return message
  const parts: string[] = []
  if (ctx.field !== undefined && !message.includes(ctx.field)) parts.push(`field ${ctx.field}`)
  if (ctx.file !== undefined && !message.includes(ctx.file)) parts.push(`in ${ctx.file}`)
  return parts.length ? `${message} (${parts.join(' ')})` : message
}

/** A table, namespace, file or snapshot does not exist. */
export class NotFoundError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('NOT_FOUND', message, opts)
    this.name = 'NotFoundError'
  }
}

/** Something that must be created fresh already exists (also the put-if-absent signal of FileIO). */
export class AlreadyExistsError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('ALREADY_EXISTS', message, opts)
    this.name = 'AlreadyExistsError'
  }
}

/** The table changed under a commit; safe to refresh, re-apply and retry. */
export class CommitConflictError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('COMMIT_CONFLICT', message, { ...opts, retryable: true })
    this.name = 'CommitConflictError'
  }
}

/** The commit outcome is unknown; callers must not clean up any file written for it. */
export class CommitStateUnknownError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('COMMIT_STATE_UNKNOWN', message, opts)
    this.name = 'CommitStateUnknownError'
  }
}

/** An operation is not valid against the table (schema rule, conflict validation); never retried. */
export class ValidationError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('VALIDATION', message, opts)
    this.name = 'ValidationError'
  }
}

/** Table metadata (or a part of it) breaks the Iceberg spec. */
export class InvalidMetadataError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('INVALID_METADATA', message, opts)
    this.name = 'InvalidMetadataError'
  }
}

/** A feature that floe deliberately does not support (ORC data, encryption, …). */
export class UnsupportedError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('UNSUPPORTED', message, opts)
    this.name = 'UnsupportedError'
  }
}

/** A caller passed an argument that cannot be used. */
export class InvalidArgumentError extends FloeError {
  constructor(message: string, opts: ErrorOptions = {}) {
    super('INVALID_ARGUMENT', message, opts)
    this.name = 'InvalidArgumentError'
  }
}

/** True when `e` is a FloeError, optionally with the given code. */
export function isFloeError(e: unknown, code?: ErrorCode): e is FloeError {
  return e instanceof FloeError && (code === undefined || e.code === code)
}

/** Wrap any thrown value as a FloeError of `code` unless it already is one. */
export function wrapError(e: unknown, code: ErrorCode, message: string, context?: ErrorContext): FloeError {
  if (e instanceof FloeError) return e
  const detail = e instanceof Error ? e.message : String(e)
  return new FloeError(code, `${message}: ${detail}`, context ? { cause: e, context } : { cause: e })
}

// fm's libraries throw these typed errors; only the CLI decides what they mean to a user: one
// mapping (apps/fm/src/lib/errors.ts) turns each class into a message, suggestions and an exit
// code. So an error carries no exit code, and names a library option as `name` in backticks
// (`ca`, `count`): the CLI shows the flag it comes from (--ca, --count).

/** Base of every error fm's libraries throw on purpose. */
export class FmError extends Error {
  readonly suggestions: string[]
  constructor(message: string, suggestions: string[] = []) {
    super(message)
    this.name = new.target.name
    this.suggestions = suggestions
  }
}

/** Bad input: a dump, capture, database or baseline that cannot be read. */
export class InputError extends FmError {
  readonly file: string
  constructor(file: string, detail: string, suggestions: string[] = []) {
    super(`${file}: ${detail}`, suggestions)
    this.file = file
  }
}

/** Wrong use of options or arguments. */
export class UsageError extends FmError {}

/** The analyzer could not be reached, refused the request, or answered something unusable. */
export class AnalyzerError extends FmError {}

/** The analyzer may hold part of what was sent (a connection lost part-way, a read-back that differs). */
export class PartialResultError extends AnalyzerError {}

/** The run was stopped by Ctrl-C or a polite kill; whatever it was writing has been removed. */
export class InterruptedError extends FmError {
  constructor(message = 'interrupted') {
    super(message)
  }
}

/** A check found violations (or a diff found differences where none were wanted). */
export class CheckFailedError extends FmError {}

/**
 * An output could not be written. `code` is the system's error code (ENOSPC, EISDIR, ...): the
 * CLI tells a full disk or an I/O error from a target that cannot be one (a folder, a missing
 * parent folder, no permission). `target` is the file, or `-` for standard output.
 */
export class OutputError extends FmError {
  constructor(readonly target: string, readonly code: string, suggestions: string[] = []) {
    super(`cannot write ${target === '-' ? 'standard output' : target}: ${describeErrno(code)}`, suggestions)
  }

  /** True for a full disk or quota, a file too large, or an I/O error (not the target's fault). */
  get full(): boolean {
    return OUTPUT_FAULTS.has(this.code)
  }
}

const OUTPUT_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'SQLITE_FULL', 'SQLITE_IOERR'])

const ERRNO_TEXT: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  SQLITE_FULL: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  SQLITE_IOERR: 'input/output error',
  EISDIR: 'it is a folder',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of its path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'it already exists',
  EPIPE: 'the reader closed the pipe',
  SQLITE_CANTOPEN: 'cannot open it as a database file',
  SQLITE_READONLY: 'it is read-only',
  SQLITE_PERM: 'permission denied',
}

/** A system error code as a few words, with the code: `no space left on the device (ENOSPC)`. */
export function describeErrno(code: string): string {
  const text = ERRNO_TEXT[code]
  return text ? `${text} (${code})` : code
}

const WRITE_FAULTS = new Set([...OUTPUT_FAULTS, 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR', 'ENOENT'])

/** True for an error code that says a file could not be created or written (not a bug, not bad input). */
export function isWriteFault(code: string): boolean {
  return WRITE_FAULTS.has(code)
}

/** The system error code of an exception (`ENOSPC`, or SQLite's `SQLITE_FULL`), or ''. */
export function errnoOf(e: unknown): string {
  const code = (e as {code?: unknown} | null)?.code
  if (typeof code !== 'string') return ''
  // better-sqlite3 reports extended codes: SQLITE_IOERR_WRITE is an I/O error like any other
  return code.startsWith('SQLITE_IOERR') ? 'SQLITE_IOERR' : code.startsWith('SQLITE_CANTOPEN') ? 'SQLITE_CANTOPEN' : code
}

/**
 * A system or SQLite error met while writing `target` (ENOSPC, SQLITE_FULL, SQLITE_IOERR_*,
 * EACCES...) as an OutputError naming it; any other error (fm's own, a bug) is returned as it is.
 */
export function asOutputError(target: string, e: unknown): unknown {
  return e instanceof FmError || !isWriteFault(errnoOf(e)) ? e : new OutputError(target, errnoOf(e))
}

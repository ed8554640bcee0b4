/** Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT = 130

/** Base of every error fm's libraries throw on purpose; the CLI maps `exitCode`. */
export class FmError extends Error {
  readonly exitCode: number
  readonly suggestions: string[]
  constructor(message: string, exitCode: number, suggestions: string[] = []) {
    super(message)
    this.name = new.target.name
    this.exitCode = exitCode
    this.suggestions = suggestions
  }
}

/** Bad input: a dump, capture, database or baseline that cannot be read (exit 3). */
export class InputError extends FmError {
  readonly file: string
  constructor(file: string, detail: string, suggestions: string[] = []) {
    super(`${file}: ${detail}`, 3, suggestions)
    this.file = file
  }
}

/** Wrong use of flags or arguments (exit 2). */
export class UsageError extends FmError {
  constructor(message: string, suggestions: string[] = []) {
    super(message, 2, suggestions)
  }
}

/** The analyzer could not be reached or refused the request (exit 3 unless stated). */
export class AnalyzerError extends FmError {
  constructor(message: string, suggestions: string[] = [], exitCode = 3) {
    super(message, exitCode, suggestions)
  }
}

/** The run was stopped by Ctrl-C or a polite kill; whatever it was writing has been removed (exit 130). */
export class InterruptedError extends FmError {
  constructor(message = 'interrupted') {
    super(message, INTERRUPTED_EXIT)
  }
}

/** A check found violations (exit 5). */
export class CheckFailedError extends FmError {
  constructor(message: string) {
    super(message, 5)
  }
}

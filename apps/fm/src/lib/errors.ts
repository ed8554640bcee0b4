import {AnalyzerError, CheckFailedError, FmError, InputError, InterruptedError, OutputError, PartialResultError, UsageError} from '@fm/model'

/** fm's exit codes; README "Errors and exit codes" says what gives each. */
export const EXIT = {
  ok: 0,
  bug: 1,
  usage: 2,
  badInput: 3,
  partial: 4,
  checkFailed: 5,
  /** An output could not be written: disk full, quota, I/O error. */
  writeFailed: 6,
  interrupted: 130,
  /** The reader of standard output went away (`fm ... | head`), as a process killed by SIGPIPE. */
  brokenPipe: 141,
} as const

/** The flag of each library option the libraries name in their messages as `option`. */
const FLAGS: Record<string, string> = {
  analyzer: '--analyzer',
  ssl: '--ssl',
  insecure: '--insecure',
  ca: '--ca',
  username: '--username',
  password: '--password (or FM_PASSWORD, or the prompt)',
  timeoutSeconds: '--timeout',
  full: '--full',
  count: '--count',
  everySeconds: '--every',
  at: '--at',
  duration: '--duration',
  out: '--out',
  db: '--db',
  minSeen: '--min-seen',
  level: '--level',
  scope: '--scope',
  delete: '--delete',
}

/** The exit code of an error fm's libraries threw (FmError), by its class. */
export function exitCodeOf(err: FmError): number {
  if (err instanceof InterruptedError) return EXIT.interrupted
  if (err instanceof CheckFailedError) return EXIT.checkFailed
  if (err instanceof PartialResultError) return EXIT.partial
  if (err instanceof OutputError) return err.full ? EXIT.writeFailed : EXIT.usage
  if (err instanceof UsageError) return EXIT.usage
  if (err instanceof InputError || err instanceof AnalyzerError) return EXIT.badInput
  return EXIT.bug
}

/** Library words to CLI words: each `option` a library names becomes its flag. */
export function inFlags(text: string): string {
  return text.replace(/`(\w+)`/g, (whole, name: string) => FLAGS[name] ?? whole)
}

/** What the CLI shows for an error fm's libraries threw: one line, suggestions, an exit code. */
export function presentError(err: FmError): {message: string; suggestions: string[]; exitCode: number} {
  return {message: inFlags(err.message), suggestions: err.suggestions.map(inFlags), exitCode: exitCodeOf(err)}
}

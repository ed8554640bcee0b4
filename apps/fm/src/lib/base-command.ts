import {Command} from '@oclif/core'
import {FmError, OutputError, printable} from '@fm/model'
import {EXIT, presentError} from './errors.js'
import {progressFlags, progressReporter, type Progress} from './progress.js'

/**
 * Every fm command extends this: it maps the libraries' typed errors to one clear line and
 * an exit code (see EXIT in errors.ts).
 */
export abstract class FmCommand extends Command {
  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (!(err instanceof FmError)) {
      // oclif's own parse errors (unknown flag, missing argument) are usage errors
      if (err.oclif && err.oclif.exit === undefined) err.oclif.exit = 2
      // under --json a refused flag is one JSON error like fm's own (oclif would print its whole parse state)
      if (err.oclif?.exit === 2 && this.jsonEnabled()) {
        this.logJson({error: {message: err.message, exitCode: 2, suggestions: []}})
        return this.exit(2)
      }
      return super.catch(err)
    }
    // the reader of stdout went away (`fm analyze | head`): nothing to say, to no one
    if (err instanceof OutputError && err.target === '-' && err.code === 'EPIPE') return this.exit(EXIT.brokenPipe)
    const {message, suggestions, exitCode} = presentError(err)
    // under --json the error is a JSON document on stdout, unless stdout is what failed
    if (this.jsonEnabled() && !(err instanceof OutputError && err.target === '-')) {
      this.logJson({error: {message, exitCode, suggestions}})
    } else {
      // One unwrapped line (file names and JSON paths stay greppable), then suggestions.
      const lines = [`Error: ${printable(message)}`, ...suggestions.map((s) => `  Try: ${printable(s)}`)]
      process.stderr.write(lines.join('\n') + '\n')
    }
    return this.exit(exitCode)
  }

  /** --progress and --quiet, on every command. */
  static baseFlags = progressFlags

  /**
   * Draws library progress on stderr (stdout stays clean): live on a terminal, plain lines with
   * --progress when stderr is a log, nothing with --quiet or --json.
   */
  protected progress(): Progress {
    // the flags were parsed and checked by the command; they are plain booleans of every command
    const given = this.argv.includes('--') ? this.argv.slice(0, this.argv.indexOf('--')) : this.argv
    const tty = process.stderr.isTTY === true
    const mode = this.jsonEnabled() || given.includes('--quiet') ? 'off' : tty ? 'live' : given.includes('--progress') ? 'lines' : 'off'
    return progressReporter({mode, write: (t) => void process.stderr.write(t), columns: process.stderr.columns})
  }
}

import {Command} from '@oclif/core'
import {FmError} from '@fm/model'
import {printable} from '@fm/render'

/**
 * Every fm command extends this: it maps the libraries' typed errors to one clear line and
 * an exit code (0 ok, 1 bug, 2 usage, 3 bad input, 4 partial result, 5 check failed).
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
    if (this.jsonEnabled()) {
      this.logJson({error: {message: err.message, exitCode: err.exitCode, suggestions: err.suggestions}})
    } else {
      // One unwrapped line (file names and JSON paths stay greppable), then suggestions.
      const lines = [`Error: ${printable(err.message)}`, ...err.suggestions.map((s) => `  Try: ${printable(s)}`)]
      process.stderr.write(lines.join('\n') + '\n')
    }
    return this.exit(err.exitCode)
  }

  /** Draws library progress on stderr, only when stderr is a terminal; stdout stays clean. */
  protected progress(): ((line: string) => void) & {done: () => void} {
    const tty = process.stderr.isTTY === true && !this.jsonEnabled()
    let last = 0
    const draw = ((line: string) => {
      if (!tty) return
      const now = Date.now()
      if (now - last < 100) return
      last = now
      process.stderr.write(`\r\u001b[2K${line.slice(0, (process.stderr.columns ?? 80) - 1)}`)
    }) as ((line: string) => void) & {done: () => void}
    draw.done = () => {
      if (tty) process.stderr.write('\r\u001b[2K')
    }
    return draw
  }
}

import {Command, Errors} from '@oclif/core'
import {FmError} from '@fm/model'

/**
 * Every fm command extends this: it maps the libraries' typed errors to one clear line and
 * an exit code (0 ok, 1 bug, 2 usage, 3 bad input, 4 partial result, 5 check failed).
 */
export abstract class FmCommand extends Command {
  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof FmError) {
      // this.error prints "Error: <message>" plus suggestions, never a stack trace
      this.error(err.message, {exit: err.exitCode, suggestions: err.suggestions.length ? err.suggestions : undefined})
    }
    if (err instanceof Errors.CLIError || err.oclif?.exit !== undefined) {
      // flag/argument parse errors are usage errors (exit 2)
      if (err.oclif?.exit === 2 || /flag|argument|Unexpected|Missing/i.test(err.message)) {
        if (err.oclif) err.oclif.exit = err.oclif.exit ?? 2
      }
      return super.catch(err)
    }
    return super.catch(err)
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

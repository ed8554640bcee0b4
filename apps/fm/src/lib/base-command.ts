import {Command} from '@oclif/core'
import {FmError, OutputError} from '@fm/model'
import {printable} from '@fm/render'
import {EXIT, presentError} from './errors.js'

/**
 * Every fm command extends this: it maps the libraries' typed errors to one clear line and
 * an exit code (see EXIT in errors.ts).
 */
export abstract class FmCommand extends Command {
  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (!(err instanceof FmError)) {
      // oclif's own parse errors (unknown flag, missing argument) are usage errors
      if (err.oclif && err.oclif.exit === undefined) err.oclif.exit = 2
      return super.catch(err)
    }
    // the reader of stdout went away (`fm analyze | head`): nothing to say, to no one
    if (err instanceof OutputError && err.target === '-' && err.code === 'EPIPE') return this.exit(EXIT.brokenPipe)
    const {message, suggestions, exitCode} = presentError(err)
    if (this.jsonEnabled()) {
      this.logJson({error: {message, exitCode, suggestions}})
    } else {
      // One unwrapped line (file names and JSON paths stay greppable), then suggestions.
      const lines = [`Error: ${printable(message)}`, ...suggestions.map((s) => `  Try: ${printable(s)}`)]
      process.stderr.write(lines.join('\n') + '\n')
    }
    return this.exit(exitCode)
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

import {randomBytes} from 'node:crypto'
import {closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {errnoOf, InterruptedError, OutputError} from '@fm/model'
import {flushStdout, stdoutFailure} from './stdout.js'

/** A failed write of `file` as the CLI reports it: disk full (exit 6) or a bad target (exit 2). */
function writeError(file: string, e: unknown): OutputError {
  return new OutputError(file, errnoOf(e) || (e as Error).message)
}

/** Writes a whole file under a temporary name and renames it, so no half-written output is left. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`
  try {
    writeFileSync(temp, data)
    renameSync(temp, file)
  } catch (e) {
    rmSync(temp, {force: true})
    throw writeError(file, e)
  }
}

/** Bytes standard output may hold unwritten before ChunkedOutput.ready asks the producer to wait. */
const PIPE_HIGH_WATER = 1 << 18

/**
 * Output written piece by piece, buffered: to a temporary file renamed by `commit()` (removed
 * by `abort()`), or to stdout when no file is given. A failed write (disk full, closed pipe)
 * throws OutputError at the next write, or at `commit()` at the latest. Example:
 * `const out = new ChunkedOutput(file); out.write(header); ...; await out.commit()`
 */
export class ChunkedOutput {
  private readonly temp: string | null
  private readonly fd: number
  private buffer = ''

  constructor(private readonly file?: string) {
    this.temp = file ? `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}` : null
    try {
      this.fd = this.temp ? openSync(this.temp, 'w') : -1
    } catch (e) {
      throw writeError(file!, e)
    }
  }

  write(text: string): void {
    this.buffer += text
    if (this.buffer.length >= 1 << 20) this.flush()
  }

  /**
   * Backpressure: a promise to await before writing more when standard output (a pipe to a slow
   * reader) holds more than PIPE_HIGH_WATER bytes it could not hand over yet; it resolves once
   * stdout drained (or failed, or `signal` was raised). Undefined when writing can go on: a file
   * is written synchronously. Node queues whatever a full pipe does not take, without limit, so
   * a producer that ignores this grows by the whole output.
   */
  ready(signal?: AbortSignal): Promise<void> | undefined {
    if (this.temp) return undefined
    const out = process.stdout
    if (out.writableLength <= PIPE_HIGH_WATER || out.destroyed || stdoutFailure()) return undefined
    return new Promise((resolve) => {
      const done = (): void => {
        out.off('drain', done)
        out.off('error', done)
        out.off('close', done)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      out.on('drain', done)
      out.on('error', done)
      out.on('close', done)
      signal?.addEventListener('abort', done)
    })
  }

  private flush(): void {
    const text = this.buffer
    this.buffer = ''
    if (!this.temp) {
      // an earlier write to stdout failed (reported on a later tick): stop the work now
      const f = stdoutFailure()
      if (f) throw f
      process.stdout.write(text)
      const now = stdoutFailure()
      if (now) throw now
      return
    }
    try {
      // a write to a filling disk is partial before it fails: the rest is written, or ENOSPC thrown
      const bytes = Buffer.from(text, 'utf8')
      for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at)
    } catch (e) {
      throw writeError(this.file!, e)
    }
  }

  /** Writes what is left and renames the file into place; `signal` raised first (or while stdout drains): InterruptedError, nothing renamed. */
  async commit(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new InterruptedError()
    this.flush()
    if (!this.temp) {
      if (!signal) return flushStdout()
      let stop: () => void = () => undefined
      const interrupted = new Promise<never>((_, reject) => {
        stop = () => reject(new InterruptedError())
        signal.addEventListener('abort', stop, {once: true})
      })
      try {
        return await Promise.race([flushStdout(), interrupted])
      } finally {
        signal.removeEventListener('abort', stop)
      }
    }
    try {
      closeSync(this.fd)
      renameSync(this.temp, this.file!)
    } catch (e) {
      rmSync(this.temp, {force: true})
      throw writeError(this.file!, e)
    }
  }

  abort(): void {
    if (!this.temp) return
    try {
      closeSync(this.fd)
    } catch {
      // already closed
    }
    rmSync(this.temp, {force: true})
  }
}

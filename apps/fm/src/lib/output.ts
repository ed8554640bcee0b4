import {randomBytes} from 'node:crypto'
import {closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {UsageError} from '@fm/model'

/** Writes a whole file under a temporary name and renames it, so no half-written output is left. */
export function writeAtomic(file: string, data: string | Uint8Array): void {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`
  try {
    writeFileSync(temp, data)
    renameSync(temp, file)
  } catch (e) {
    rmSync(temp, {force: true})
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
}

/**
 * Output written piece by piece, buffered: to a temporary file renamed by `commit()` (removed
 * by `abort()`), or to stdout when no file is given. Example:
 * `const out = new ChunkedOutput(file); out.write(header); ...; out.commit()`
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
      throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    }
  }

  write(text: string): void {
    this.buffer += text
    if (this.buffer.length >= 1 << 20) this.flush()
  }

  private flush(): void {
    const text = this.buffer
    this.buffer = ''
    // stdout through the stream (synchronous for files and pipes on Linux), a file through its fd
    if (!this.temp) process.stdout.write(text)
    else writeSync(this.fd, text)
  }

  commit(): void {
    this.flush()
    if (!this.temp) return
    closeSync(this.fd)
    renameSync(this.temp, this.file!)
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

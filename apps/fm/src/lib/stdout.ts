import {fstatSync, writeSync} from 'node:fs'
import {Exit} from '@oclif/core/handle'
import {errnoOf, OutputError} from '@fm/model'
import {EXIT} from './errors.js'

// Standard output is where most of fm's results go, and often a pipe (CI logs, `| tee`) or a
// file on a disk that can fill. Node writes to a pipe asynchronously once it is full, and
// reports a failed write as an 'error' event: so fm exits only after stdout has drained, and
// every failed write ends the run with one line and a defined code, never a stack or exit 0.

let failure: Error | undefined
let installed = false

/** The first error standard output reported (ENOSPC, EPIPE, EIO...), if any. */
export function stdoutFailure(): OutputError | undefined {
  return failure ? new OutputError('-', errnoOf(failure) || failure.message) : undefined
}

/**
 * Resolves once everything written to standard output so far has left the process (or failed),
 * then throws the OutputError of a failed write. Example: `process.stdout.write(text); await flushStdout()`
 */
export async function flushStdout(): Promise<void> {
  await drained()
  const f = stdoutFailure()
  if (f) throw f
}

/** Writes to standard output and waits until it is written: throws OutputError on a full disk or a closed pipe. */
export async function writeStdout(text: string): Promise<void> {
  const f = stdoutFailure()
  if (f) throw f
  process.stdout.write(text)
  await flushStdout()
}

function drained(): Promise<void> {
  return new Promise((resolve) => {
    const out = process.stdout
    // errors of a synchronous write (a file, /dev/full) are emitted on the next tick
    setImmediate(function check() {
      if (failure || out.destroyed || out.writableLength === 0) return resolve()
      const done = (): void => {
        out.off('drain', done)
        out.off('error', done)
        out.off('close', done)
        setImmediate(check)
      }
      out.on('drain', done)
      out.on('error', done)
      out.on('close', done)
    })
  })
}

/**
 * Installs the guards once per process (bin/run.js does, before oclif runs a command): standard output's errors are recorded (not thrown as
 * an unhandled 'error'), oclif's exit waits for stdout to drain (a pipe kept only its first
 * 64 KiB when fm exited non-zero), and a write that failed after the command returned still
 * changes the exit code, with one line on stderr.
 */
export function guardStdout(): void {
  if (installed) return
  installed = true
  // oclif's own listener rethrows every error but EPIPE, as an uncaught exception with a stack
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', (e) => {
    failure ??= e
  })
  // Node writes a file or a device as stdout with one writeSync per chunk: a disk that fills
  // mid-chunk writes part of it, and the rest is dropped without an error. Such a stdout is
  // written here, to the last byte or to the error.
  if (writtenSynchronously()) {
    process.stdout.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void) => {
      const done = typeof encoding === 'function' ? encoding : cb
      if (!failure) {
        try {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk
          for (let at = 0; at < bytes.length; ) at += writeSync(1, bytes, at)
        } catch (e) {
          failure = e as Error
        }
      }
      if (done) process.nextTick(done, failure ?? null)
      return !failure
    }) as typeof process.stdout.write
  }
  const exit = Exit.exit.bind(Exit)
  // oclif's handler calls this last, then returns: the process ends when stdout has drained
  Exit.exit = ((code = 0) => {
    // an interrupted run ends now: a reader that stopped reading must not hold Ctrl-C's exit
    if (code === EXIT.interrupted) return exit(code)
    void drained().then(() => exit(finalCode(code)))
  }) as typeof Exit.exit
  process.on('beforeExit', () => {
    const code = finalCode(process.exitCode === undefined ? 0 : Number(process.exitCode))
    process.exitCode = code
  })
}

let reported = false

/** The exit code once standard output is settled: a failed write turns a success into a failure. */
function finalCode(code: number): number {
  const f = stdoutFailure()
  if (!f || code !== EXIT.ok) return code
  if (f.code === 'EPIPE') return EXIT.brokenPipe
  if (!reported) {
    reported = true
    process.stderr.write(`Error: ${f.message}\n`)
  }
  return f.full ? EXIT.writeFailed : EXIT.usage
}

/** True when stdout is a regular file or a device other than a terminal (what Node writes synchronously). */
function writtenSynchronously(): boolean {
  if (process.stdout.isTTY) return false
  try {
    const st = fstatSync(1)
    return st.isFile() || st.isCharacterDevice() || st.isBlockDevice()
  } catch {
    return false
  }
}

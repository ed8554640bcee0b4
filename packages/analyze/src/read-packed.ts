import {existsSync, statSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'
import {AnalyzerError, CheckFailedError, FmError, InputError, InterruptedError, UsageError} from '@fm/model'
import {readJsonDump, type ReadProgress} from '@fm/ingest'
import {packRecords, type PackedBatch} from '@fm/store'

/** Messages of the reading thread. */
export type FromReader =
  | {type: 'batch'; batch: PackedBatch; progress: ReadProgress | null}
  | {type: 'done'; progress: ReadProgress | null}
  | {
      type: 'error'
      error:
        | {kind: 'input'; file: string; message: string; suggestions: string[]}
        | {kind: 'fm'; name: string; message: string; suggestions: string[]}
        | {kind: 'other'; message: string; stack?: string}
    }

/** Messages to the reading thread. */
export type ToReader = {type: 'ack'}

export interface ReadPackedOptions {
  onProgress?: (p: ReadProgress) => void
  /**
   * Parse in a worker thread. Default: for files of WORKER_MIN_BYTES and more, when the worker
   * script is there (built, or from sources: see readerScript).
   */
  worker?: boolean
}

/** Below this size, starting a thread (~30 ms) costs more than parsing on the side saves. */
export const WORKER_MIN_BYTES = 4 << 20

function size(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0 // the reader reports the error
  }
}

/** How to start the reading thread: its script, and the options the thread needs. */
export interface ReaderScript {
  url: URL
  execArgv?: string[]
}

/**
 * The worker script next to this module: dist/read-worker.js when built. Running from sources
 * (unit tests: this module is read-packed.ts), the worker runs from sources too, read-worker.ts
 * through tsx (read-worker-source.mjs), its workspace imports resolved to their sources by the `fm-source` export
 * condition: a test never runs a stale build of the reader.
 */
export function readerScript(): ReaderScript | null {
  if (import.meta.url.endsWith('.ts')) return {url: new URL('./read-worker-source.mjs', import.meta.url), execArgv: ['--conditions', 'fm-source']}
  const url = new URL('./read-worker.js', import.meta.url)
  return existsSync(fileURLToPath(url)) ? {url} : null
}

/**
 * Reads one dump file as packed batches for `Store.loadPacked`. With a worker, parsing runs on
 * the other core while the caller inserts; errors arrive as the same typed errors as inline.
 */
export function readPacked(file: string, opts: ReadPackedOptions = {}): AsyncGenerator<PackedBatch> {
  const wanted = opts.worker ?? size(file) >= WORKER_MIN_BYTES
  const script = wanted ? readerScript() : null
  if (opts.worker === true && !script) throw new Error('the reading worker is not built (npm run build)')
  if (!script) return packRecords(readJsonDump(file, {rawSockets: true, onProgress: opts.onProgress}))
  return readInWorker(script, file, opts.onProgress)
}

let running = 0
/** How many reading workers are alive (none once every reader has finished or been left). */
export function runningReaders(): number {
  return running
}

async function* readInWorker(script: ReaderScript, file: string, onProgress?: (p: ReadProgress) => void): AsyncGenerator<PackedBatch> {
  const worker = new Worker(script.url, {workerData: {file}, execArgv: script.execArgv})
  running++
  const queue: FromReader[] = []
  let failure: Error | null = null
  let wake: (() => void) | null = null
  const notify = (): void => {
    wake?.()
    wake = null
  }
  worker.on('message', (m: FromReader) => {
    queue.push(m)
    notify()
  })
  worker.on('error', (e) => {
    failure = e
    notify()
  })
  worker.on('exit', (code) => {
    failure ??= new Error(`the reading worker stopped (exit code ${code})`)
    notify()
  })
  try {
    for (;;) {
      const m = queue.shift()
      if (!m) {
        if (failure) throw failure
        await new Promise<void>((resolve) => (wake = resolve))
        continue
      }
      if (m.type === 'error') throw toError(m.error)
      if (m.progress) onProgress?.(m.progress)
      if (m.type === 'done') return
      worker.postMessage({type: 'ack'} satisfies ToReader)
      yield m.batch
    }
  } finally {
    await worker.terminate()
    running--
  }
}

function toError(e: (FromReader & {type: 'error'})['error']): Error {
  if (e.kind === 'input') return new InputError(e.file, e.message.slice(e.file.length + 2), e.suggestions)
  if (e.kind === 'fm') {
    // the class is what the CLI maps, so it crosses the thread boundary by name
    const Class = FM_ERRORS[e.name] ?? FmError
    return new Class(e.message, e.suggestions)
  }
  const err = new Error(e.message)
  if (e.stack) err.stack = e.stack
  return err
}

const FM_ERRORS: Record<string, new (message: string, suggestions: string[]) => FmError> = {UsageError, AnalyzerError, CheckFailedError, InterruptedError}

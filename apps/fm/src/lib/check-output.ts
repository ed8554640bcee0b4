import {checkPieces, type CheckFormat, type CheckReportParts} from '@fm/baseline'
import {InterruptedError} from '@fm/model'
import {withInterrupt} from './flags.js'
import {ChunkedOutput} from './output.js'

export interface CheckOutputOptions {
  format: CheckFormat
  /** --output: the chosen format goes to this file (atomically) and the text report to stdout. */
  output?: string
  /** --json: stdout gets the JSON document (passing or not). */
  json: boolean
  /** The baseline file or policy folder, named in headings. */
  baseline: string
}

/** Writes a check report a piece at a time (a line, a test case, an edge), to --output and stdout: neither is held whole. */
export async function writeCheckReport(parts: CheckReportParts, opts: CheckOutputOptions): Promise<void> {
  const o = {baseline: opts.baseline}
  // Ctrl-C while a large report is written: --output's temporary file is removed (exit 130)
  await withInterrupt(async (signal) => {
    if (opts.output) await writePieces(new ChunkedOutput(opts.output), checkPieces(parts, opts.format, o), signal)
    await writePieces(new ChunkedOutput(), checkPieces(parts, opts.json ? 'json' : opts.output ? 'text' : opts.format, o), signal)
  })
}

async function writePieces(out: ChunkedOutput, pieces: Iterable<string>, signal: AbortSignal): Promise<void> {
  try {
    let n = 0
    for (const p of pieces) {
      out.write(p)
      // a pipe to a slow reader: wait for it rather than queue the report; now and then a turn of the event loop, where Ctrl-C is heard
      const ready = out.ready(signal) ?? (++n % 4096 === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined)
      if (ready) await ready
      if (signal.aborted) throw new InterruptedError()
    }
    await out.commit(signal)
  } catch (e) {
    out.abort()
    throw e
  }
}

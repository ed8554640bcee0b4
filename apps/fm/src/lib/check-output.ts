import {checkPieces, type CheckFormat, type CheckReportParts} from '@fm/baseline'
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
  if (opts.output) await writePieces(new ChunkedOutput(opts.output), checkPieces(parts, opts.format, o))
  await writePieces(new ChunkedOutput(), checkPieces(parts, opts.json ? 'json' : opts.output ? 'text' : opts.format, o))
}

async function writePieces(out: ChunkedOutput, pieces: Iterable<string>): Promise<void> {
  try {
    for (const p of pieces) {
      out.write(p)
      // a pipe to a slow reader: wait for it rather than queue the report
      const ready = out.ready()
      if (ready) await ready
    }
    await out.commit()
  } catch (e) {
    out.abort()
    throw e
  }
}

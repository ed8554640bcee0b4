import {checkPieces, type CheckFormat, type CheckReportParts, type FormatCheckOptions} from '@fm/baseline'
import {ChunkedOutput} from './output.js'

/**
 * Writes a check report to `file` (atomically) or to stdout, a piece at a time as it is read
 * (checkPieces), waiting for a slow reader of stdout: a host-level report of a large deployment
 * is tens of MB, and is never held whole.
 */
export async function writeCheckReport(report: CheckReportParts, format: CheckFormat, opts: FormatCheckOptions, file?: string): Promise<void> {
  const out = new ChunkedOutput(file)
  try {
    for (const piece of checkPieces(report, format, opts)) {
      out.write(piece)
      const wait = out.ready()
      if (wait) await wait
    }
    await out.commit()
  } catch (e) {
    out.abort()
    throw e
  }
}

import {closeSync, createReadStream, openSync, readSync, statSync} from 'node:fs'
import {analyze} from '@fm/analyze'
import {shellCommand} from '@fm/capture'
import {appendCaptures, isMatrixCsv, readMatrixCsv, renumberEntry} from '@fm/baseline'
import {InputError, type CaptureInfo, type HostListening, type MatrixEntry, type ServedPeer} from '@fm/model'
import {withInterrupt} from './flags.js'
import {withRedactedInputs} from './redact-inputs.js'
import {STDIN} from '@fm/ingest'
import {UsageError} from '@fm/model'
import {readingLine} from './progress.js'

export interface ReadObservationOptions {
  states?: string[] | 'any'
  onProgress?: (line: string) => void
  /** `--redact --key FILE`: analyze a redacted copy of the inputs (see withRedactedInputs). */
  redact?: {redact?: boolean; key?: string; toolVersion: string}

  /** Also hand over each host's own addresses and listeners (dumps, captures and databases only). */
  onHostListening?: (h: HostListening) => void

  /**
   * Also hand over the peers of server-side sockets no client was matched to, capture ids
   * renumbered as the entries' (dumps, captures and databases only: a matrix CSV has none).
   */
  onServedPeer?: (p: ServedPeer) => void

  /** Takes each entry, its capture ids renumbered 1..N over all inputs, as the analysis hands it over. */
  onEntry: (e: MatrixEntry) => void

  /** Selection flags and groups (see entrySelection): applied to analyzed and CSV entries alike, before onEntry. */
  select?: (e: MatrixEntry) => MatrixEntry | null
}

/**
 * Reads what diff, baseline and check compare: dumps, capture folders and fm databases go
 * through `analyze` (one snapshot per capture), matrix CSVs (found by their header) are parsed.
 * The entries stream to `onEntry` (never all held); returns the captures (snapshots), numbered 1..N.
 */
export async function readObservation(inputs: string[], opts: ReadObservationOptions): Promise<CaptureInfo[]> {
  const csv = inputs.filter(isCsvFile)
  const rest = inputs.filter((f) => !csv.includes(f))
  if (csv.length && opts.redact?.redact) throw new InputError(csv[0], 'is a matrix CSV: --redact reads dumps and capture folders only')
  const captures: CaptureInfo[] = []
  if (rest.length) {
    let ids = new Map<number, number>()
    let own: CaptureInfo[] = []
    await withInterrupt((signal) => withRedactedInputs(rest, opts.redact ?? {}, {toolVersion: opts.redact?.toolVersion ?? '', signal, onProgress: opts.onProgress}, (inputs) => analyze({
      inputs,
      signal,
      states: opts.states,
      select: opts.select,
      evidenceLimit: 0,
      // edges are compared, never the unmatched sockets or ambiguities: only their counts are kept
      lists: false,
      onHostListening: opts.onHostListening,
      onServedPeer: opts.onServedPeer && ((p) => opts.onServedPeer!({...p, captureIds: p.captureIds.map((id) => ids.get(id) ?? id).sort((a, b) => a - b)})),
      onHead: (h) => {
        own = h.captures
        ids = appendCaptures(own, captures)
      },
      onEntry: (e) => opts.onEntry(renumberEntry(e, ids, own)),
      onProgress: (p) => {
        if (p.phase === 'read') opts.onProgress?.(readingLine({...p, records: undefined}))
        else if (p.phase === 'match') opts.onProgress?.(`matching capture ${p.capture} of ${p.captures}`)
      },
    })))
  }
  // matrix CSVs stream row by row (a chunk of the file in memory, never the file)
  for (const f of csv) {
    let ids = new Map<number, number>()
    let own: CaptureInfo[] = []
    await readMatrixCsv(createReadStream(f, {encoding: 'utf8', highWaterMark: 1 << 20}), f, {
      onCapture: (c) => {
        own = [c]
        ids = appendCaptures(own, captures)
      },
      onEntry: (e) => {
        const kept = opts.select ? opts.select(e) : e
        if (kept) opts.onEntry(renumberEntry(kept, ids, own))
      },
    })
  }
  return captures
}

/**
 * fm analyze and fm report match sockets: a matrix CSV has only the matched connections left,
 * so it is refused with what to do instead (diff, baseline and check compare CSVs).
 */
export function refuseMatrixCsv(inputs: string[], command: string): void {
  const csv = inputs.find(isCsvFile)
  if (csv === undefined) return
  throw new UsageError(`${csv} is a matrix CSV: it holds the matched connections, not the sockets fm ${command} matches`, [
    'Give the dump or capture folder the CSV was made from.',
    `Compare matrix CSVs with fm diff A.csv B.csv, or check one with ${shellCommand(['fm', 'check', csv, '--baseline', 'baseline.yaml'])}`,
  ])
}

function isCsvFile(file: string): boolean {
  if (file === STDIN) return false // read as a dump: what is read from a pipe cannot be looked at twice
  let fd: number
  try {
    if (!statSync(file).isFile()) return false
    fd = openSync(file, 'r')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(file, code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`)
  }
  try {
    const buf = Buffer.alloc(256)
    const n = readSync(fd, buf, 0, buf.length, 0)
    return isMatrixCsv(buf.subarray(0, n).toString('utf8'))
  } finally {
    closeSync(fd)
  }
}

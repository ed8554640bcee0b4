import {closeSync, openSync, readFileSync, readSync, statSync} from 'node:fs'
import {analyze} from '@fm/analyze'
import {isMatrixCsv, mergeObservations, parseMatrixCsv, type Observation} from '@fm/baseline'
import {InputError, UsageError} from '@fm/model'
import {STDIN} from '@fm/ingest'
import {withInterrupt} from './flags.js'
import {readingLine} from './progress.js'

export interface ReadObservationOptions {
  states?: string[] | 'any'
  onProgress?: (line: string) => void
}

/**
 * Reads what diff, baseline and check compare: dumps, capture folders and fm databases go
 * through `analyze` (one snapshot per capture), matrix CSVs (found by their header) are parsed.
 */
export async function readObservation(inputs: string[], opts: ReadObservationOptions = {}): Promise<Observation> {
  const csv = inputs.filter(isCsvFile)
  const rest = inputs.filter((f) => !csv.includes(f))
  const parts: Observation[] = []
  if (rest.length) {
    parts.push(
      await withInterrupt((signal) => analyze({
        inputs: rest,
        signal,
        states: opts.states,
        evidenceLimit: 0,
        // edges are compared, never the unmatched sockets or ambiguities: only their counts are kept
        lists: false,
        onProgress: (p) => {
          if (p.phase === 'read') opts.onProgress?.(readingLine({...p, records: undefined}))
          else if (p.phase === 'match') opts.onProgress?.(`matching capture ${p.capture} of ${p.captures}`)
        },
      })),
    )
  }
  for (const f of csv) parts.push(parseMatrixCsv(readFileSync(f, 'utf8'), f))
  return mergeObservations(parts)
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
    `Compare matrix CSVs with fm diff A.csv B.csv, or check one with fm check ${csv} --baseline baseline.yaml.`,
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

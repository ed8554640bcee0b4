import {canonicalAddress, InputError, type CaptureInfo, type MatchMethod, type MatrixEntry} from '@fm/model'
import {CsvSyntaxError, csvPieces, parseCsv, type CsvField} from './parse-csv.js'
import type {Observation} from './types.js'

/** The original tool's header (as `@fm/render` writes it); `wide-csv` appends count columns. */
const HEADER = 'protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname'
const WIDE = ['connections', 'methods', 'seen']
const METHODS = new Set<string>(['socket', 'listener', 'flow'])

/** True when a file starting with `head` is a matrix CSV (the original's or fm's wide one), judged by its header line. */
export function isMatrixCsv(head: string): boolean {
  const h = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head
  if (!h.startsWith(HEADER)) return false
  const next = h[HEADER.length]
  return next === undefined || next === '\r' || next === '\n' || next === ','
}

/**
 * Reads a matrix CSV as one snapshot (capture `captureId`). The original CSV has no counts, so every
 * row counts as one connection and the capture's format says `matrix-csv`; fm's wide CSV keeps its counts.
 * Formula-guard apostrophes written by fm's CSV writer are removed.
 */
export function parseMatrixCsv(text: string, source: string, captureId = 1): Observation {
  const r = new MatrixCsvRows(source, captureId)
  const entries: MatrixEntry[] = []
  for (const row of csvRows(text, 1, source)) {
    const e = r.row(row)
    if (e) entries.push(e)
  }
  return {captures: [r.capture()], entries}
}

/**
 * parseMatrixCsv of text arriving in chunks (a file's read stream, decoded): `onCapture` gets the
 * snapshot once the header is read, then `onEntry` each row's entry, in file order; a bad row
 * fails with its line as parseMatrixCsv's does, and memory holds a chunk, never the file.
 * Example: `await readMatrixCsv(createReadStream(f, 'utf8'), f, {onCapture, onEntry})`
 */
export async function readMatrixCsv(chunks: AsyncIterable<string>, source: string, handlers: {onCapture: (c: CaptureInfo) => void; onEntry: (e: MatrixEntry) => void}, captureId = 1): Promise<void> {
  const r = new MatrixCsvRows(source, captureId)
  let announced = false
  for await (const piece of csvPieces(chunks)) {
    for (const row of csvRows(piece.text, piece.line, source)) {
      const e = r.row(row)
      if (!announced && r.headed) {
        announced = true
        handlers.onCapture(r.capture())
      }
      if (e) handlers.onEntry(e)
    }
  }
  // an empty file: the header is missing
  if (!announced) handlers.onCapture(r.capture())
}

function csvRows(text: string, line: number, source: string): CsvField[][] {
  try {
    return parseCsv(text, line)
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new InputError(source, `not valid CSV at ${e.message}`)
    throw e
  }
}

/** The rows of one matrix CSV, header first, turned into entries one at a time. */
class MatrixCsvRows {
  private header: string[] | null = null
  private wide = false
  private cols = {connections: -1, methods: -1}

  constructor(
    private readonly source: string,
    private readonly captureId: number,
  ) {}

  get headed(): boolean {
    return this.header !== null
  }

  /** The snapshot the file is (its format known from the header); throws when there was no header. */
  capture(): CaptureInfo {
    if (!this.header) this.takeHeader([])
    return {id: this.captureId, source: this.source, format: this.wide ? 'matrix-wide-csv' : 'matrix-csv', label: null, timeContext: null, startedAt: null, endedAt: null}
  }

  /** The entry of a row (null for the header and blank lines). */
  row(row: CsvField[]): MatrixEntry | null {
    if (!this.header) {
      this.takeHeader(row.map((f) => f.value))
      return null
    }
    const header = this.header
    const source = this.source
    if (row.length === 1 && row[0].value === '' && !row[0].quoted) return null
    if (row.length !== header.length) {
      throw new InputError(source, `line ${row[0].line}: ${row.length} fields, expected ${header.length} like the header`)
    }
    const v = row.map(unguard)
    const int = (i: number, what: string, max = Number.MAX_SAFE_INTEGER): number => {
      const x = v[i]
      if (!/^\d+$/.test(x) || Number(x) > max) throw new InputError(source, `line ${row[i].line}, column ${row[i].col}: ${what} must be a whole number, got ${JSON.stringify(x.slice(0, 40))}`)
      return Number(x)
    }
    const wide = this.wide
    const methods = wide ? v[this.cols.methods].split(' ').filter((m) => METHODS.has(m)) : ['socket']
    return {
      protocol: v[0].toUpperCase(),
      server: {host: v[1], ip: canonicalAddress(v[2]), port: int(3, 'port', 65535), process: v[4], name: v[5]},
      client: {host: v[6], ip: canonicalAddress(v[7]), process: v[8], name: v[9]},
      connections: wide ? int(this.cols.connections, 'connections') : 1,
      methods: methods as MatchMethod[],
      seen: 1,
      captureIds: [this.captureId],
      evidence: [],
    }
  }

  private takeHeader(header: string[]): void {
    if (header.slice(0, 10).join(',') !== HEADER) throw new InputError(this.source, `line 1: expected the matrix CSV header "${HEADER}"`)
    this.header = header
    this.wide = WIDE.every((c) => header.includes(c))
    this.cols = {connections: header.indexOf('connections'), methods: header.indexOf('methods')}
  }
}

/** Undoes the writer's formula guard: a quoted field `'=x` was `=x`. */
function unguard(f: CsvField): string {
  return f.quoted && /^'[=+\-@\t\r]/.test(f.value) ? f.value.slice(1) : f.value
}

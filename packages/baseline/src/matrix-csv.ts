import {canonicalAddress, InputError, type MatchMethod, type MatrixEntry} from '@fm/model'
import {CsvSyntaxError, parseCsv, type CsvField} from './parse-csv.js'
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
  let rows: CsvField[][]
  try {
    rows = parseCsv(text)
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new InputError(source, `not valid CSV at ${e.message}`)
    throw e
  }
  const header = (rows.shift() ?? []).map((f) => f.value)
  if (header.slice(0, 10).join(',') !== HEADER) throw new InputError(source, `line 1: expected the matrix CSV header "${HEADER}"`)
  const wide = WIDE.every((c) => header.includes(c))
  const col = (name: string): number => header.indexOf(name)
  const entries: MatrixEntry[] = []
  for (const row of rows) {
    if (row.length === 1 && row[0].value === '' && !row[0].quoted) continue
    if (row.length !== header.length) {
      throw new InputError(source, `line ${row[0].line}: ${row.length} fields, expected ${header.length} like the header`)
    }
    const v = row.map(unguard)
    const int = (i: number, what: string, max = Number.MAX_SAFE_INTEGER): number => {
      const x = v[i]
      if (!/^\d+$/.test(x) || Number(x) > max) throw new InputError(source, `line ${row[i].line}, column ${row[i].col}: ${what} must be a whole number, got ${JSON.stringify(x.slice(0, 40))}`)
      return Number(x)
    }
    const methods = wide ? v[col('methods')].split(' ').filter((m) => METHODS.has(m)) : ['socket']
    entries.push({
      protocol: v[0].toUpperCase(),
      server: {host: v[1], ip: canonicalAddress(v[2]), port: int(3, 'port', 65535), process: v[4], name: v[5]},
      client: {host: v[6], ip: canonicalAddress(v[7]), process: v[8], name: v[9]},
      connections: wide ? int(col('connections'), 'connections') : 1,
      methods: methods as MatchMethod[],
      seen: 1,
      captureIds: [captureId],
      evidence: [],
    })
  }
  return {
    captures: [{id: captureId, source, format: wide ? 'matrix-wide-csv' : 'matrix-csv', label: null, timeContext: null, startedAt: null, endedAt: null}],
    entries,
  }
}

/** Undoes the writer's formula guard: a quoted field `'=x` was `=x`. */
function unguard(f: CsvField): string {
  return f.quoted && /^'[=+\-@\t\r]/.test(f.value) ? f.value.slice(1) : f.value
}

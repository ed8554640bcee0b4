import type {Ambiguity, Matrix, MatrixEntry, UnmatchedSocket} from '@fm/model'

/** The original tool's header, column for column. */
export const CSV_HEADER = ['protocol', 'server', 'server_ip', 'port', 'server_proc', 'server_procname', 'client', 'client_ip', 'client_proc', 'client_procname']

/**
 * One CSV field, RFC 4180 quoted. Fields a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, tab, CR at the start) get a leading apostrophe inside quotes.
 */
export function csvField(v: string | number): string {
  let s = String(v)
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n']/.test(s) || s !== String(v) ? `"${s.replace(/"/g, '""')}"` : s
}

function row(fields: (string | number)[]): string {
  return fields.map(csvField).join(',') + '\r\n'
}

function entryFields(e: MatrixEntry): (string | number)[] {
  return [e.protocol, e.server.host, e.server.ip, e.server.port, e.server.process, e.server.name, e.client.host, e.client.ip, e.client.process, e.client.name]
}

/** The matrix as the original's CSV; `wide` adds connections, methods, seen and traffic columns. */
export function matrixToCsv(m: Matrix, opts: {wide?: boolean} = {}): string {
  let out = csvHeader(opts)
  for (const e of m.entries) out += csvRow(e, opts)
  return out
}

/** The CSV header line (CRLF-terminated); with csvRow, a CSV can be written one entry at a time. */
export function csvHeader(opts: {wide?: boolean} = {}): string {
  const head = opts.wide ? [...CSV_HEADER, 'connections', 'methods', 'seen', 'bytes_to_server', 'bytes_to_client', 'packets_to_server', 'packets_to_client'] : CSV_HEADER
  return head.join(',') + '\r\n'
}

/** One entry as a CSV line (CRLF-terminated). */
export function csvRow(e: MatrixEntry, opts: {wide?: boolean} = {}): string {
  const f = entryFields(e)
  if (opts.wide) {
    const t = e.traffic
    f.push(e.connections, e.methods.join(' '), e.seen, t?.bytesToServer ?? '', t?.bytesToClient ?? '', t?.packetsToServer ?? '', t?.packetsToClient ?? '')
  }
  return row(f)
}

/** Unmatched client sockets (`--list-no-peers`), one per line with the reason. */
export function unmatchedToCsv(list: UnmatchedSocket[]): string {
  let out = UNMATCHED_CSV_HEADER
  for (const u of list) out += unmatchedCsvRow(u)
  return out
}

/** The header line of unmatchedToCsv; with unmatchedCsvRow, the list can be written one socket at a time. */
export const UNMATCHED_CSV_HEADER = 'reason,host,protocol,local_ip,local_port,remote_ip,remote_port,state,proc,procname,pid\r\n'

/** One unmatched socket as a CSV line (CRLF-terminated). */
export function unmatchedCsvRow(u: UnmatchedSocket): string {
  const s = u.socket
  return row([u.reason, u.host, s.protocol, s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.state, s.process, s.name, s.pid])
}

/** The header line of the ambiguity list (`fm analyze --list-ambiguities`). */
export const AMBIGUITY_CSV_HEADER = 'client,chosen,resolved_by,why,candidates,candidate_sockets\r\n'

/** How each resolution picked its server, in plain words. */
export const AMBIGUITY_WHY: Record<Ambiguity['resolvedBy'], string> = {
  'address-owner': 'several hosts report a listener for this address; the one owning the address on an interface was chosen',
  'client-host': 'several hosts report a listener for this address; the one on the client\'s own host was chosen',
  'first-by-name': 'no candidate owns the address or shares the client\'s host: the first by socket key was chosen (the same listener reported twice: two agents on one machine, or one listener on 0.0.0.0 and [::])',
}

/** One ambiguity as a CSV line (CRLF-terminated): candidates space-separated. */
export function ambiguityCsvRow(a: Ambiguity): string {
  return row([a.client, a.chosen, a.resolvedBy, AMBIGUITY_WHY[a.resolvedBy], a.candidates.length, a.candidates.join(' ')])
}

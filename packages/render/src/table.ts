import {hostPort, printable, type Matrix, type MatrixEntry, type MatrixStats} from '@fm/model'

/** The table's column titles. */
export const TABLE_HEAD = ['PROTO', 'SERVER', 'ADDRESS', 'PROCESS', 'CLIENT', 'ADDRESS', 'PROCESS', 'CONN', 'METHOD']

/** No column is wider than this; longer cells end in '…'. */
const MAX_WIDTH = 40

/** One entry's cells, as the table shows them (control characters made printable). */
export function tableCells(e: MatrixEntry): string[] {
  return [
    e.protocol, e.server.host, hostPort(e.server.ip, e.server.port), e.server.name || e.server.process,
    e.client.host, e.client.ip, e.client.name || e.client.process, String(e.connections), e.methods.join(','),
  ].map(printable)
}

/**
 * Column widths fed one row at a time (never a spread of every row into one call, which
 * overflows the stack on a large matrix). Example: `const w = new TableWidths(); w.add(cells); w.widths`
 */
export class TableWidths {
  readonly widths: number[] = TABLE_HEAD.map((h) => Math.min(MAX_WIDTH, h.length))
  /** Rows added so far. */
  rows = 0

  add(cells: string[]): void {
    this.rows++
    const w = this.widths
    for (let i = 0; i < w.length; i++) {
      const n = Math.min(MAX_WIDTH, cells[i].length)
      if (n > w[i]) w[i] = n
    }
  }
}

/** One line of the table (no line break): cells padded or cut to `widths`. */
export function tableLine(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i]))).join('  ').trimEnd()
}

/** The line under the table: entries, connections by method, unmatched by reason, ambiguities. */
export function tableSummary(entries: number, s: MatrixStats): string {
  return `${entries} entries, ${s.matched.socket + s.matched.listener + s.matched.flow} connections matched (socket ${s.matched.socket}, listener ${s.matched.listener}, flow ${s.matched.flow}); unmatched: external ${s.unmatched.external}, no-listener ${s.unmatched['no-listener']}, host-without-sockets ${s.unmatched['host-without-sockets']}; ${s.ambiguities} ambiguous`
}

/** The matrix as an aligned text table for terminals (the streamed writer writes the same bytes). */
export function matrixToTable(m: Matrix): string {
  const rows = m.entries.map(tableCells)
  const w = new TableWidths()
  for (const r of rows) w.add(r)
  let out = tableLine(TABLE_HEAD, w.widths) + '\n'
  for (const r of rows) out += tableLine(r, w.widths) + '\n'
  return out + '\n' + tableSummary(m.entries.length, m.stats) + '\n'
}

import {GROUP_CSV_HEADER, groupRowFields, type GroupRow} from '@fm/baseline'
import {printable} from '@fm/model'
import {csvField} from '@fm/render'

/** The matrix between groups (`fm analyze --by group`) as CSV, table or JSON. */
export function groupRowsOutput(rows: GroupRow[], format: string, summary: string | null): string {
  switch (format) {
    case 'csv':
      return [GROUP_CSV_HEADER, ...rows.map(groupRowFields)].map((f) => f.map(csvField).join(',') + '\r\n').join('')
    case 'json':
      return JSON.stringify({level: 'group', selection: summary, rows}, null, 2) + '\n'
    case 'table': {
      const head = ['PROTO', 'SERVER GROUP', 'SERVICE', 'PORT', 'CLIENT GROUP', 'SERVICE', 'CONN', 'ENTRIES']
      const cells = rows.map((r) => groupRowFields(r).map((v) => printable(String(v))))
      const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...cells.map((c) => c[i].length))))
      const fmt = (r: string[]): string => r.map((c, i) => (c.length > widths[i] ? c.slice(0, widths[i] - 1) + '…' : c.padEnd(widths[i]))).join('  ').trimEnd()
      const total = rows.reduce((n, r) => n + r.connections, 0)
      return [fmt(head), ...cells.map(fmt), '', `${rows.length} group rows, ${total} connections${summary ? `; ${summary}` : ''}`].join('\n') + '\n'
    }
    default:
      throw new Error(`--by group has no ${format} output`)
  }
}

import {GROUP_CSV_HEADER, groupRowFields, type GroupRow} from '@fm/baseline'
import {cmp, printable} from '@fm/model'
import {csvField, dotLines, type DotEdge, type DotNode} from '@fm/render'

/** The matrix between groups (`fm analyze --by group`) as CSV, table, JSON or dot. */
export function groupRowsOutput(rows: GroupRow[], format: string, summary: string | null): string {
  switch (format) {
    case 'dot':
      return groupRowsDot(rows, summary)
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

/**
 * The original's graph one level up: one cluster per group, one node per (group, service), an edge
 * per row labelled `PROTO : PORT (connections)`. Written by `dotLines`, as the host-level dot is.
 */
function groupRowsDot(rows: GroupRow[], summary: string | null): string {
  const nodes = new Map<string, DotNode>()
  const node = (group: string, service: string): string => {
    // dotLines reads a node id as [host, path, name]: a group's service has no one path
    const id = JSON.stringify([group, '', service])
    if (!nodes.has(id)) nodes.set(id, {host: group, id})
    return id
  }
  const edges: DotEdge[] = rows.map((r) => ({from: node(r.clientGroup, r.clientService), to: node(r.serverGroup, r.serverService), label: `${r.protocol} : ${r.port}`, n: r.connections}))
  edges.sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.label, b.label))
  const sorted = [...nodes.values()].sort((a, b) => cmp(a.host, b.host) || cmp(a.id, b.id))
  let out = ''
  for (const line of dotLines(sorted, edges, {title: `fm flow matrix by group${summary ? `; ${summary}` : ''}`})) out += line + '\n'
  return out
}

import {cmp, type Matrix, type MatrixEntry} from '@fm/model'
import {dataTable, type TableCell} from './data-table.js'
import {fmtBytes} from './dom.js'
import {serviceName} from './service-name.js'

const proc = (ep: MatrixEntry['client']): TableCell => ({text: serviceName(ep), title: ep.process || undefined})

/** The matrix rows, busiest first, cut at `limit` so a large deployment keeps a small page. */
export function edgesTable(document: Document, m: Matrix, limit = 1000): HTMLElement {
  const traffic = m.entries.some((e) => e.traffic)
  const sorted = [...m.entries].sort(
    (a, b) => b.connections - a.connections || cmp(a.server.host, b.server.host) || cmp(a.client.host, b.client.host) || a.server.port - b.server.port || cmp(serviceName(a.client), serviceName(b.client)) || cmp(a.client.ip, b.client.ip),
  )
  const rows = sorted.slice(0, limit).map((e) => {
    const bytes = e.traffic ? e.traffic.bytesToServer + e.traffic.bytesToClient : null
    const row: (string | number | TableCell)[] = [e.protocol, e.server.host, e.server.ip, {text: String(e.server.port), value: e.server.port}, proc(e.server), e.client.host, e.client.ip, proc(e.client), e.connections, e.methods.join(', ')]
    if (traffic) row.push(bytes === null ? {text: '', value: -1} : {text: fmtBytes(bytes), value: bytes})
    return row
  })
  const columns = [
    {label: 'Protocol'}, {label: 'Server host'}, {label: 'Server IP'}, {label: 'Port', numeric: true}, {label: 'Server process'},
    {label: 'Client host'}, {label: 'Client IP'}, {label: 'Client process'}, {label: 'Connections', numeric: true}, {label: 'Matched by'},
  ]
  if (traffic) columns.push({label: 'Bytes', numeric: true})
  return dataTable(document, {id: 'edges', caption: 'Service matrix rows (client → server)', columns, rows, total: m.entries.length, more: '`fm analyze --format csv` lists them all'})
}

/** Client sockets that found no server, with the reason. */
export function unmatchedTable(document: Document, m: Matrix, limit = 1000): HTMLElement {
  const endpoint = (a: string, p: number): string => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`)
  const rows = m.unmatched.slice(0, limit).map((u) => [
    u.host,
    u.socket.protocol,
    endpoint(u.socket.localAddress, u.socket.localPort),
    endpoint(u.socket.remoteAddress, u.socket.remotePort),
    {text: u.socket.name || serviceName({host: u.host, ip: '', process: u.socket.process, name: ''}), title: u.socket.process || undefined},
    u.socket.state,
    u.reason,
  ])
  return dataTable(document, {
    id: 'unmatched',
    caption: 'Client sockets with no server found',
    columns: [{label: 'Host'}, {label: 'Protocol'}, {label: 'Local'}, {label: 'Remote'}, {label: 'Process'}, {label: 'State'}, {label: 'Reason'}],
    rows,
    total: m.unmatched.length,
    more: '`fm analyze --list-no-peers` lists them all',
  })
}

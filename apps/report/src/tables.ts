import {hostPort, serviceName, type MatrixEntry} from '@fm/model'
import {dataTable, type TableCell} from './data-table.js'
import {fmtBytes} from './dom.js'
import type {ReportData} from './report-data.js'

const proc = (ep: MatrixEntry['client']): TableCell => ({text: serviceName(ep), title: ep.process || undefined})

/** The busiest matrix rows (the aggregate keeps `maxRows`), pointing to the full list. */
export function edgesTable(document: Document, data: ReportData): HTMLElement {
  const traffic = data.hasTraffic
  const rows = data.topEntries.map((e) => {
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
  return dataTable(document, {id: 'edges', caption: 'Service matrix rows (client → server)', columns, rows, total: data.entries, more: '`fm analyze --format csv` lists them all', kept: 'busiest rows', command: 'fm analyze --host'})
}

/** Client sockets that found no server, with the reason. */
export function unmatchedTable(document: Document, data: ReportData): HTMLElement {
  const rows = data.unmatched.first.map((u) => [
    u.host,
    u.socket.protocol,
    hostPort(u.socket.localAddress, u.socket.localPort),
    hostPort(u.socket.remoteAddress, u.socket.remotePort),
    {text: serviceName(u.socket), title: u.socket.process || undefined},
    u.socket.state,
    u.reason,
  ])
  return dataTable(document, {
    id: 'unmatched',
    caption: 'Client sockets with no server found',
    columns: [{label: 'Host'}, {label: 'Protocol'}, {label: 'Local'}, {label: 'Remote'}, {label: 'Process'}, {label: 'State'}, {label: 'Reason'}],
    rows,
    total: data.unmatched.total,
    more: '`fm analyze --list-no-peers` lists them all',
    kept: 'first rows',
    // the lists are not filtered by --host (fm analyze refuses the pair): grep them
    command: 'fm analyze --list-no-peers | grep -F --',
  })
}

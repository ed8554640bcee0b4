import {cmp, serviceName, type MatrixEntry} from '@fm/model'
import {dataTable, type TableCell} from './data-table.js'
import {fmtInt, h} from './dom.js'
import type {ReportData} from './report-data.js'

/** One line of a host's index card: a service and port it serves, or one it calls. */
export interface HostLine {
  protocol: string
  /** The service (process name) at the server end. */
  service: string
  port: number
  connections: number
  /** Matrix rows behind the line: client processes (served) or server processes (called). */
  peers: number
  /** The peer host first by name, and whether there is another, so one peer can be named. */
  peerHost: string
  morePeerHosts: boolean
}

/** What one host serves and calls, busiest first, cut to `maxHostLines` per side. */
export interface HostCard {
  host: string
  served: {connections: number; lines: HostLine[]; lineCount: number}
  calls: {connections: number; lines: HostLine[]; lineCount: number}
}

export interface HostIndex {
  /** The first `maxHosts` hosts by name, in name order. */
  hosts: HostCard[]
  /** Distinct hosts at either end of an entry (the index may hold fewer). */
  total: number
  /** Lines a host held past its hold budget (a hostile input's thousands of ports), counted, not listed. */
  linesDropped: number
}

interface Side {
  connections: number
  lines: Map<string, HostLine>
}

/** Lines a host holds per side: far more than drawn, so the drawn ones are exact but for hostile inputs. */
const HOLD_FACTOR = 8

/**
 * Aggregates, per host, what it serves (service:port) and what it calls, while the entries
 * stream by. The index keeps the first `maxHosts` hosts by name: once past twice that, it drops
 * the hosts last by name and ignores any host after the cut, so the kept hosts are complete and
 * the result does not depend on the order the entries came in.
 */
export function hostIndexAggregator(maxHosts: number, maxHostLines: number): {add(e: MatrixEntry): void; result(total: number): HostIndex; held(): number} {
  const hosts = new Map<string, {served: Side; calls: Side}>()
  // hosts whose name sorts after this are out of the index for good
  let cutoff: string | null = null
  let linesDropped = 0
  const hold = Math.max(1, maxHostLines) * HOLD_FACTOR
  const card = (host: string): {served: Side; calls: Side} | null => {
    if (maxHosts <= 0 || (cutoff !== null && cmp(host, cutoff) > 0)) return null
    let c = hosts.get(host)
    if (c) return c
    hosts.set(host, (c = {served: {connections: 0, lines: new Map()}, calls: {connections: 0, lines: new Map()}}))
    if (hosts.size >= 2 * maxHosts) {
      const names = [...hosts.keys()].sort(cmp)
      cutoff = names[maxHosts - 1]
      for (const n of names.slice(maxHosts)) hosts.delete(n)
      return hosts.get(host) ?? null
    }
    return c
  }
  const addLine = (side: Side, e: MatrixEntry, peer: string): void => {
    side.connections += e.connections
    const service = serviceName(e.server)
    const k = JSON.stringify([e.protocol, service, e.server.port])
    const l = side.lines.get(k)
    if (l) {
      l.connections += e.connections
      l.peers++
      if (peer !== l.peerHost) {
        l.morePeerHosts = true
        if (cmp(peer, l.peerHost) < 0) l.peerHost = peer
      }
    } else if (side.lines.size < hold) {
      side.lines.set(k, {protocol: e.protocol, service, port: e.server.port, connections: e.connections, peers: 1, peerHost: peer, morePeerHosts: false})
    } else linesDropped++
  }
  return {
    add(e: MatrixEntry): void {
      const s = card(e.server.host)
      if (s) addLine(s.served, e, e.client.host)
      const c = card(e.client.host)
      if (c) addLine(c.calls, e, e.server.host)
    },
    result(total: number): HostIndex {
      const cut = (side: Side): HostCard['served'] => ({
        connections: side.connections,
        lineCount: side.lines.size,
        lines: [...side.lines.values()].sort((a, b) => b.connections - a.connections || cmp(a.service, b.service) || a.port - b.port || cmp(a.protocol, b.protocol)).slice(0, maxHostLines),
      })
      const names = [...hosts.keys()].sort(cmp).slice(0, Math.max(0, maxHosts))
      return {hosts: names.map((n) => ({host: n, served: cut(hosts.get(n)!.served), calls: cut(hosts.get(n)!.calls)})), total, linesDropped}
    },
    held(): number {
      let n = hosts.size
      for (const c of hosts.values()) n += c.served.lines.size + c.calls.lines.size
      return n
    },
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${fmtInt(n)} ${n === 1 ? one : many}`

/** `mysqld:3306/TCP: 12 clients, 40 connections` or `… from web-01` when one host is the peer. */
function lineText(l: HostLine, role: 'served' | 'calls'): string {
  const what = `${l.service}:${l.port}/${l.protocol}`
  if (role === 'served') return `${what}: ${plural(l.peers, 'client')}${l.morePeerHosts ? '' : ` on ${l.peerHost}`}, ${plural(l.connections, 'connection')}`
  return `${what} ${l.morePeerHosts ? `on ${plural(l.peers, 'server')}` : `on ${l.peerHost}`}, ${plural(l.connections, 'connection')}`
}

function sideCell(side: HostCard['served'], role: 'served' | 'calls', max: number): TableCell {
  const lines = side.lines.map((l) => lineText(l, role))
  if (side.lineCount > side.lines.length) lines.push(`… ${plural(side.lineCount - side.lines.length, 'more line')} (first ${fmtInt(max)} shown)`)
  return {text: lines.length ? lines.join('\n') : '—'}
}

/**
 * The host index: a row per host (name order) with what it serves and what it calls. The page
 * is readable as is; the script's filter box finds a host by name.
 */
export function hostIndexView(document: Document, data: ReportData): HTMLElement {
  const idx = data.hostIndex
  const max = data.limits.maxHostLines
  const rows = idx.hosts.map((c) => [
    c.host,
    sideCell(c.served, 'served', max),
    sideCell(c.calls, 'calls', max),
  ])
  const notes: string[] = []
  if (idx.hosts.length < idx.total) notes.push(`The index lists the first ${fmtInt(idx.hosts.length)} of ${fmtInt(idx.total)} hosts by name (the report's budget); \`fm analyze --host NAME\` lists every row of any host.`)
  if (idx.linesDropped) notes.push(`${plural(idx.linesDropped, 'service line')} past ${fmtInt(max * HOLD_FACTOR)} per host were counted but not kept; \`fm analyze --host NAME\` lists them.`)
  return h(
    document,
    'div',
    {},
    h(document, 'p', {class: 'muted'}, `Every host with what it serves (service:port/protocol, its clients and connections) and what it calls, the busiest ${fmtInt(max)} of each first. Type a host name in the box to find it.`),
    notes.map((n) => h(document, 'p', {class: 'note'}, n)),
    dataTable(document, {
      id: 'host-index',
      caption: 'Host index',
      columns: [{label: 'Host'}, {label: 'Serves'}, {label: 'Calls'}],
      rows: rows as (string | TableCell)[][],
      total: idx.total,
      kept: 'hosts first by name',
      more: '`fm analyze --host NAME` lists all of a host',
      command: 'fm analyze --host',
      rowIds: idx.hosts.map((c) => c.host),
      idPrefix: 'host',
      lines: true,
      matchColumn: 0,
    }),
  )
}

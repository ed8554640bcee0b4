import {cmp, serviceName, type MatrixEntry} from '@fm/model'
import {dataTable, type TableCell} from './data-table.js'
import {fmtBytes, fmtInt, h} from './dom.js'
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
  /** With groups: the group a rule gives the host's ends (the first by name when several), null when none does; undefined without groups. */
  group?: string | null
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
export function hostIndexAggregator(maxHosts: number, maxHostLines: number): {add(e: MatrixEntry, clientGroup?: string | null, serverGroup?: string | null): void; result(total: number): HostIndex; held(): number} {
  const hosts = new Map<string, {served: Side; calls: Side; group?: string | null}>()
  // hosts whose name sorts after this are out of the index for good
  let cutoff: string | null = null
  let linesDropped = 0
  const hold = Math.max(1, maxHostLines) * HOLD_FACTOR
  const card = (host: string): {served: Side; calls: Side; group?: string | null} | null => {
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
  // the first group by name of the host's named ends; undefined: no groups given
  const setGroup = (c: {group?: string | null}, g: string | null | undefined): void => {
    if (g === undefined) return
    if (g !== null && (c.group == null || cmp(g, c.group) < 0)) c.group = g
    else if (c.group === undefined) c.group = null
  }
  return {
    add(e: MatrixEntry, clientGroup?: string | null, serverGroup?: string | null): void {
      const s = card(e.server.host)
      if (s) addLine(s.served, e, e.client.host), setGroup(s, serverGroup)
      const c = card(e.client.host)
      if (c) addLine(c.calls, e, e.server.host), setGroup(c, clientGroup)
    },
    result(total: number): HostIndex {
      const cut = (side: Side): HostCard['served'] => ({
        connections: side.connections,
        lineCount: side.lines.size,
        lines: [...side.lines.values()].sort((a, b) => b.connections - a.connections || cmp(a.service, b.service) || a.port - b.port || cmp(a.protocol, b.protocol)).slice(0, maxHostLines),
      })
      const names = [...hosts.keys()].sort(cmp).slice(0, Math.max(0, maxHosts))
      return {hosts: names.map((n) => {
        const c = hosts.get(n)!
        return {host: n, ...(c.group !== undefined ? {group: c.group} : {}), served: cut(c.served), calls: cut(c.calls)}
      }), total, linesDropped}
    },
    held(): number {
      let n = hosts.size
      for (const c of hosts.values()) n += c.served.lines.size + c.calls.lines.size
      return n
    },
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${fmtInt(n)} ${n === 1 ? one : many}`

/**
 * `mysqld:3306/TCP ← 12 clients (40)`, or `← web-01 (3)` when one host is the peer; `→` for what
 * the host calls. Short on purpose: at 20,000 hosts every byte of a line is 20,000 bytes of page.
 */
function lineText(l: HostLine, role: 'served' | 'calls'): string {
  const peers = l.morePeerHosts ? plural(l.peers, role === 'served' ? 'client' : 'server') : l.peerHost
  return `${l.service}:${l.port}/${l.protocol} ${role === 'served' ? '←' : '→'} ${peers} (${fmtInt(l.connections)})`
}

function sideLines(side: HostCard['served'], role: 'served' | 'calls', max: number): string[] {
  const lines = side.lines.slice(0, max).map((l) => lineText(l, role))
  if (side.lineCount > lines.length) lines.push(`… ${plural(side.lineCount - lines.length, 'more line')}`)
  return lines
}

// what a row costs in the page besides its text: <tr id="host-…"><td>…</td>×4</tr> and line breaks
const ROW_MARKUP = 72

/** The page bytes of the index's rows with `lines` lines a side (UTF-8 of the text, plus markup). */
function indexBytes(cards: HostCard[], lines: number): number[] {
  return cards.map((c) => ROW_MARKUP + Buffer.byteLength(c.host + (c.group ?? '') + sideLines(c.served, 'served', lines).join('\n') + sideLines(c.calls, 'calls', lines).join('\n')))
}

/**
 * How much of the index fits `budget` bytes: every host with the most lines a side that fit
 * (at most `maxLines`, at least 1), else the first hosts by name with one line a side.
 */
export function hostIndexFit(cards: HostCard[], maxLines: number, budget: number): {lines: number; hosts: number; bytes: number} {
  for (let k = Math.max(1, maxLines); k >= 1; k--) {
    const sizes = indexBytes(cards, k)
    const bytes = sizes.reduce((a, b) => a + b, 0)
    if (bytes <= budget) return {lines: k, hosts: cards.length, bytes}
    if (k === 1) {
      let used = 0
      let n = 0
      while (n < sizes.length && used + sizes[n] <= budget) used += sizes[n++]
      return {lines: 1, hosts: n, bytes: used}
    }
  }
  return {lines: 1, hosts: 0, bytes: 0}
}

/**
 * The host index: a row per host (name order) with what it serves and what it calls, as many
 * lines a side as fit the page's byte budget (`maxHostIndexBytes`). The page is readable as is;
 * the script's filter box finds a host by name.
 */
export function hostIndexView(document: Document, data: ReportData): HTMLElement {
  const idx = data.hostIndex
  const max = data.limits.maxHostLines
  const budget = data.limits.maxHostIndexBytes
  const fit = hostIndexFit(idx.hosts, max, budget)
  const cards = idx.hosts.slice(0, fit.hosts)
  const grouped = cards.some((c) => c.group !== undefined)
  const rows = cards.map((c) => [
    c.host,
    ...(grouped ? [c.group ?? '—'] : []),
    {text: sideLines(c.served, 'served', fit.lines).join('\n') || '—'},
    {text: sideLines(c.calls, 'calls', fit.lines).join('\n') || '—'},
  ])
  const notes: string[] = []
  if (fit.lines < max && cards.length) notes.push(`To keep the page within its budget for the index (${fmtBytes(budget)}), each host shows its busiest ${plural(fit.lines, 'line')} a side (of up to ${fmtInt(max)}); \`fm analyze --host NAME\` lists every row of a host.`)
  if (cards.length < idx.total) {
    const last = cards.length ? cards[cards.length - 1].host : null
    notes.push(
      `The index lists the first ${fmtInt(cards.length)} of ${fmtInt(idx.total)} hosts by name${last ? ` (to ${last})` : ''}: the page's budget for the index is ${fmtBytes(budget)}` +
        `${idx.hosts.length < idx.total ? ` and the report holds at most ${fmtInt(data.limits.maxHosts)} hosts` : ''}. \`fm analyze --host NAME\` lists every row of any host left out; \`fm analyze --format csv\` every row.`,
    )
  }
  if (idx.linesDropped) notes.push(`${plural(idx.linesDropped, 'service line')} past ${fmtInt(max * HOLD_FACTOR)} per host were counted but not kept; \`fm analyze --host NAME\` lists them.`)
  const served = 'service:port/protocol ← clients (connections)'
  return h(
    document,
    'div',
    {},
    h(document, 'p', {class: 'muted'}, `Every host with what it serves (${served}) and what it calls (service:port/protocol → servers (connections)), busiest first. Type a host${grouped ? ' or group' : ''} name in the box to find it.`),
    notes.map((n) => h(document, 'p', {class: 'note'}, n)),
    dataTable(document, {
      id: 'host-index',
      caption: 'Host index',
      columns: [{label: 'Host'}, ...(grouped ? [{label: 'Group'}] : []), {label: 'Serves'}, {label: 'Calls'}],
      rows: rows as (string | TableCell)[][],
      total: idx.total,
      kept: 'hosts first by name',
      more: '`fm analyze --host NAME` lists all of a host',
      command: 'fm analyze --host',
      rowIds: cards.map((c) => c.host),
      idPrefix: 'host',
      lines: true,
      matchColumn: grouped ? [0, 1] : 0,
    }),
  )
}

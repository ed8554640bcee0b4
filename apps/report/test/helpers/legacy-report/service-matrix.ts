import {cmp, type Endpoint, type Matrix, type MatrixEntry} from '@fm/model'
import {fmtInt, stableId} from './dom.js'
import {foldTop} from './fold-top.js'
import {serviceName} from './service-name.js'

export type GroupBy = 'host' | 'service'
/** What one row or column stands for: a process on a host, a whole host, or a service across hosts. */
export type MatrixLevel = 'process' | 'host' | 'service'

export interface AxisUnit {
  key: string
  /** Stable id derived from the key. */
  id: string
  label: string
  /** Host band the unit is drawn in ('' when not grouped). */
  group: string
  /** Connections of the unit on this axis. */
  total: number
  /** How many units were folded into this one ("other"); 0 for a real unit. */
  folded: number
}

export interface MatrixCell {
  row: number
  col: number
  connections: number
  /** Bytes both ways from flows, null when no entry of the cell has traffic. */
  bytes: number | null
  entries: number
  /** The busiest `PROTO/port` of the cell, at most four, busiest first. */
  ports: string[]
}

export interface ServiceMatrix {
  groupBy: GroupBy
  level: MatrixLevel
  /** Why the level differs from what was asked, or what was folded; null when nothing was. */
  notes: string[]
  rows: AxisUnit[]
  cols: AxisUnit[]
  cells: MatrixCell[]
  hasTraffic: boolean
  maxConnections: number
  maxBytes: number
}

export interface ServiceMatrixOptions {
  groupBy?: GroupBy
  /** Rows or columns drawn at most; beyond it hosts give way to services and the tail folds into "other". */
  maxUnits?: number
}

export const OTHER_KEY = '\u0000other'

/**
 * Aggregates matrix entries into a clients × servers grid small enough to read: by process
 * within hosts when that fits, else by host, else by service with the tail folded into "other".
 */
export function serviceMatrix(m: Matrix, opts: ServiceMatrixOptions = {}): ServiceMatrix {
  const groupBy = opts.groupBy ?? 'host'
  const maxUnits = Math.max(2, opts.maxUnits ?? 60)
  const notes: string[] = []
  let level: MatrixLevel = 'service'
  if (groupBy === 'host') {
    const count = (f: (e: MatrixEntry) => string): number => new Set(m.entries.map(f)).size
    const fits = (unit: (ep: Endpoint) => string): boolean => count((e) => unit(e.client)) <= maxUnits && count((e) => unit(e.server)) <= maxUnits
    if (fits(processKey)) level = 'process'
    else if (fits((ep) => ep.host)) level = 'host'
    else {
      const hosts = new Set(m.entries.flatMap((e) => [e.client.host, e.server.host])).size
      notes.push(`${fmtInt(hosts)} hosts do not fit a readable matrix (at most ${maxUnits} rows and columns): drawn by service instead.`)
    }
  }
  const unitOf = level === 'process' ? processKey : level === 'host' ? (ep: Endpoint) => ep.host : serviceName

  const rowTotals = new Map<string, number>()
  const colTotals = new Map<string, number>()
  for (const e of m.entries) {
    add(rowTotals, unitOf(e.client), e.connections)
    add(colTotals, unitOf(e.server), e.connections)
  }
  const rowFold = foldTop(rowTotals, maxUnits - 1)
  const colFold = foldTop(colTotals, maxUnits - 1)
  for (const [fold, side] of [[rowFold, 'client'], [colFold, 'server']] as const) {
    if (fold.folded.length) notes.push(`${fmtInt(fold.folded.length)} ${side} ${level === 'host' ? 'hosts' : 'services'} beyond the busiest ${maxUnits - 1} are folded into “other”.`)
  }
  const rows = axis(rowTotals, rowFold, level, 'r')
  const cols = axis(colTotals, colFold, level, 'c')
  const rowIndex = new Map(rows.map((u, i) => [u.key, i]))
  const colIndex = new Map(cols.map((u, i) => [u.key, i]))
  const fold = (key: string, f: {kept: Set<string>}): string => (f.kept.has(key) ? key : OTHER_KEY)

  const cells = new Map<string, MatrixCell & {portCounts: Map<string, number>}>()
  let hasTraffic = false
  for (const e of m.entries) {
    const row = rowIndex.get(fold(unitOf(e.client), rowFold))!
    const col = colIndex.get(fold(unitOf(e.server), colFold))!
    const k = `${row},${col}`
    let c = cells.get(k)
    if (!c) cells.set(k, (c = {row, col, connections: 0, bytes: null, entries: 0, ports: [], portCounts: new Map()}))
    c.connections += e.connections
    c.entries++
    add(c.portCounts, `${e.protocol}/${e.server.port}`, e.connections)
    if (e.traffic) {
      hasTraffic = true
      c.bytes = (c.bytes ?? 0) + e.traffic.bytesToServer + e.traffic.bytesToClient
    }
  }
  const list = [...cells.values()]
    .sort((a, b) => a.row - b.row || a.col - b.col)
    .map(({portCounts, ...c}) => ({...c, ports: [...portCounts].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).slice(0, 4).map(([p]) => p)}))
  return {
    groupBy,
    level,
    notes,
    rows,
    cols,
    cells: list,
    hasTraffic,
    maxConnections: Math.max(0, ...list.map((c) => c.connections)),
    maxBytes: Math.max(0, ...list.map((c) => c.bytes ?? 0)),
  }
}

function processKey(ep: Endpoint): string {
  return JSON.stringify([ep.host, serviceName(ep)])
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n)
}

function axis(totals: Map<string, number>, fold: {kept: Set<string>; folded: string[]}, level: MatrixLevel, prefix: string): AxisUnit[] {
  const units: AxisUnit[] = [...fold.kept].map((key) => {
    const [group, label] = level === 'process' ? (JSON.parse(key) as [string, string]) : ['', key]
    return {key, id: stableId(prefix, key), label, group, total: totals.get(key)!, folded: 0}
  })
  units.sort((a, b) => cmp(a.group, b.group) || cmp(a.label, b.label) || cmp(a.key, b.key))
  if (fold.folded.length) {
    const total = fold.folded.reduce((t, k) => t + totals.get(k)!, 0)
    units.push({key: OTHER_KEY, id: `${prefix}-other`, label: `other (${fmtInt(fold.folded.length)})`, group: '', total, folded: fold.folded.length})
  }
  return units
}

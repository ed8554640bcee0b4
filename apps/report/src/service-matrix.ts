import {cmp} from '@fm/model'
import {fmtInt, stableId} from './dom.js'
import {foldTop} from './fold-top.js'
import {groupLabel} from './graph-dot.js'
import {ALONE, type ReportData} from './report-data.js'

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
  /** With groups: host units are groups (hosts no rule names as themselves, or pooled into one unit). */
  groups: 'groups' | 'pooled' | null
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
}

export const OTHER_KEY = '\u0000other'

/**
 * The clients × servers grid small enough to read, from the report's aggregate: by process
 * within hosts when that fits `maxUnits`, else by host, else by service with the tail folded
 * into "other".
 */
export function serviceMatrix(data: ReportData, opts: ServiceMatrixOptions = {}): ServiceMatrix {
  const groupBy = opts.groupBy ?? 'host'
  const maxUnits = data.limits.maxUnits
  const notes: string[] = []
  let level: MatrixLevel = 'service'
  let grid = data.serviceGrid
  let groups: ServiceMatrix['groups'] = data.groups ? 'groups' : null
  const g = data.groups
  if (groupBy === 'host') {
    if (data.processGrid) [level, grid] = ['process', data.processGrid]
    else if (data.hostGrid) [level, grid] = ['host', data.hostGrid]
    else if (g?.pooledProcessGrid) [level, grid, groups] = ['process', g.pooledProcessGrid, 'pooled']
    else if (g?.pooledHostGrid) [level, grid, groups] = ['host', g.pooledHostGrid, 'pooled']
    else if (g) notes.push(`The groups and their services do not fit a readable matrix (at most ${maxUnits} rows and columns): drawn by service instead.`)
    else notes.push(`${fmtInt(data.hosts)} hosts do not fit a readable matrix (at most ${maxUnits} rows and columns): drawn by service instead.`)
    if (g && groups === 'pooled') notes.push(`${fmtInt(g.hostsAlone + g.hostsMixed)} hosts no rule names (at some end) do not fit the matrix as themselves: they are drawn together as “${groupLabel(ALONE)}”.`)
  }
  const alone = g ? g.hostsAlone + g.hostsMixed : undefined

  const rowTotals = grid.rows
  const colTotals = grid.cols
  const rowFold = foldTop(rowTotals, maxUnits - 1)
  const colFold = foldTop(colTotals, maxUnits - 1)
  for (const [fold, side] of [[rowFold, 'client'], [colFold, 'server']] as const) {
    if (fold.folded.length) notes.push(`${fmtInt(fold.folded.length)} ${side} ${level === 'host' ? (groups ? 'groups' : 'hosts') : 'services'} beyond the busiest ${maxUnits - 1} are folded into “other”.`)
  }
  const rows = axis(rowTotals, rowFold, level, 'r', alone)
  const cols = axis(colTotals, colFold, level, 'c', alone)
  const rowIndex = new Map(rows.map((u, i) => [u.key, i]))
  const colIndex = new Map(cols.map((u, i) => [u.key, i]))
  const fold = (key: string, f: {kept: Set<string>}): string => (f.kept.has(key) ? key : OTHER_KEY)

  const cells = new Map<number, Map<number, MatrixCell & {portCounts: Map<string, number>}>>()
  for (const [rowKey, byCol] of grid.cells) {
    const row = rowIndex.get(fold(rowKey, rowFold))!
    let rowCells = cells.get(row)
    if (!rowCells) cells.set(row, (rowCells = new Map()))
    for (const [colKey, g] of byCol) {
      const col = colIndex.get(fold(colKey, colFold))!
      let c = rowCells.get(col)
      if (!c) rowCells.set(col, (c = {row, col, connections: 0, bytes: null, entries: 0, ports: [], portCounts: new Map()}))
      c.connections += g.connections
      c.entries += g.entries
      if (g.bytes !== null) c.bytes = (c.bytes ?? 0) + g.bytes
      for (const [protocol, ports] of g.ports) for (const [port, n] of ports) add(c.portCounts, `${protocol}/${port}`, n)
    }
  }
  const list = [...cells.values()]
    .flatMap((r) => [...r.values()])
    .sort((a, b) => a.row - b.row || a.col - b.col)
    .map(({portCounts, ...c}) => ({...c, ports: [...portCounts].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).slice(0, 4).map(([p]) => p)}))
  let maxConnections = 0
  let maxBytes = 0
  for (const c of list) {
    maxConnections = Math.max(maxConnections, c.connections)
    maxBytes = Math.max(maxBytes, c.bytes ?? 0)
  }
  return {groupBy, level, groups: level === 'service' ? null : groups, notes, rows, cols, cells: list, hasTraffic: data.hasTraffic, maxConnections, maxBytes}
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n)
}

function axis(totals: Map<string, number>, fold: {kept: Set<string>; folded: string[]}, level: MatrixLevel, prefix: string, alone?: number): AxisUnit[] {
  const units: AxisUnit[] = [...fold.kept].map((key) => {
    const [group, label] = level === 'process' ? (JSON.parse(key) as [string, string]) : ['', key]
    // the pool of hosts no group rule names is shown by what it is (its key is no name)
    return {key, id: stableId(prefix, key), label: level === 'host' ? groupLabel(label, alone) : label, group: level === 'process' ? groupLabel(group, alone) : group, total: totals.get(key)!, folded: 0}
  })
  units.sort((a, b) => cmp(a.group, b.group) || cmp(a.label, b.label) || cmp(a.key, b.key))
  if (fold.folded.length) {
    const total = fold.folded.reduce((t, k) => t + totals.get(k)!, 0)
    units.push({key: OTHER_KEY, id: `${prefix}-other`, label: `other (${fmtInt(fold.folded.length)})`, group: '', total, folded: fold.folded.length})
  }
  return units
}

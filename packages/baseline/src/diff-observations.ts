import {compareEdges, groupEdges, type EdgeFold, type SetField} from './group-edges.js'
import type {CaptureInfo} from '@fm/model'
import type {DiffReport, Edge, EdgeChange, Level, Observation} from './types.js'

export interface DiffOptions {
  level?: Level
}

/**
 * Compares two observations edge by edge. Edges are grouped per client service → server service
 * and protocol (plus hosts at host level); server ports, executable paths, addresses (host level)
 * and connection counts are attributes, so a moved port or a replaced binary is a change, not a
 * new edge and a gone one.
 */
export function diffObservations(a: Observation, b: Observation, opts: DiffOptions = {}): DiffReport {
  const group = {level: opts.level ?? 'service', byPort: false}
  return diffEdges({captures: a.captures, edges: groupEdges(a.entries, group)}, {captures: b.captures, edges: groupEdges(b.entries, group)}, opts)
}

/** The edges of one side of a diff, grouped across ports (`groupEdges`, or an `EdgeGrouper` with byPort false and its `edgeStream()`). */
export interface DiffSide {
  captures: CaptureInfo[]
  /**
   * An array in any order, or edges streamed in compareEdges order (one key once), or a stream
   * read as asked (a spilled EdgeGrouper's `(fold) => g.edgeStream(fold)`): first without the lists
   * that are not compared, then, when the sides differ, again for the differing edges only, whole.
   */
  edges: Edge[] | Iterable<Edge> | ((fold: EdgeFold) => Iterable<Edge>)
}

/**
 * diffObservations from edges already grouped (entries streamed into an EdgeGrouper, say). The two
 * sides are walked side by side in compareEdges order, so streamed sides are never held: only
 * the differences are.
 */
export function diffEdges(a: DiffSide, b: DiffSide, opts: DiffOptions = {}): DiffReport {
  const level = opts.level ?? 'service'
  const countsCompared = ![...a.captures, ...b.captures].some((c) => c.format === 'matrix-csv')
  const report: DiffReport = {
    level,
    a: {sources: a.captures.map((c) => c.source), snapshots: a.captures.length},
    b: {sources: b.captures.map((c) => c.source), snapshots: b.captures.length},
    countsCompared,
    added: [],
    removed: [],
    changed: [],
    unchanged: 0,
    different: false,
  }
  // at service level an edge lists every client and server host and address (132k hosts: ~28 MB
  // an edge): the lists that are not compared are gathered for the differing edges only
  const without: SetField[] = ['clientHosts', 'serverHosts', ...(level === 'host' ? [] : (['clientIps', 'serverIps'] as const))]
  const sorted = (edges: DiffSide['edges']): Iterator<Edge> => (typeof edges === 'function' ? edges({without}) : Array.isArray(edges) ? [...edges].sort(compareEdges) : edges)[Symbol.iterator]()
  const before = sorted(a.edges)
  const after = sorted(b.edges)
  let x = before.next()
  let y = after.next()
  while (!x.done || !y.done) {
    const c = x.done ? 1 : y.done ? -1 : compareEdges(x.value, y.value)
    if (c < 0) {
      report.removed.push(x.value)
      x = before.next()
    } else if (c > 0) {
      report.added.push(y.value)
      y = after.next()
    } else {
      const changes = compareAttributes(x.value, y.value, level, countsCompared)
      if (changes.length) report.changed.push({before: x.value, after: y.value, changes})
      else report.unchanged++
      x = before.next()
      y = after.next()
    }
  }
  report.different = report.added.length + report.removed.length + report.changed.length > 0
  if (report.different) wholeEdges(report, a.edges, b.edges)
  return report
}

/** Puts the whole edges (every list) in place of the ones folded without some lists, for sides that stream as asked. */
function wholeEdges(report: DiffReport, a: DiffSide['edges'], b: DiffSide['edges']): void {
  const whole = (edges: DiffSide['edges'], changed: Edge[]): Map<string, Edge> | null => {
    if (typeof edges !== 'function' || changed.length === 0) return null
    const m = new Map<string, Edge>()
    for (const e of edges({only: new Set(changed.map((e) => e.key))})) m.set(e.key, e)
    return m
  }
  const before = whole(a, [...report.removed, ...report.changed.map((c) => c.before)])
  const after = whole(b, [...report.added, ...report.changed.map((c) => c.after)])
  const put = (m: Map<string, Edge> | null, e: Edge): Edge => m?.get(e.key) ?? e
  report.removed = report.removed.map((e) => put(before, e))
  report.added = report.added.map((e) => put(after, e))
  report.changed = report.changed.map((c) => ({...c, before: put(before, c.before), after: put(after, c.after)}))
}

function compareAttributes(a: Edge, b: Edge, level: Level, counts: boolean): EdgeChange[] {
  const out: EdgeChange[] = []
  if (counts && a.connections !== b.connections) out.push({field: 'connections', before: String(a.connections), after: String(b.connections)})
  const fields: EdgeChange['field'][] = ['ports', 'serverPaths', 'clientPaths', ...(level === 'host' ? (['serverIps', 'clientIps'] as const) : [])]
  for (const f of fields) {
    const x = (a[f as keyof Edge] as (string | number)[]).join(', ')
    const y = (b[f as keyof Edge] as (string | number)[]).join(', ')
    if (x !== y) out.push({field: f, before: x, after: y})
  }
  return out
}

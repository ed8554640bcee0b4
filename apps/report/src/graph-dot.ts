import type {GroupRow} from '@fm/baseline'
import {cmp} from '@fm/model'
import {dotId, type GraphvizEngine} from '@fm/render'
import {fmtInt} from './dom.js'
import {foldTop} from './fold-top.js'
import {ALONE, type ReportData} from './report-data.js'

export interface GraphDotOptions {
  title?: string
  /** Service nodes drawn at most at service level; the rest fold into "other". */
  maxServices?: number
  /** Edges drawn at most at service and group level, the busiest first. */
  maxEdges?: number
  /** The layout engine the source is for: circo and neato keep no clusters apart, so nodes name their host instead. */
  engine?: GraphvizEngine
}

export interface GraphDot {
  dot: string
  /** process: the original's host-clustered graph; group: (group, service) nodes clustered by group; service: services summed over hosts. */
  level: 'process' | 'group' | 'service'
  notes: string[]
}

/** What the graph draws, before it is written as dot: nodes (in a cluster or not) and labelled edges between them. */
interface GraphModel {
  nodes: {key: string; label: string; cluster: string | null; tooltip?: string}[]
  edges: {from: string; to: string; label: string; n: number}[]
}

/** The name a group's cluster shows: the pool of hosts no rule names has no name of its own. */
export function groupLabel(group: string, aloneHosts?: number): string {
  // short: it is a band label of the heatmap too (16 characters)
  return group === ALONE ? `no group${aloneHosts === undefined ? '' : ` (${fmtInt(aloneHosts)})`}` : group
}

/**
 * The dot source of the graph: the original's host-clustered graph when its processes fit
 * `maxNodes`; with groups, (group, service) nodes clustered by group (hosts no rule names as
 * themselves while they fit, else pooled); otherwise one node per service with edges summed over
 * hosts, the busiest first. Edge labels are small nodes of their own, so no layout engine can
 * draw a label over a node or over another label.
 */
export function graphDot(data: ReportData, opts: GraphDotOptions = {}): GraphDot {
  const notes: string[] = []
  const engine = opts.engine ?? 'dot'
  if (engine !== 'dot') notes.push(`${engine} lays nodes out freely and keeps no clusters of hosts apart: none is drawn, and each node names its host (or group) on a second line instead.`)
  const title = opts.title ?? 'fm flow matrix'
  if (data.groups) {
    const g = data.groups
    const rows = g.rows ?? g.pooledRows
    if (rows) {
      if (!g.rows) notes.push(`${fmtInt(g.hostsAlone + g.hostsMixed)} hosts no rule names (at some end) would pass ${data.limits.maxNodes} nodes as themselves: they are drawn together as “${groupLabel(ALONE)}”.`)
      const model = groupModel(rows, g.hostsAlone + g.hostsMixed, opts.maxEdges ?? 150, notes)
      return {dot: writeDot(model, title, engine), level: 'group', notes}
    }
    notes.push(`The groups and services do not fit a readable graph (at most ${data.limits.maxNodes} nodes): drawn by service, summed over groups.`)
  } else if (data.graphEdges) {
    return {dot: writeDot(processModel(data), title, engine), level: 'process', notes}
  } else notes.push(`${fmtInt(data.processes)} processes do not fit a readable host-clustered graph (at most ${data.limits.maxNodes}): drawn by service, summed over hosts.`)
  return {dot: writeDot(serviceModel(data, opts, notes), opts.title ?? 'fm flow matrix, by service', engine), level: 'service', notes}
}

/** The original's graph: a cluster per host, a node per process, edges `PROTO : ADDR:PORT (connections)`. */
function processModel(data: ReportData): GraphModel {
  const nodes = new Map<string, GraphModel['nodes'][number]>()
  const edges: GraphModel['edges'] = []
  for (const e of data.graphEdges ?? []) {
    const ends = [e.client, e.server].map((ep) => {
      const key = JSON.stringify([ep.host, ep.process, ep.name])
      if (!nodes.has(key)) nodes.set(key, {key, label: ep.name || ep.process || '?', cluster: ep.host, tooltip: ep.process})
      return key
    })
    const label = `${e.protocol} : ${e.server.ip.includes(':') ? `[${e.server.ip}]` : e.server.ip}:${e.server.port}`
    edges.push({from: ends[0], to: ends[1], label: e.connections > 1 ? `${label} (${fmtInt(e.connections)})` : label, n: e.connections})
  }
  return {nodes: [...nodes.values()], edges}
}

/** Group × service: a cluster per group, a node per (group, service), an edge per protocol with its ports. */
function groupModel(rows: GroupRow[], aloneHosts: number, maxEdges: number, notes: string[]): GraphModel {
  const nodes = new Map<string, GraphModel['nodes'][number]>()
  const node = (group: string, service: string): string => {
    const key = JSON.stringify([group, service])
    if (!nodes.has(key)) nodes.set(key, {key, label: service, cluster: groupLabel(group, aloneHosts)})
    return key
  }
  const edges = new Map<string, Folded>()
  for (const r of rows) fold(edges, node(r.clientGroup, r.clientService), node(r.serverGroup, r.serverService), r.protocol, r.port, r.connections)
  const kept = busiest(edges, maxEdges, notes)
  const used = new Set(kept.flatMap((e) => [e.from, e.to]))
  return {nodes: [...nodes.values()].filter((n) => used.has(n.key)), edges: kept.map(foldedEdge)}
}

/** Services summed over hosts, the quietest folded into "other", the busiest edges. */
function serviceModel(data: ReportData, opts: GraphDotOptions, notes: string[]): GraphModel {
  const grid = data.serviceGrid
  const totals = new Map<string, number>()
  const add = (map: Map<string, number>, k: string, n: number): void => void map.set(k, (map.get(k) ?? 0) + n)
  for (const [k, n] of grid.rows) add(totals, k, n)
  for (const [k, n] of grid.cols) add(totals, k, n)
  const top = foldTop(totals, (opts.maxServices ?? 40) - 1)
  const other = `other (${fmtInt(top.folded.length)} services)`
  const name = (k: string): string => (top.kept.has(k) ? k : other)
  if (top.folded.length) notes.push(`${fmtInt(top.folded.length)} quieter services are folded into “${other}”.`)
  const edges = new Map<string, Folded>()
  for (const [client, byServer] of grid.cells) {
    for (const [server, cell] of byServer) {
      for (const [protocol, ports] of cell.ports) for (const [port, n] of ports) fold(edges, name(client), name(server), protocol, port, n)
    }
  }
  const kept = busiest(edges, opts.maxEdges ?? 150, notes)
  const nodes = [...new Set(kept.flatMap((e) => [e.from, e.to]))].sort(cmp).map((key) => ({key, label: key, cluster: null}))
  return {nodes, edges: kept.map(foldedEdge)}
}

interface Folded {
  from: string
  to: string
  protocol: string
  ports: Map<number, number>
  n: number
}

function fold(edges: Map<string, Folded>, from: string, to: string, protocol: string, port: number, n: number): void {
  const k = JSON.stringify([from, to, protocol])
  let ed = edges.get(k)
  if (!ed) edges.set(k, (ed = {from, to, protocol, ports: new Map(), n: 0}))
  ed.n += n
  ed.ports.set(port, (ed.ports.get(port) ?? 0) + n)
}

/** The busiest `max` edges, in a stable order; says how many were left out. */
function busiest(edges: Map<string, Folded>, max: number, notes: string[]): Folded[] {
  const ranked = [...edges.values()].sort((a, b) => b.n - a.n || cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.protocol, b.protocol))
  if (ranked.length > max) notes.push(`${fmtInt(ranked.length - max)} quieter edges are left out (the busiest ${max} are drawn).`)
  return ranked.slice(0, max).sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.protocol, b.protocol))
}

/** `TCP : 3306 (120)`, `TCP : 80, 443 +3 ports (9)`: the busiest ports first. */
function foldedEdge(e: Folded): GraphModel['edges'][number] {
  const ports = [...e.ports].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([p]) => p)
  const shown = ports.length <= 3 ? ports.join(', ') : `${ports.slice(0, 2).join(', ')} +${ports.length - 2} ports`
  return {from: e.from, to: e.to, label: `${e.protocol} : ${shown} (${fmtInt(e.n)})`, n: e.n}
}

/**
 * Writes the model as dot. Each edge is drawn through a small borderless white box that carries
 * its label (class `edge-label`; the box is Graphviz's own measure of the text): nodes never overlap in any of the engines, so neither do labels,
 * and a self-loop's or a flat edge's label cannot land on a node as Graphviz's own edge labels
 * do. Ids are `n0`, `n1`, ... and `l0`, ... (names from dumps stay in labels, quoted).
 */
function writeDot(model: GraphModel, title: string, engine: GraphvizEngine): string {
  // circo ignores clusters and neato draws their boxes over each other: only dot lays them out
  const clustered = engine === 'dot'
  const nodes = [...model.nodes].sort((a, b) => cmp(a.cluster ?? '', b.cluster ?? '') || cmp(a.key, b.key))
  const id = new Map(nodes.map((n, i) => [n.key, `n${i}`]))
  const byKey = new Map(nodes.map((n) => [n.key, n]))
  const lines = ['digraph fm {', `  label=${dotId(title)};`, '  rankdir=LR;', '  node [shape=box, style=rounded];', '  edge [color="#52606d"];']
  // neato and circo place nodes freely: keep them (and the label nodes) apart
  if (engine !== 'dot') lines.push('  overlap=false;', '  splines=true;', '  sep="+8";')
  const labelsIn = new Map<string | null, string[]>()
  const edgeLines: string[] = []
  const edges = [...model.edges].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.label, b.label))
  edges.forEach((e, i) => {
    const from = byKey.get(e.from)!
    const to = byKey.get(e.to)!
    const l = `l${i}`
    const where = clustered && from.cluster === to.cluster ? from.cluster : null
    const tip = `${from.label}${from.cluster !== null ? ` on ${from.cluster}` : ''} → ${to.label}${to.cluster !== null ? ` on ${to.cluster}` : ''}`
    let list = labelsIn.get(where)
    if (!list) labelsIn.set(where, (list = []))
    list.push(`${l} [label=${dotId(e.label)}, tooltip=${dotId(tip)}, shape=box, style=filled, fillcolor="#ffffff", color="#ffffff", class="edge-label", fontsize=10, fontcolor="#3a4a5c", width=0, height=0, margin="0.04,0.02"];`)
    const pen = Math.round(10 * (1 + 0.6 * Math.log10(Math.max(1, e.n)))) / 10
    edgeLines.push(`  ${id.get(e.from)} -> ${l} [arrowhead=none, penwidth=${pen}];`, `  ${l} -> ${id.get(e.to)} [penwidth=${pen}];`)
  })
  const nodeLine = (n: GraphModel['nodes'][number]): string => {
    const label = !clustered && n.cluster !== null ? `${n.label}\n${n.cluster}` : n.label
    return `${id.get(n.key)} [label=${dotId(label)}${n.tooltip !== undefined ? `, tooltip=${dotId(n.tooltip)}` : ''}];`
  }
  let c = 0
  for (let i = 0; i < nodes.length; ) {
    const cluster = nodes[i].cluster
    let j = i
    while (j < nodes.length && nodes[j].cluster === cluster) j++
    if (clustered && cluster !== null) {
      lines.push(`  subgraph cluster_${c++} {`, `    label=${dotId(cluster)};`)
      for (const n of nodes.slice(i, j)) lines.push(`    ${nodeLine(n)}`)
      for (const l of labelsIn.get(cluster) ?? []) lines.push(`    ${l}`)
      lines.push('  }')
    } else for (const n of nodes.slice(i, j)) lines.push(`  ${nodeLine(n)}`)
    i = j
  }
  for (const l of labelsIn.get(null) ?? []) lines.push(`  ${l}`)
  lines.push(...edgeLines, '}')
  return lines.join('\n') + '\n'
}

import {cmp, type Matrix} from '@fm/model'
import {dotId, matrixToDot} from '@fm/render'
import {fmtInt} from './dom.js'
import {foldTop} from './fold-top.js'
import {serviceName} from './service-name.js'

export interface GraphDotOptions {
  title?: string
  /** Process nodes drawn at most in the host-clustered graph; beyond it the graph is drawn by service. */
  maxNodes?: number
  /** Service nodes drawn at most at service level; the rest fold into "other". */
  maxServices?: number
  /** Edges drawn at most at service level, the busiest first. */
  maxEdges?: number
}

export interface GraphDot {
  dot: string
  level: 'process' | 'service'
  notes: string[]
}

/**
 * The dot source of the graph: the original's host-clustered graph when it stays readable,
 * otherwise one node per service with edges summed over hosts, the busiest first.
 */
export function graphDot(m: Matrix, opts: GraphDotOptions = {}): GraphDot {
  const maxNodes = opts.maxNodes ?? 120
  const nodes = new Set(m.entries.flatMap((e) => [JSON.stringify([e.client.host, e.client.process, e.client.name]), JSON.stringify([e.server.host, e.server.process, e.server.name])]))
  if (nodes.size <= maxNodes) return {dot: matrixToDot(m, {title: opts.title}), level: 'process', notes: []}

  const notes = [`${fmtInt(nodes.size)} processes do not fit a readable host-clustered graph (at most ${maxNodes}): drawn by service, summed over hosts.`]
  const totals = new Map<string, number>()
  const add = (map: Map<string, number>, k: string, n: number): void => void map.set(k, (map.get(k) ?? 0) + n)
  for (const e of m.entries) add(totals, serviceName(e.client), e.connections), add(totals, serviceName(e.server), e.connections)
  const fold = foldTop(totals, (opts.maxServices ?? 40) - 1)
  const other = `other (${fmtInt(fold.folded.length)} services)`
  const name = (k: string): string => (fold.kept.has(k) ? k : other)
  if (fold.folded.length) notes.push(`${fmtInt(fold.folded.length)} quieter services are folded into “${other}”.`)

  const edges = new Map<string, {from: string; to: string; protocol: string; ports: Map<number, number>; n: number}>()
  for (const e of m.entries) {
    const from = name(serviceName(e.client))
    const to = name(serviceName(e.server))
    const k = JSON.stringify([from, to, e.protocol])
    let ed = edges.get(k)
    if (!ed) edges.set(k, (ed = {from, to, protocol: e.protocol, ports: new Map(), n: 0}))
    ed.n += e.connections
    ed.ports.set(e.server.port, (ed.ports.get(e.server.port) ?? 0) + e.connections)
  }
  const maxEdges = opts.maxEdges ?? 150
  const ranked = [...edges.values()].sort((a, b) => b.n - a.n || cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.protocol, b.protocol))
  if (ranked.length > maxEdges) notes.push(`${fmtInt(ranked.length - maxEdges)} quieter edges are left out (the busiest ${maxEdges} are drawn).`)
  const kept = ranked.slice(0, maxEdges).sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.protocol, b.protocol))
  const lines = ['digraph fm {', `  label=${dotId(opts.title ?? 'fm flow matrix, by service')};`, '  rankdir=LR;', '  node [shape=box, style=rounded];']
  for (const n of [...new Set(kept.flatMap((e) => [e.from, e.to]))].sort(cmp)) lines.push(`  ${dotId(n)};`)
  for (const e of kept) {
    const ports = [...e.ports].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([p]) => p)
    const shown = ports.length <= 3 ? ports.join(', ') : `${ports.slice(0, 2).join(', ')} +${ports.length - 2} ports`
    // Busier edges draw thicker, so the main flows stand out at a glance.
    lines.push(`  ${dotId(e.from)} -> ${dotId(e.to)} [label=${dotId(`${e.protocol} : ${shown} (${fmtInt(e.n)})`)}, penwidth=${Math.round(10 * (1 + Math.log10(e.n))) / 10}];`)
  }
  lines.push('}')
  return {dot: lines.join('\n') + '\n', level: 'service', notes}
}

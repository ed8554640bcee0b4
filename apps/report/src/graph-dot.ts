import {cmp} from '@fm/model'
import {dotId, matrixToDot} from '@fm/render'
import {fmtInt} from './dom.js'
import {foldTop} from './fold-top.js'
import type {ReportData} from './report-data.js'

export interface GraphDotOptions {
  title?: string
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
 * The dot source of the graph: the original's host-clustered graph when its processes fit
 * `maxNodes`, otherwise one node per service with edges summed over hosts, the busiest first.
 */
export function graphDot(data: ReportData, opts: GraphDotOptions = {}): GraphDot {
  if (data.graphEdges) return {dot: matrixToDot({...data.head, entries: data.graphEdges, unmatched: [], ambiguities: []}, {title: opts.title}), level: 'process', notes: []}

  const grid = data.serviceGrid
  const notes = [`${fmtInt(data.processes)} processes do not fit a readable host-clustered graph (at most ${data.limits.maxNodes}): drawn by service, summed over hosts.`]
  const totals = new Map<string, number>()
  const add = (map: Map<string, number>, k: string, n: number): void => void map.set(k, (map.get(k) ?? 0) + n)
  for (const [k, n] of grid.rows) add(totals, k, n)
  for (const [k, n] of grid.cols) add(totals, k, n)
  const fold = foldTop(totals, (opts.maxServices ?? 40) - 1)
  const other = `other (${fmtInt(fold.folded.length)} services)`
  const name = (k: string): string => (fold.kept.has(k) ? k : other)
  if (fold.folded.length) notes.push(`${fmtInt(fold.folded.length)} quieter services are folded into “${other}”.`)

  const edges = new Map<string, {from: string; to: string; protocol: string; ports: Map<number, number>; n: number}>()
  for (const [client, byServer] of grid.cells) {
    for (const [server, cell] of byServer) {
      const from = name(client)
      const to = name(server)
      for (const [protocol, ports] of cell.ports) {
        const k = JSON.stringify([from, to, protocol])
        let ed = edges.get(k)
        if (!ed) edges.set(k, (ed = {from, to, protocol, ports: new Map(), n: 0}))
        for (const [port, n] of ports) {
          ed.n += n
          ed.ports.set(port, (ed.ports.get(port) ?? 0) + n)
        }
      }
    }
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

import {cmp, hostPort, type Matrix, type MatrixEntry} from '@fm/model'

/** A dot ID: always a quoted string, so any host or process name is valid. */
export function dotId(s: string): string {
  // Control characters (NUL among them) break Graphviz's scanner: newlines become \n, the rest '?'.
  const text = s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, '\\n').replace(/[\u0000-\u001f\u007f]/g, '?')
  return `"${text}"`
}

/** A process node of the graph: its id names host, path and name; nodes are drawn sorted by host, then id. */
export interface DotNode {
  host: string
  id: string
}

/** An edge of the graph: one per client process, server process and `PROTO : ADDR:PORT`, with the connections summed. */
export interface DotEdge {
  from: string
  to: string
  label: string
  n: number
}

/** What one matrix entry adds to the graph: two nodes and `n` connections on one edge. */
export function dotParts(e: MatrixEntry): {from: DotNode; to: DotNode; edge: DotEdge} {
  const from = {host: e.client.host, id: JSON.stringify([e.client.host, e.client.process, e.client.name])}
  const to = {host: e.server.host, id: JSON.stringify([e.server.host, e.server.process, e.server.name])}
  const label = `${e.protocol} : ${hostPort(e.server.ip, e.server.port)}`
  return {from, to, edge: {from: from.id, to: to.id, label, n: e.connections}}
}

/**
 * The lines of the graph (each without its line break), from its nodes sorted by host then id
 * and its edges sorted by from, to, label, each given once: one cluster per host.
 */
export function* dotLines(nodes: Iterable<DotNode>, edges: Iterable<DotEdge>, opts: {title?: string} = {}): Generator<string> {
  yield 'digraph fm {'
  yield `  label=${dotId(opts.title ?? 'fm flow matrix')};`
  yield '  rankdir=LR;'
  yield '  node [shape=box, style=rounded];'
  let i = 0
  let host: string | null = null
  for (const n of nodes) {
    if (n.host !== host) {
      if (host !== null) yield '  }'
      host = n.host
      yield `  subgraph ${dotId(`cluster_${i++}`)} {`
      yield `    label=${dotId(host)};`
    }
    const [, proc, name] = JSON.parse(n.id) as string[]
    yield `    ${dotId(n.id)} [label=${dotId(name || proc || '?')}, tooltip=${dotId(proc)}];`
  }
  if (host !== null) yield '  }'
  for (const e of edges) yield `  ${dotId(e.from)} -> ${dotId(e.to)} [label=${dotId(e.n > 1 ? `${e.label} (${e.n})` : e.label)}];`
  yield '}'
}

/**
 * The matrix as Graphviz dot, like the original's: one cluster per host, one node per process,
 * edges from client to server labelled `PROTO : ADDR:PORT`.
 */
export function matrixToDot(m: Matrix, opts: {title?: string} = {}): string {
  const nodes = new Map<string, DotNode>()
  const edges = new Map<string, DotEdge>()
  for (const e of m.entries) {
    const {from, to, edge} = dotParts(e)
    nodes.set(from.id, from)
    nodes.set(to.id, to)
    const k = JSON.stringify([edge.from, edge.to, edge.label])
    const ed = edges.get(k)
    if (ed) ed.n += edge.n
    else edges.set(k, edge)
  }
  const sortedNodes = [...nodes.values()].sort((a, b) => cmp(a.host, b.host) || cmp(a.id, b.id))
  const sortedEdges = [...edges.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.label, b.label))
  let out = ''
  for (const line of dotLines(sortedNodes, sortedEdges, opts)) out += line + '\n'
  return out
}

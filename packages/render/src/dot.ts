import {cmp, type Matrix} from '@fm/model'

/** A dot ID: always a quoted string, so any host or process name is valid. */
export function dotId(s: string): string {
  // Control characters (NUL among them) break Graphviz's scanner: newlines become \n, the rest '?'.
  const text = s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, '\\n').replace(/[\u0000-\u001f\u007f]/g, '?')
  return `"${text}"`
}

/**
 * The matrix as Graphviz dot, like the original's: one cluster per host, one node per process,
 * edges from client to server labelled `PROTO : ADDR:PORT`.
 */
export function matrixToDot(m: Matrix, opts: {title?: string} = {}): string {
  const hosts = new Map<string, Map<string, string>>() // host → node id → label
  const nodeId = (host: string, proc: string, name: string): string => {
    const id = JSON.stringify([host, proc, name])
    let procs = hosts.get(host)
    if (!procs) hosts.set(host, (procs = new Map()))
    procs.set(id, name || proc || '?')
    return id
  }
  const edges = new Map<string, {from: string; to: string; label: string; n: number}>()
  for (const e of m.entries) {
    const from = nodeId(e.client.host, e.client.process, e.client.name)
    const to = nodeId(e.server.host, e.server.process, e.server.name)
    const label = `${e.protocol} : ${e.server.ip.includes(':') ? `[${e.server.ip}]` : e.server.ip}:${e.server.port}`
    const k = JSON.stringify([from, to, label])
    const ed = edges.get(k)
    if (ed) ed.n += e.connections
    else edges.set(k, {from, to, label, n: e.connections})
  }
  const lines = ['digraph fm {', `  label=${dotId(opts.title ?? 'fm flow matrix')};`, '  rankdir=LR;', '  node [shape=box, style=rounded];']
  let i = 0
  for (const host of [...hosts.keys()].sort(cmp)) {
    lines.push(`  subgraph ${dotId(`cluster_${i++}`)} {`, `    label=${dotId(host)};`)
    const procs = hosts.get(host)!
    for (const id of [...procs.keys()].sort(cmp)) lines.push(`    ${dotId(id)} [label=${dotId(procs.get(id)!)}, tooltip=${dotId((JSON.parse(id) as string[])[1])}];`)
    lines.push('  }')
  }
  for (const e of [...edges.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.label, b.label))) {
    lines.push(`  ${dotId(e.from)} -> ${dotId(e.to)} [label=${dotId(e.n > 1 ? `${e.label} (${e.n})` : e.label)}];`)
  }
  lines.push('}')
  return lines.join('\n') + '\n'
}

import {cmp} from '@fm/model'
import type {GraphEdge, GraphNode, MatrixGraph} from './graph-elements.js'

/** A message of Skydive's websocket publisher protocol (namespace Graph). */
export interface GraphMessage {
  Namespace: 'Graph'
  Type: 'NodeAdded' | 'NodeUpdated' | 'NodeDeleted' | 'EdgeAdded' | 'EdgeUpdated' | 'EdgeDeleted'
  Obj: GraphNode | GraphEdge
}

export interface ElementCounts {
  added: number
  updated: number
  unchanged: number
  deleted: number
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b))
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => cmp(a, b)).map(([k, x]) => [k, sorted(x)]))
  return v
}

/**
 * The messages that turn what fm published before (`existing`) into `desired`: adds for new
 * elements, updates (creation time kept, revision + 1) for changed ones, deletes for elements no
 * longer in the matrix. Nodes are added before the edges that need them and deleted after.
 */
export function planPublish(desired: MatrixGraph, existing: MatrixGraph, now: number): {messages: GraphMessage[]; nodes: ElementCounts; edges: ElementCounts} {
  const messages: GraphMessage[] = []
  const sync = <T extends GraphNode>(want: T[], have: T[], kind: 'Node' | 'Edge'): {counts: ElementCounts; deletes: GraphMessage[]} => {
    const counts: ElementCounts = {added: 0, updated: 0, unchanged: 0, deleted: 0}
    const old = new Map(have.map((e) => [e.ID, e]))
    for (const e of [...want].sort((a, b) => cmp(a.ID, b.ID))) {
      const prev = old.get(e.ID)
      old.delete(e.ID)
      if (!prev) {
        counts.added++
        messages.push({Namespace: 'Graph', Type: `${kind}Added`, Obj: e})
      } else if (!same(prev.Metadata, e.Metadata) || ('Parent' in e && (prev as unknown as GraphEdge).Parent !== e.Parent) || ('Child' in e && (prev as unknown as GraphEdge).Child !== e.Child)) {
        counts.updated++
        messages.push({Namespace: 'Graph', Type: `${kind}Updated`, Obj: {...e, CreatedAt: prev.CreatedAt ?? e.CreatedAt, UpdatedAt: now, Revision: (prev.Revision ?? 0) + 1}})
      } else counts.unchanged++
    }
    const deletes = [...old.values()]
      .sort((a, b) => cmp(a.ID, b.ID))
      .map((e): GraphMessage => ({Namespace: 'Graph', Type: `${kind}Deleted`, Obj: {...e, DeletedAt: now} as GraphNode}))
    counts.deleted = deletes.length
    return {counts, deletes}
  }
  const nodes = sync(desired.nodes, existing.nodes, 'Node')
  const edges = sync(desired.edges, existing.edges, 'Edge')
  messages.push(...edges.deletes, ...nodes.deletes)
  return {messages, nodes: nodes.counts, edges: edges.counts}
}

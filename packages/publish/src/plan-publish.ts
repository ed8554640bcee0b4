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
 * What one element needs: `Added` when the analyzer does not hold it (`prev` undefined),
 * `Updated` (creation time kept, revision + 1) when it holds it otherwise, nothing when it holds
 * it as it is.
 */
export function planElement(kind: 'Node' | 'Edge', e: GraphNode | GraphEdge, prev: GraphNode | GraphEdge | undefined, now: number): GraphMessage | undefined {
  if (!prev) return {Namespace: 'Graph', Type: `${kind}Added`, Obj: e}
  if (!same(prev.Metadata, e.Metadata) || ('Parent' in e && (prev as GraphEdge).Parent !== e.Parent) || ('Child' in e && (prev as GraphEdge).Child !== e.Child)) {
    return {Namespace: 'Graph', Type: `${kind}Updated`, Obj: {...e, CreatedAt: prev.CreatedAt ?? e.CreatedAt, UpdatedAt: now, Revision: (prev.Revision ?? 0) + 1}}
  }
  return undefined
}

/** The message removing an element the matrix no longer has. */
export function deleteMessage(kind: 'Node' | 'Edge', e: GraphNode | GraphEdge, now: number): GraphMessage {
  return {Namespace: 'Graph', Type: `${kind}Deleted`, Obj: {...e, DeletedAt: now} as unknown as GraphNode}
}

/**
 * The messages that turn what fm published before (`existing`) into `desired`: adds for new
 * elements, updates (creation time kept, revision + 1) for changed ones, deletes for elements no
 * longer in the matrix. Nodes are added before the edges that need them and deleted after.
 * (publish does the same through a spill, in bounded memory; this is the in-memory form.)
 */
export function planPublish(desired: MatrixGraph, existing: MatrixGraph, now: number): {messages: GraphMessage[]; nodes: ElementCounts; edges: ElementCounts} {
  const messages: GraphMessage[] = []
  const sync = <T extends GraphNode>(want: T[], have: T[], kind: 'Node' | 'Edge'): {counts: ElementCounts; deletes: GraphMessage[]} => {
    const counts: ElementCounts = {added: 0, updated: 0, unchanged: 0, deleted: 0}
    const old = new Map(have.map((e) => [e.ID, e]))
    for (const e of [...want].sort((a, b) => cmp(a.ID, b.ID))) {
      const prev = old.get(e.ID)
      old.delete(e.ID)
      const m = planElement(kind, e, prev, now)
      if (!m) counts.unchanged++
      else {
        counts[m.Type.endsWith('Added') ? 'added' : 'updated']++
        messages.push(m)
      }
    }
    const deletes = [...old.values()].sort((a, b) => cmp(a.ID, b.ID)).map((e) => deleteMessage(kind, e, now))
    counts.deleted = deletes.length
    return {counts, deletes}
  }
  const nodes = sync(desired.nodes, existing.nodes, 'Node')
  const edges = sync(desired.edges, existing.edges, 'Edge')
  messages.push(...edges.deletes, ...nodes.deletes)
  return {messages, nodes: nodes.counts, edges: edges.counts}
}

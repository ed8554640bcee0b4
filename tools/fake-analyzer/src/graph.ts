import {readFileSync} from 'node:fs'

export type Element = Record<string, unknown> & {ID: string; Metadata?: Record<string, unknown>}
export type Flow = Record<string, unknown> & {UUID: string}

/**
 * The fake analyzer's graph. Nodes and edges live in maps keyed by ID so it can be changed
 * while the server runs (a publisher endpoint adds and deletes elements).
 */
export interface FakeGraph {
  nodes: Map<string, Element>
  edges: Map<string, Element>
  flows: Flow[]
}

/** Builds a graph from a parsed `G` dump (`[{"Nodes","Edges"}]` or `{"Nodes","Edges"}`), plus optional flows. */
export function graphFromDump(dump: unknown, flows: unknown[] = []): FakeGraph {
  const g = (Array.isArray(dump) ? dump[0] : dump) as {Nodes?: unknown; Edges?: unknown} | undefined
  if (!g || typeof g !== 'object' || !Array.isArray(g.Nodes)) throw new Error('expected a G dump: [{"Nodes": [...], "Edges": [...]}]')
  const nodes = new Map<string, Element>()
  const edges = new Map<string, Element>()
  for (const n of g.Nodes as Element[]) nodes.set(n.ID, n)
  for (const e of (g.Edges ?? []) as Element[]) edges.set(e.ID, e)
  return {nodes, edges, flows: flows as Flow[]}
}

/** Reads a `G` dump file (and optionally a flow array file) into a graph. */
export function loadGraph(file: string, flowsFile?: string): FakeGraph {
  const flows = flowsFile ? (JSON.parse(readFileSync(flowsFile, 'utf8')) as unknown[]) : []
  return graphFromDump(JSON.parse(readFileSync(file, 'utf8')), flows)
}

/** The graph as the analyzer encodes it. */
export function graphJson(g: FakeGraph): {Nodes: Element[]; Edges: Element[]} {
  return {Nodes: [...g.nodes.values()], Edges: [...g.edges.values()]}
}

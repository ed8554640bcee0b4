import {entryKey, hostPort, serviceName, type Matrix, type MatrixEntry} from '@fm/model'
import {uuidV5} from './uuid-v5.js'

/** Metadata.Manager of every element fm publishes: how fm finds its own elements again. */
export const FM_MANAGER = 'fm'

/** A Skydive graph node as the websocket publisher takes it. */
export interface GraphNode {
  ID: string
  Metadata: Record<string, unknown>
  Host: string
  Origin?: string
  CreatedAt: number
  UpdatedAt: number
  Revision: number
}

/** A Skydive graph edge: a node with a parent and a child. */
export interface GraphEdge extends GraphNode {
  Parent: string
  Child: string
}

export interface MatrixGraph {
  nodes: GraphNode[]
  edges: GraphEdge[]
}

/** The part of a service's identity a node stands for: host and process. */
function serviceOf(host: string, process: string, name: string): Record<string, unknown> {
  return {Name: `${serviceName({name, process})}@${host}`, Type: 'fm-service', ServiceHost: host, Process: process, ProcessName: name}
}

function edgeMetadata(e: MatrixEntry): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    Name: `${e.protocol} ${hostPort(e.server.ip, e.server.port)}`,
    RelationType: 'fm-connection',
    Protocol: e.protocol,
    ServerIP: e.server.ip,
    Port: e.server.port,
    ClientIP: e.client.ip,
    Connections: e.connections,
    Methods: e.methods.join(' '),
    Seen: e.seen,
  }
  if (e.traffic) {
    Object.assign(meta, {BytesToServer: e.traffic.bytesToServer, BytesToClient: e.traffic.bytesToClient, PacketsToServer: e.traffic.packetsToServer, PacketsToClient: e.traffic.packetsToClient, FirstSeen: e.traffic.first, LastSeen: e.traffic.last})
  }
  return meta
}

export interface GraphOptions {
  scope: string
  hostId: string
  now: number
}

/**
 * The elements one matrix entry stands for: its edge, from the client's service node to the
 * server's, and those two nodes (the same node, same ID, for every entry of the service).
 */
export function entryElements(e: MatrixEntry, opts: GraphOptions): {edge: GraphEdge; client: GraphNode; server: GraphNode} {
  const stamp = {Host: opts.hostId, CreatedAt: opts.now, UpdatedAt: opts.now, Revision: 1}
  const node = (host: string, process: string, name: string): GraphNode => ({
    ID: uuidV5(`${opts.scope}\0service\0${host}\0${process}\0${name}`),
    Metadata: {...serviceOf(host, process, name), Manager: FM_MANAGER, FMScope: opts.scope},
    ...stamp,
  })
  const client = node(e.client.host, e.client.process, e.client.name)
  const server = node(e.server.host, e.server.process, e.server.name)
  const edge: GraphEdge = {
    ID: uuidV5(`${opts.scope}\0connection\0${entryKey(e)}`),
    Metadata: {...edgeMetadata(e), Manager: FM_MANAGER, FMScope: opts.scope},
    Parent: client.ID,
    Child: server.ID,
    ...stamp,
  }
  return {edge, client, server}
}

/**
 * The graph elements standing for a matrix: one node per service (host + process), one edge per
 * entry from the client's service to the server's. IDs are UUIDv5 of the scope and the element's
 * key, so the same matrix always gives the same IDs and two scopes never share one. Elements
 * carry `Manager: fm` and `FMScope` so fm can find (and delete) what it published.
 */
export function matrixToGraph(m: Matrix, opts: GraphOptions): MatrixGraph {
  const nodes = new Map<string, GraphNode>()
  const edges = m.entries.map((e) => {
    const {edge, client, server} = entryElements(e, opts)
    for (const n of [client, server]) if (!nodes.has(n.ID)) nodes.set(n.ID, n)
    return edge
  })
  return {nodes: [...nodes.values()], edges}
}

// DESIGN rule 5, after each flow's decision (resolveFlow): flows join into connections, one per
// client socket (or, when no client socket was captured, per 5-tuple and hosts), and each
// connection's traffic is folded from its flows (foldFlowTraffic).
import {foldFlowTraffic, type FlowTraffic, type OrientedFlow} from './fold-flow-traffic.js'
import type {FlowDecision} from './resolve-flow.js'

/** The figures of a flow as captured, from end A to end B. */
export interface FlowFigures {
  id: number
  protocol: string
  aAddr: string
  aPort: number
  bAddr: string
  bPort: number
  abBytes: number
  baBytes: number
  abPackets: number
  baPackets: number
  start: number
  last: number
  nodeTid: string | null
}

/** A connection flows told something about, without its traffic. */
export interface FlowConnectionHead {
  kind: 'traffic' | 'edge'
  method: string
  protocol: string
  clientId: number | null
  clientHostId: number
  clientAddr: string
  clientPort: number
  serverId: number | null
  serverHostId: number
  serverAddr: string
  serverPort: number
}

/** One flow of a connection: the connection's key and fields, and the flow oriented client to server. */
export interface ConnectionFlow extends OrientedFlow {
  key: string
  connection: FlowConnectionHead
  flowId: number
}

/** The connection a used flow belongs to (its key), and the flow's figures oriented from its client. */
export function connectionFlow(f: FlowFigures, d: Exclude<FlowDecision, {kind: 'unused'}>): ConnectionFlow {
  const forward = d.clientEnd === 'a'
  const client = forward ? {addr: f.aAddr, port: f.aPort} : {addr: f.bAddr, port: f.bPort}
  const server = forward ? {addr: f.bAddr, port: f.bPort} : {addr: f.aAddr, port: f.aPort}
  // one connection per client socket, or per 5-tuple and hosts when no client socket was captured
  const key = d.clientId !== null ? `c${d.clientId}` : `e${f.protocol}|${d.clientHostId}|${client.addr}|${client.port}|${d.serverHostId}|${server.addr}|${server.port}`
  return {
    key,
    connection: {
      kind: d.kind, method: d.kind === 'traffic' ? d.method : 'flow', protocol: f.protocol,
      clientId: d.clientId, clientHostId: d.clientHostId, clientAddr: client.addr, clientPort: client.port,
      serverId: d.serverId, serverHostId: d.serverHostId, serverAddr: server.addr, serverPort: server.port,
    },
    flowId: f.id,
    tid: f.nodeTid,
    bytesToServer: forward ? f.abBytes : f.baBytes,
    bytesToClient: forward ? f.baBytes : f.abBytes,
    packetsToServer: forward ? f.abPackets : f.baPackets,
    packetsToClient: forward ? f.baPackets : f.abPackets,
    start: f.start,
    last: f.last,
  }
}

/**
 * Folds flows sorted by connection key into connections, one at a time (the flows of one key
 * contiguous, in the order they were decided): the first flow's fields, the traffic of all.
 */
export function* groupFlows(flows: Iterable<ConnectionFlow>): Generator<FlowConnectionHead & FlowTraffic & {flowIds: number[]}> {
  let key: string | null = null
  let head: FlowConnectionHead | null = null
  let group: ConnectionFlow[] = []
  const close = (): (FlowConnectionHead & FlowTraffic & {flowIds: number[]}) | null =>
    head ? {...head, flowIds: group.map((f) => f.flowId), ...foldFlowTraffic(group)!} : null
  for (const f of flows) {
    if (f.key !== key) {
      const done = close()
      if (done) yield done
      key = f.key
      head = f.connection
      group = []
    }
    group.push(f)
  }
  const last = close()
  if (last) yield last
}

import {isLoopback, type FlowStats} from '@fm/model'
import {foldFlowTraffic, resolveFlow, type FlowEndFacts, type FlowEndSocket, type OrientedFlow} from '@fm/match'
import type {FlowConnection, FlowEndSocketRow, FlowRow, FlowStore} from '@fm/store'

/** Empty flow statistics, to add captures into. */
export function emptyFlowStats(): FlowStats {
  return {flows: 0, joined: 0, edges: 0, flowConnections: 0, unused: {external: 0, 'no-listener': 0, 'not-counted': 0}}
}

/**
 * Matches the flows of one capture (after its sockets were matched) and writes what they found:
 * traffic onto matched connections, and connections only flows revealed. Adds to `stats`.
 */
export function matchFlows(flows: FlowStore, captureId: number, states: string[] | 'any', stats: FlowStats): void {
  const counted = (state: string): boolean => (states === 'any' ? true : states.includes(state))
  const ends = new Map<number, FlowEndSocketRow[]>()
  for (const r of flows.endSockets(captureId)) {
    let list = ends.get(r.flowId)
    if (!list) ends.set(r.flowId, (list = []))
    list.push(r)
  }
  const connections = new Map<string, {c: Omit<FlowConnection, 'flows' | 'bytesToServer' | 'bytesToClient' | 'packetsToServer' | 'packetsToClient' | 'first' | 'last'>; flows: OrientedFlow[]}>()
  const unused: {flowId: number; reason: string}[] = []
  for (const f of flows.flows(captureId)) {
    stats.flows++
    const rows = ends.get(f.id) ?? []
    const facts = (end: 'a' | 'b'): FlowEndFacts => {
      const addr = end === 'a' ? f.aAddr : f.bAddr
      const port = end === 'a' ? f.aPort : f.bPort
      const local = (end === 'a' ? f.aLocal : f.bLocal) === 1
      const family = end === 'a' ? f.aFamily : f.bFamily
      const sockets: FlowEndSocket[] = rows
        .filter((r) => r.end === end)
        .map((r) => ({
          socketId: r.socketId, hostId: r.hostId, hostName: r.hostName, hostNodeId: r.hostNodeId, pid: r.pid, role: r.role, owner: r.owner === 1,
          considered: r.role === 'client' && counted(r.state),
          match: r.matchServerId !== null && r.matchServerHostId !== null && r.matchMethod ? {serverId: r.matchServerId, serverHostId: r.matchServerHostId, method: r.matchMethod} : null,
        }))
      // Owners and listeners only matter when no socket holds the end (rare): look them up then.
      const bare = sockets.length === 0
      return {
        local,
        sockets,
        owners: bare ? flows.owners(captureId, addr) : [],
        listeners: !bare ? [] : isLoopback(addr) ? flows.loopbackListeners(captureId, f.protocol, addr, port, family, f.observerHostId) : flows.listeners(captureId, f.protocol, addr, port, family),
      }
    }
    const d = resolveFlow({observerHostId: f.observerHostId, a: facts('a'), b: facts('b')})
    if (d.kind === 'unused') {
      stats.unused[d.reason]++
      unused.push({flowId: f.id, reason: d.reason})
      continue
    }
    const forward = d.clientEnd === 'a'
    const client = forward ? {addr: f.aAddr, port: f.aPort} : {addr: f.bAddr, port: f.bPort}
    const server = forward ? {addr: f.bAddr, port: f.bPort} : {addr: f.aAddr, port: f.aPort}
    // one connection per client socket, or per 5-tuple and hosts when no client socket was captured
    const key = d.clientId !== null ? `c${d.clientId}` : `e${f.protocol}|${d.clientHostId}|${client.addr}|${client.port}|${d.serverHostId}|${server.addr}|${server.port}`
    let conn = connections.get(key)
    if (!conn) {
      conn = {
        c: {
          kind: d.kind, method: d.kind === 'traffic' ? d.method : 'flow', protocol: f.protocol,
          clientId: d.clientId, clientHostId: d.clientHostId, clientAddr: client.addr, clientPort: client.port,
          serverId: d.serverId, serverHostId: d.serverHostId, serverAddr: server.addr, serverPort: server.port, flowIds: [],
        },
        flows: [],
      }
      connections.set(key, conn)
    }
    conn.c.flowIds.push(f.id)
    conn.flows.push(orient(f, forward))
    if (d.kind === 'traffic') stats.joined++
    else stats.edges++
  }
  const out: FlowConnection[] = []
  for (const {c, flows: list} of connections.values()) {
    const t = foldFlowTraffic(list)!
    out.push({...c, ...t})
    if (c.kind === 'edge') stats.flowConnections++
  }
  flows.write(captureId, out, unused)
}

function orient(f: FlowRow, forward: boolean): OrientedFlow {
  return {
    tid: f.nodeTid,
    bytesToServer: forward ? f.abBytes : f.baBytes,
    bytesToClient: forward ? f.baBytes : f.abBytes,
    packetsToServer: forward ? f.abPackets : f.baPackets,
    packetsToClient: forward ? f.baPackets : f.abPackets,
    start: f.start,
    last: f.last,
  }
}

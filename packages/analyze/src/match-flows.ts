import {isLoopback, type FlowStats} from '@fm/model'
import {connectionFlow, groupFlows, resolveFlow, type ConnectionFlow, type FlowEndFacts, type FlowEndSocket} from '@fm/match'
import type {FlowConnection, FlowEndSocketRow, FlowStore} from '@fm/store'

/** Flows (and decisions) read per page: memory holds one page, whatever the number of flows. */
const PAGE = 5000

/** Empty flow statistics, to add captures into. */
export function emptyFlowStats(): FlowStats {
  return {flows: 0, joined: 0, edges: 0, flowConnections: 0, unused: {external: 0, 'no-listener': 0, 'not-counted': 0}}
}

/**
 * Matches the flows of one capture (after its sockets were matched) and writes what they found:
 * traffic onto matched connections, and connections only flows revealed. Adds to `stats`.
 * Two passes over the store, a page at a time: each flow's decision (resolveFlow) is recorded,
 * then the decisions, read back by connection, fold into connections (groupFlows).
 */
export function matchFlows(flows: FlowStore, captureId: number, states: string[] | 'any', stats: FlowStats, pageSize = PAGE): void {
  const counted = (state: string): boolean => (states === 'any' ? true : states.includes(state))
  flows.startCapture(captureId)
  for (let after = -1; ; ) {
    const page = flows.flowPage(captureId, after, pageSize)
    if (page.length === 0) break
    after = page[page.length - 1].id
    const ends = new Map<number, FlowEndSocketRow[]>()
    for (const r of flows.endSockets(captureId, page[0].id, after)) {
      let list = ends.get(r.flowId)
      if (!list) ends.set(r.flowId, (list = []))
      list.push(r)
    }
    const decided: ConnectionFlow[] = []
    const unused: {flowId: number; reason: string}[] = []
    for (const f of page) {
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
      decided.push(connectionFlow(f, d))
      if (d.kind === 'traffic') stats.joined++
      else stats.edges++
    }
    flows.addDecisions(decided, unused)
  }
  // The decisions by connection key, a page at a time; a page ending inside a key leaves that key to the next.
  for (let afterKey = '', limit = pageSize; ; ) {
    const rows = flows.decisionPage(afterKey, limit)
    if (rows.length === 0) return
    let end = rows.length
    if (rows.length === limit) {
      while (end > 0 && rows[end - 1].key === rows[rows.length - 1].key) end--
      if (end === 0) {
        limit *= 2 // one connection has more flows than a page holds
        continue
      }
    }
    const out: FlowConnection[] = []
    for (const c of groupFlows(rows.slice(0, end))) {
      out.push(c)
      if (c.kind === 'edge') stats.flowConnections++
    }
    flows.writeConnections(captureId, out)
    afterKey = rows[end - 1].key
    limit = pageSize
  }
}

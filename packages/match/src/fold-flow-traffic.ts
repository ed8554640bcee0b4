import {cmp, type MatrixEntry} from '@fm/model'

/** One flow's figures, already oriented from the connection's client to its server. */
export interface OrientedFlow {
  /** The capture point (NodeTID); null when the flow did not say. */
  tid: string | null
  bytesToServer: number
  bytesToClient: number
  packetsToServer: number
  packetsToClient: number
  start: number
  last: number
}

export interface FlowTraffic extends NonNullable<MatrixEntry['traffic']> {
  /** Flows counted in the figures. */
  flows: number
}

/**
 * Folds the flows of one connection into its traffic. Skydive reports the same packets once
 * per capture point (the client's and the server's interface both see them), so figures are
 * summed over the flows of one capture point (a connection seen in several flows over time)
 * and the capture point that saw the most bytes is kept, never the sum of all. First and
 * last seen span every flow. Null for no flows.
 */
export function foldFlowTraffic(flows: readonly OrientedFlow[]): FlowTraffic | null {
  if (flows.length === 0) return null
  const byTid = new Map<string, FlowTraffic>()
  let first = Infinity
  let last = -Infinity
  for (const f of flows) {
    const key = f.tid ?? ''
    let t = byTid.get(key)
    if (!t) byTid.set(key, (t = {bytesToServer: 0, bytesToClient: 0, packetsToServer: 0, packetsToClient: 0, first: 0, last: 0, flows: 0}))
    t.bytesToServer += f.bytesToServer
    t.bytesToClient += f.bytesToClient
    t.packetsToServer += f.packetsToServer
    t.packetsToClient += f.packetsToClient
    t.flows++
    first = Math.min(first, f.start)
    last = Math.max(last, f.last)
  }
  const total = (t: FlowTraffic): number => t.bytesToServer + t.bytesToClient
  const [, best] = [...byTid.entries()].sort(([ka, a], [kb, b]) => total(b) - total(a) || b.packetsToServer + b.packetsToClient - (a.packetsToServer + a.packetsToClient) || cmp(ka, kb))[0]
  return {...best, first, last}
}

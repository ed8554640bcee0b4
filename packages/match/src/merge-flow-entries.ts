import {cmp, compareEntries, entryKey, socketKey, type MatchedConnection, type MatchMethod, type MatrixEntry} from '@fm/model'
import {emptyEntry, perSnapshot} from './aggregate-entries.js'

/** A connection flows told something about, with the entry key of its matrix row. */
export interface FlowConnectionRow extends MatchedConnection, NonNullable<MatrixEntry['traffic']> {
  /** 'traffic': figures for a connection socket matching already counted; 'edge': a connection only flows revealed. */
  kind: 'traffic' | 'edge'
}

const METHOD_ORDER: MatchMethod[] = ['socket', 'listener', 'flow']

/**
 * Adds what flows found to the entries socket matching made: traffic summed per entry (first
 * and last seen spanning its connections), and connections only flows revealed (method
 * `flow`), in existing entries or new ones. Returns entries sorted by compareEntries; the
 * evidence of each stays the `evidenceLimit` smallest proofs, so row order does not matter.
 */
export function mergeFlowEntries(entries: MatrixEntry[], rows: Iterable<FlowConnectionRow>, evidenceLimit = 10): MatrixEntry[] {
  const byKey = new Map<string, MatrixEntry>()
  for (const e of entries) byKey.set(entryKey(e), e)
  const touched = new Set<MatrixEntry>()
  for (const r of rows) {
    const fresh: MatrixEntry = {...emptyEntry(r), captureIds: []}
    const key = entryKey(fresh)
    let e = byKey.get(key)
    if (!e) {
      // traffic always belongs to a row socket matching made; a missing one means the store changed under us
      if (r.kind === 'traffic') throw new Error(`flow traffic for an entry socket matching did not make: ${key.split('\0').join(',')}`)
      byKey.set(key, (e = fresh))
    }
    const t = (e.traffic ??= {bytesToServer: 0, bytesToClient: 0, packetsToServer: 0, packetsToClient: 0, first: r.first, last: r.last})
    t.bytesToServer += r.bytesToServer
    t.bytesToClient += r.bytesToClient
    t.packetsToServer += r.packetsToServer
    t.packetsToClient += r.packetsToClient
    t.first = Math.min(t.first, r.first)
    t.last = Math.max(t.last, r.last)
    if (r.kind === 'edge') {
      // connections per capture, the entry's count being the most seen in one (see foldEntries)
      let counts = perSnapshot.get(e)
      if (!counts) {
        counts = new Map<number, number>()
        if (e.captureIds?.length) counts.set(e.captureIds[0], e.connections)
        perSnapshot.set(e, counts)
      }
      counts.set(r.captureId, (counts.get(r.captureId) ?? 0) + 1)
      let most = 0
      for (const n of counts.values()) if (n > most) most = n
      e.connections = most
      if (!e.methods.includes('flow')) e.methods = METHOD_ORDER.filter((m) => m === 'flow' || e.methods.includes(m))
      const ids = new Set(e.captureIds ?? [])
      ids.add(r.captureId)
      e.captureIds = [...ids].sort((a, b) => a - b)
      e.seen = e.captureIds.length
      e.evidence.push({
        client: socketKey(r.clientHost, {protocol: r.protocol, localAddress: r.clientIp, localPort: r.clientPort, remoteAddress: r.serverIp, remotePort: r.port, pid: r.clientPid}),
        server: socketKey(r.serverHost, {protocol: r.protocol, localAddress: r.sLocalAddr, localPort: r.sLocalPort, remoteAddress: r.sRemoteAddr, remotePort: r.sRemotePort, pid: r.serverPid}),
        method: 'flow',
      })
      touched.add(e)
    }
  }
  for (const e of touched) {
    e.evidence.sort((a, b) => cmp(a.client, b.client) || cmp(a.server, b.server))
    e.evidence.length = Math.min(e.evidence.length, Math.max(0, evidenceLimit))
  }
  return [...byKey.values()].sort(compareEntries)
}

import {cmp, compareEntries, entryKey, socketKey, type MatchedConnection, type MatchMethod, type MatrixEntry} from '@fm/model'
import {emptyEntry, perSnapshot} from './aggregate-entries.js'

/** A connection flows told something about, with the entry key of its matrix row. */
export interface FlowConnectionRow extends MatchedConnection, NonNullable<MatrixEntry['traffic']> {
  /** 'traffic': figures for a connection socket matching already counted; 'edge': a connection only flows revealed. */
  kind: 'traffic' | 'edge'
}

const METHOD_ORDER: MatchMethod[] = ['socket', 'listener', 'flow']

/**
 * mergeFlowEntries over two streams sorted by entry key (compareEntries: the order of the store's
 * matrix rows and flow rows), one entry at a time: memory holds the current entry and its flow
 * rows, whatever the size of the matrix. Gives the entries mergeFlowEntries returns, in order.
 */
export function* mergeFlowStream(entries: Iterable<MatrixEntry>, rows: Iterable<FlowConnectionRow>, evidenceLimit = 10): Generator<MatrixEntry> {
  const flows = rows[Symbol.iterator]()
  let next = flows.next()
  let last: MatrixEntry | null = null
  const ordered = (e: MatrixEntry): MatrixEntry => {
    if (last && compareEntries(last, e) > 0) throw new Error('mergeFlowStream needs both streams sorted by entry key')
    return (last = e)
  }
  /** Applies every flow row of `e`'s key (the next ones of the stream) to it. */
  const absorb = (e: MatrixEntry): MatrixEntry => {
    let touched = false
    while (!next.done && compareEntries(emptyEntry(next.value), e) === 0) {
      touched = addFlowRow(e, next.value) || touched
      next = flows.next()
    }
    if (touched) trimEvidence(e, evidenceLimit)
    return e
  }
  for (const entry of entries) {
    // flow rows before this entry's key make entries of their own (connections only flows revealed)
    while (!next.done && compareEntries(emptyEntry(next.value), entry) < 0) yield ordered(absorb(flowOnlyEntry(next.value)))
    yield ordered(absorb(entry))
  }
  while (!next.done) yield ordered(absorb(flowOnlyEntry(next.value)))
}

/** The entry of a flow row no socket matching made; traffic always belongs to one that did. */
function flowOnlyEntry(r: FlowConnectionRow): MatrixEntry {
  const fresh: MatrixEntry = {...emptyEntry(r), captureIds: []}
  if (r.kind === 'traffic') throw new Error(`flow traffic for an entry socket matching did not make: ${entryKey(fresh).split('\0').join(',')}`)
  return fresh
}

/** Adds one flow row to its entry: traffic, and for a connection only flows revealed, its count, method and proof. Returns whether proofs were added. */
function addFlowRow(e: MatrixEntry, r: FlowConnectionRow): boolean {
  const t = (e.traffic ??= {bytesToServer: 0, bytesToClient: 0, packetsToServer: 0, packetsToClient: 0, first: r.first, last: r.last})
  t.bytesToServer += r.bytesToServer
  t.bytesToClient += r.bytesToClient
  t.packetsToServer += r.packetsToServer
  t.packetsToClient += r.packetsToClient
  t.first = Math.min(t.first, r.first)
  t.last = Math.max(t.last, r.last)
  if (r.kind !== 'edge') return false
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
  return true
}

/** The `evidenceLimit` smallest proofs of an entry, sorted. */
function trimEvidence(e: MatrixEntry, evidenceLimit: number): void {
  e.evidence.sort((a, b) => cmp(a.client, b.client) || cmp(a.server, b.server))
  e.evidence.length = Math.min(e.evidence.length, Math.max(0, evidenceLimit))
}

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
    if (!e) byKey.set(key, (e = flowOnlyEntry(r)))
    if (addFlowRow(e, r)) touched.add(e)
  }
  for (const e of touched) trimEvidence(e, evidenceLimit)
  return [...byKey.values()].sort(compareEntries)
}

import {canonicalAddress, parseCidr, type DumpRecord, type FlowRecord, type HostRecord, type Socket, type SocketsRecord} from '@fm/model'
import type {RawSockets} from './socket-bytes.js'

/** A host or sockets record whose sockets were validated from their bytes and not built (see socket-bytes.ts). */
export type RawRecord = (Omit<HostRecord, 'sockets'> & {sockets: RawSockets}) | (Omit<SocketsRecord, 'sockets'> & {sockets: RawSockets})

/** A record-level problem; the reader adds the file name. */
export class ShapeError extends Error {
  constructor(readonly path: string, readonly expected: string, readonly got: unknown) {
    super(`${path}: expected ${expected}, got ${describe(got)}`)
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof LongText) return `a string of ${v.length} characters`
  if (typeof v === 'object') return 'an object'
  // JSON.parse turns 1e400 into Infinity, which JSON.stringify would print as null
  if (typeof v === 'number' && !Number.isFinite(v)) return `a number too large for a double (${v < 0 ? '-' : ''}1e309 or beyond)`
  const text = JSON.stringify(v)
  return text.length > 40 ? `${typeof v} ${text.slice(0, 37)}...` : `${typeof v} ${text}`
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The longest text fm keeps from a dump (an executable path is at most 4,096 bytes on Linux; host
 * names, process names, IDs and addresses are far shorter). A longer one is refused: every row
 * naming it would carry a copy (matrix rows, socket keys, sort keys), so a 10 MB host name
 * would cost gigabytes.
 */
export const MAX_TEXT = 4096

/** A kept text, refused (ShapeError) beyond MAX_TEXT characters. */
export function boundedText(v: string, path: string): string {
  if (v.length > MAX_TEXT) throw new ShapeError(path, `text of at most ${MAX_TEXT} characters`, new LongText(v.length))
  return v
}

/** Stands for an over-long string in messages, which never quote more than its start. */
class LongText {
  constructor(readonly length: number) {}
}

function str(o: Obj, k: string, path: string, fallback?: string): string {
  const v = o[k]
  if (typeof v === 'string') return boundedText(v, `${path}.${k}`)
  if ((v === undefined || v === null) && fallback !== undefined) return fallback
  throw new ShapeError(`${path}.${k}`, 'a string', v)
}

function int(o: Obj, k: string, path: string, max: number, fallback?: number): number {
  const v = o[k]
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max) return v
  if ((v === undefined || v === null) && fallback !== undefined) return fallback
  throw new ShapeError(`${path}.${k}`, max === 65535 ? 'a port number (0-65535)' : 'a non-negative integer', v)
}

// Dumps repeat the same few addresses (each host's own, its peers', wildcards) across
// millions of sockets: canonicalising each distinct text once is a large part of ingest speed.
// Interface addresses (IPV4/IPV6) and socket addresses name the same hosts: one cache serves both.
const canonCache = new Map<string, string>()
/** canonicalAddress, cached per distinct text (bounded: it starts again past 2^17 texts). */
export function canon(a: string): string {
  let c = canonCache.get(a)
  if (c === undefined) {
    c = canonicalAddress(a)
    if (canonCache.size >= 1 << 17) canonCache.clear()
    canonCache.set(a, c)
  }
  return c
}

/** Validates one socketinfo entry and returns it in canonical form. */
export function toSocket(v: unknown, path: string): Socket {
  if (!isObj(v)) throw new ShapeError(path, 'a socket object', v)
  const s: Socket = {
    protocol: str(v, 'Protocol', path).toUpperCase(),
    localAddress: canon(str(v, 'LocalAddress', path)),
    localPort: int(v, 'LocalPort', path, 65535),
    remoteAddress: canon(str(v, 'RemoteAddress', path, '')),
    remotePort: int(v, 'RemotePort', path, 65535, 0),
    state: str(v, 'State', path, '').toUpperCase(),
    process: str(v, 'Process', path, ''),
    pid: int(v, 'Pid', path, Number.MAX_SAFE_INTEGER, 0),
    name: str(v, 'Name', path, ''),
  }
  // fm's collector adds the namespace; Skydive's sockets have none
  if (v.Netns !== undefined && v.Netns !== null && v.Netns !== '') s.netns = str(v, 'Netns', path)
  return s
}

/** Validates a list of sockets. */
export function toSockets(v: unknown, path: string): Socket[] {
  if (!Array.isArray(v)) throw new ShapeError(path, 'an array of sockets', v)
  return v.map((s, i) => toSocket(s, `${path}[${i}]`))
}

function strings(v: unknown, path: string): string[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw new ShapeError(path, 'an array of address strings', v)
  return v.map((s, i) => {
    if (typeof s !== 'string') throw new ShapeError(`${path}[${i}]`, 'an address string', s)
    return boundedText(s, `${path}[${i}]`)
  })
}

/**
 * Turns a graph node into the record fm keeps, or null for nodes matching does not need.
 * `raw`: the node's socket array, already read from its bytes, stands in the parsed node as the
 * placeholder 0 (the scanner's fast path).
 */
export function nodeToRecord(v: unknown, path: string): DumpRecord | null
export function nodeToRecord(v: unknown, path: string, raw: RawSockets): DumpRecord | RawRecord | null
export function nodeToRecord(v: unknown, path: string, raw?: RawSockets): DumpRecord | RawRecord | null {
  if (!isObj(v)) throw new ShapeError(path, 'a node object', v)
  const id = str(v, 'ID', path)
  const meta = v.Metadata
  if (meta === undefined || meta === null) return null
  if (!isObj(meta)) throw new ShapeError(`${path}.Metadata`, 'an object', meta)
  const mpath = `${path}.Metadata`
  const type = str(meta, 'Type', mpath, '')
  const agent = str(v, 'Host', path, '')
  if (type === 'host') {
    if (raw) {
      if (meta.Sockets !== 0) throw new Error('the socket array read from bytes is not Metadata.Sockets')
      return {kind: 'host', nodeId: id, name: hostName(meta, id, agent, mpath), hostname: hostnameOf(meta, mpath), sockets: raw, tid: tidOf(meta, mpath)}
    }
    const host: HostRecord = {
      kind: 'host',
      nodeId: id,
      name: hostName(meta, id, agent, mpath),
      hostname: hostnameOf(meta, mpath),
      sockets: meta.Sockets === undefined || meta.Sockets === null ? null : toSockets(meta.Sockets, `${mpath}.Sockets`),
      tid: tidOf(meta, mpath),
    }
    return host
  }
  if (type === 'netns') return {kind: 'netns', nodeId: id, agent, name: str(meta, 'Name', mpath, ''), tid: tidOf(meta, mpath)}
  if (meta.IPV4 !== undefined || meta.IPV6 !== undefined) {
    return {
      kind: 'interface',
      nodeId: id,
      agent,
      name: str(meta, 'Name', mpath, ''),
      type,
      addresses: [...strings(meta.IPV4, `${mpath}.IPV4`), ...strings(meta.IPV6, `${mpath}.IPV6`)]
        .map((c) => parseCidr(c, canon))
        .filter((a): a is {address: string; prefix: number | null} => a !== null),
      tid: tidOf(meta, mpath),
    }
  }
  return null
}

function hostName(meta: Obj, id: string, agent: string, mpath: string): string {
  return agent || str(meta, 'Name', mpath, '') || id
}

function hostnameOf(meta: Obj, mpath: string): string | null {
  return typeof meta.Hostname === 'string' ? boundedText(meta.Hostname, `${mpath}.Hostname`) : typeof meta.Name === 'string' ? boundedText(meta.Name, `${mpath}.Name`) : null
}

/** `Metadata.TID`, the id flows use (`NodeTID`) for the node they were captured on. */
function tidOf(meta: Obj, mpath: string): string | null {
  return typeof meta.TID === 'string' && meta.TID !== '' ? boundedText(meta.TID, `${mpath}.TID`) : null
}

/** Turns a graph edge into an ownership record, or null for other relations. */
export function edgeToRecord(v: unknown, path: string): DumpRecord | null {
  if (!isObj(v)) throw new ShapeError(path, 'an edge object', v)
  const parent = str(v, 'Parent', path)
  const child = str(v, 'Child', path)
  const meta = v.Metadata
  if (!isObj(meta) || meta.RelationType !== 'ownership') return null
  return {kind: 'ownership', parent, child}
}

function num(o: unknown, k: string): number {
  const v = isObj(o) ? o[k] : undefined
  return typeof v === 'number' && Number.isFinite(v) ? v : 0
}

/** Turns a flow into a record; null for flows without a TCP/UDP transport layer. */
export function flowToRecord(v: unknown, path: string): FlowRecord | null {
  if (!isObj(v)) throw new ShapeError(path, 'a flow object', v)
  const uuid = str(v, 'UUID', path)
  const transport = v.Transport
  const network = v.Network
  if (!isObj(transport) || !isObj(network)) return null
  const tpath = `${path}.Transport`
  const npath = `${path}.Network`
  const port = (k: string): number => {
    const p = transport[k]
    const n = typeof p === 'string' ? Number(p) : p
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535) return n
    throw new ShapeError(`${tpath}.${k}`, 'a port number (0-65535)', p)
  }
  const metric = v.Metric
  return {
    kind: 'flow',
    uuid,
    protocol: str(transport, 'Protocol', tpath).toUpperCase(),
    a: {address: canonicalAddress(str(network, 'A', npath)), port: port('A')},
    b: {address: canonicalAddress(str(network, 'B', npath)), port: port('B')},
    abBytes: num(metric, 'ABBytes'),
    baBytes: num(metric, 'BABytes'),
    abPackets: num(metric, 'ABPackets'),
    baPackets: num(metric, 'BAPackets'),
    start: num(v, 'Start') || num(metric, 'Start'),
    last: num(v, 'Last') || num(metric, 'Last'),
    nodeTid: typeof v.NodeTID === 'string' ? boundedText(v.NodeTID, `${path}.NodeTID`) : null,
  }
}

/** Classifies a top-level array element (node, edge or flow) by its fields; `raw` as for nodeToRecord. */
export function elementToRecord(v: unknown, path: string): DumpRecord | null
export function elementToRecord(v: unknown, path: string, raw: RawSockets): DumpRecord | RawRecord | null
export function elementToRecord(v: unknown, path: string, raw?: RawSockets): DumpRecord | RawRecord | null {
  if (!isObj(v)) throw new ShapeError(path, 'a Skydive node, edge or flow object', v)
  if ('Parent' in v && 'Child' in v) return edgeToRecord(v, path)
  if ('UUID' in v && ('Transport' in v || 'Network' in v || 'LayersPath' in v)) return flowToRecord(v, path)
  if ('ID' in v) return raw ? nodeToRecord(v, path, raw) : nodeToRecord(v, path)
  throw new ShapeError(path, 'a Skydive node (ID, Metadata), edge (Parent, Child) or flow (UUID)', v)
}

import {cmp, type MatrixEntry} from '@fm/model'
import {serviceName} from './service-name.js'
import type {Edge, Level} from './types.js'

export interface GroupOptions {
  level: Level
  /** true: one edge per server port (check, baseline); false: ports become an attribute (diff). */
  byPort: boolean
}

/**
 * Folds matrix entries into edges: client service → server service, protocol, and the server port
 * when `byPort`; hosts join the identity only at host level. Server and client addresses never do
 * (a service keeps its identity when it moves or has many addresses); ephemeral client ports are
 * not in a matrix at all. Sorted by key.
 */
export function groupEdges(entries: Iterable<MatrixEntry>, opts: GroupOptions): Edge[] {
  const g = new EdgeGrouper(opts)
  for (const e of entries) g.add(e)
  return g.edges()
}

/** The key of the edge an entry belongs to (Edge.key). */
export function edgeKey(e: MatrixEntry, opts: GroupOptions): string {
  const host = opts.level === 'host'
  return edgeKeyOf(e.protocol, host ? e.client.host : '', serviceName(e.client), host ? e.server.host : '', serviceName(e.server), opts.byPort ? e.server.port : null)
}

function edgeKeyOf(protocol: string, clientHost: string, client: string, serverHost: string, server: string, port: number | null): string {
  return [protocol, clientHost, client, serverHost, server, port ?? ''].join('\u0000')
}

/**
 * groupEdges one entry at a time, so entries can stream from an analysis and only the edges are
 * held. Example: `const g = new EdgeGrouper({level: 'service', byPort: true}); g.add(e); g.edges()`
 */
export class EdgeGrouper {
  private readonly byKey = new Map<string, Group>()

  constructor(private readonly opts: GroupOptions) {}

  /** How many entries were added. */
  entries = 0

  add(e: MatrixEntry): void {
    this.entries++
    const host = this.opts.level === 'host'
    const port = this.opts.byPort ? e.server.port : null
    const cs = serviceName(e.client)
    const ss = serviceName(e.server)
    const key = edgeKeyOf(e.protocol, host ? e.client.host : '', cs, host ? e.server.host : '', ss, port)
    let g = this.byKey.get(key)
    if (!g) {
      g = {
        edge: {key, protocol: e.protocol, client: {service: cs, host: host ? e.client.host : null}, server: {service: ss, host: host ? e.server.host : null}, port, ports: [], connections: 0, captureIds: [], clientHosts: [], serverHosts: [], clientIps: [], serverIps: [], clientPaths: [], serverPaths: []},
        sets: {clientHosts: new SmallSet(), serverHosts: new SmallSet(), clientIps: new SmallSet(), serverIps: new SmallSet(), clientPaths: new SmallSet(), serverPaths: new SmallSet()},
        ports: new SmallSet(),
        captures: new SmallSet(),
      }
      this.byKey.set(key, g)
    }
    g.edge.connections += e.connections
    g.ports.add(e.server.port)
    for (const id of e.captureIds ?? []) g.captures.add(id)
    g.sets.clientHosts.add(e.client.host)
    g.sets.serverHosts.add(e.server.host)
    g.sets.clientIps.add(e.client.ip)
    g.sets.serverIps.add(e.server.ip)
    g.sets.clientPaths.add(e.client.process)
    g.sets.serverPaths.add(e.server.process)
  }

  /** The edges so far, sorted (the grouper is spent: its sets are handed over). */
  edges(): Edge[] {
    const edges: Edge[] = []
    for (const {edge, sets, ports, captures} of this.byKey.values()) {
      for (const f of SET_FIELDS) edge[f] = (sets[f].values() as string[]).sort(cmp)
      edge.ports = (ports.values() as number[]).sort((a, b) => a - b)
      edge.captureIds = (captures.values() as number[]).sort((a, b) => a - b)
      edges.push(edge)
    }
    this.byKey.clear()
    return edges.sort(compareEdges)
  }
}

interface Group {
  edge: Edge
  sets: Record<SetField, SmallSet<string>>
  ports: SmallSet<number>
  captures: SmallSet<number>
}

/**
 * A set that stays a short array while small: at host level most edges have one host, address
 * and path per end, and a Set per field and edge would cost several times the edge itself.
 */
class SmallSet<T> {
  private list: T[] = []
  private set: Set<T> | null = null

  add(v: T): void {
    if (this.set) {
      this.set.add(v)
      return
    }
    if (this.list.includes(v)) return
    this.list.push(v)
    if (this.list.length > 16) {
      this.set = new Set(this.list)
      this.list = []
    }
  }

  values(): T[] {
    return this.set ? [...this.set] : this.list
  }
}

type SetField = 'clientHosts' | 'serverHosts' | 'clientIps' | 'serverIps' | 'clientPaths' | 'serverPaths'
const SET_FIELDS: SetField[] = ['clientHosts', 'serverHosts', 'clientIps', 'serverIps', 'clientPaths', 'serverPaths']

/** Order for reports and baselines, as rules read: client, server, protocol, port. */
export function compareEdges(a: Edge, b: Edge): number {
  return (
    cmp(a.client.host ?? '', b.client.host ?? '') ||
    cmp(a.client.service, b.client.service) ||
    cmp(a.server.host ?? '', b.server.host ?? '') ||
    cmp(a.server.service, b.server.service) ||
    cmp(a.protocol, b.protocol) ||
    (a.port ?? -1) - (b.port ?? -1)
  )
}

/** `chrome → skydive TCP/8082` (with `@host` at host level); ports listed when grouped across ports. */
export function edgeLabel(e: Edge): string {
  const end = (x: {service: string; host: string | null}): string => (x.host === null ? x.service : `${x.service}@${x.host}`)
  const ports = e.port !== null ? String(e.port) : e.ports.join(',')
  return `${end(e.client)} → ${end(e.server)} ${e.protocol}/${ports}`
}

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
  const byKey = new Map<string, {edge: Edge; sets: Record<SetField, Set<string>>; ports: Set<number>; captures: Set<number>}>()
  for (const e of entries) {
    const client = {service: serviceName(e.client), host: opts.level !== 'service' ? e.client.host : null}
    const server = {service: serviceName(e.server), host: opts.level !== 'service' ? e.server.host : null}
    const port = opts.byPort ? e.server.port : null
    const key = [e.protocol, client.host ?? '', client.service, server.host ?? '', server.service, port ?? ''].join('\u0000')
    let g = byKey.get(key)
    if (!g) {
      g = {
        edge: {key, protocol: e.protocol, client, server, port, ports: [], connections: 0, captureIds: [], clientHosts: [], serverHosts: [], clientIps: [], serverIps: [], clientPaths: [], serverPaths: []},
        sets: {clientHosts: new Set(), serverHosts: new Set(), clientIps: new Set(), serverIps: new Set(), clientPaths: new Set(), serverPaths: new Set()},
        ports: new Set(),
        captures: new Set(),
      }
      byKey.set(key, g)
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
  const edges = [...byKey.values()].map(({edge, sets, ports, captures}) => {
    for (const f of SET_FIELDS) edge[f] = [...sets[f]].sort(cmp)
    edge.ports = [...ports].sort((a, b) => a - b)
    edge.captureIds = [...captures].sort((a, b) => a - b)
    return edge
  })
  return edges.sort(compareEdges)
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

import {cmp, serviceName, type MatrixEntry} from '@fm/model'
import type {Edge, Level} from './types.js'

export interface GroupOptions {
  level: Level
  /** true: one edge per server port (check, baseline); false: ports become an attribute (diff). */
  byPort: boolean
}

/**
 * Folds matrix entries into edges: client service → server service, protocol, and the server port
 * when `byPort`; hosts join the identity only at host and group level. Server and client addresses never do
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
  const host = opts.level !== 'service'
  return edgeKeyOf(e.protocol, host ? e.client.host : '', serviceName(e.client), host ? e.server.host : '', serviceName(e.server), opts.byPort ? e.server.port : null)
}

function edgeKeyOf(protocol: string, clientHost: string, client: string, serverHost: string, server: string, port: number | null): string {
  return [protocol, clientHost, client, serverHost, server, port ?? ''].join('\u0000')
}

/**
 * Where an EdgeGrouper can set its entries aside instead of holding their edges (a SortedSpill of
 * @fm/store): texts added under a sort key, read back in key order (code-point order, as `cmp`).
 */
export interface EdgeRowSpill {
  add(k1: string, k2: string, k3: string, k4: string, k5: string, k6: number, text: string): void
  sorted(): Iterable<string>
}

/**
 * groupEdges one entry at a time, so entries can stream from an analysis and only the edges are
 * held. Example: `const g = new EdgeGrouper({level: 'service', byPort: true}); g.add(e); g.edges()`
 * With a `spill`, not even the edges are: each entry's share of its edge goes to the spill, and
 * `edgeStream()` folds them back one edge at a time, in compareEdges order (same edges as `edges()`).
 */
export class EdgeGrouper {
  private readonly byKey = new Map<string, Group>()
  private done: Edge[] | null = null

  constructor(
    private readonly opts: GroupOptions,
    private readonly spill?: EdgeRowSpill,
  ) {}

  /** How many entries were added. */
  entries = 0

  /** With a spill, `tag` (a number below 1e10) keeps the entry's edge apart from the same edge of other tags: taggedStream() gives the edges by tag, then in compareEdges order. */
  add(e: MatrixEntry, tag?: number): void {
    this.entries++
    const host = this.opts.level !== 'service'
    const port = this.opts.byPort ? e.server.port : null
    const cs = serviceName(e.client)
    const ss = serviceName(e.server)
    if (this.spill) {
      // keyed as compareEdges orders; the text carries what the edge gathers from this entry
      const row: SpilledRow = [tag ?? null, e.protocol, host ? e.client.host : null, cs, host ? e.server.host : null, ss, port, e.connections, e.captureIds ?? [], e.client.host, e.server.host, e.client.ip, e.server.ip, e.client.process, e.server.process, e.server.port]
      // a tag sorts first: a fixed-width prefix of the first key, so the rest compares as without it
      this.spill.add(tag === undefined ? (row[2] ?? '') : String(tag).padStart(10, '0') + (row[2] ?? ''), cs, row[4] ?? '', ss, e.protocol, port ?? -1, JSON.stringify(row))
      return
    }
    if (tag !== undefined) throw new Error('EdgeGrouper: tags need a spill')
    const key = edgeKeyOf(e.protocol, host ? e.client.host : '', cs, host ? e.server.host : '', ss, port)
    let g = this.byKey.get(key)
    if (!g) {
      g = {
        edge: {key, protocol: e.protocol, client: {service: cs, host: host ? e.client.host : null}, server: {service: ss, host: host ? e.server.host : null}, port, ports: NONE, connections: 0, captureIds: NONE, clientHosts: NONE, serverHosts: NONE, clientIps: NONE, serverIps: NONE, clientPaths: NONE, serverPaths: NONE},
        first: [e.client.host, e.server.host, e.client.ip, e.server.ip, e.client.process, e.server.process, e.server.port],
        more: null,
        captures: [],
      }
      this.byKey.set(key, g)
    } else {
      const v = [e.client.host, e.server.host, e.client.ip, e.server.ip, e.client.process, e.server.process, e.server.port]
      for (let i = 0; i < v.length; i++) {
        if (v[i] === g.first[i] || g.more?.[i]?.has(v[i])) continue
        g.more ??= []
        ;(g.more[i] ??= new Set()).add(v[i])
      }
    }
    g.edge.connections += e.connections
    // a few snapshots at most per edge: a list is smaller than a set
    for (const id of e.captureIds ?? []) if (!g.captures.includes(id)) g.captures.push(id)
  }

  /** The edges so far, sorted (the grouper is spent: its sets are handed over; asked again, the same edges). */
  edges(): Edge[] {
    if (this.spill) return [...this.edgeStream()]
    if (this.done) return this.done
    const edges: Edge[] = []
    for (const {edge, first, more, captures} of this.byKey.values()) {
      const all = (i: number): (string | number)[] => (more?.[i] ? [first[i], ...more[i]] : [first[i]])
      SET_FIELDS.forEach((f, i) => (edge[f] = (all(i) as string[]).sort(cmp)))
      edge.ports = (all(PORT) as number[]).sort((a, b) => a - b)
      edge.captureIds = captures.sort((a, b) => a - b)
      edges.push(edge)
    }
    this.byKey.clear()
    this.done = edges.sort(compareEdges)
    return this.done
  }

  /**
   * The edges one at a time, in compareEdges order: from the spill, one edge in memory at a time (without a spill, `edges()`).
   * With a spill, `fold` narrows it (see EdgeFold); the spill can be read again.
   */
  *edgeStream(fold: EdgeFold = {}): Generator<Edge> {
    if (!this.spill) return yield* this.edges()
    for (const [, edge] of this.taggedStream(fold)) yield edge
  }

  /** edgeStream() with each edge's tag (null: added without one), by tag first (spilled entries only). */
  *taggedStream(fold: EdgeFold = {}): Generator<[number | null, Edge]> {
    if (!this.spill) throw new Error('EdgeGrouper: tags need a spill')
    const skipped = new Set((fold.without ?? []).map((f) => SET_FIELDS.indexOf(f)))
    let g: Group | null = null
    let gTag: number | null = null
    for (const text of this.spill.sorted()) {
      const [tag, protocol, clientHost, cs, serverHost, ss, port, connections, captureIds, ...values] = JSON.parse(text) as SpilledRow
      const key = edgeKeyOf(protocol, clientHost ?? '', cs, serverHost ?? '', ss, port)
      if (fold.only && !fold.only.has(key)) continue
      for (const i of skipped) values[i] = ''
      if (g && (g.edge.key !== key || gTag !== tag)) {
        yield [gTag, finished(g, skipped)]
        g = null
      }
      gTag = tag
      if (!g) {
        g = {
          edge: {key, protocol, client: {service: cs, host: clientHost}, server: {service: ss, host: serverHost}, port, ports: NONE, connections: 0, captureIds: NONE, clientHosts: NONE, serverHosts: NONE, clientIps: NONE, serverIps: NONE, clientPaths: NONE, serverPaths: NONE},
          first: values,
          more: null,
          captures: [],
        }
      } else addValues(g, values)
      g.edge.connections += connections
      for (const id of captureIds) if (!g.captures.includes(id)) g.captures.push(id)
    }
    if (g) yield [gTag, finished(g, skipped)]
  }
}

/** What a spilled EdgeGrouper's stream folds: every edge whole by default. */
export interface EdgeFold {
  /** Lists left empty, their values not even gathered: 132k hosts per list at service level cost ~7 MB an edge. */
  without?: SetField[]
  /** Only the edges of these keys (Edge.key); the others' rows are skipped unfolded. */
  only?: ReadonlySet<string>
}

/** An entry's share of its edge, as spilled: its tag, the edge's identity, then connections, snapshots and the SET_FIELDS values and port. */
type SpilledRow = [tag: number | null, protocol: string, clientHost: string | null, clientService: string, serverHost: string | null, serverService: string, port: number | null, connections: number, captureIds: number[], ...values: (string | number)[]]

function addValues(g: Group, v: (string | number)[]): void {
  for (let i = 0; i < v.length; i++) {
    if (v[i] === g.first[i] || g.more?.[i]?.has(v[i])) continue
    g.more ??= []
    ;(g.more[i] ??= new Set()).add(v[i])
  }
}

/** The edge of a group with its lists filled and sorted (the `skipped` SET_FIELDS indexes left empty). */
function finished({edge, first, more, captures}: Group, skipped?: Set<number>): Edge {
  const all = (i: number): (string | number)[] => (more?.[i] ? [first[i], ...more[i]] : [first[i]])
  SET_FIELDS.forEach((f, i) => (edge[f] = skipped?.has(i) ? NONE : (all(i) as string[]).sort(cmp)))
  edge.ports = (all(PORT) as number[]).sort((a, b) => a - b)
  edge.captureIds = captures.sort((a, b) => a - b)
  return edge
}

/**
 * One edge being grouped. At host level most edges have one host, address and path per end and
 * one port: each field keeps its first value, and a set only for the values after it (a set per
 * field and edge would cost several times the edge itself).
 */
interface Group {
  edge: Edge
  /** The first value of each SET_FIELDS field, then the port (index PORT). */
  first: (string | number)[]
  /** Further values per field index, when there are any. */
  more: (Set<string | number> | undefined)[] | null
  captures: number[]
}

const PORT = 6
/** What an edge's lists hold until edges() fills them (shared, never written to). */
const NONE: never[] = []

export type SetField = 'clientHosts' | 'serverHosts' | 'clientIps' | 'serverIps' | 'clientPaths' | 'serverPaths'
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

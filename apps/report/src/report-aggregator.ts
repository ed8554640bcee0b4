import {cmp, compareEntries, hostPort, serviceName, type Ambiguity, type Endpoint, type MatrixEntry, type MatrixHead, type UnmatchedSocket} from '@fm/model'
import {ambiguityAggregator} from './ambiguities.js'
import {boundedTop} from './bounded-top.js'
import {hostIndexAggregator} from './host-index.js'
import {DEFAULT_LIMITS, type GridCell, type RemoteCount, type ReportData, type ReportLimits, type UnitGrid} from './report-data.js'

/** Takes the matrix piece by piece (as `analyze({onHead, onEntry, onUnmatched})` hands it over) and gives what the report draws. */
export interface ReportAggregator {
  onHead(head: MatrixHead): void
  onEntry(e: MatrixEntry): void
  onUnmatched(u: UnmatchedSocket): void
  onAmbiguity(a: Ambiguity): void
  /** The aggregate; needs the head. */
  result(): ReportData
  /** Items held so far (cells, ports, units, kept rows, remote endpoints): what the tests bound. */
  heldItems(): number
}

/**
 * Aggregates a matrix while it streams, so the report never holds the whole matrix: the heatmap
 * at every level it may be drawn at (levels that outgrow `maxUnits` are dropped as soon as they
 * do), services for the chord diagram and the service graph, the host-clustered graph's edges
 * while its processes fit `maxNodes`, the busiest `maxRows` entries in a bounded heap, the first
 * `maxRows` unmatched sockets, unmatched sockets counted per remote endpoint, the host index
 * (what each of the first `maxHosts` hosts by name serves and calls) and the ambiguities grouped
 * into cases.
 * @example
 * const agg = reportAggregator()
 * await analyze({inputs, onHead: agg.onHead, onEntry: agg.onEntry, onUnmatched: agg.onUnmatched, onAmbiguity: agg.onAmbiguity})
 * const html = await reportHtml(agg.result())
 */
export function reportAggregator(given: Partial<ReportLimits> = {}): ReportAggregator {
  const limits: ReportLimits = {...DEFAULT_LIMITS, ...given}
  limits.maxUnits = Math.max(2, limits.maxUnits)
  let head: MatrixHead | null = null
  let entries = 0
  let hasTraffic = false
  // A process is (host, executable, name): the (executable, name) pairs are few (the services),
  // so each gets a small integer and a host keeps a short list of them. A large deployment has
  // a million processes; as nested maps or key strings they would cost ~100 MB.
  const programs = new Map<string, Map<string, number>>() // executable → name → id
  let programCount = 0
  const hostPrograms = new Map<string, number[] | Set<number>>()
  let processCount = 0
  let processGrid: UnitGrid | null = emptyGrid()
  let hostGrid: UnitGrid | null = emptyGrid()
  const serviceGrid = emptyGrid()
  let graphEdges: Map<string, MatrixEntry> | null = new Map()
  const top = boundedTop<MatrixEntry>(limits.maxRows, busiestFirst)
  let unmatchedTotal = 0
  const firstUnmatched: UnmatchedSocket[] = []
  const remotes = new Map<string, {n: number; reason: string}>()
  const hostIndex = hostIndexAggregator(limits.maxHosts, limits.maxHostLines)
  const ambiguities = ambiguityAggregator(limits.maxAmbiguities)

  const addProcess = (ep: Endpoint): void => {
    let names = programs.get(ep.process)
    if (!names) programs.set(ep.process, (names = new Map()))
    let id = names.get(ep.name)
    if (id === undefined) {
      names.set(ep.name, (id = programCount++))
    }
    const known = hostPrograms.get(ep.host)
    if (!known) {
      hostPrograms.set(ep.host, [id])
      processCount++
    } else if (Array.isArray(known)) {
      if (known.includes(id)) return
      known.push(id)
      processCount++
      // a list while short (a linear search beats hashing), a set past that
      if (known.length > 32) hostPrograms.set(ep.host, new Set(known))
    } else if (!known.has(id)) {
      known.add(id)
      processCount++
    }
  }

  return {
    onHead(h: MatrixHead): void {
      head = h
    },
    onEntry(e: MatrixEntry): void {
      entries++
      const bytes = e.traffic ? e.traffic.bytesToServer + e.traffic.bytesToClient : null
      if (e.traffic) hasTraffic = true
      addProcess(e.client)
      addProcess(e.server)
      const clientService = serviceName(e.client)
      const serverService = serviceName(e.server)
      addToGrid(serviceGrid, clientService, serverService, e, bytes)
      if (processGrid && !addToGrid(processGrid, JSON.stringify([e.client.host, clientService]), JSON.stringify([e.server.host, serverService]), e, bytes, limits.maxUnits)) processGrid = null
      if (hostGrid && !addToGrid(hostGrid, e.client.host, e.server.host, e, bytes, limits.maxUnits)) hostGrid = null
      if (graphEdges) {
        if (processCount > limits.maxNodes) graphEdges = null
        else addGraphEdge(graphEdges, e)
      }
      top.push(e)
      hostIndex.add(e)
    },
    onAmbiguity(a: Ambiguity): void {
      ambiguities.add(a)
    },
    onUnmatched(u: UnmatchedSocket): void {
      unmatchedTotal++
      if (firstUnmatched.length < limits.maxRows) firstUnmatched.push(u)
      const a = u.socket.remoteAddress
      const k = `${u.socket.protocol} ${hostPort(a, u.socket.remotePort)}`
      const r = remotes.get(k)
      if (r) r.n++
      else remotes.set(k, {n: 1, reason: u.reason})
    },
    result(): ReportData {
      if (!head) throw new Error('reportAggregator: result() before onHead()')
      return {
        head,
        limits,
        entries,
        hasTraffic,
        hosts: hostPrograms.size,
        processes: processCount,
        processGrid,
        hostGrid,
        serviceGrid,
        graphEdges: graphEdges && [...graphEdges.values()],
        topEntries: top.sorted(),
        unmatched: {total: unmatchedTotal, first: [...firstUnmatched], remotes: topRemotes(remotes, limits.maxRemotes), remoteCount: remotes.size},
        hostIndex: hostIndex.result(hostPrograms.size),
        ambiguities: ambiguities.result(),
      }
    },
    heldItems(): number {
      const grid = (g: UnitGrid | null): number => {
        if (!g) return 0
        let n = g.rows.size + g.cols.size
        for (const row of g.cells.values()) for (const c of row.values()) for (const p of c.ports.values()) n += 1 + p.size
        return n
      }
      return hostPrograms.size + programCount + processCount + grid(processGrid) + grid(hostGrid) + grid(serviceGrid) + (graphEdges?.size ?? 0) + top.size + firstUnmatched.length + remotes.size + hostIndex.held() + ambiguities.held()
    },
  }
}

/** The edges table's order: busiest first, then by hosts, port, client service and address; the entry key last, so ties never depend on arrival. */
function busiestFirst(a: MatrixEntry, b: MatrixEntry): number {
  return (
    b.connections - a.connections ||
    cmp(a.server.host, b.server.host) ||
    cmp(a.client.host, b.client.host) ||
    a.server.port - b.server.port ||
    cmp(serviceName(a.client), serviceName(b.client)) ||
    cmp(a.client.ip, b.client.ip) ||
    compareEntries(a, b)
  )
}

function emptyGrid(): UnitGrid {
  return {rows: new Map(), cols: new Map(), cells: new Map()}
}

/** Adds an entry to the cell of (row, col); false, adding nothing, when a new unit would pass `maxUnits` on its side. */
function addToGrid(g: UnitGrid, row: string, col: string, e: MatrixEntry, bytes: number | null, maxUnits = Infinity): boolean {
  const rowTotal = g.rows.get(row)
  const colTotal = g.cols.get(col)
  if ((rowTotal === undefined && g.rows.size >= maxUnits) || (colTotal === undefined && g.cols.size >= maxUnits)) return false
  g.rows.set(row, (rowTotal ?? 0) + e.connections)
  g.cols.set(col, (colTotal ?? 0) + e.connections)
  let cells = g.cells.get(row)
  if (!cells) g.cells.set(row, (cells = new Map()))
  let c: GridCell | undefined = cells.get(col)
  if (!c) cells.set(col, (c = {connections: 0, bytes: null, entries: 0, ports: new Map()}))
  c.connections += e.connections
  c.entries++
  if (bytes !== null) c.bytes = (c.bytes ?? 0) + bytes
  let ports = c.ports.get(e.protocol)
  if (!ports) c.ports.set(e.protocol, (ports = new Map()))
  ports.set(e.server.port, (ports.get(e.server.port) ?? 0) + e.connections)
  return true
}

/**
 * Folds the entry into its edge of the host-clustered graph, keyed as `matrixToDot` keys edges
 * (client node, server node, label), so drawing the kept entries draws the same graph.
 */
function addGraphEdge(edges: Map<string, MatrixEntry>, e: MatrixEntry): void {
  const from = JSON.stringify([e.client.host, e.client.process, e.client.name])
  const to = JSON.stringify([e.server.host, e.server.process, e.server.name])
  const label = `${e.protocol} : ${hostPort(e.server.ip, e.server.port)}`
  const k = JSON.stringify([from, to, label])
  const ed = edges.get(k)
  if (ed) ed.connections += e.connections
  else edges.set(k, {protocol: e.protocol, server: e.server, client: e.client, connections: e.connections, methods: e.methods, seen: e.seen, evidence: []})
}

function topRemotes(remotes: Map<string, {n: number; reason: string}>, limit: number): RemoteCount[] {
  const top = boundedTop<[string, {n: number; reason: string}]>(limit, (a, b) => b[1].n - a[1].n || cmp(a[0], b[0]))
  for (const r of remotes) top.push(r)
  return top.sorted().map(([key, v]) => ({key, sockets: v.n, reason: v.reason}))
}

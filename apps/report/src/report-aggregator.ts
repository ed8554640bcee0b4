import {GroupMatrix, type GroupNames} from '@fm/baseline'
import {cmp, compareEntries, hostPort, serviceName, type Ambiguity, type Endpoint, type MatrixEntry, type MatrixHead, type UnmatchedSocket} from '@fm/model'
import {ambiguityAggregator} from './ambiguities.js'
import {boundedTop} from './bounded-top.js'
import {hostIndexAggregator} from './host-index.js'
import {ALONE, DEFAULT_LIMITS, type GridCell, type GroupLevel, type RemoteCount, type ReportData, type ReportLimits, type UnitGrid} from './report-data.js'

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
 * into cases. With `groups` (a groups file's names) the heatmap, chord and graph are at group ×
 * service level (see GroupLevel), the host index and the tables stay per host.
 * @example
 * const agg = reportAggregator()
 * await analyze({inputs, onHead: agg.onHead, onEntry: agg.onEntry, onUnmatched: agg.onUnmatched, onAmbiguity: agg.onAmbiguity})
 * const html = await reportHtml(agg.result())
 */
export function reportAggregator(given: Partial<ReportLimits> = {}, opts: {groups?: GroupNames | null} = {}): ReportAggregator {
  const limits: ReportLimits = {...DEFAULT_LIMITS, ...given}
  limits.maxUnits = Math.max(2, limits.maxUnits)
  let head: MatrixHead | null = null
  let entries = 0
  let hasTraffic = false
  // A process is (host, executable, name): the (executable, name) pairs are few (the services),
  // so each gets a small integer and a host keeps the set of its own. A large deployment has a
  // million processes (135,000 hosts, ~8 each): as nested maps or key strings they would cost
  // ~100 MB, as a short array per host ~30 MB (each array's first push reserves 17 slots). So a
  // host's ids are the characters of a string while they fit one (an id a UTF-16 unit, a few
  // dozen ids: ~24 bytes a host), a set past that.
  const programs = new Map<string, Map<string, number>>() // executable → name → id
  let programCount = 0
  const hostPrograms = new Map<string, string | Set<number>>()
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
  const grouping = opts.groups ? groupLevelAggregator(opts.groups, limits) : null
  if (grouping) graphEdges = null

  const addProcess = (ep: Endpoint): void => {
    let names = programs.get(ep.process)
    if (!names) programs.set(ep.process, (names = new Map()))
    let id = names.get(ep.name)
    if (id === undefined) {
      names.set(ep.name, (id = programCount++))
    }
    const known = hostPrograms.get(ep.host)
    if (typeof known === 'string') {
      const unit = id <= 0xffff ? String.fromCharCode(id) : null
      if (unit !== null && known.includes(unit)) return
      processCount++
      // a linear search of a short string beats hashing; a set past that (or for an id no unit holds)
      if (unit !== null && known.length < 32) hostPrograms.set(ep.host, known + unit)
      else hostPrograms.set(ep.host, new Set(Array.from({length: known.length}, (_, i) => known.charCodeAt(i))).add(id))
    } else if (!known) {
      hostPrograms.set(ep.host, id <= 0xffff ? String.fromCharCode(id) : new Set([id]))
      processCount++
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
      // with groups, the host-level views are at group level: a host no rule names stays itself
      const clientUnit = grouping ? grouping.add(e, clientService, serverService, bytes) : null
      const clientHost = clientUnit?.client ?? e.client.host
      const serverHost = clientUnit?.server ?? e.server.host
      if (processGrid && !addToGrid(processGrid, JSON.stringify([clientHost, clientService]), JSON.stringify([serverHost, serverService]), e, bytes, limits.maxUnits)) processGrid = null
      if (hostGrid && !addToGrid(hostGrid, clientHost, serverHost, e, bytes, limits.maxUnits)) hostGrid = null
      if (graphEdges) {
        if (processCount > limits.maxNodes) graphEdges = null
        else addGraphEdge(graphEdges, e)
      }
      top.push(e)
      hostIndex.add(e, clientUnit?.clientGroup, clientUnit?.serverGroup)
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
        groups: grouping?.result() ?? null,
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
      return hostPrograms.size + programCount + processCount + grid(processGrid) + grid(hostGrid) + grid(serviceGrid) + (graphEdges?.size ?? 0) + top.size + firstUnmatched.length + remotes.size + hostIndex.held() + ambiguities.held() + (grouping?.held(grid) ?? 0)
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

/**
 * What the group-level views add while entries stream: the pooled grids, the rows between groups
 * (by GroupMatrix, the rules of `fm analyze --by group`) with hosts in no group as themselves and
 * pooled, each dropped once its (group, service) nodes pass `maxNodes`, and per host whether its
 * ends are named.
 */
function groupLevelAggregator(names: GroupNames, limits: ReportLimits) {
  let pooledProcessGrid: UnitGrid | null = emptyGrid()
  let pooledHostGrid: UnitGrid | null = emptyGrid()
  let rows: GroupMatrix | null = new GroupMatrix(names)
  let pooledRows: GroupMatrix | null = new GroupMatrix(names, {alone: ALONE})
  const nodes = new Set<string>()
  const pooledNodes = new Set<string>()
  const groupNames = new Set<string>()
  // per host: 1 an end a rule names, 2 an end none names
  const hostFlags = new Map<string, number>()
  const flag = (host: string, group: string | null): void => void hostFlags.set(host, (hostFlags.get(host) ?? 0) | (group === null ? 2 : 1))
  const fits = (set: Set<string>, a: string, b: string): boolean => {
    set.add(a)
    set.add(b)
    return set.size <= limits.maxNodes
  }
  return {
    add(e: MatrixEntry, clientService: string, serverService: string, bytes: number | null) {
      const clientGroup = names.host(e.client)
      const serverGroup = names.host(e.server)
      flag(e.client.host, clientGroup)
      flag(e.server.host, serverGroup)
      if (clientGroup !== null) groupNames.add(clientGroup)
      if (serverGroup !== null) groupNames.add(serverGroup)
      const client = clientGroup ?? e.client.host
      const server = serverGroup ?? e.server.host
      const pc = clientGroup ?? ALONE
      const ps = serverGroup ?? ALONE
      if (pooledProcessGrid && !addToGrid(pooledProcessGrid, JSON.stringify([pc, clientService]), JSON.stringify([ps, serverService]), e, bytes, limits.maxUnits)) pooledProcessGrid = null
      if (pooledHostGrid && !addToGrid(pooledHostGrid, pc, ps, e, bytes, limits.maxUnits)) pooledHostGrid = null
      if (rows) {
        if (fits(nodes, JSON.stringify([client, clientService]), JSON.stringify([server, serverService]))) rows.add(e)
        else (rows = null), nodes.clear()
      }
      if (pooledRows) {
        if (fits(pooledNodes, JSON.stringify([pc, clientService]), JSON.stringify([ps, serverService]))) pooledRows.add(e)
        else (pooledRows = null), pooledNodes.clear()
      }
      return {client, server, clientGroup, serverGroup}
    },
    result(): GroupLevel {
      let hostsGrouped = 0
      let hostsAlone = 0
      let hostsMixed = 0
      for (const f of hostFlags.values()) {
        if (f === 1) hostsGrouped++
        else if (f === 2) hostsAlone++
        else hostsMixed++
      }
      return {groups: groupNames.size, hostsGrouped, hostsAlone, hostsMixed, pooledProcessGrid, pooledHostGrid, rows: rows?.sorted() ?? null, pooledRows: pooledRows?.sorted() ?? null}
    },
    held(grid: (g: UnitGrid | null) => number): number {
      return grid(pooledProcessGrid) + grid(pooledHostGrid) + (rows?.size ?? 0) + (pooledRows?.size ?? 0) + nodes.size + pooledNodes.size + groupNames.size + hostFlags.size
    },
  }
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

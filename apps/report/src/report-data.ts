import type {GroupRow} from '@fm/baseline'
import type {MatrixEntry, MatrixHead, UnmatchedSocket} from '@fm/model'
import type {AmbiguitySummary} from './ambiguities.js'
import type {HostIndex} from './host-index.js'

/** How much the report draws before it aggregates (see README: scale). */
export interface ReportLimits {
  /** Rows and columns of the matrix heatmap (at least 2). */
  maxUnits: number
  /** Service groups of the chord diagram. */
  maxGroups: number
  /** Process nodes of the host-clustered graph before it is drawn by service. */
  maxNodes: number
  /** Rows of the edges and unmatched tables. */
  maxRows: number
  /** Rows of the most frequent unmatched remote endpoints. */
  maxRemotes: number
  /** Hosts the host index holds (the first by name). */
  maxHosts: number
  /** Page bytes the host index may take: lines per host are cut to fit, then hosts (see hostIndexFit). */
  maxHostIndexBytes: number
  /** Lines per host and side (serves, calls) of the host index. */
  maxHostLines: number
  /** Rows of the largest ambiguity cases. */
  maxAmbiguities: number
}

export const DEFAULT_LIMITS: ReportLimits = {maxUnits: 60, maxGroups: 20, maxNodes: 120, maxRows: 1000, maxRemotes: 15, maxHosts: 5_000, maxHostIndexBytes: 6 * 2 ** 20, maxHostLines: 6, maxAmbiguities: 25}

/** Connections from one client unit to one server unit (processes, hosts or services). */
export interface GridCell {
  connections: number
  /** Bytes both ways from flows, null when no entry of the cell has traffic. */
  bytes: number | null
  entries: number
  /** Connections per protocol and server port. */
  ports: Map<string, Map<number, number>>
}

/** Clients × servers at one level: totals per unit on each side, and the cells that talk. */
export interface UnitGrid {
  rows: Map<string, number>
  cols: Map<string, number>
  /** row unit → column unit → cell */
  cells: Map<string, Map<string, GridCell>>
}

export interface RemoteCount {
  /** `PROTO addr:port` (IPv6 in brackets). */
  key: string
  sockets: number
  /** The reason of the first socket to that endpoint. */
  reason: string
}

/**
 * Everything the report draws, aggregated while the matrix streamed by: its size depends on the
 * limits, the hosts, the services and the unmatched remote endpoints, never on the number of
 * matrix rows or unmatched sockets.
 */
export interface ReportData {
  head: MatrixHead
  limits: ReportLimits
  /** Matrix rows. */
  entries: number
  /** Whether any entry carries traffic from flows. */
  hasTraffic: boolean
  /** Distinct hosts at either end of an entry. */
  hosts: number
  /** Distinct processes (host, executable, name) at either end of an entry. */
  processes: number
  /** Units are `JSON.stringify([host, service])` (with groups: `[group, service]`); null when either side has more than `maxUnits`. */
  processGrid: UnitGrid | null
  /** Units are hosts (with groups: groups); null when either side has more than `maxUnits`. */
  hostGrid: UnitGrid | null
  /** Units are services (process names, summed over hosts); never cut. */
  serviceGrid: UnitGrid
  /** One entry per edge of the host-clustered graph, connections summed; null past `maxNodes` processes (and with groups). */
  graphEdges: MatrixEntry[] | null
  /** With a groups file (`fm report --groups`): the views at group × service level; null without. */
  groups: GroupLevel | null
  /** The busiest `maxRows` entries, in the order the table shows them. */
  topEntries: MatrixEntry[]
  unmatched: {
    total: number
    /** The first `maxRows`, in the analysis' order. */
    first: UnmatchedSocket[]
    /** The most frequent remote endpoints, at most `maxRemotes`, busiest first. */
    remotes: RemoteCount[]
    /** Distinct remote endpoints. */
    remoteCount: number
  }
  /** Per host what it serves and calls, the first `maxHosts` hosts by name. */
  hostIndex: HostIndex
  /** The ambiguities grouped into cases, the largest `maxAmbiguities`. */
  ambiguities: AmbiguitySummary
}

/** The unit of the hosts no group rule names, in the pooled views (never a host or group name: those hold no NUL). */
export const ALONE = '\u0000alone'

/**
 * The report at group × service level. Grids keep a host no rule names as itself while the views
 * stay within their limits, and pool all such hosts into one unit (`ALONE`) past that, so the
 * views stay bounded however many hosts the rules leave out.
 */
export interface GroupLevel {
  /** Distinct group names given to an end. */
  groups: number
  /** Hosts every end of which a rule names. */
  hostsGrouped: number
  /** Hosts no rule names at any end: each stays itself. */
  hostsAlone: number
  /** Hosts named at some ends only (an `address:` rule misses their loopback or IPv6 ends). */
  hostsMixed: number
  /** `[group | ALONE, service]` units; null past `maxUnits`. */
  pooledProcessGrid: UnitGrid | null
  /** Group units, `ALONE` for every host in none; null past `maxUnits`. */
  pooledHostGrid: UnitGrid | null
  /** The matrix between groups as `fm analyze --by group` prints it (hosts in no group as themselves); null past `maxNodes` (group, service) nodes. */
  rows: GroupRow[] | null
  /** The same rows with the hosts in no group pooled into `ALONE`; null past `maxNodes` nodes. */
  pooledRows: GroupRow[] | null
}

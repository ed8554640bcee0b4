import type {CaptureInfo, MatrixEntry} from '@fm/model'

/**
 * `service`: an end is its process (host-independent), so one rule covers a whole fleet.
 * `host`: an end is a process on a named host.
 * `group`: an end is a process in a group of hosts (`--groups`): rules name groups where host rules name hosts.
 */
export type Level = 'service' | 'host' | 'group'

/** What diff and check read: the entries of one or more merged matrices and the captures (snapshots) behind them. */
export interface Observation {
  captures: CaptureInfo[]
  entries: MatrixEntry[]
}

/**
 * An edge: client service → server service over a protocol, to one server port (check, baseline)
 * or to any port (diff, where ports are an attribute). Ephemeral client ports never enter it.
 */
export interface Edge {
  /** Stable identity at the level it was built for. */
  key: string
  protocol: string
  client: EdgeEnd
  server: EdgeEnd
  /** The server port, or null when edges were grouped across ports (diff). */
  port: number | null
  /** Server ports seen (one element unless grouped across ports). */
  ports: number[]
  connections: number
  /** Capture ids the edge was seen in (union over its entries). */
  captureIds: number[]
  /** Hosts, addresses and executable paths seen on each end, sorted. */
  clientHosts: string[]
  serverHosts: string[]
  clientIps: string[]
  serverIps: string[]
  clientPaths: string[]
  serverPaths: string[]
}

export interface EdgeEnd {
  service: string
  /** Only at host level. */
  host: string | null
}

/** A glob (`*`, `?`) or a list of globs, any of which may match. */
export type Pattern = string[]

/** One rule of a baseline: every field given must match (fields are ANDed; list items are ORed). */
export interface Rule {
  protocol?: Pattern
  /** Client / server service: a glob on the process name, or on the executable path when it contains `/`. */
  client?: Pattern
  server?: Pattern
  /** Either end's service. */
  process?: Pattern
  port?: PortRange[]
  clientHost?: Pattern
  serverHost?: Pattern
  /** Either end's host. */
  host?: Pattern
  /** CIDR ranges, single addresses or globs, on either end / one end. */
  address?: string[]
  clientAddress?: string[]
  serverAddress?: string[]
  /** True: the server address is loopback (127.0.0.0/8, ::1). */
  loopback?: boolean
  reason?: string
  /** Where the rule is written (1-based), for messages. */
  line: number
  /** The rule as written, one line, for reports. */
  text: string
}

export interface PortRange {
  from: number
  to: number
}

export interface Baseline {
  version: 1
  level: Level
  allow: Rule[]
  require: Rule[]
  ignore: Rule[]
}

/** Why an observed edge passed or failed. */
export type EdgeStatus = 'allowed' | 'ignored' | 'unexpected' | 'flaky'

export interface CheckedEdge extends Edge {
  status: EdgeStatus
  /** Number of snapshots it was seen in (captureIds.length). */
  seen: number
}

export interface RuleResult {
  kind: 'allow' | 'require' | 'ignore'
  rule: Rule
  /** Edges the rule matched (allow, ignore) or that satisfy it (require). */
  matched: number
  /** For require: snapshots the required edge was seen in. */
  seen: number
  ok: boolean
}

export type Violation =
  | {kind: 'unexpected'; edge: CheckedEdge; message: string}
  | {kind: 'missing'; rule: Rule; message: string}

export interface CheckReport {
  ok: boolean
  level: Level
  /** Number of snapshots (captures) checked. */
  snapshots: number
  /** Edges seen in fewer snapshots than this are reported as flaky, not as violations. */
  minSeen: number
  sources: string[]
  edges: CheckedEdge[]
  rules: RuleResult[]
  violations: Violation[]
}

export interface EdgeChange {
  field: 'connections' | 'ports' | 'serverPaths' | 'clientPaths' | 'serverIps' | 'clientIps'
  before: string
  after: string
}

export interface DiffReport {
  level: Level
  a: {sources: string[]; snapshots: number}
  b: {sources: string[]; snapshots: number}
  /** False when one side is a plain matrix CSV, which has no connection counts. */
  countsCompared: boolean
  added: Edge[]
  removed: Edge[]
  changed: {before: Edge; after: Edge; changes: EdgeChange[]}[]
  unchanged: number
  different: boolean
}

/** A socket as reported by Skydive's socketinfo probe, addresses in canonical form. */
export interface Socket {
  protocol: string
  localAddress: string
  localPort: number
  remoteAddress: string
  remotePort: number
  state: string
  process: string
  pid: number
  name: string
  /** The network namespace the socket lives in, when the capture knows it (fm's collector); absent for Skydive. */
  netns?: string
}

/** A host node: `name` is the node's `Host` field (what the original tool prints). */
export interface HostRecord {
  kind: 'host'
  nodeId: string
  name: string
  hostname: string | null
  /** null when the host node carries no `Metadata.Sockets` at all. */
  sockets: Socket[] | null
  /** `Metadata.TID`: flows name the node they were captured on by it (`NodeTID`). */
  tid?: string | null
}

/** An interface-like node carrying IPV4/IPV6 metadata. */
export interface InterfaceRecord {
  kind: 'interface'
  nodeId: string
  agent: string
  name: string
  type: string
  /** Canonical addresses with their prefix length (from CIDR strings such as `192.168.50.1/24`). */
  addresses: {address: string; prefix: number | null}[]
  /** `Metadata.TID`, see HostRecord.tid. */
  tid?: string | null
}

/** A network namespace node. */
export interface NetnsRecord {
  kind: 'netns'
  nodeId: string
  agent: string
  name: string
  /** `Metadata.TID`, see HostRecord.tid. */
  tid?: string | null
}

/** An ownership edge (host → interface, host → netns, netns → interface). */
export interface OwnershipRecord {
  kind: 'ownership'
  parent: string
  child: string
}

/** A flow (only the fields fm uses). */
export interface FlowRecord {
  kind: 'flow'
  uuid: string
  protocol: string
  a: {address: string; port: number}
  b: {address: string; port: number}
  abBytes: number
  baBytes: number
  abPackets: number
  baPackets: number
  start: number
  last: number
  nodeTid: string | null
}

/** Sockets listed per node ID (a `G.V()...Sockets()` response); attached to the host with that node ID. */
export interface SocketsRecord {
  kind: 'sockets'
  ownerId: string
  sockets: Socket[]
}

export type DumpRecord = HostRecord | InterfaceRecord | NetnsRecord | OwnershipRecord | FlowRecord | SocketsRecord

/** How a client socket was tied to its server. */
export type MatchMethod = 'socket' | 'listener' | 'flow'

/** Why a client socket found no server. */
export type UnmatchedReason = 'external' | 'no-listener' | 'host-without-sockets'

/** One end of a matrix entry. */
export interface Endpoint {
  host: string
  ip: string
  process: string
  name: string
}

/** A row of the service matrix, keyed like the original's CSV row. */
export interface MatrixEntry {
  protocol: string
  server: Endpoint & {port: number}
  client: Endpoint
  /** Number of client sockets (connections) behind this entry. */
  connections: number
  methods: MatchMethod[]
  /** Number of captures (snapshots) the entry was seen in. */
  seen: number
  /** Ids (see `Matrix.captures`) of the captures the entry was seen in, ascending; lets `fm check` count "seen in k of N" per service edge. */
  captureIds?: number[]
  /** Traffic from flows, when flows were captured. */
  traffic?: {bytesToServer: number; bytesToClient: number; packetsToServer: number; packetsToClient: number; first: number; last: number}
  /** Stable socket keys proving the entry: `client → server`. */
  evidence: {client: string; server: string; method: MatchMethod}[]
}

/** A client socket with no server found. */
export interface UnmatchedSocket {
  host: string
  socket: Socket
  key: string
  reason: UnmatchedReason
}

/** A client whose server socket could live on more than one host. */
export interface Ambiguity {
  client: string
  candidates: string[]
  chosen: string
  resolvedBy: 'address-owner' | 'client-host' | 'first-by-name'
}

export interface CaptureInfo {
  id: number
  source: string
  format: string
  label: string | null
  timeContext: string | null
  startedAt: string | null
  endedAt: string | null
}

export interface MatrixStats {
  captures: number
  hosts: number
  hostsWithoutSockets: number
  sockets: number
  listeners: number
  serverSide: number
  clientSide: number
  /** Client sockets considered (after the state filter). */
  clientsConsidered: number
  matched: Record<MatchMethod, number>
  unmatched: Record<UnmatchedReason, number>
  ambiguities: number
  /** How the flows were used; present when the analysis used flows (`--use-flows`). */
  flows?: FlowStats
}

/** Why a flow added nothing to the matrix. */
export type FlowUnusedReason = 'external' | 'no-listener' | 'not-counted'

/** What the flows of an analysis became. */
export interface FlowStats {
  /** Flows with a TCP/UDP transport layer in the captures. */
  flows: number
  /** Flows whose traffic went onto a connection matched by sockets (method socket or listener). */
  joined: number
  /** Flows behind connections only flows revealed (method flow). */
  edges: number
  /** Connections (one per client socket, or per 5-tuple without one) that only flows revealed. */
  flowConnections: number
  unused: Record<FlowUnusedReason, number>
}

/** The whole result of an analysis: what every output format is written from. */
export interface Matrix {
  schemaVersion: 1
  states: string[]
  captures: CaptureInfo[]
  stats: MatrixStats
  hostsWithoutSockets: string[]
  entries: MatrixEntry[]
  unmatched: UnmatchedSocket[]
  ambiguities: Ambiguity[]
}

/** A matrix without its lists: what is known before the entries are written. */
export type MatrixHead = Omit<Matrix, 'entries' | 'unmatched' | 'ambiguities'>

/** One matched client socket with both ends described; rows of one entry must be contiguous. */
export interface MatchedConnection {
  protocol: string
  serverHost: string
  serverIp: string
  port: number
  serverProc: string
  serverName: string
  clientHost: string
  clientIp: string
  clientProc: string
  clientName: string
  method: string
  captureId: number
  clientPort: number
  clientPid: number
  sLocalAddr: string
  sLocalPort: number
  sRemoteAddr: string
  sRemotePort: number
  serverPid: number
}

/** A host's own addresses and its listeners (over every capture): what a host firewall policy needs beyond the matrix. */
/**
 * A peer seen on a server-side socket (DESIGN rule 2) that no client socket was matched to: the
 * remote end of a connection a host served, whether or not a captured host owns that address (an
 * operator's ssh session, a bastion, a client outside the capture). `fm policy` keeps it.
 */
export interface ServedPeer {
  protocol: string
  server: Endpoint & {port: number}
  /** The remote address of the server-side sockets. */
  peerIp: string
  /** Server-side sockets of the most seen in one snapshot (as an entry's connections). */
  connections: number
  /** Ids of the captures (snapshots) it was seen in, ascending. */
  captureIds: number[]
}

export interface HostListening {
  host: string
  /** Canonical addresses the host owns (any of its network namespaces), sorted. */
  addresses: string[]
  listeners: {protocol: string; address: string; port: number; process: string; name: string}[]
}

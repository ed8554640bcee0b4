import {availableParallelism} from 'node:os'
import Database from 'better-sqlite3'
import {addressFamily, InputError, isLinkLocal, isLoopback, socketKey, type CaptureInfo, type DumpRecord, type MatchedConnection, type Socket} from '@fm/model'
import {packRecords, SOCKET_FIELDS, type PackedBatch, type PackedRecord} from './packed.js'
import {FlowStore} from './flow-store.js'
import {expandRules, FIXED_TEXTS} from './rules.js'
import {migrations, query, splitStatements} from './sql.js'

type DB = Database.Database

/** A candidate server socket for one client, as the store found it. */
export interface CandidateRow {
  clientId: number
  serverId: number
  method: 'socket' | 'listener'
  owner: number
  sameHost: number
  hostName: string
  hostNodeId: string
  /** The server socket's key, only when another candidate of the client is on the same host (null otherwise). */
  key: string | null
}

export interface MatchRow {
  clientId: number
  serverId: number
  method: string
  candidates: number[]
  resolvedBy: string | null
}

/** A matched connection as the matrix query returns it. */
export type MatrixRow = MatchedConnection

/** A peer of a server-side socket no client was matched to, in one capture (served-peers.sql). */
export interface ServedPeerRow {
  host: string
  protocol: string
  serverIp: string
  port: number
  process: string
  name: string
  peerIp: string
  captureId: number
  connections: number
}

/** Where the next socket row of a packed batch starts, and the text ids its string-table indexes stand for. */
interface SocketRows {
  data: Float64Array
  at: number
  ids: number[]
}

/** Texts whose ids the store remembers; past this many it asks the texts table (memory stays bounded: a million of them cost ~80 MB). */
const TEXT_CACHE = 1 << 16

/** The connection of each store, for this package's tests only (index.ts does not export it). */
const connections = new WeakMap<Store, DB>()
export function connectionOf(store: Store): DB {
  return connections.get(store)!
}

/**
 * The SQLite database behind an analysis, and all of its SQL: nothing outside this package sees
 * the connection. Statements are prepared once; loads run in batched transactions.
 */
export class Store {
  private readonly db: DB
  private stmts: ReturnType<Store['prepare']>
  private flowStore: FlowStore | undefined

  constructor(readonly file: string, opts: {bulk?: boolean} = {}) {
    this.db = new Database(file)
    connections.set(this, this.db)
    if (opts.bulk) {
      // A fresh database written to a temporary name: durability comes from the final rename.
      // better-sqlite3 opens connections in SQLite's defensive mode, which silently refuses
      // journal_mode = OFF (it stayed DELETE: a journal file written and removed per transaction).
      this.db.unsafeMode(true)
      this.db.pragma('journal_mode = OFF')
      this.db.unsafeMode(false)
      this.db.pragma('synchronous = OFF')
    }
    this.db.pragma('temp_store = FILE')
    this.db.pragma('cache_size = -16384')
    // SQLite's sorter (index builds, ORDER BY) may use helper threads: by the time indexes are
    // built the reading worker is done, so the other cores are free. 20k hosts: the socket
    // indexes build 25% faster with one helper on 2 cores (two helpers: 17%).
    this.db.pragma(`threads = ${Math.min(4, Math.max(0, availableParallelism() - 1))}`)
    this.migrate()
    // socketKey in SQL, so lists sort and stream in the store with exactly the keys JS would build
    this.db.function('fm_socket_key', {deterministic: true}, (host, protocol, localAddress, localPort, remoteAddress, remotePort, pid) =>
      socketKey(host as string, {protocol, localAddress, localPort, remoteAddress, remotePort, pid} as Parameters<typeof socketKey>[1]),
    )
    // server_host and same_host are what the pick needs first: with them, picking reads no socket row
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS candidates (client_id INTEGER NOT NULL, server_id INTEGER NOT NULL, method TEXT NOT NULL, owner INTEGER NOT NULL, server_host INTEGER NOT NULL, same_host INTEGER NOT NULL)')
    this.db.exec('CREATE INDEX IF NOT EXISTS temp.candidates_client ON candidates (client_id)')
    this.stmts = this.prepare()
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', {simple: true}) as number
    for (const m of migrations()) {
      if (m.version <= current) continue
      this.db.transaction(() => {
        this.db.exec(m.sql)
        this.db.pragma(`user_version = ${m.version}`)
      })()
    }
    const fixed = this.db.prepare('INSERT OR IGNORE INTO texts (id, text) VALUES (?, ?)')
    this.db.transaction(() => FIXED_TEXTS.forEach((t, i) => fixed.run(i, t)))()
  }

  private prepare() {
    const db = this.db
    return {
      capture: db.prepare('INSERT INTO captures (source, format, label, time_context, started_at, ended_at, manifest) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      host: db.prepare('INSERT INTO hosts (capture_id, node_id, name, hostname, has_sockets) VALUES (?, ?, ?, ?, ?)'),
      hostUpdate: db.prepare('UPDATE hosts SET name = ?, hostname = ? WHERE id = ?'),
      hostHasSockets: db.prepare('UPDATE hosts SET has_sockets = 1 WHERE id = ?'),
      node: db.prepare('INSERT INTO graph_nodes (capture_id, node_id, kind, agent, name, type) VALUES (?, ?, ?, ?, ?, ?)'),
      nodeAddress: db.prepare('INSERT INTO node_addresses (capture_id, node_id, address, prefix) VALUES (?, ?, ?, ?)'),
      ownership: db.prepare('INSERT INTO ownership (capture_id, parent, child) VALUES (?, ?, ?)'),
      // the columns in the order of a packed socket row (packed.ts)
      socket: db.prepare(
        `INSERT INTO socket_rows (capture_id, host_id, protocol, local_addr, local_port, remote_addr, remote_port, state, process, pid, name, netns,
          local_family, local_loop, local_any, remote_family, remote_loop, remote_ll, remote_none, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      textFind: db.prepare('SELECT id FROM texts WHERE text = ?').pluck(),
      textAdd: db.prepare('INSERT INTO texts (text) VALUES (?)'),
      match: db.prepare('INSERT INTO matches (client_id, server_id, method, candidates, resolved_by) VALUES (?, ?, ?, ?, ?)'),
      ambiguity: db.prepare('INSERT INTO ambiguity_candidates (client_id, server_id) VALUES (?, ?)'),
      nodeTid: db.prepare('INSERT INTO node_tids (capture_id, node_id, tid) VALUES (?, ?, ?)'),
      flow: db.prepare(query('insert-flow')),
    }
  }

  /** Registers a capture and returns its id. */
  addCapture(info: Omit<CaptureInfo, 'id'> & {manifest?: unknown}): number {
    const r = this.stmts.capture.run(info.source, info.format, info.label, info.timeContext, info.startedAt, info.endedAt, info.manifest === undefined ? null : JSON.stringify(info.manifest))
    return Number(r.lastInsertRowid)
  }

  /** Loads records into a capture, in batched transactions; returns how many records were kept. */
  async load(captureId: number, records: AsyncIterable<DumpRecord> | Iterable<DumpRecord>): Promise<number> {
    return this.loadPacked(captureId, packRecords(records))
  }

  /**
   * Loads packed batches (one transaction each) into a capture; returns how many records were
   * kept. The batches may come from another thread that parses while this one inserts.
   */
  async loadPacked(captureId: number, batches: AsyncIterable<PackedBatch>, source?: string): Promise<number> {
    const hostIds = new Map<string, number>()
    // A host node given twice would merge two hosts into one row (or double its sockets): refused.
    // (A host's sockets may come in several records: a node and a Sockets() map.)
    const seen = {hosts: new Map<string, string>(), source: source ?? this.captureSource(captureId)}
    // the text id of each entry of the reader's string table
    let ids: number[] = []
    let count = 0
    const flush = this.db.transaction((b: PackedBatch) => {
      if (b.reset) ids = []
      for (const t of b.strings) ids.push(this.intern(t))
      const rows = {data: b.sockets, at: 0, ids}
      for (const r of b.records) {
        this.checkOnce(r, seen)
        this.insert(captureId, r, hostIds, rows)
      }
    })
    for await (const b of batches) {
      flush(b)
      count += b.records.length
    }
    return count
  }

  private textIds = new Map<string, number>(FIXED_TEXTS.map((t, i) => [t, i]))
  /** Whether textIds holds every text of the table (then a text it lacks is new). */
  private textIdsComplete = true

  /** The id of a text in the texts table, added when new. */
  private intern(text: string): number {
    let id = this.textIds.get(text)
    if (id !== undefined) return id
    if (this.textIdsComplete && this.textIds.size === FIXED_TEXTS.length) this.textIdsComplete = (this.db.prepare('SELECT COUNT(*) FROM texts').pluck().get() as number) === FIXED_TEXTS.length
    id = this.textIdsComplete ? undefined : (this.stmts.textFind.get(text) as number | undefined)
    id ??= Number(this.stmts.textAdd.run(text).lastInsertRowid)
    if (this.textIds.size >= TEXT_CACHE) {
      this.textIds = new Map(FIXED_TEXTS.map((t, i) => [t, i]))
      this.textIdsComplete = false
    }
    this.textIds.set(text, id)
    return id
  }

  private captureSource(captureId: number): string {
    return (this.db.prepare('SELECT source FROM captures WHERE id = ?').pluck().get(captureId) as string | undefined) ?? 'input'
  }

  private checkOnce(r: PackedRecord, seen: {hosts: Map<string, string>; source: string}): void {
    if (r.kind === 'host') {
      const other = seen.hosts.get(r.nodeId)
      if (other !== undefined) {
        const which = other === r.name ? `twice (host ${JSON.stringify(short(r.name))})` : `for two hosts (${JSON.stringify(short(other))} and ${JSON.stringify(short(r.name))})`
        throw new InputError(seen.source, `host node ID ${JSON.stringify(short(r.nodeId))} is given ${which}: each node must appear once`)
      }
      seen.hosts.set(r.nodeId, r.name)
    }
  }

  private hostId(captureId: number, nodeId: string, hostIds: Map<string, number>): number {
    let id = hostIds.get(nodeId)
    if (id === undefined) {
      id = Number(this.stmts.host.run(captureId, nodeId, nodeId, null, 0).lastInsertRowid)
      hostIds.set(nodeId, id)
    }
    return id
  }

  private insert(captureId: number, r: PackedRecord, hostIds: Map<string, number>, rows: SocketRows): void {
    const s = this.stmts
    switch (r.kind) {
      case 'host': {
        let id = hostIds.get(r.nodeId)
        if (id === undefined) {
          id = Number(s.host.run(captureId, r.nodeId, r.name, r.hostname, r.sockets !== null ? 1 : 0).lastInsertRowid)
          hostIds.set(r.nodeId, id)
        } else {
          s.hostUpdate.run(r.name, r.hostname, id)
          if (r.sockets !== null) s.hostHasSockets.run(id)
        }
        if (r.sockets !== null) this.insertSockets(captureId, id, r.sockets, rows)
        if (r.tid) s.nodeTid.run(captureId, r.nodeId, r.tid)
        return
      }
      case 'sockets': {
        const id = this.hostId(captureId, r.ownerId, hostIds)
        s.hostHasSockets.run(id)
        this.insertSockets(captureId, id, r.sockets, rows)
        return
      }
      case 'interface':
        s.node.run(captureId, r.nodeId, 'interface', r.agent, r.name, r.type)
        for (const a of r.addresses) s.nodeAddress.run(captureId, r.nodeId, this.intern(a.address), a.prefix)
        if (r.tid) s.nodeTid.run(captureId, r.nodeId, r.tid)
        return
      case 'netns':
        s.node.run(captureId, r.nodeId, 'netns', r.agent, r.name, 'netns')
        this.intern(r.name) // addresses name the namespaces they live in by text id
        if (r.tid) s.nodeTid.run(captureId, r.nodeId, r.tid)
        return
      case 'ownership':
        s.ownership.run(captureId, r.parent, r.child)
        return
      case 'flow': {
        const local = (a: string): number => (isLoopback(a) || isLinkLocal(a) ? 1 : 0)
        s.flow.run(
          captureId, r.uuid, r.protocol, r.a.address, r.a.port, r.b.address, r.b.port, r.abBytes, r.baBytes, r.abPackets, r.baPackets,
          Math.trunc(r.start), Math.trunc(r.last), r.nodeTid, addressFamily(r.a.address), local(r.a.address), addressFamily(r.b.address), local(r.b.address),
        )
        return // matched by matchFlows when an analysis uses flows
      }
    }
  }

  /** Hosts that received sockets, and how many times: those with several batches are reclassified in SQL. */
  private socketBatches = new Map<number, number>()

  /** Inserts the next `count` packed socket rows (classified by the packer) for a host. */
  private insertSockets(captureId: number, hostId: number, count: number, rows: SocketRows): void {
    const st = this.stmts.socket
    const a = rows.data
    const t = rows.ids
    this.socketBatches.set(hostId, (this.socketBatches.get(hostId) ?? 0) + 1)
    let o = rows.at
    for (let i = 0; i < count; i++, o += SOCKET_FIELDS) {
      st.run(
        captureId, hostId, t[a[o]], t[a[o + 1]], a[o + 2], t[a[o + 3]], a[o + 4], t[a[o + 5]], t[a[o + 6]], a[o + 7], t[a[o + 8]], t[a[o + 9]],
        a[o + 10], a[o + 11], a[o + 12], a[o + 13], a[o + 14], a[o + 15], a[o + 16], a[o + 17],
      )
    }
    rows.at = o
  }

  /** After a capture's load: indexes, address ownership, listener and side classification. */
  finishLoad(captureId: number): void {
    this.db.exec(query('indexes'))
    const split = [...this.socketBatches].filter(([, n]) => n > 1).map(([id]) => id)
    this.socketBatches.clear()
    this.db.transaction(() => {
      // Sockets were classified per record while loading; a host whose table came in several
      // records is classified again as a whole, by the SQL rules (which fill NULL roles only).
      // One pass over the table (no index leads by host_id: matching never looks sockets up by host alone).
      if (split.length > 0) {
        this.db.prepare(expandRules('UPDATE socket_rows SET role = NULL WHERE host_id IN (SELECT value FROM json_each(?)) AND role <> {{role listener}}')).run(JSON.stringify(split))
      }
      this.run('resolve-addresses', {capture: captureId})
      if (split.length > 0) this.run('classify', {capture: captureId})
    })()
  }

  /** Computes the candidate servers of every considered client, and the unmatched ones. */
  findCandidates(captureId: number, states: string[] | 'any'): void {
    const params = {capture: captureId, anyState: states === 'any' ? 1 : 0, states: JSON.stringify(states === 'any' ? [] : states)}
    this.db.transaction(() => {
      this.run('candidates', params)
      this.run('unmatched', params)
      this.run('single-candidates', {})
    })()
  }

  /** The candidates of clients with several, as findCandidates found them, ordered by client. */
  candidateRows(after: number, limit: number): CandidateRow[] {
    // raw, then literals: cheaper than better-sqlite3's named row objects (as matrixRows)
    this.candidatePage ??= this.db.prepare(query('candidate-rows')).raw()
    return (this.candidatePage.all({after, limit}) as unknown[][]).map(
      (a) => ({clientId: a[0], serverId: a[1], method: a[2], owner: a[3], sameHost: a[4], hostName: a[5], hostNodeId: a[6], key: a[7]}) as CandidateRow,
    )
  }

  private candidatePage: Database.Statement | undefined

  /** Records chosen matches (in one transaction per call). */
  writeMatches(rows: MatchRow[]): void {
    const s = this.stmts
    this.db.transaction(() => {
      for (const m of rows) {
        s.match.run(m.clientId, m.serverId, m.method, m.candidates.length, m.resolvedBy)
        if (m.candidates.length > 1) for (const c of m.candidates) s.ambiguity.run(m.clientId, c)
      }
    })()
  }

  /** Runs a .sql file of several statements with named parameters (only those each statement uses). */
  private run(name: string, params: Record<string, unknown>): void {
    for (const text of splitStatements(query(name))) {
      const stmt = this.db.prepare(text)
      const used = Object.fromEntries(Object.entries(params).filter(([k]) => text.includes(`:${k}`)))
      stmt.run(used)
    }
  }

  /** Every match as a matrix row, in entry-key order (matrix-rows.sql). */
  *matrixRows(): Generator<MatrixRow> {
    // Raw rows made into objects here: better-sqlite3 sets the 19 named properties of each row
    // object one at a time, slower than a literal (5,000 hosts: ~50 ms of ~350).
    for (const a of this.db.prepare(query('matrix-rows')).raw().iterate() as IterableIterator<unknown[]>) {
      yield {
        protocol: a[0], serverHost: a[1], serverIp: a[2], port: a[3], serverProc: a[4], serverName: a[5],
        clientHost: a[6], clientIp: a[7], clientProc: a[8], clientName: a[9], method: a[10], captureId: a[11],
        clientPort: a[12], clientPid: a[13], sLocalAddr: a[14], sLocalPort: a[15], sRemoteAddr: a[16], sRemotePort: a[17], serverPid: a[18],
      } as MatrixRow
    }
  }

  /** Addresses and listeners per host name, sorted by host: what `fm policy` needs beyond the matrix. */
  hostListeningRows(): IterableIterator<{host: string; kind: 'address' | 'listener'; protocol: string; address: string; port: number; process: string; name: string}> {
    return this.db.prepare(query('host-listening')).iterate() as IterableIterator<{host: string; kind: 'address' | 'listener'; protocol: string; address: string; port: number; process: string; name: string}>
  }

  /**
   * Server-side sockets no client was matched to, one row per peer and capture (served-peers.sql),
   * with the states the matching counted: `states` given ('any' or a list), or undefined for the
   * default (`defaultStates`, and every state of a capture with a time context).
   */
  servedPeerRows(states: string[] | 'any' | undefined, defaultStates: string[]): IterableIterator<ServedPeerRow> {
    const params = {anyState: states === 'any' ? 1 : 0, byContext: states === undefined ? 1 : 0, states: JSON.stringify(states === undefined ? defaultStates : states === 'any' ? [] : states)}
    return this.db.prepare(query('served-peers')).iterate(params) as IterableIterator<ServedPeerRow>
  }

  /** Unmatched client sockets with their socket key, in the matrix's order (key, reason). */
  unmatchedRows(): IterableIterator<Socket & {host: string; reason: string; key: string}> {
    return this.db.prepare(query('unmatched-rows')).iterate() as IterableIterator<Socket & {host: string; reason: string; key: string}>
  }

  /** One row per candidate of each ambiguous client, by client key then candidate key. */
  ambiguityRows(): IterableIterator<{clientId: number; resolvedBy: string; client: string; chosen: string; candidate: string}> {
    return this.db.prepare(query('ambiguity-rows')).iterate() as IterableIterator<{clientId: number; resolvedBy: string; client: string; chosen: string; candidate: string}>
  }

  /** The flow tables (migration 002), for flow matching. */
  flows(): FlowStore {
    return (this.flowStore ??= new FlowStore(this.db))
  }

  /** Forgets every matching result (an fm database analysed again): matches, unmatched, ambiguities, flow results. */
  clearResults(): void {
    this.db.exec('DELETE FROM matches; DELETE FROM unmatched; DELETE FROM ambiguity_candidates; DELETE FROM flow_results; DELETE FROM flow_connections;')
  }

  /** Matched client sockets by method. */
  matchesByMethod(): Record<string, number> {
    const rows = this.db.prepare('SELECT method, COUNT(*) AS n FROM matches GROUP BY method').all() as {method: string; n: number}[]
    return Object.fromEntries(rows.map((r) => [r.method, r.n]))
  }

  /** Unmatched client sockets by reason. */
  unmatchedReasons(): Record<string, number> {
    const rows = this.db.prepare('SELECT reason, COUNT(*) AS n FROM unmatched GROUP BY reason').all() as {reason: string; n: number}[]
    return Object.fromEntries(rows.map((r) => [r.reason, r.n]))
  }

  /** How many client sockets had more than one candidate server. */
  ambiguityCount(): number {
    return this.db.prepare('SELECT COUNT(DISTINCT client_id) FROM ambiguity_candidates').pluck().get() as number
  }

  captures(): CaptureInfo[] {
    return this.db
      .prepare('SELECT id, source, format, label, time_context AS timeContext, started_at AS startedAt, ended_at AS endedAt FROM captures ORDER BY id')
      .all() as CaptureInfo[]
  }

  /** Counts for the summary. */
  counts(): {hosts: number; hostsWithoutSockets: number; sockets: number; listeners: number; serverSide: number; clientSide: number} {
    return this.db
      .prepare(
        expandRules(`SELECT (SELECT COUNT(*) FROM hosts) AS hosts, (SELECT COUNT(*) FROM hosts WHERE has_sockets = 0) AS hostsWithoutSockets,
          (SELECT COUNT(*) FROM socket_rows) AS sockets, (SELECT COUNT(*) FROM socket_rows WHERE role = {{role listener}}) AS listeners,
          (SELECT COUNT(*) FROM socket_rows WHERE role = {{role server}}) AS serverSide, (SELECT COUNT(*) FROM socket_rows WHERE role = {{role client}}) AS clientSide`),
      )
      .get() as ReturnType<Store['counts']>
  }

  /**
   * The summary's counts over several snapshots of one deployment, each host, socket and client
   * counted once (see snapshot-counts.sql); with one capture they equal counts(), unmatchedReasons(),
   * ambiguityCount() and the matches by method.
   */
  snapshotCounts(): ReturnType<Store['counts']> & {matched: Record<string, number>; unmatched: Record<string, number>; ambiguities: number} {
    const r = this.db.prepare(query('snapshot-counts')).get() as ReturnType<Store['counts']> & {matched: string; unmatched: string; ambiguities: number}
    return {...r, matched: JSON.parse(r.matched ?? '{}') as Record<string, number>, unmatched: JSON.parse(r.unmatched ?? '{}') as Record<string, number>}
  }

  hostsWithoutSockets(): string[] {
    return (this.db.prepare('SELECT DISTINCT name FROM hosts WHERE has_sockets = 0').pluck().all() as string[])
  }

  close(): void {
    this.db.close()
  }
}

/** A name from a dump, cut for a message. */
function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

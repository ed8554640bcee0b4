import type Database from 'better-sqlite3'
import type {MatrixEntry} from '@fm/model'
import type {FlowConnectionHead, FlowFigures, OrientedFlow} from '@fm/match'
import {query, splitStatements} from './sql.js'
import type {MatrixRow} from './store.js'

/** Bytes and packets each way, first and last seen (ms). */
type Traffic = NonNullable<MatrixEntry['traffic']>

/** A flow of a capture, with the host it was captured on when its NodeTID names one. */
export interface FlowRow extends FlowFigures {
  aFamily: number
  aLocal: number
  bFamily: number
  bLocal: number
  observerHostId: number | null
}

/** A non-listener socket holding one end of a flow. */
export interface FlowEndSocketRow {
  flowId: number
  end: 'a' | 'b'
  socketId: number
  hostId: number
  hostName: string
  hostNodeId: string
  pid: number
  role: 'client' | 'server'
  state: string
  owner: number
  matchServerId: number | null
  matchServerHostId: number | null
  matchMethod: 'socket' | 'listener' | null
}

export interface FlowHostRow {
  hostId: number
  hostName: string
  hostNodeId: string
}

export interface FlowListenerRow extends FlowHostRow {
  socketId: number
  pid: number
}

/** A connection flows told something about, as flow matching writes it. */
export interface FlowConnection extends FlowConnectionHead, Traffic {
  flows: number
  /** Flow ids behind the connection. */
  flowIds: number[]
}

/** What flow matching decided for one flow that belongs to a connection: the connection's key and fields, and the flow's figures oriented client to server. */
export interface FlowDecisionRow extends OrientedFlow {
  key: string
  connection: FlowConnectionHead
  flowId: number
}

/** The row flow-matrix-rows.sql gives: a matrix row key, the traffic and the proof. */
export interface FlowMatrixRow extends MatrixRow, Traffic {
  kind: 'traffic' | 'edge'
}

/**
 * The flow tables of a store (migration 002): what flow matching reads and writes. Statements
 * are prepared once; writes of one capture go in one transaction.
 */
export class FlowStore {
  private readonly stmts

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      owners: db.prepare(query('flow-address-owners')),
      listeners: db.prepare(query('flow-listeners')),
      loopbackListeners: db.prepare(query('flow-loopback-listeners')),
      connection: db.prepare(
        `INSERT INTO flow_connections (capture_id, kind, method, protocol, client_id, client_host_id, client_addr, client_port, server_id, server_host_id, server_addr, server_port,
          flows, bytes_to_server, bytes_to_client, packets_to_server, packets_to_client, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      result: db.prepare('INSERT INTO flow_results (flow_id, connection_id, reason) VALUES (?, ?, ?)'),
      unmatched: db.prepare('DELETE FROM unmatched WHERE client_id = ?'),
      textId: db.prepare('SELECT id FROM texts WHERE text = ?').pluck(),
    }
  }

  /**
   * Drops the placeholder hosts a raw flow-sockets map made, and moves the flows of a dump that
   * holds only flows into the capture of the graph dump next to it. Run once after loading.
   */
  attachFlowOnlyCaptures(): void {
    // Without flows every statement of the file is a no-op, but one still walks the socket table.
    if (this.db.prepare('SELECT EXISTS (SELECT 1 FROM flows)').pluck().get() === 0) return
    this.db.transaction(() => this.exec('flow-only-captures'))()
  }

  /** Number of flows in the store. */
  count(): number {
    return this.db.prepare('SELECT COUNT(*) FROM flows').pluck().get() as number
  }

  /** The flows of a capture with ids after `after`, `limit` of them, by id. */
  flowPage(captureId: number, after: number, limit: number): FlowRow[] {
    this.flowRows ??= this.db.prepare(query('flow-rows'))
    return this.flowRows.all({capture: captureId, after, limit}) as FlowRow[]
  }

  private flowRows: Database.Statement | undefined
  private endRows: Database.Statement | undefined

  /** The sockets at the ends of the flows of a capture with ids from `first` to `last`. */
  endSockets(captureId: number, first: number, last: number): FlowEndSocketRow[] {
    this.endRows ??= this.db.prepare(query('flow-end-sockets'))
    return this.endRows.all({capture: captureId, first, last}) as FlowEndSocketRow[]
  }

  /** The id of a text (-1, matching nothing, when no socket or address holds it). */
  private textId(text: string): number {
    return (this.stmts.textId.get(text) as number | undefined) ?? -1
  }

  owners(captureId: number, addr: string): FlowHostRow[] {
    return this.stmts.owners.all({capture: captureId, addr: this.textId(addr)}) as FlowHostRow[]
  }

  /** Listeners serving (protocol, addr, port) on a host owning addr. */
  listeners(captureId: number, protocol: string, addr: string, port: number, family: number): FlowListenerRow[] {
    return this.stmts.listeners.all({capture: captureId, protocol: this.textId(protocol), addr: this.textId(addr), port, family, loop: 0}) as FlowListenerRow[]
  }

  /** Listeners serving a loopback (protocol, addr, port), on `host` when given. */
  loopbackListeners(captureId: number, protocol: string, addr: string, port: number, family: number, host: number | null): FlowListenerRow[] {
    return this.stmts.loopbackListeners.all({capture: captureId, protocol: this.textId(protocol), addr: this.textId(addr), port, family, loop: 1, host}) as FlowListenerRow[]
  }

  /** Starts flow matching of a capture: forgets what an earlier one found, and the decisions of the last. */
  startCapture(captureId: number): void {
    // indexes only an analysis with flows needs (5,000 hosts: ~0.1 s for one without flows)
    this.exec('flow-indexes')
    this.exec('flow-socket-index')
    this.db.transaction(() => {
      this.exec('flow-clear', {capture: captureId})
      this.exec('flow-decisions')
    })()
  }

  /** Records a page of flow decisions: flows that belong to a connection, and flows that added nothing (with why). */
  addDecisions(decisions: FlowDecisionRow[], unused: {flowId: number; reason: string}[]): void {
    this.decision ??= this.db.prepare(
      `INSERT INTO temp.flow_decisions (key, connection, flow_id, tid, bytes_to_server, bytes_to_client, packets_to_server, packets_to_client, start, last)
       VALUES (@key, @connection, @flowId, @tid, @bytesToServer, @bytesToClient, @packetsToServer, @packetsToClient, @start, @last)`,
    )
    const s = this.stmts
    this.db.transaction(() => {
      for (const d of decisions) this.decision!.run({...d, connection: JSON.stringify(d.connection)})
      for (const u of unused) s.result.run(u.flowId, null, u.reason)
    })()
  }

  private decision: Database.Statement | undefined
  private decisionRows: Database.Statement | undefined

  /** The decisions of keys after `afterKey`, by key then in the order they were added; `limit` rows. */
  decisionPage(afterKey: string, limit: number): FlowDecisionRow[] {
    this.decisionRows ??= this.db.prepare(
      `SELECT key, connection, flow_id AS flowId, tid, bytes_to_server AS bytesToServer, bytes_to_client AS bytesToClient,
        packets_to_server AS packetsToServer, packets_to_client AS packetsToClient, start, last
       FROM temp.flow_decisions WHERE key > ? ORDER BY key, seq LIMIT ?`,
    )
    return (this.decisionRows.all(afterKey, limit) as (Omit<FlowDecisionRow, 'connection'> & {connection: string})[]).map((r) => ({...r, connection: JSON.parse(r.connection) as FlowDecisionRow['connection']}))
  }

  /** Writes connections of a capture, each flow's connection, and drops from the unmatched the clients flows explained. */
  writeConnections(captureId: number, connections: FlowConnection[]): void {
    const s = this.stmts
    this.db.transaction(() => {
      for (const c of connections) {
        const id = Number(
          s.connection.run(captureId, c.kind, c.method, c.protocol, c.clientId, c.clientHostId, c.clientAddr, c.clientPort, c.serverId, c.serverHostId, c.serverAddr, c.serverPort,
            c.flows, c.bytesToServer, c.bytesToClient, c.packetsToServer, c.packetsToClient, c.first, c.last).lastInsertRowid,
        )
        for (const f of c.flowIds) s.result.run(f, id, null)
        if (c.kind === 'edge' && c.clientId !== null) s.unmatched.run(c.clientId)
      }
    })()
  }

  /** Forgets every flow result (an fm database analysed again, maybe without flows). */
  clearAll(): void {
    this.db.exec('DELETE FROM flow_results; DELETE FROM flow_connections;')
  }

  matrixRows(): IterableIterator<FlowMatrixRow> {
    return this.db.prepare(query('flow-matrix-rows')).iterate() as IterableIterator<FlowMatrixRow>
  }

  private exec(name: string, params: Record<string, unknown> = {}): void {
    for (const text of splitStatements(query(name))) {
      const used = Object.fromEntries(Object.entries(params).filter(([k]) => text.includes(`:${k}`)))
      this.db.prepare(text).run(used)
    }
  }
}

import type Database from 'better-sqlite3'
import {scratchDatabase} from '@fm/store'
import type {GraphEdge, GraphNode} from './graph-elements.js'
import {deleteMessage, planElement, type ElementCounts, type GraphMessage} from './plan-publish.js'

type Kind = 'Node' | 'Edge'
const KIND = {Node: 0, Edge: 1} as const
const PAGE = 512

/**
 * Scratch space of a publish, so memory stays flat however large the matrix: the elements the
 * matrix stands for (`want`), those the analyzer holds (`have`, then `got` on each read-back)
 * and the planned messages, in a private SQLite database on disk that SQLite deletes itself (an
 * empty file name). Elements are kept as their JSON text and read back in pages sorted by ID
 * (SQLite's BINARY order on UTF-8 is `cmp`'s code-point order), so the plan is `planPublish`'s,
 * message for message.
 */
export class PublishSpill {
  private readonly db: Database.Database
  private readonly put: {want: Database.Statement; have: Database.Statement; got: Database.Statement}
  private open = false

  constructor() {
    this.db = scratchDatabase()
    this.db.exec(`
      CREATE TABLE want (kind INTEGER NOT NULL, id TEXT NOT NULL, obj TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE have (kind INTEGER NOT NULL, id TEXT NOT NULL, obj TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE got (kind INTEGER NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
      CREATE TABLE msgs (seq INTEGER PRIMARY KEY, text TEXT NOT NULL);`)
    this.put = {
      // a service node comes with each of its entries: kept once
      want: this.db.prepare('INSERT OR IGNORE INTO want (kind, id, obj) VALUES (?, ?, ?)'),
      // the analyzer's last copy of an ID counts, as a Map keyed by ID keeps it
      have: this.db.prepare('INSERT OR REPLACE INTO have (kind, id, obj) VALUES (?, ?, ?)'),
      got: this.db.prepare('INSERT OR IGNORE INTO got (kind, id) VALUES (?, ?)'),
    }
  }

  /** Runs writes in one transaction (until `commit`): row by row autocommit would be slow. */
  private begin(): void {
    if (!this.open) this.db.exec('BEGIN')
    this.open = true
  }

  commit(): void {
    if (this.open) this.db.exec('COMMIT')
    this.open = false
  }

  want(kind: Kind, e: GraphNode | GraphEdge): void {
    this.begin()
    this.put.want.run(KIND[kind], e.ID, JSON.stringify(e))
  }

  /** An element the analyzer holds, as the JSON text of its answer. */
  have(kind: Kind, id: string, text: string): void {
    this.begin()
    this.put.have.run(KIND[kind], id, text)
  }

  /** Forgets the previous read-back. */
  clearGot(): void {
    this.commit()
    this.db.exec('DELETE FROM got')
  }

  got(kind: Kind, id: string): void {
    this.begin()
    this.put.got.run(KIND[kind], id)
  }

  /** Elements of each kind the matrix stands for. */
  wanted(): {nodes: number; edges: number} {
    this.commit()
    const n = (k: number): number => this.db.prepare('SELECT COUNT(*) FROM want WHERE kind = ?').pluck().get(k) as number
    return {nodes: n(0), edges: n(1)}
  }

  /** Whether the last read-back holds exactly the wanted IDs (`read` counts what it read, duplicates included). */
  gotExactly(read: number): boolean {
    this.commit()
    const want = this.db.prepare('SELECT COUNT(*) FROM want').pluck().get() as number
    const both = this.db.prepare('SELECT COUNT(*) FROM got JOIN want USING (kind, id)').pluck().get() as number
    return read === want && both === want
  }

  /**
   * Plans the messages (adds and updates of nodes then edges, by ID; then deletes of edges then
   * nodes, by ID), writes them down and counts them.
   */
  plan(now: number): {nodes: ElementCounts; edges: ElementCounts; messages: number} {
    this.commit()
    this.db.exec('DELETE FROM msgs')
    const add = this.db.prepare('INSERT INTO msgs (text) VALUES (?)')
    let messages = 0
    const push = (m: GraphMessage): void => {
      add.run(JSON.stringify(m))
      messages++
    }
    const counts = {Node: {added: 0, updated: 0, unchanged: 0, deleted: 0}, Edge: {added: 0, updated: 0, unchanged: 0, deleted: 0}}
    const page = this.db.prepare('SELECT w.id, w.obj, h.obj AS prev FROM want w LEFT JOIN have h ON h.kind = w.kind AND h.id = w.id WHERE w.kind = ? AND w.id > ? ORDER BY w.id LIMIT ?')
    const gone = this.db.prepare('SELECT h.id, h.obj FROM have h WHERE h.kind = ? AND h.id > ? AND NOT EXISTS (SELECT 1 FROM want w WHERE w.kind = h.kind AND w.id = h.id) ORDER BY h.id LIMIT ?')
    this.db.transaction(() => {
      for (const kind of ['Node', 'Edge'] as const) {
        for (const r of pages<{id: string; obj: string; prev: string | null}>(page, KIND[kind])) {
          if (r.prev === null) {
            // planElement's add, without parsing the element back: its text is JSON.stringify's already
            counts[kind].added++
            add.run(`{"Namespace":"Graph","Type":"${kind}Added","Obj":${r.obj}}`)
            messages++
            continue
          }
          const m = planElement(kind, JSON.parse(r.obj) as GraphNode, JSON.parse(r.prev) as GraphNode, now)
          if (!m) counts[kind].unchanged++
          else {
            counts[kind][m.Type.endsWith('Added') ? 'added' : 'updated']++
            push(m)
          }
        }
      }
      for (const kind of ['Edge', 'Node'] as const) {
        for (const r of pages<{id: string; obj: string}>(gone, KIND[kind])) {
          counts[kind].deleted++
          push(deleteMessage(kind, JSON.parse(r.obj) as GraphNode, now))
        }
      }
    })()
    return {nodes: counts.Node, edges: counts.Edge, messages}
  }

  /** The planned messages' text, in order, read a page at a time (nothing stays open between pages). */
  *messages(): Generator<string> {
    const page = this.db.prepare('SELECT seq, text FROM msgs WHERE seq > ? ORDER BY seq LIMIT ?')
    let after = 0
    for (;;) {
      const rows = page.all(after, PAGE) as {seq: number; text: string}[]
      for (const r of rows) yield r.text
      if (rows.length < PAGE) return
      after = rows[rows.length - 1].seq
    }
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

/** Every row of a keyset-paged query (`kind`, after ID, limit), a page at a time. */
function* pages<R extends {id: string}>(stmt: Database.Statement, kind: number): Generator<R> {
  let after = ''
  for (;;) {
    const rows = stmt.all(kind, after, PAGE) as R[]
    yield* rows
    if (rows.length < PAGE) return
    after = rows[rows.length - 1].id
  }
}

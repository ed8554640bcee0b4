import Database from 'better-sqlite3'

/** A node of a dot graph as a spill keeps it: sorted by host, then id. */
export interface SpillNode {
  host: string
  id: string
}

/** An edge of a dot graph as a spill keeps it: one per (from, to, label), `n` summed. */
export interface SpillEdge {
  from: string
  to: string
  label: string
  n: number
}

/** A private scratch database on disk that SQLite deletes itself (an empty file name), with a 16 MiB page cache. */
export function scratchDatabase(): Database.Database {
  const db = new Database('')
  db.pragma('cache_size = -16384')
  return db
}

/**
 * Scratch space for a writer that must see every entry before its first line (a table's column
 * widths, a dot graph's clusters and summed edges): a private SQLite database on disk that
 * SQLite deletes itself (an empty file name), so memory stays at its page cache however large the
 * matrix, and nothing is left behind, even by a killed process. Everything is written in one
 * transaction, then read back sorted (SQLite's BINARY order on UTF-8 is code-point order, as
 * `cmp` sorts). Example: `const s = new Spill(); s.addRow(text); for (const t of s.rows()) ...; s.close()`
 */
export class Spill {
  private readonly db: Database.Database
  private readonly stmts: {row: Database.Statement; node: Database.Statement; edge: Database.Statement}
  private writing = true

  constructor() {
    this.db = scratchDatabase()
    this.db.exec(`
      CREATE TABLE rows (text TEXT NOT NULL);
      CREATE TABLE nodes (host TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (host, id)) WITHOUT ROWID;
      CREATE TABLE edges (src TEXT NOT NULL, dst TEXT NOT NULL, label TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (src, dst, label)) WITHOUT ROWID;
      BEGIN;`)
    this.stmts = {
      row: this.db.prepare('INSERT INTO rows (text) VALUES (?)'),
      node: this.db.prepare('INSERT OR IGNORE INTO nodes (host, id) VALUES (?, ?)'),
      edge: this.db.prepare('INSERT INTO edges (src, dst, label, n) VALUES (?, ?, ?, ?) ON CONFLICT (src, dst, label) DO UPDATE SET n = n + excluded.n'),
    }
  }

  /** Appends a row of text; `rows()` gives them back in this order. */
  addRow(text: string): void {
    this.stmts.row.run(text)
  }

  /** Adds a node (once, however often it is added). */
  addNode(host: string, id: string): void {
    this.stmts.node.run(host, id)
  }

  /** Adds `n` to the edge (from, to, label). */
  addEdge(from: string, to: string, label: string, n: number): void {
    this.stmts.edge.run(from, to, label, n)
  }

  rows(): IterableIterator<string> {
    this.commit()
    return this.db.prepare('SELECT text FROM rows ORDER BY rowid').pluck().iterate() as IterableIterator<string>
  }

  nodes(): IterableIterator<SpillNode> {
    this.commit()
    return this.db.prepare('SELECT host, id FROM nodes ORDER BY host, id').iterate() as IterableIterator<SpillNode>
  }

  edges(): IterableIterator<SpillEdge> {
    this.commit()
    return this.db.prepare('SELECT src AS "from", dst AS "to", label, n FROM edges ORDER BY src, dst, label').iterate() as IterableIterator<SpillEdge>
  }

  /** Frees it (its file is gone already). */
  close(): void {
    if (this.db.open) this.db.close()
  }

  private commit(): void {
    if (!this.writing) return
    this.db.exec('COMMIT')
    this.writing = false
  }
}

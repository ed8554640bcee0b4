import type Database from 'better-sqlite3'
import {scratchDatabase} from './spill.js'

/**
 * Rows of text set aside on disk and read back sorted by a key of five texts and a number, in
 * SQLite's BINARY order (code-point order, as `cmp` sorts), ties in the order added: what a
 * grouping needs (edges for diff, say) when holding every row would grow with the matrix. A
 * private database SQLite deletes itself, as Spill's. Example:
 * `const s = new SortedSpill(); s.add('a', 'b', '', '', '', 1, text); for (const t of s.sorted()) ...; s.close()`
 */
export class SortedSpill {
  private readonly db: Database.Database
  private readonly insert: Database.Statement
  private writing = true

  constructor() {
    this.db = scratchDatabase()
    // the sort index is built once, after the last row: cheaper than keeping it while inserting
    this.db.exec('CREATE TABLE rows (k1 TEXT NOT NULL, k2 TEXT NOT NULL, k3 TEXT NOT NULL, k4 TEXT NOT NULL, k5 TEXT NOT NULL, k6 INTEGER NOT NULL, text TEXT NOT NULL); BEGIN;')
    this.insert = this.db.prepare('INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?)')
  }

  add(k1: string, k2: string, k3: string, k4: string, k5: string, k6: number, text: string): void {
    this.insert.run(k1, k2, k3, k4, k5, k6, text)
  }

  /** The texts in key order (no more rows may be added). */
  sorted(): IterableIterator<string> {
    if (this.writing) {
      this.db.exec('COMMIT; CREATE INDEX rows_key ON rows (k1, k2, k3, k4, k5, k6)')
      this.writing = false
    }
    return this.db.prepare('SELECT text FROM rows ORDER BY k1, k2, k3, k4, k5, k6, rowid').pluck().iterate() as IterableIterator<string>
  }

  /** Frees it (its file is gone already). */
  close(): void {
    if (this.db.open) this.db.close()
  }
}

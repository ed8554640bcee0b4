import {mkdtempSync, rmSync} from 'node:fs'
import {rename, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {csvField} from '@fm/render'
import type {MapKind} from './pseudonymizer.js'
import {JsonFileWriter} from './json-file.js'

/**
 * The original → pseudonym table of a redaction, deduplicated in a private SQLite file (a
 * large site has millions of distinct values: they never sit in memory) and written sorted, so
 * the same inputs give the same table.
 */
export class MapTable {
  private readonly dir = mkdtempSync(join(tmpdir(), 'fm-redact-map-'))
  private readonly db = new Database(join(this.dir, 'map.db'))
  private readonly insert
  private pending: [string, string, string][] = []
  private readonly flushAll

  constructor() {
    this.db.pragma('journal_mode = OFF')
    this.db.pragma('synchronous = OFF')
    this.db.exec('CREATE TABLE map (kind TEXT NOT NULL, original TEXT NOT NULL, pseudonym TEXT NOT NULL, PRIMARY KEY (kind, original)) WITHOUT ROWID')
    this.insert = this.db.prepare('INSERT OR IGNORE INTO map (kind, original, pseudonym) VALUES (?, ?, ?)')
    this.flushAll = this.db.transaction((rows: [string, string, string][]) => {
      for (const r of rows) this.insert.run(r)
    })
  }

  add(kind: MapKind, original: string, pseudonym: string): void {
    if (original === pseudonym) return
    this.pending.push([kind, original, pseudonym])
    if (this.pending.length >= 5000) this.flush()
  }

  private flush(): void {
    this.flushAll(this.pending)
    this.pending = []
  }

  /** Writes the table as CSV (`kind,original,pseudonym`, mode 0600) under a temporary name; returns a function that renames it into place. */
  async write(file: string): Promise<{rows: number; commit: () => Promise<void>; abort: () => Promise<void>}> {
    this.flush()
    const temp = `${file}.tmp-${process.pid}`
    await rm(temp, {force: true})
    const out = await JsonFileWriter.create(temp, {mode: 0o600})
    let rows = 0
    try {
      await out.raw('kind,original,pseudonym\r\n')
      for (const r of this.db.prepare('SELECT kind, original, pseudonym FROM map ORDER BY kind, original').raw().iterate() as IterableIterator<string[]>) {
        await out.raw(r.map(csvField).join(',') + '\r\n')
        rows++
      }
      await out.close({raw: true})
    } catch (e) {
      await out.discard()
      await rm(temp, {force: true})
      throw e
    }
    return {rows, commit: () => rename(temp, file), abort: () => rm(temp, {force: true})}
  }

  close(): void {
    this.db.close()
    rmSync(this.dir, {recursive: true, force: true})
  }
}

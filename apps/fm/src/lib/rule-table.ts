import type {Rule, RuleStore} from '@fm/baseline'
import {scratchDatabase} from '@fm/store'

type Db = ReturnType<typeof scratchDatabase>
/** The statements used here, as called (better-sqlite3's own type is generic over the parameters). */
interface Statement {
  run(...params: unknown[]): unknown
  get(...params: unknown[]): unknown
}

/**
 * A baseline's allow and ignore rules in a private SQLite file (scratchDatabase: deleted by
 * SQLite itself, memory at its page cache), for a checker: a generated host-level baseline is a
 * rule per host pair, a million at 135,000 hosts, which in memory cost several times their text.
 * Rules are written in one transaction, then the exact ones are looked up by key (an index built
 * once, after the last rule). Example: `const t = new RuleTable(); loadBaseline(file, t); ...; t.close()`
 */
export class RuleTable implements RuleStore {
  private readonly db: Db
  private readonly insert: Statement
  private lookup: Statement | null = null

  constructor() {
    this.db = scratchDatabase()
    this.db.exec('CREATE TABLE rules (list INTEGER NOT NULL, idx INTEGER NOT NULL, key TEXT, rule TEXT NOT NULL); BEGIN;')
    this.insert = this.db.prepare('INSERT INTO rules VALUES (?, ?, ?, ?)') as Statement
  }

  add(list: number, index: number, key: string | null, rule: Rule): void {
    this.insert.run(list, index, key, JSON.stringify(rule))
  }

  first(list: number, a: string, b: string): number {
    const found = this.ready().get(a, b, list) as number | null
    return found ?? Infinity
  }

  /** The rules of a list in index order: they were added in it, so rowid order. */
  *rules(list: number): Iterable<Rule> {
    this.ready()
    for (const text of this.db.prepare('SELECT rule FROM rules WHERE list = ? ORDER BY rowid').pluck().iterate(list)) yield JSON.parse(text as string) as Rule
  }

  /** Frees it (its file is gone already). */
  close(): void {
    if (this.db.open) this.db.close()
  }

  private ready(): Statement {
    if (!this.lookup) {
      this.db.exec('COMMIT; CREATE INDEX rules_key ON rules (key, list, idx) WHERE key IS NOT NULL')
      this.lookup = this.db.prepare('SELECT min(idx) FROM rules WHERE key IN (?, ?) AND list = ?').pluck() as Statement
    }
    return this.lookup
  }
}

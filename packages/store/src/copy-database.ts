import Database from 'better-sqlite3'
import {InputError} from '@fm/model'
import {migrations} from './sql.js'

/** Tables (or views) every fm database has had since its first schema. */
const FM_TABLES = ['captures', 'hosts', 'sockets', 'matches', 'unmatched']

/**
 * Copies an fm database given as input to `to`, where it can be matched again: the input is
 * opened read-only and never written (not even its journal), and a SQLite file that is not fm's,
 * or is from a newer fm, is refused with an InputError rather than given fm's tables.
 */
export async function copyFmDatabase(file: string, to: string): Promise<void> {
  let src: Database.Database
  try {
    src = new Database(file, {readonly: true, fileMustExist: true})
  } catch (e) {
    throw new InputError(file, `cannot open as an fm database: ${(e as Error).message}`)
  }
  try {
    let version: number
    let tables: string[]
    try {
      version = src.pragma('user_version', {simple: true}) as number
      tables = src.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").pluck().all() as string[]
    } catch (e) {
      throw new InputError(file, `cannot read as an fm database: ${(e as Error).message}`)
    }
    const latest = Math.max(...migrations().map((m) => m.version))
    const missing = FM_TABLES.filter((t) => !tables.includes(t))
    if (version < 1 || missing.length > 0) {
      throw new InputError(file, `is a SQLite database but not fm's (${version < 1 ? 'no fm schema version' : `no ${missing.join(', ')} table${missing.length === 1 ? '' : 's'}`}): fm reads the databases fm analyze --db writes`)
    }
    if (!tables.includes('texts')) {
      throw new InputError(file, 'is an fm database of an older schema (sockets keyed by text): analyze its dumps again with this fm')
    }
    if (version > latest) throw new InputError(file, `is an fm database of a newer schema (${version}; this fm reads up to ${latest}): analyze it with a newer fm`)
    try {
      await src.backup(to)
    } catch (e) {
      throw new InputError(file, `cannot copy the fm database: ${(e as Error).message}`)
    }
  } finally {
    src.close()
  }
}

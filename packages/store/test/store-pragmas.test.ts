import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {connectionOf, Store} from '../src/store.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-pragmas-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('Store settings', () => {
  // better-sqlite3's defensive mode ignores journal_mode = OFF unless it is lifted for the pragma
  test('a bulk store writes no rollback journal, even inside a transaction', () => {
    const store = new Store(join(dir, 'bulk.db'), {bulk: true})
    try {
      expect(connectionOf(store).pragma('journal_mode', {simple: true})).toBe('off')
      expect(connectionOf(store).pragma('synchronous', {simple: true})).toBe(0)
      connectionOf(store).transaction(() => {
        store.addCapture({source: 'a', format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null})
        expect(readdirSync(dir).filter((f) => f.startsWith('bulk.db'))).toStrictEqual(['bulk.db'])
      })()
      // lifted for the pragma only: defensive mode still refuses writes to the schema table
      expect(() => connectionOf(store).exec("PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = sql WHERE name = 'hosts'")).toThrow()
    } finally {
      store.close()
    }
  })

  test('a database opened again (not bulk) keeps its journal, and defensive mode is back on', () => {
    const store = new Store(join(dir, 'kept.db'))
    try {
      expect(connectionOf(store).pragma('journal_mode', {simple: true})).toBe('delete')
      // defensive mode refuses writes to the schema table
      expect(() => connectionOf(store).exec("PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = sql WHERE name = 'hosts'")).toThrow()
    } finally {
      store.close()
    }
  })
})

// The --db database keys sockets by text ids, and keeps readable views with the columns the
// README documents: its SQL example runs as written and agrees with the matrix.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {afterAll, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {writeDeployment} from '@fm/gen'

const dir = mkdtempSync(join(tmpdir(), 'fm-db-views-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** The README's section on the database, and the SQL example in it. */
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
const section = readme.slice(readme.indexOf('## The database (`--db FILE`)'))
const example = /```sql\n([\s\S]*?)```/.exec(section)![1]

test("the README's SQL example runs on a kept database and agrees with the matrix", async () => {
  const w = writeDeployment({hosts: 40, seed: 3}, join(dir, 'gen'))
  const db = join(dir, 'fm.db')
  const m = await analyze({inputs: [w.dump], db})
  const conn = new Database(db, {readonly: true})
  try {
    const rows = conn.prepare(example).all() as {client_host: string; process: string; connections: number}[]
    const want = new Map<string, number>()
    for (const e of m.entries.filter((e) => e.server.name === 'mysqld')) {
      const k = `${e.client.host}|${e.client.process}`
      want.set(k, (want.get(k) ?? 0) + e.connections)
    }
    expect(rows.length).toBeGreaterThan(0)
    expect(new Map(rows.map((r) => [`${r.client_host}|${r.process}`, r.connections]))).toEqual(want)
  } finally {
    conn.close()
  }
})

test('every column the README documents for sockets and addresses reads as text', async () => {
  const db = join(dir, 'fixture.db')
  await analyze({inputs: [new URL('../../../fixtures/skydive/two-agents.json', import.meta.url).pathname], db})
  const conn = new Database(db, {readonly: true})
  try {
    const documented = (table: string): string[] => {
      const line = section.split('\n').find((l) => l.startsWith(`| \`${table}\``))!
      return [...line.split('|')[3].matchAll(/`(\w+)`/g)].map((x) => x[1]).filter((c) => !['listener', 'server', 'client', 'none', 'host', 'netns', 'agent'].includes(c))
    }
    for (const table of ['sockets', 'addresses']) {
      const cols = documented(table)
      expect(cols.length).toBeGreaterThan(4)
      const row = conn.prepare(`SELECT ${cols.join(', ')} FROM ${table} LIMIT 1`).get() as Record<string, unknown>
      expect(Object.keys(row)).toEqual(cols)
    }
    const s = conn.prepare("SELECT protocol, local_addr, state, role FROM sockets WHERE role = 'listener' LIMIT 1").get() as Record<string, string>
    expect(s.protocol).toMatch(/^(TCP|UDP)$/)
    expect(typeof s.local_addr).toBe('string')
    const a = conn.prepare('SELECT address FROM addresses LIMIT 1').get() as {address: string}
    expect(a.address).toMatch(/[.:]/)
  } finally {
    conn.close()
  }
})

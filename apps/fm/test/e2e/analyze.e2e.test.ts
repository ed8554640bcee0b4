import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, onTestFinished, test} from 'vitest'
import {APP_ROOT, runFm} from '../helpers/run-command.js'

beforeAll(() => {
  if (!existsSync(join(APP_ROOT, 'dist/commands/analyze.js'))) throw new Error('fm is not built: run `npm run build` (npm test does it)')
})

describe('the built fm binary on the real dump', () => {
  test('prints the matrix as CSV with exit 0', () => {
    const r = runFm(['analyze', 'fixtures/skydive/two-agents.json'])
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
    const lines = r.stdout.trimEnd().split('\r\n')
    expect(lines[0]).toBe('protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname')
    expect(lines).toContain('TCP,agent-1,127.0.0.1,8080,/usr/bin/node,node,agent-1,127.0.0.1,/opt/google/chrome/chrome,chrome')
    expect(lines).toHaveLength(13)
  })

  test('--json prints a versioned result with counts by method and reason', () => {
    const r = runFm(['analyze', 'fixtures/skydive/two-agents.json', '--json'])
    expect(r.status).toBe(0)
    const m = JSON.parse(r.stdout)
    expect(m.schemaVersion).toBe(1)
    expect(m.stats.matched).toEqual({socket: 42, listener: 0, flow: 0})
    expect(m.stats.unmatched).toEqual({external: 4, 'no-listener': 0, 'host-without-sockets': 0})
    expect(m.ambiguities.length).toBe(m.stats.ambiguities)
  })

  test('--db keeps a database whose tables answer ad-hoc SQL, and --output writes the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-e2e-'))
    onTestFinished(() => rmSync(dir, {recursive: true, force: true}))
    const r = runFm(['analyze', 'fixtures/skydive/two-agents.json', '--db', join(dir, 'fm.db'), '--format', 'dot', '--output', join(dir, 'm.dot')])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    expect(readFileSync(join(dir, 'm.dot'), 'utf8')).toMatch(/^digraph fm \{/)
    const db = new Database(join(dir, 'fm.db'), {readonly: true})
    const roles = db.prepare('SELECT role, COUNT(*) AS n FROM sockets GROUP BY role ORDER BY role').all()
    expect(roles).toEqual([
      {role: 'client', n: 46},
      {role: 'listener', n: 86},
      {role: 'server', n: 42},
    ])
    expect(db.prepare("SELECT COUNT(*) AS n FROM matches WHERE method = 'socket'").get()).toEqual({n: 42})
    expect(db.prepare('SELECT COUNT(DISTINCT host_id) AS n FROM addresses').get()).toEqual({n: 2})
    db.close()
  })

  test('--list-no-peers prints the unmatched client sockets with their reason', () => {
    const r = runFm(['analyze', 'fixtures/skydive/two-agents.json', '--list-no-peers'])
    expect(r.status).toBe(0)
    const lines = r.stdout.trimEnd().split('\r\n')
    expect(lines[0]).toBe('reason,host,protocol,local_ip,local_port,remote_ip,remote_port,state,proc,procname,pid')
    expect(lines.slice(1).every((l) => l.startsWith('external,'))).toBe(true)
    expect(lines).toHaveLength(5)
  })

  test('a usage error exits 2', () => {
    expect(runFm(['analyze', '--format', 'nope', 'x.json']).status).toBe(2)
  })
})

// The streamed outputs (written while the store hands the matrix over) against the whole-matrix
// writers on the library's result. The generated deployment is large enough to read in the
// worker thread (over 4 MB), so the binary's default path is exercised too.
describe('streamed outputs of the built binary are the whole-matrix writers\' bytes', async () => {
  const {analyze} = await import('@fm/analyze')
  const {matrixToCsv, matrixToJson, unmatchedToCsv} = await import('@fm/render')
  const {writeDeployment} = await import('@fm/gen')
  const dir = mkdtempSync(join(tmpdir(), 'fm-e2e-stream-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  const generated = writeDeployment({hosts: 320, seed: 4}, join(dir, 'gen'))

  test('the generated dump is read in the worker thread by default', async () => {
    const {WORKER_MIN_BYTES} = await import('@fm/analyze')
    expect(generated.dumpBytes).toBeGreaterThan(WORKER_MIN_BYTES)
  })

  test.each([
    ['the real dump', 'fixtures/skydive/two-agents.json'],
    ['a generated deployment', generated.dump],
  ])('%s: csv, wide-csv, json, --list-no-peers as csv and json', async (_name, dump) => {
    const file = dump.startsWith('/') ? dump : join(APP_ROOT, '../..', dump)
    const m = await analyze({inputs: [file], evidenceLimit: 10})
    const out = (args: string[]): string => {
      const target = join(dir, `out-${args.join('_').replaceAll('-', '')}`)
      const r = runFm(['analyze', file, ...args, '--output', target])
      expect(r.status, r.stderr).toBe(0)
      return readFileSync(target, 'utf8')
    }
    expect(out([])).toBe(matrixToCsv(m))
    expect(out(['--format', 'wide-csv'])).toBe(matrixToCsv(m, {wide: true}))
    expect(out(['--format', 'json'])).toBe(matrixToJson(m))
    expect(out(['--list-no-peers'])).toBe(unmatchedToCsv(m.unmatched))
    expect(out(['--list-no-peers', '--format', 'json'])).toBe(JSON.stringify(m.unmatched, null, 2) + '\n')
    expect(m.entries.length).toBeGreaterThan(5)
    expect(m.unmatched.length).toBeGreaterThan(0)
    expect(m.ambiguities.length).toBeGreaterThan(0)
  })
})

import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {edgeLabel, type DiffReport} from '@fm/baseline'
import Diff from '../src/commands/diff.js'
import {generateDeployment} from '@fm/gen'
import {runCommand} from './helpers/run-command.js'
import {addConnection, hostNode, loadDump, removeSockets, scratch, TWO_AGENTS, type Dump, type RawSocket} from './check-fixture.js'

const tmp = scratch('fm-diff-')
afterAll(() => tmp.cleanup())

const generated = generateDeployment({hosts: 12, seed: 5})
const dumpOf = (): Dump => JSON.parse([...generated.dump()].join('')) as Dump
let before = ''
let after = ''
let beforeCsv = ''

/** Every socket of the dump with its host. */
function sockets(d: Dump): {host: string; s: RawSocket}[] {
  return d[0].Nodes.flatMap((n) => (n.Metadata.Sockets ?? []).map((s) => ({host: n.Host ?? '', s})))
}

beforeAll(() => {
  before = tmp.file('before.json', dumpOf())
  beforeCsv = tmp.file('before.csv', generated.matrixCsv())
  // The second capture: one new edge, one gone, one changed binary, one connection fewer.
  const d = dumpOf()
  const mysql = sockets(d).find(({s}) => s.Name === 'mysqld' && s.State === 'ESTABLISHED' && s.LocalPort === 3306)!
  addConnection(d, mysql.host, {
    client: {LocalAddress: mysql.s.LocalAddress, LocalPort: 40000, Process: '/tmp/.x/evil', Name: 'evil'},
    server: {LocalAddress: mysql.s.LocalAddress, LocalPort: 3306, Process: mysql.s.Process, Name: 'mysqld'},
  })
  removeSockets(d, (s) => s.Name === 'telegraf')
  for (const {s} of sockets(d)) if (s.Name === 'memcached') s.Process = '/opt/memcached/bin/memcached'
  const novaApi = sockets(d).find(({s}) => s.Name === 'nova-api' && s.State === 'ESTABLISHED' && s.RemotePort === 5000)!.s
  removeSockets(d, (s) => s === novaApi)
  after = tmp.file('after.json', d)
})

describe('fm diff', () => {
  test('on two captures of a generated deployment finds exactly the edges changed', async () => {
    const r = await runCommand<DiffReport>(Diff, [before, after, '--json'])
    expect(r.exitCode).toBe(0)
    const d = r.result!
    expect(d.added.map(edgeLabel)).toEqual(['evil → mysqld TCP/3306'])
    expect(d.removed.map(edgeLabel)).toEqual(['telegraf → statsd_exporter TCP/8125'])
    expect(d.changed.map((c) => [edgeLabel(c.after), c.changes.map((x) => x.field)])).toEqual([
      ['httpd → memcached TCP/11211', ['serverPaths']],
      ['nova-api → httpd TCP/5000', ['connections']],
    ])
    expect(Number(d.changed[1].changes[0].after)).toBe(Number(d.changed[1].changes[0].before) - 1)
    expect(d.unchanged).toBe(12)
  })

  test('the generator\'s matrix CSV against the changed dump: the same edges, counts not compared', async () => {
    const r = await runCommand<DiffReport>(Diff, [beforeCsv, after, '--json'])
    const d = r.result!
    expect([d.added.map(edgeLabel), d.removed.map(edgeLabel), d.changed.map((c) => edgeLabel(c.after))]).toEqual([
      ['evil → mysqld TCP/3306'],
      ['telegraf → statsd_exporter TCP/8125'],
      ['httpd → memcached TCP/11211'],
    ])
    expect(d.countsCompared).toBe(false)
  })

  test('prints a table by default, Markdown on request, and exits 5 with --exit-code only when different', async () => {
    const table = await runCommand(Diff, [before, after])
    expect(table.stdout.split('\n').slice(0, 2)).toEqual(['+ evil → mysqld TCP/3306  (1 connection, seen in 1 snapshot)', '- telegraf → statsd_exporter TCP/8125  (8 connections, seen in 1 snapshot)'])
    expect(table.stdout).toContain('1 new, 1 gone, 2 changed, 12 unchanged (service level)')
    const md = await runCommand(Diff, [before, after, '--format', 'markdown'])
    expect(md.stdout).toContain('| changed | httpd → memcached TCP/11211 | server path /usr/bin/memcached → /opt/memcached/bin/memcached |')
    expect((await runCommand(Diff, [before, after, '--exit-code'])).exitCode).toBe(5)
    expect((await runCommand(Diff, [before, before, '--exit-code'])).exitCode).toBe(0)
    const json = await runCommand(Diff, [before, after, '--exit-code', '--json'])
    expect([json.exitCode, JSON.parse(json.stdout).added.length, json.stderr]).toEqual([5, 1, ''])
  })

  test('--level host keeps hosts: the real dump against a copy where agent-2 lost its chrome → node connection', async () => {
    const d = loadDump()
    const agent2 = hostNode(d, 'agent-2').Metadata
    agent2.Sockets = agent2.Sockets.filter((s) => !(s.Name === 'chrome' && s.RemotePort === 8080))
    const tweaked = tmp.file('tweaked.json', d)
    const svc = (await runCommand<DiffReport>(Diff, [TWO_AGENTS, tweaked, '--json'])).result!
    expect([svc.added, svc.removed, svc.changed.map((c) => [edgeLabel(c.after), c.changes])]).toEqual([[], [], [['chrome → node TCP/8080', [{field: 'connections', before: '2', after: '1'}]]]])
    const host = (await runCommand<DiffReport>(Diff, [TWO_AGENTS, tweaked, '--level', 'host', '--json'])).result!
    expect([host.added, host.removed.map(edgeLabel), host.changed]).toEqual([[], ['chrome@agent-2 → node@agent-2 TCP/8080'], []])
  })
})

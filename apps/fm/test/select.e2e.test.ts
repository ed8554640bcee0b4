import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {parseCsv} from '@fm/baseline'
import {writeDeployment} from '@fm/gen'
import {runFm} from './helpers/run-command.js'

// Runs the built binary (`npx tsc -b` first; `npm test` builds before testing) on a generated
// deployment, against the generator's ground truth (matrix.csv, truth.json).
const dir = mkdtempSync(join(tmpdir(), 'fm-select-e2e-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const gen = writeDeployment({hosts: 40, seed: 5}, join(dir, 'gen'))
const dump = join(dir, 'gen', 'dump.json')
const truthLines = readFileSync(join(dir, 'gen', 'matrix.csv'), 'utf8').split('\r\n').filter(Boolean)
const [header, ...truthRows] = truthLines
const truth = truthRows.map((line) => ({line, f: parseCsv(line + '\r\n')[0].map((c) => c.value)}))
const truthSummary = JSON.parse(readFileSync(join(dir, 'gen', 'truth.json'), 'utf8')) as {matched: Record<string, number>; entries: number}
// columns: protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname
const col = Object.fromEntries(header.split(',').map((h, i) => [h, i]))

const lines = (stdout: string): string[] => stdout.split('\r\n').filter(Boolean)

describe('the built fm selects entries of a generated deployment', {timeout: 180_000}, () => {
  test('the deployment has what these tests pick', () => {
    expect(gen.summary.entries).toBe(truth.length)
    expect(truth.some((t) => t.f[col.server] === 'cmp-00017' || t.f[col.client] === 'cmp-00017')).toBe(true)
  })

  test.for([
    ['--host cmp-00017', ['--host', 'cmp-00017'], (f: string[]) => f[col.server] === 'cmp-00017' || f[col.client] === 'cmp-00017'],
    ['--server beam.smp', ['--server', 'beam.smp'], (f: string[]) => f[col.server_procname] === 'beam.smp'],
    ['--server mysqld --protocol TCP', ['--server', 'mysqld', '--protocol', 'TCP'], (f: string[]) => f[col.server_procname] === 'mysqld' && f[col.protocol] === 'TCP'],
    ['--client-host ctrl-* --port 9100', ['--client-host', 'ctrl-*', '--port', '9100'], (f: string[]) => f[col.client].startsWith('ctrl-') && f[col.port] === '9100'],
  ] as [string, string[], (f: string[]) => boolean][])('%s prints exactly the truth\'s rows and says how many', ([, flags, want]) => {
    const r = runFm(['analyze', dump, ...flags])
    expect(r.status).toBe(0)
    const expected = truth.filter((t) => want(t.f)).map((t) => t.line)
    expect(expected.length).toBeGreaterThan(0)
    expect(lines(r.stdout)).toEqual([header, ...expected])
    expect(r.stderr).toBe(`${expected.length} of ${truth.length} entries selected (${flags.join(' ')})\n`)
  })

  test('a bad flag value is a usage error naming the flag', () => {
    const r = runFm(['analyze', dump, '--port', 'mysql'])
    expect([r.status, r.stdout]).toEqual([2, ''])
    expect(r.stderr).toContain('--port "mysql" is not a port')
  })

  test('--groups FILE --by group sums the truth\'s rows by the same rules', () => {
    const groupsFile = join(dir, 'groups.yaml')
    writeFileSync(groupsFile, [
      'version: 1',
      'hosts:',
      '  - {group: controllers, host: "ctrl-*"}',
      '  - {group: computes, address: 10.1.0.0/16}',
      'services:',
      '  - {service: rabbitmq, process: "*/beam.smp"}',
      '  - {service: nova, name: "nova-*"}',
      '',
    ].join('\n'))
    // the same rules, written again here: first match wins, else the host / process name
    const group = (host: string, ip: string): string => (host.startsWith('ctrl-') ? 'controllers' : /^10\.1\.\d+\.\d+$/.test(ip) ? 'computes' : host)
    const service = (path: string, name: string): string => (path.endsWith('/beam.smp') ? 'rabbitmq' : name.startsWith('nova-') ? 'nova' : name)
    const want = new Map<string, number>()
    for (const {f} of truth) {
      const key = [f[col.protocol], group(f[col.server], f[col.server_ip]), service(f[col.server_proc], f[col.server_procname]), f[col.port], group(f[col.client], f[col.client_ip]), service(f[col.client_proc], f[col.client_procname])].join(',')
      want.set(key, (want.get(key) ?? 0) + 1)
    }
    const r = runFm(['analyze', dump, '--groups', groupsFile, '--by', 'group'])
    expect([r.status, r.stderr]).toEqual([0, ''])
    const [head, ...rows] = lines(r.stdout)
    expect(head).toBe('protocol,server_group,server_service,port,client_group,client_service,connections,entries')
    const got = new Map(rows.map((row) => {
      const f = row.split(',')
      return [f.slice(0, 6).join(','), Number(f[7])] as const
    }))
    expect(got).toEqual(want)
    expect(rows.length).toBeLessThan(truth.length)
    // every connection of the deployment is in exactly one group row
    const connections = rows.reduce((n, row) => n + Number(row.split(',')[6]), 0)
    expect(connections).toBe(truthSummary.matched.socket + truthSummary.matched.listener)

    // the same rows as a graph: a cluster per group, a node per service of a group, an edge per row
    const dot = runFm(['analyze', dump, '--groups', groupsFile, '--by', 'group', '--format', 'dot'])
    expect([dot.status, dot.stderr]).toEqual([0, ''])
    const edgeLines = dot.stdout.split('\n').filter((l) => l.includes(' -> '))
    expect(edgeLines).toHaveLength(rows.length)
    const clusters = [...dot.stdout.matchAll(/subgraph "cluster_\d+" \{\n {4}label=("(?:[^"\\]|\\.)*");/g)].map((m) => JSON.parse(m[1]) as string)
    expect(new Set(clusters)).toEqual(new Set(rows.flatMap((row) => [row.split(',')[1], row.split(',')[4]])))
    const [one] = rows
    const f = one.split(',')
    expect(edgeLines).toContain(`  ${JSON.stringify(JSON.stringify([f[4], '', f[5]]))} -> ${JSON.stringify(JSON.stringify([f[1], '', f[2]]))} [label="${f[0]} : ${f[3]}${Number(f[6]) > 1 ? ` (${f[6]})` : ''}"];`)

    // a group name is a host name to the filters, and services are renamed without --by group
    const sel = runFm(['analyze', dump, '--groups', groupsFile, '--host', 'controllers', '--server', 'rabbitmq'])
    expect(sel.status).toBe(0)
    const expected = truth.filter((t) => t.f[col.server_proc].endsWith('/beam.smp') && (t.f[col.server].startsWith('ctrl-') || t.f[col.client].startsWith('ctrl-')))
    expect(lines(sel.stdout).slice(1)).toEqual(expected.map((t) => [...t.f.slice(0, 5), 'rabbitmq', ...t.f.slice(6, 9), service(t.f[col.client_proc], t.f[col.client_procname])].join(',')))
  })

  test('report, baseline, check and diff read the same selection', () => {
    const served = truth.filter((t) => t.f[col.server_procname] === 'mysqld')
    const out = join(dir, 'report.html')
    const report = runFm(['report', dump, '--out', out, '--server', 'mysqld', '--json'])
    expect(report.status).toBe(0)
    expect((JSON.parse(report.stdout) as {entries: number}).entries).toBe(served.length)
    expect(report.stderr).toBe(`${served.length} of ${truth.length} entries selected (--server mysqld)\n`)

    const baseline = join(dir, 'mysql.yaml')
    expect(runFm(['baseline', dump, '--server', 'mysqld', '--out', baseline]).status).toBe(0)
    const rules = readFileSync(baseline, 'utf8').split('\n').filter((l) => l.trim().startsWith('- {'))
    const edges = new Set(served.map((t) => `${t.f[col.client_procname]}>${t.f[col.port]}`))
    expect(rules.length).toBe(edges.size)
    for (const rule of rules) expect(rule).toContain('server: mysqld')
    // the whole deployment breaks the mysql-only baseline; the same selection passes it
    expect(runFm(['check', dump, '--baseline', baseline]).status).toBe(5)
    expect(runFm(['check', dump, '--baseline', baseline, '--server', 'mysqld']).status).toBe(0)
    // diff reads both sides through the selection
    const diff = runFm(['diff', dump, dump, '--server', 'mysqld', '--format', 'json'])
    expect(diff.status).toBe(0)
    expect((JSON.parse(diff.stdout) as {different: boolean}).different).toBe(false)
  })

  test('fm report --groups draws the views between groups; circo says on stderr that it draws no clusters', () => {
    const groupsFile = join(dir, 'report-groups.yaml')
    writeFileSync(groupsFile, 'version: 1\nhosts:\n  - {group: controllers, host: "ctrl-*"}\n  - {group: computes, host: "cmp-*"}\n')
    const out = join(dir, 'groups-report.html')
    const r = runFm(['report', dump, '--groups', groupsFile, '--out', out])
    expect([r.status, r.stderr]).toEqual([0, ''])
    const html = readFileSync(out, 'utf8')
    expect(html).toContain('<h2>Groups, services and connections</h2>')
    expect(html).toMatch(/<p class="groups-note" id="groups-note">Groups \(--groups\): of the \d+ hosts at either end of a connection, \d+ hosts in 2 groups, 0 alone/)
    const svgOut = join(dir, 'groups-graph.svg')
    const circo = runFm(['report', dump, '--groups', groupsFile, '--format', 'render', '--engine', 'circo', '--out', svgOut])
    expect(circo.status).toBe(0)
    expect(circo.stderr).toBe('note: circo lays nodes out freely and keeps no clusters of hosts apart: none is drawn, and each node names its host (or group) on a second line instead.\n')
    expect(readFileSync(svgOut, 'utf8')).not.toContain('class="cluster"')
  })

  test('baseline, check and diff at --level group name groups, and need --groups', () => {
    const groupsFile = join(dir, 'level-groups.yaml')
    writeFileSync(groupsFile, 'version: 1\nhosts:\n  - {group: controllers, host: "ctrl-*"}\n  - {group: computes, host: "cmp-*"}\n')
    const baseline = join(dir, 'groups-baseline.yaml')
    const made = runFm(['baseline', dump, '--level', 'group', '--groups', groupsFile, '--out', baseline])
    expect(made.status).toBe(0)
    const rules = readFileSync(baseline, 'utf8').split('\n').filter((l) => l.trim().startsWith('- {'))
    const hostOf = (h: string): string => (h.startsWith('ctrl-') ? 'controllers' : h.startsWith('cmp-') ? 'computes' : h)
    const edges = new Set(truth.map(({f}) => [hostOf(f[col.client]), f[col.client_procname], hostOf(f[col.server]), f[col.server_procname], f[col.protocol], f[col.port]].join(' ')))
    expect(rules.length).toBe(edges.size)
    expect(readFileSync(baseline, 'utf8')).toContain('level: group')
    expect(runFm(['check', dump, '--baseline', baseline, '--groups', groupsFile]).status).toBe(0)
    const noGroups = runFm(['check', dump, '--baseline', baseline])
    expect([noGroups.status, noGroups.stdout]).toEqual([2, ''])
    expect(noGroups.stderr).toContain('level group compares groups of hosts: add --groups FILE')
    const diff = runFm(['diff', dump, dump, '--level', 'group', '--groups', groupsFile])
    expect(diff.status).toBe(0)
    expect(diff.stdout).toContain(`0 new, 0 gone, 0 changed, ${edges.size} unchanged (group level)`)
  })

  test('a groups file with a mistake fails with its line and column', () => {
    const bad = join(dir, 'bad-groups.yaml')
    writeFileSync(bad, 'version: 1\nhosts:\n  - {group: a, hosts: "x"}\n')
    const r = runFm(['analyze', dump, '--groups', bad, '--by', 'group'])
    expect([r.status, r.stdout]).toEqual([3, ''])
    expect(r.stderr).toContain('line 3, column 16: unknown field "hosts"')
  })
})

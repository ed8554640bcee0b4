import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import {afterAll, describe, expect, test} from 'vitest'
import type {CheckReport} from '@fm/baseline'
import Check from '../src/commands/check.js'
import Policy, {type PolicyResult} from '../src/commands/policy.js'
import {runCommand} from './helpers/run-command.js'
import {scratch} from './check-fixture.js'

const tmp = scratch('fm-policy-')
afterAll(() => tmp.cleanup())

type Conn = {proto?: string; client: string; cport: number; server: string; port: number; cname?: string; sname?: string}

/**
 * A small G dump: hosts with an address each (interface + ownership edge), listeners, and
 * established connections written as both sockets (client and the server socket mirroring it).
 */
function dump(hosts: Record<string, string>, listeners: {host: string; proto?: string; addr: string; port: number; name: string}[], conns: Conn[]): object {
  const sockets = new Map<string, object[]>(Object.keys(hosts).map((h) => [h, []]))
  const owner = (ip: string): string => Object.keys(hosts).find((h) => hosts[h] === ip)!
  for (const l of listeners) {
    const udp = l.proto === 'UDP'
    sockets.get(l.host)!.push({Protocol: l.proto ?? 'TCP', LocalAddress: l.addr, LocalPort: l.port, RemoteAddress: udp ? '0.0.0.0' : '0.0.0.0', RemotePort: 0, State: udp ? 'CLOSE' : 'LISTEN', Process: `/usr/sbin/${l.name}`, Pid: 10, Name: l.name})
  }
  for (const c of conns) {
    const base = {Protocol: c.proto ?? 'TCP', State: 'ESTABLISHED', Pid: 20}
    sockets.get(owner(c.client))!.push({...base, LocalAddress: c.client, LocalPort: c.cport, RemoteAddress: c.server, RemotePort: c.port, Process: `/usr/bin/${c.cname ?? 'curl'}`, Name: c.cname ?? 'curl'})
    sockets.get(owner(c.server))!.push({...base, LocalAddress: c.server, LocalPort: c.port, RemoteAddress: c.client, RemotePort: c.cport, Process: `/usr/sbin/${c.sname ?? 'nginx'}`, Name: c.sname ?? 'nginx'})
  }
  const nodes: object[] = []
  const edges: object[] = []
  for (const [h, ip] of Object.entries(hosts)) {
    nodes.push({ID: `host-${h}`, Host: h, Metadata: {Type: 'host', Name: h, Sockets: sockets.get(h)}})
    // web has a second address no client used: its wildcard listener is opened there too
    nodes.push({ID: `if-${h}`, Host: h, Metadata: {Type: 'device', Name: 'eth0', IPV4: [`${ip}/24`, ...(h === 'web' ? ['10.232.8.10/24'] : [])]}})
    edges.push({ID: `e-${h}`, Host: h, Parent: `host-${h}`, Child: `if-${h}`, Metadata: {RelationType: 'ownership'}})
  }
  return [{Nodes: nodes, Edges: edges}]
}

const hosts = {web: '10.232.5.10', c1: '10.232.5.21', c2: '10.232.5.22', c3: '10.232.6.23'}
const listeners = [
  {host: 'web', addr: '0.0.0.0', port: 80, name: 'nginx'},
  {host: 'web', addr: '127.0.0.1', port: 5432, name: 'postgres'},
  {host: 'web', addr: '::', port: 22, name: 'sshd'},
  {host: 'web', proto: 'UDP', addr: '10.232.5.10', port: 53, name: 'named'},
]
const seen: Conn[] = [
  {client: '10.232.5.21', cport: 40001, server: '10.232.5.10', port: 80},
  {client: '10.232.5.22', cport: 40002, server: '10.232.5.10', port: 80},
  {proto: 'UDP', client: '10.232.5.21', cport: 40003, server: '10.232.5.10', port: 53, cname: 'dig', sname: 'named'},
]
const today = tmp.file('today.json', dump(hosts, listeners, seen))
const tomorrow = tmp.file('tomorrow.json', dump(hosts, listeners, [...seen, {client: '10.232.6.23', cport: 40004, server: '10.232.5.10', port: 80, cname: 'wget'}]))

describe('fm policy', () => {
  test('writes one file per server host and a README saying what is opened to whom, and why', async () => {
    const out = join(tmp.dir, 'pol')
    const r = await runCommand<PolicyResult>(Policy, [today, '--out', out])
    expect(r.error).toBeUndefined()
    expect(r.stdout).toBe(`${out}: 1 host, 1 nftables file and README.md (enforce, 1 snapshot)\n`)
    expect(readdirSync(out).sort()).toEqual(['README.md', 'web.nft'])
    expect(r.result?.hosts).toEqual([{host: 'web', opened: ['TCP/80', 'UDP/53'], clients: 3, dropped: 0}])
    const nft = readFileSync(join(out, 'web.nft'), 'utf8')
    expect(nft).toContain('elements = { 10.232.5.21,\n\t\t\t     10.232.5.22 }')
    expect(nft).toContain('ip saddr @tcp_80_src4 ip daddr @tcp_80_dst4 tcp dport 80 accept')
    expect(nft).toContain('set tcp_80_dst4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.232.5.10,\n\t\t\t     10.232.8.10 }')
    expect(nft).toContain('set udp_53_dst4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.232.5.10 }')
    const readme = readFileSync(join(out, 'README.md'), 'utf8')
    expect(readme).toContain('### TCP/80 (nginx)')
    expect(readme).toContain('| c1 | 10.232.5.21 | curl | nginx@10.232.5.10 | 1 | 1 of 1 | observed |')
    expect(readme).toContain('- TCP/22 on :: (sshd)')
    expect(readme).toContain('- TCP/5432 on 127.0.0.1 (postgres)')
    expect(readme).toContain('**Not covered**: outbound traffic')
  })

  test('check --policy: 0 on the capture it came from, 5 naming a connection it would drop, in every format', async () => {
    const out = join(tmp.dir, 'pol-check')
    expect((await runCommand(Policy, [today, '--out', out])).error).toBeUndefined()
    const ok = await runCommand(Check, ['--policy', out, today])
    expect(ok.exitCode).toBe(0)
    expect(ok.stdout).toBe(`fm check ${out}: OK\n3 edges allowed, 0 ignored, 0 unexpected, 0 flaky; 1 snapshot, host level, --min-seen 1\n`)

    const bad = await runCommand(Check, ['--policy', out, tomorrow])
    expect(bad.exitCode).toBe(5)
    expect(bad.stdout).toContain(`✗ policy drops TCP/80 from c3 10.232.6.23 (wget) to web 10.232.5.10 (nginx): seen in 1 of 1 snapshots, 1 connection; dropped by ${join(out, 'web.nft')} line`)
    expect(bad.stderr).toContain(`1 violation of ${out}`)
    const junit = new XMLParser({ignoreAttributes: false, attributeNamePrefix: ''}).parse((await runCommand(Check, ['--policy', out, tomorrow, '--format', 'junit'])).stdout, true)
    expect(junit.testsuites.failures).toBe('1')
    const tap = (await runCommand(Check, ['--policy', out, tomorrow, '--format', 'tap'])).stdout
    expect(tap).toMatch(/^not ok 1 - unexpected edge wget@c3 → nginx@web TCP\/80$/m)
    const md = (await runCommand(Check, ['--policy', out, tomorrow, '--format', 'markdown'])).stdout
    expect(md).toContain('### ❌ fm check')
    const json = await runCommand(Check, ['--policy', out, tomorrow, '--json'])
    expect(json.exitCode).toBe(5)
    expect((JSON.parse(json.stdout) as CheckReport).violations.map((v) => v.kind === 'unexpected' && v.edge.clientIps)).toEqual([['10.232.6.23']])
  })

  test('--aggregate /16 lets the new client in; iptables files are checked the same way', async () => {
    const wide = join(tmp.dir, 'pol-wide')
    expect((await runCommand(Policy, [today, '--aggregate', '/16', '--out', wide])).error).toBeUndefined()
    expect((await runCommand(Check, ['--policy', wide, tomorrow])).exitCode).toBe(0)
    const ipt = join(tmp.dir, 'pol-ipt')
    expect((await runCommand(Policy, [today, '--format', 'iptables', '--out', ipt])).error).toBeUndefined()
    expect(readdirSync(ipt).sort()).toEqual(['README.md', 'web.rules', 'web.rules6'])
    expect((await runCommand(Check, ['--policy', ipt, today])).exitCode).toBe(0)
    expect((await runCommand(Check, ['--policy', ipt, tomorrow])).exitCode).toBe(5)
  })

  test('with --baseline only allowed connections become rules: check --policy then names the others on the same capture', async () => {
    const baseline = tmp.file('baseline.yaml', 'version: 1\nlevel: service\nallow:\n  - {client: curl, server: nginx, port: 80}\n')
    const out = join(tmp.dir, 'pol-baseline')
    const r = await runCommand<PolicyResult>(Policy, [today, '--baseline', baseline, '--out', out])
    expect(r.stdout).toContain('1 observed connection not allowed, listed in README.md')
    const readme = readFileSync(join(out, 'README.md'), 'utf8')
    expect(readme).toContain('| UDP/53 | c1 | 10.232.5.21 | dig | named@10.232.5.10 | 1 | not allowed by the baseline |')
    expect(readme).toMatch(/\| c1 \| 10\.232\.5\.21 \| curl \| nginx@10\.232\.5\.10 \| 1 \| 1 of 1 \| allow .* \(line 4\) \|/)
    const check = await runCommand(Check, ['--policy', out, today])
    expect(check.exitCode).toBe(5)
    expect(check.stdout).toContain('policy drops UDP/53 from c1 10.232.5.21 (dig)')
  })

  test('monitor mode: nothing is dropped, but check --policy names what enforcing would drop', async () => {
    const out = join(tmp.dir, 'pol-monitor')
    expect((await runCommand(Policy, [today, '--mode', 'monitor', '--out', out])).error).toBeUndefined()
    expect(readFileSync(join(out, 'web.nft'), 'utf8')).toContain('log prefix "fm-policy would drop: " counter accept')
    const r = await runCommand(Check, ['--policy', out, tomorrow])
    expect(r.exitCode).toBe(5)
    expect(r.stdout).toContain('policy would drop TCP/80 from c3 10.232.6.23 (wget)')
    expect(r.stdout).toContain('logged by the monitor-mode policy, dropped once enforced')
  })

  test('the folder is replaced whole when fm wrote it, and refused when it did not', async () => {
    const out = join(tmp.dir, 'pol-replace')
    expect((await runCommand(Policy, [today, '--out', out])).error).toBeUndefined()
    writeFileSync(join(out, 'stale.nft'), 'left over')
    expect((await runCommand(Policy, [today, '--out', out])).error).toBeUndefined()
    expect(readdirSync(out).sort()).toEqual(['README.md', 'web.nft'])
    const foreign = join(tmp.dir, 'foreign')
    mkdirSync(foreign)
    writeFileSync(join(foreign, 'notes.txt'), 'mine')
    const r = await runCommand(Policy, [today, '--out', foreign])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain(`Error: --out ${foreign} is a folder fm policy did not write: give a new or empty folder`)
    expect(readdirSync(foreign)).toEqual(['notes.txt'])
  })

  test.for([
    [['--aggregate', '/33'], 2, '--aggregate must be a prefix length /0-/32, got "/33"'],
    [['--aggregate-v6', 'x'], 2, '--aggregate-v6 must be a prefix length /0-/128, got "x"'],
    [['--format', 'pf'], 2, 'Expected --format=pf to be one of: nftables, iptables'],
  ] as const)('bad flags %j: exit %i', async ([flags, code, message]) => {
    const r = await runCommand(Policy, [today, ...flags, '--out', join(tmp.dir, 'never')])
    expect(r.exitCode).toBe(code)
    expect(r.stderr).toContain(message)
  })
})

describe('fm check --policy reads what it can evaluate, and says what it cannot', () => {
  test('--baseline and --policy: exactly one', async () => {
    expect((await runCommand(Check, [today])).exitCode).toBe(2)
    expect((await runCommand(Check, ['--policy', tmp.dir, '--baseline', 'b.yaml', today])).exitCode).toBe(2)
  })

  test('a missing folder, a folder without rules, and an edited file with something fm cannot evaluate: exit 3 with the line', async () => {
    const missing = await runCommand(Check, ['--policy', join(tmp.dir, 'nope'), today])
    expect(missing.exitCode).toBe(3)
    expect(missing.stderr).toContain(`Error: ${join(tmp.dir, 'nope')}: no such policy folder`)
    const empty = join(tmp.dir, 'empty')
    mkdirSync(empty)
    expect((await runCommand(Check, ['--policy', empty, today])).stderr).toContain(`${empty}: no .nft, .rules or .rules6 file: not a folder fm policy wrote`)
    const out = join(tmp.dir, 'pol-edited')
    await runCommand(Policy, [today, '--out', out])
    const file = join(out, 'web.nft')
    const lines = readFileSync(file, 'utf8').split('\n')
    const at = lines.findIndex((l) => l.includes('counter drop'))
    lines.splice(at, 0, '\t\tjump elsewhere')
    writeFileSync(file, lines.join('\n'))
    const r = await runCommand(Check, ['--policy', out, today])
    expect(r.exitCode).toBe(3)
    expect(r.stderr).toContain(`${file}: line ${at + 1}: fm cannot evaluate "jump"`)
  })

  test('an element added to a set by hand is honoured', async () => {
    const out = join(tmp.dir, 'pol-hand')
    await runCommand(Policy, [today, '--out', out])
    const file = join(out, 'web.nft')
    writeFileSync(file, readFileSync(file, 'utf8').replace('elements = { 10.232.5.21,', 'elements = { 10.232.6.23, 10.232.5.21,'))
    expect((await runCommand(Check, ['--policy', out, tomorrow])).exitCode).toBe(0)
  })
})

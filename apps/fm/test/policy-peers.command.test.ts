import {chmodSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import type {CheckReport} from '@fm/baseline'
import Capture from '../src/commands/capture.js'
import Check from '../src/commands/check.js'
import Policy, {type PolicyResult} from '../src/commands/policy.js'
import {closedAccessWarning, sshPort} from '../src/lib/policy-access.js'
import {REPO_ROOT, runCommand} from './helpers/run-command.js'
import {scratch} from './check-fixture.js'

// Issue 31: a CentOS 7 host whose only inbound connection is an ssh session from 10.0.2.2, an
// address no captured host owns (the operator's own session, as `fm capture --ssh` makes it).
const BUNDLE = join(REPO_ROOT, 'fixtures/collect/centos7-two-namespaces/bundle.txt')
const tmp = scratch('fm-policy-peers-')
afterAll(() => tmp.cleanup())
let n = 0
const fresh = (name: string): string => join(tmp.dir, `${name}-${++n}`)

/** The bundle captured through a transport that prints it, as `fm capture --ssh` would collect it. */
async function captured(template = `sh -c 'cat ${BUNDLE}' {host}`): Promise<string> {
  const out = fresh('cap')
  const r = await runCommand(Capture, ['--ssh', 'web-1', '--ssh-command', template, '--out', out])
  expect(r.exitCode, r.stderr).toBe(0)
  return out
}

describe('fm policy keeps the connections it saw from outside the capture', () => {
  test('the ssh session from 10.0.2.2 stays allowed, README.md lists it as an outside peer of TCP/22, check --policy says OK', async () => {
    const cap = await captured()
    const out = fresh('pol')
    const r = await runCommand<PolicyResult>(Policy, [cap, '--out', out])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.result!.hosts).toEqual([{host: 'web-1', opened: ['TCP/22'], clients: 1, dropped: 0}])
    const nft = readFileSync(join(out, 'web-1.nft'), 'utf8')
    expect(nft).toMatch(/set tcp_22_src4 \{[^}]*elements = \{ 10\.0\.2\.2 \}/)
    expect(nft).toContain('ip saddr @tcp_22_src4 ip daddr @tcp_22_dst4 tcp dport 22 accept')
    const readme = readFileSync(join(out, 'README.md'), 'utf8')
    expect(readme).toContain('| web-1 | web-1.nft | TCP/22 | 0 |')
    expect(readme).toContain('| *outside peer* | 10.0.2.2 | ? | sshd@10.0.2.15 | 1 | 1 of 1 | observed |')
    expect(readme).toContain("Outside peers kept (seen on web-1's own sockets, matched to no captured client: an operator, a bastion, a client outside the capture): `10.0.2.2`.")
    expect(readme).not.toContain('TCP/22 on')
    // open to the one address observed: every other admin would be locked out, and fm says so
    expect(r.stderr).toContain('WARNING: this policy restricts remote login')
    expect(r.stderr).toContain('TCP/22 (sshd) open only to the address observed on web-1')
    expect(r.stderr).toContain('--allow-from CIDR:22')

    const check = await runCommand(Check, ['--policy', out, cap])
    expect(check.exitCode, check.stdout + check.stderr).toBe(0)
    expect(check.stdout).toContain('1 edges allowed, 0 ignored, 0 unexpected')
  })

  test('check --policy with a policy that lacks the outside peer exits 5 and names the connection', async () => {
    const cap = await captured()
    const out = fresh('pol')
    expect((await runCommand(Policy, [cap, '--out', out])).exitCode).toBe(0)
    // the policy as it was before issue 31: sshd open to someone else (10.0.2.99), not to the session observed
    const file = join(out, 'web-1.nft')
    writeFileSync(file, readFileSync(file, 'utf8').replace('elements = { 10.0.2.2 }', 'elements = { 10.0.2.99 }'))
    const check = await runCommand(Check, ['--policy', out, cap])
    expect(check.exitCode).toBe(5)
    expect(check.stdout).toMatch(/policy drops TCP\/22 from an outside peer 10\.0\.2\.2 \(\?\) to web-1 10\.0\.2\.15 \(sshd\): seen in 1 of 1 snapshots, 1 connection; dropped by .*web-1\.nft line \d+$/m)
    const json = await runCommand(Check, ['--policy', out, cap, '--format', 'json'])
    expect(json.exitCode).toBe(5)
    const report = JSON.parse(json.stdout) as CheckReport
    expect(report.violations.map((v) => (v.kind !== 'unexpected' ? v.kind : `${v.edge.protocol}/${v.edge.port} ${v.edge.clientIps} → ${v.edge.serverIps}`))).toEqual(['TCP/22 10.0.2.2 → 10.0.2.15'])
  })

  test('--allow-from opens sshd to the admin network too, and the warning goes', async () => {
    const cap = await captured()
    const out = fresh('pol')
    const r = await runCommand<PolicyResult>(Policy, [cap, '--out', out, '--allow-from', '192.0.2.0/24:22', '--allow-from', 'fd00:99::/64'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.result!.closedAccess).toEqual([])
    const nft = readFileSync(join(out, 'web-1.nft'), 'utf8')
    expect(nft).toMatch(/set tcp_22_src4 \{[^}]*elements = \{ 10\.0\.2\.2,\s+192\.0\.2\.0\/24 \}/)
    // a network alone opens every port the host listens on (the v6 one: TCP/22 and UDP/68 on ::)
    expect(nft).toMatch(/set tcp_22_src6 \{[^}]*elements = \{ fd00:99::\/64 \}/)
    expect(nft).toMatch(/set udp_68_src6 \{[^}]*elements = \{ fd00:99::\/64 \}/)
    expect(nft).not.toContain('udp_68_src4')
    const readme = readFileSync(join(out, 'README.md'), 'utf8')
    expect(readme).toContain('Also opened to the admin networks of `--allow-from`: `192.0.2.0/24`, `fd00:99::/64`.')
    const check = await runCommand(Check, ['--policy', out, cap])
    expect(check.exitCode).toBe(0)
  })

  test.for([['10.0.0.0/33'], ['10.0.0.1:0'], ['fd00::1:22x'], ['web-1'], ['10.0.0.1:70000']])('--allow-from %s is a usage error (exit 2)', async ([v]) => {
    const cap = await captured()
    const r = await runCommand(Policy, [cap, '--out', fresh('pol'), '--allow-from', v])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('--allow-from must be CIDR or CIDR:PORT')
  })

  test('a closed sshd is a warning too, and so is the port of the ssh transport the capture logged in with', async () => {
    // the same host with no session at all: sshd (and a service on 2222) listen, no client observed
    const quiet = readFileSync(BUNDLE, 'utf8').replace(/^tcp {4}ESTAB .*:22 .*\n/m, '').replace('udp    UNCONN', 'tcp    LISTEN     0      128                    *:2222                  *:*      ino:16546 sk:ffff88003c9f0001 <->\nudp    UNCONN')
    const file = tmp.file('quiet.txt', quiet)
    // a transport that reads `ssh -p 2222`: the capture logged in on 2222 (the fake ssh prints the bundle)
    const fake = tmp.file('ssh', `#!/bin/sh\ncat ${file}\n`)
    chmodSync(fake, 0o755)
    const cap = await captured(`${fake} -p 2222 {host}`)
    const r = await runCommand<PolicyResult>(Policy, [cap, '--out', fresh('pol')])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.result!.closedAccess.map((c) => `${c.protocol}/${c.port} ${c.service} ${c.clients}`)).toEqual(['TCP/22 sshd 0', 'TCP/2222 ? 0'])
    expect(r.stderr).toContain('TCP/22 (sshd) closed on web-1')
    expect(r.stderr).toContain('TCP/2222 (?) closed on web-1')
  })
})

describe('sshPort', () => {
  test.for<[string, number | null]>([
    ['ssh -o BatchMode=yes -- {host}', 22],
    ['ssh -p 2222 {host}', 2222],
    ['ssh -p2200 -- {host}', 2200],
    ['/usr/bin/ssh -o Port=2022 {host}', 2022],
    ['ssh -oPort=2023 {host}', 2023],
    ['env SSH_AUTH_SOCK=x ssh {host}', 22],
    ['sshpass -p secret ssh {host}', 22],
    ['ssh {host} -p 99', 22],
    ['ip netns exec {host}', null],
    ['env {host}', null],
  ])('%s → %s', ([template, port]) => {
    expect(sshPort(template)).toBe(port)
  })
})

describe('closedAccessWarning', () => {
  test('one line per port and verdict, at most 5 hosts named, control characters shown as ?', () => {
    const hosts = ['a', 'b', 'c', 'd', 'e', 'f\n']
    const w = closedAccessWarning(hosts.map((host) => ({host, protocol: 'TCP', port: 22, service: 'sshd', clients: 0})))!
    expect(w.split('\n')[1]).toBe('  TCP/22 (sshd) closed on 6 hosts (a, b, c, d, e, ...)')
    expect(closedAccessWarning([{host: 'x\u001b[2J', protocol: 'TCP', port: 22, service: 'sshd', clients: 2}])!).toContain('TCP/22 (sshd) open only to the addresses observed on x?[2J')
    expect(closedAccessWarning([])).toBeNull()
  })
})

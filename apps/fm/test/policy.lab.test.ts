import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import type {CheckReport} from '@fm/baseline'
import type {Matrix, MatrixEntry} from '@fm/model'
import {readHostHeader} from '@fm/policy'
import {labUnavailable, standardScenario, withLab, type Lab} from '@fm/lab'
import {KernelProbe, nftUnavailable, nsRun} from './helpers/kernel-probe.js'
import {runFm} from './helpers/run-command.js'
import {scratch} from './check-fixture.js'

// The built binary end to end on i17's namespace lab: fm capture --ssh through `ip netns exec`,
// fm policy, fm check --policy, then the files loaded with nft -f in each host's namespace.
const unavailable = labUnavailable() ?? nftUnavailable()
if (unavailable) console.warn(`skipping the policy lab test: ${unavailable}`)
const tmp = scratch('fm-policy-lab-')
afterAll(() => tmp.cleanup())

function capture(lab: Lab, out: string): void {
  const r = runFm(['capture', '--ssh', lab.hosts.map((h) => h.name).join(','), '--ssh-command', lab.sshCommand, '--namespaces', 'own', '--out', out])
  expect([r.status, r.stderr]).toEqual([0, ''])
}

function entries(input: string): MatrixEntry[] {
  const r = runFm(['analyze', input, '--format', 'json'])
  expect(r.status).toBe(0)
  return (JSON.parse(r.stdout) as Matrix).entries
}

const key = (e: MatrixEntry): string => `${e.protocol} ${e.client.host} ${e.client.ip} → ${e.server.host} ${e.server.ip}:${e.server.port}`

/** The entries a check report names as violations (each violation is an edge of host-level entries). */
function named(report: CheckReport, list: MatrixEntry[]): Set<string> {
  const out = new Set<string>()
  for (const v of report.violations) {
    if (v.kind !== 'unexpected') continue
    const g = v.edge
    for (const e of list) {
      if (e.protocol === g.protocol && e.server.port === g.port && g.clientHosts.includes(e.client.host) && g.serverHosts.includes(e.server.host) && g.clientIps.includes(e.client.ip) && g.serverIps.includes(e.server.ip)) out.add(key(e))
    }
  }
  return out
}

describe.skipIf(unavailable !== null)('fm policy on the namespace lab', () => {
  test('capture → policy → check --policy (0) → a new connection → check --policy (5) → nft -f in each namespace: the kernel agrees connection by connection', async () => {
    await withLab({hosts: ['a', 'b', 'c']}, async (lab) => {
      // TCP between hosts, two clients of one server, UDP, loopback inside a, a hostile process name on a wildcard listener
      const scenario = await standardScenario(lab)
      const before = join(tmp.dir, 'before')
      capture(lab, before)
      const policy = join(tmp.dir, 'policy')
      const made = runFm(['policy', before, '--out', policy])
      expect([made.status, made.stderr]).toEqual([0, ''])
      // a serves nothing beyond loopback: left alone, no file
      const files = readdirSync(policy).filter((f) => f.endsWith('.nft')).sort()
      expect(files.map((f) => readHostHeader(readFileSync(join(policy, f), 'utf8')))).toEqual([lab.host('b').name, lab.host('c').name])

      const same = runFm(['check', '--policy', policy, before])
      expect([same.status, same.stderr]).toEqual([0, ''])
      expect(same.stdout).toContain(': OK')

      // new connections the policy does not allow: a to c's hostile-named TCP listener, b to c's UDP listener
      const hostile = lab.listeners.find((l) => l.port === 9000)!
      const dns = lab.listeners.find((l) => l.port === 5353)!
      await lab.connect('a', hostile, {name: 'new-client'})
      await lab.connect('b', dns, {name: 'new-udp'})
      const after = join(tmp.dir, 'after')
      capture(lab, after)
      const checked = runFm(['check', '--policy', policy, after, '--json'])
      expect(checked.status).toBe(5)
      const report = JSON.parse(checked.stdout) as CheckReport
      const observedBefore = entries(before)
      const observedAfter = entries(after)
      const dropped = named(report, observedAfter)
      const a = lab.host('a')
      const b = lab.host('b')
      const c = lab.host('c')
      expect([...dropped].sort()).toEqual([`TCP ${a.name} ${a.address} → ${c.name} ${c.address}:9000`, `UDP ${b.name} ${b.address} → ${c.name} ${c.address}:5353`])
      const text = runFm(['check', '--policy', policy, after])
      expect(text.status).toBe(5)
      expect(text.stdout).toContain(`policy drops TCP/9000 from ${a.name} ${a.address} (new-client) to ${c.name} ${c.address} (ev"il),(x)`)
      expect(text.stderr).toBe(`Error: 2 violations of ${policy}\n`)
      // every connection of the first capture is still observed, and passes
      for (const e of observedBefore) expect(observedAfter.map(key)).toContain(key(e))
      expect(observedAfter).toHaveLength(observedBefore.length + 2)

      // apply each host's file inside its namespace, as README.md says, and try every observed connection again
      const probes = new Map(lab.hosts.map((h) => [h.name, new KernelProbe(h.name)]))
      for (const f of files) nsRun(readHostHeader(readFileSync(join(policy, f), 'utf8'))!, ['nft', '-f', join(policy, f)])
      const verdicts: string[] = []
      for (const e of observedAfter) {
        const k = await probes.get(e.server.host)!.attempt(e.client.host, e.protocol as 'TCP' | 'UDP', e.client.ip, e.server.ip, e.server.port)
        expect(k.passed, `${key(e)}: fm check --policy says ${dropped.has(key(e)) ? 'dropped' : 'accepted'}`).toBe(!dropped.has(key(e)))
        if (e.protocol === 'TCP') expect(k.connected, key(e)).toBe(k.passed)
        verdicts.push(`${key(e)} ${k.passed ? 'passed' : 'dropped'}`)
      }
      // the scenario's five connections pass (loopback included), the two new ones are dropped
      expect(verdicts.filter((v) => v.endsWith('passed'))).toHaveLength(scenario.length)
      expect(verdicts.filter((v) => v.endsWith('dropped'))).toHaveLength(2)
      for (const p of probes.values()) expect(p.present()).toBe(true)
    })
    // two captures, a dozen processes and 3 s for each dropped TCP attempt: minutes on a loaded 2-core machine
  }, 300_000)

  test('a client outside the capture (an ssh session from an address no captured host owns) still connects once the policy is applied', async () => {
    await withLab({hosts: ['srv', 'admin', 'other']}, async (lab) => {
      const srv = lab.host('srv')
      const sshd = await lab.listen('srv', {protocol: 'tcp', address: '0.0.0.0', port: 22, name: 'sshd'})
      await lab.connect('admin', sshd, {name: 'ssh'})
      // only srv is captured: admin's address is owned by no captured host, as an operator's laptop or a bastion
      const cap = join(tmp.dir, 'outside')
      const r = runFm(['capture', '--ssh', srv.name, '--ssh-command', lab.sshCommand, '--namespaces', 'own', '--out', cap])
      expect([r.status, r.stderr]).toEqual([0, ''])
      const policy = join(tmp.dir, 'outside-policy')
      const made = runFm(['policy', cap, '--out', policy])
      expect(made.status, made.stderr).toBe(0)
      expect(made.stderr).toContain(`TCP/22 (sshd) open only to the address observed on ${srv.name}`)
      expect(readFileSync(join(policy, 'README.md'), 'utf8')).toContain(`| *outside peer* | ${lab.host('admin').address} | ? | sshd@${srv.address} |`)
      const checked = runFm(['check', '--policy', policy, cap])
      expect([checked.status, checked.stderr]).toEqual([0, ''])

      const [file] = readdirSync(policy).filter((f) => f.endsWith('.nft'))
      lab.exec('srv', ['nft', '-f', join(policy, file)])
      // a new connection from the outside peer gets in; one from an address never observed is dropped
      expect(await lab.probe('admin', {address: srv.address, port: 22})).toBe('connected')
      expect(await lab.probe('other', {address: srv.address, port: 22})).toBe('timeout')
    })
  }, 120_000)
})

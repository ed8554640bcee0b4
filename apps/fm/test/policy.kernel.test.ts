import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, test} from 'vitest'
import type {HostListening, MatrixEntry} from '@fm/model'
import {buildPolicy, evaluateConnection, parsePolicyFiles, policyFiles, type PolicyFormat, type PolicyMode} from '@fm/policy'
import {KernelProbe, nftUnavailable, nsRun} from './helpers/kernel-probe.js'

const unavailable = nftUnavailable()
if (unavailable) console.warn(`skipping the nftables/iptables kernel tests: ${unavailable}`)
const iptablesMissing = spawnSync('iptables-restore', ['--version']).error ? 'iptables-restore is not installed (apt-get install iptables)' : null
if (!unavailable && iptablesMissing) console.warn(`skipping the iptables kernel test: ${iptablesMissing}`)

const tmp = mkdtempSync(join(tmpdir(), 'fm-policy-kernel-'))
const made: string[] = []
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  for (const ns of made) spawnSync('ip', ['netns', 'del', ns])
  rmSync(tmp, {recursive: true, force: true})
})

/** A host name a dump may carry: quotes, a newline, `;`, `}`, `$`, non-ASCII and a bidi control. */
const HOSTILE = 'srv"; } table ip x { $y\n;é\u202e'

/**
 * A server namespace and three clients on a bridge inside the server's namespace (nothing in the
 * machine's own namespace), on 10.232.R.0/24 and fd00:232:R::/64 (private, not the lab's range),
 * with a real TCP listener on :: port 8080 and a UDP listener on 0.0.0.0 port 5353.
 */
async function topology(): Promise<{srv: string; clients: {ns: string; v4: string; v6: string}[]; v4: string; v6: string}> {
  const r = randomBytes(1)[0]
  const id = `fmpol-${process.pid}-${randomBytes(2).toString('hex')}`
  const srv = `${id}-srv`
  const ip = (...args: string[]): void => {
    const x = spawnSync('ip', args, {encoding: 'utf8'})
    if (x.status !== 0) throw new Error(`ip ${args.join(' ')}: ${x.stderr}`)
  }
  ip('netns', 'add', srv)
  made.push(srv)
  ip('-n', srv, 'link', 'set', 'lo', 'up')
  ip('-n', srv, 'link', 'add', 'br0', 'type', 'bridge')
  ip('-n', srv, 'addr', 'add', `10.232.${r}.1/24`, 'dev', 'br0')
  ip('-n', srv, 'addr', 'add', `fd00:232:${r}::1/64`, 'dev', 'br0', 'nodad')
  ip('-n', srv, 'link', 'set', 'br0', 'up')
  const clients = [2, 3, 4].map((k) => {
    const ns = `${id}-c${k}`
    ip('netns', 'add', ns)
    made.push(ns)
    ip('-n', ns, 'link', 'set', 'lo', 'up')
    ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${k}`, 'netns', srv)
    ip('-n', ns, 'addr', 'add', `10.232.${r}.${k}/24`, 'dev', 'eth0')
    ip('-n', ns, 'addr', 'add', `fd00:232:${r}::${k}/64`, 'dev', 'eth0', 'nodad')
    ip('-n', ns, 'link', 'set', 'eth0', 'up')
    ip('-n', srv, 'link', 'set', `p${k}`, 'master', 'br0')
    ip('-n', srv, 'link', 'set', `p${k}`, 'up')
    return {ns, v4: `10.232.${r}.${k}`, v6: `fd00:232:${r}::${k}`}
  })
  const server = spawn('ip', ['netns', 'exec', srv, process.execPath, '-e', `
    const net = require('node:net'), dgram = require('node:dgram')
    net.createServer((s) => s.on('error', () => {})).listen({host: '::', port: 8080, ipv6Only: false}, () => {
      dgram.createSocket('udp4').bind(5353, '0.0.0.0', () => console.log('ready'))
    })
  `], {stdio: ['ignore', 'pipe', 'inherit']})
  children.push(server)
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve())
    server.on('exit', (c) => reject(new Error(`server exited ${c}`)))
  })
  return {srv, clients, v4: `10.232.${r}.1`, v6: `fd00:232:${r}::1`}
}

function entry(protocol: string, client: {ns: string; ip: string}, serverIp: string, port: number, name: string): MatrixEntry {
  return {
    protocol,
    client: {host: client.ns, ip: client.ip, process: '/usr/bin/node', name: `${name}-client`},
    server: {host: HOSTILE, ip: serverIp, port, process: '/usr/bin/node', name: `${name}"; }$x\né`},
    connections: 1,
    methods: ['socket'],
    seen: 1,
    captureIds: [1],
    evidence: [],
  }
}

/** Applies a host's files inside its namespace, as the README says. */
function apply(ns: string, format: PolicyFormat, files: {name: string; text: string}[]): void {
  for (const f of files) {
    if (f.name.endsWith('.nft')) nsRun(ns, ['nft', '-f', '-'], f.text)
    else if (f.name.endsWith('.rules')) nsRun(ns, ['iptables-restore', '--noflush'], f.text)
    else if (f.name.endsWith('.rules6')) nsRun(ns, ['ip6tables-restore', '--noflush'], f.text)
  }
  if (format === 'iptables') {
    for (const tool of ['iptables', 'ip6tables']) {
      if (spawnSync('ip', ['netns', 'exec', ns, tool, '-C', 'INPUT', '-j', 'FM-INPUT']).status !== 0) nsRun(ns, [tool, '-I', 'INPUT', '1', '-j', 'FM-INPUT'])
    }
  }
}

const variants: [PolicyFormat, PolicyMode][] = [['nftables', 'enforce'], ['nftables', 'monitor'], ['iptables', 'enforce']]

describe.skipIf(unavailable !== null)('policy files in the kernel (network namespaces, real connections)', () => {
  for (const [format, mode] of variants) {
    test.skipIf(format === 'iptables' && iptablesMissing !== null)(`${format} ${mode}: every attempt meets the verdict fm check --policy predicts`, async () => {
      const t = await topology()
      const [c1, c2] = t.clients
      const entries = [
        entry('TCP', {ns: c1.ns, ip: c1.v4}, t.v4, 8080, 'web'),
        entry('TCP', {ns: c2.ns, ip: c2.v6}, t.v6, 8080, 'web'),
        entry('UDP', {ns: c1.ns, ip: c1.v4}, t.v4, 5353, 'dns'),
      ]
      const listening: HostListening[] = [{host: HOSTILE, addresses: [t.v4, t.v6], listeners: [{protocol: 'TCP', address: '::', port: 8080, process: '/usr/bin/node', name: 'web'}, {protocol: 'UDP', address: '0.0.0.0', port: 5353, process: '/usr/bin/node', name: 'dns'}]}]
      const policy = buildPolicy({captures: [{id: 1, source: 'test', format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null}], entries}, {listening, mode})
      const files = policyFiles(policy, format)
      const dir = mkdtempSync(join(tmp, `${format}-${mode}-`))
      for (const f of files) writeFileSync(join(dir, f.name), f.text)
      // what fm check --policy will read: the files as written
      const [rs] = parsePolicyFiles(files.map((f) => ({name: join(dir, f.name), text: f.text})))
      expect(rs.host).toBe(HOSTILE)
      const probe = new KernelProbe(t.srv)
      apply(t.srv, format, files.filter((f) => f.name !== 'README.md'))

      const outcomes: string[] = []
      for (const c of t.clients) {
        for (const [protocol, family, port] of [['TCP', 4, 8080], ['TCP', 6, 8080], ['UDP', 4, 5353]] as const) {
          const clientIp = family === 4 ? c.v4 : c.v6
          const serverIp = family === 4 ? t.v4 : t.v6
          const predicted = evaluateConnection(rs, {protocol, clientHost: c.ns, clientIp, serverHost: HOSTILE, serverIp, port})
          const kernel = await probe.attempt(c.ns, protocol, clientIp, serverIp, port)
          const label = `${protocol} ${clientIp} → ${serverIp}:${port}`
          expect(kernel.passed, `${label}: fm predicts ${predicted.verdict} (${predicted.why})`).toBe(predicted.verdict === 'accept')
          if (protocol === 'TCP') expect(kernel.connected, label).toBe(kernel.passed)
          outcomes.push(`${label} ${kernel.passed ? 'passed' : 'dropped'}${predicted.logged ? ' logged' : ''}`)
        }
      }
      // the observed connections pass, and (enforcing) the unobserved ones are dropped
      const expected = t.clients.flatMap((c, i) => [
        `TCP ${c.v4} → ${t.v4}:8080 ${i === 0 || mode === 'monitor' ? 'passed' : 'dropped'}${i !== 0 && mode === 'monitor' ? ' logged' : ''}`,
        `TCP ${c.v6} → ${t.v6}:8080 ${i === 1 || mode === 'monitor' ? 'passed' : 'dropped'}${i !== 1 && mode === 'monitor' ? ' logged' : ''}`,
        `UDP ${c.v4} → ${t.v4}:5353 ${i === 0 || mode === 'monitor' ? 'passed' : 'dropped'}${i !== 0 && mode === 'monitor' ? ' logged' : ''}`,
      ])
      expect(outcomes).toEqual(expected)
      expect(probe.present()).toBe(true)

      if (format === 'iptables') {
        // loading again replaces the chain's rules: none doubled, the hook kept once
        const rules = (): string => nsRun(t.srv, ['iptables', '-S']) + nsRun(t.srv, ['ip6tables', '-S'])
        const once = rules()
        apply(t.srv, format, files.filter((f) => f.name !== 'README.md'))
        expect(rules()).toBe(once)
        expect(once.match(/-A INPUT -j FM-INPUT/g)).toHaveLength(2)
      }
      if (format === 'nftables' && mode === 'enforce') {
        // reloading replaces table inet fm in one go: the third client is now let in, the probe's table stays
        const more = buildPolicy({captures: policy.sources.map((s, i) => ({id: i + 1, source: s, format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null})), entries: [...entries, entry('TCP', {ns: t.clients[2].ns, ip: t.clients[2].v4}, t.v4, 8080, 'web')]}, {listening, mode})
        apply(t.srv, format, policyFiles(more, format).filter((f) => f.name.endsWith('.nft')))
        apply(t.srv, format, policyFiles(more, format).filter((f) => f.name.endsWith('.nft')))
        expect((await probe.attempt(t.clients[2].ns, 'TCP', t.clients[2].v4, t.v4, 8080)).passed).toBe(true)
        expect((await probe.attempt(t.clients[1].ns, 'TCP', t.clients[1].v4, t.v4, 8080)).passed).toBe(false)
        expect(nsRun(t.srv, ['nft', 'list', 'tables']).trim().split('\n').sort()).toEqual(['table inet fm', 'table inet fmprobe'])
      }
      // up to 3 s for each dropped TCP attempt
    }, 240_000)
  }

  test('nft -c accepts every file written for hostile host and process names', () => {
    const fixed = [HOSTILE, 'a"b', 'x\ny', 'semi;colon', 'brace}', 'dollar$x', 'ünïcødé', '\\back', '../../etc/passwd', '', '#hash', "quote'single", 'tab\there', 'z'.repeat(300)]
    // and random ones: any UTF-16 code unit, lone surrogates included
    const names = [...new Set([...fixed, ...fc.sample(fc.string({unit: 'binary', minLength: 1, maxLength: 40}), {numRuns: 30, seed: 18})])]
    const entries: MatrixEntry[] = names.flatMap((n, i) => [
      {...entry('TCP', {ns: `c"${n}`, ip: `10.232.${7 + (i >> 8)}.${(i % 250) + 2}`}, '10.232.9.1', 8000 + i, n), server: {host: n, ip: '10.232.9.1', port: 8000 + i, process: `/opt/${n}`, name: n}},
      {...entry('UDP', {ns: n, ip: `fd00:232:7::${i + 2}`}, 'fd00:232:9::1', 9000 + i, n), server: {host: n, ip: 'fd00:232:9::1', port: 9000 + i, process: `/opt/${n}`, name: n}},
    ])
    const obs = {captures: [{id: 1, source: 'hostile', format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null}], entries}
    const ns = `fmpol-${process.pid}-${randomBytes(2).toString('hex')}-check`
    spawnSync('ip', ['netns', 'add', ns])
    made.push(ns)
    for (const mode of ['enforce', 'monitor'] as const) {
      const files = policyFiles(buildPolicy(obs, {mode, aggregate: {v4: 24}}), 'nftables').filter((f) => f.name.endsWith('.nft'))
      expect(new Set(files.map((f) => f.name)).size).toBe(names.length)
      for (const f of files) {
        const r = spawnSync('ip', ['netns', 'exec', ns, 'nft', '-c', '-f', '-'], {input: f.text, encoding: 'utf8'})
        expect(r.stderr, f.name).toBe('')
        expect(r.status, f.name).toBe(0)
      }
      expect(parsePolicyFiles(files).map((r) => r.host).sort()).toEqual([...names].sort())
    }
    if (!iptablesMissing) {
      for (const f of policyFiles(buildPolicy(obs, {}), 'iptables').filter((x) => x.name !== 'README.md')) {
        const tool = f.name.endsWith('.rules6') ? 'ip6tables-restore' : 'iptables-restore'
        const r = spawnSync('ip', ['netns', 'exec', ns, tool, '--test', '--noflush'], {input: f.text, encoding: 'utf8'})
        expect(r.status, `${f.name}: ${r.stderr}`).toBe(0)
      }
    }
  })
})

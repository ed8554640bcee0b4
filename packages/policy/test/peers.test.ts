import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import type {ServedPeer} from '@fm/model'
import {parseBaseline} from '@fm/baseline'
import {allowFromText, buildPolicy, checkPolicy, closedAccess, parseAllowFrom, parsePolicyFiles, policyFiles, type AllowFrom} from '../src/index.js'
import {entry, listening, observation} from '@fm/test-helpers'

const web = listening('web', ['10.232.1.10', 'fd00:232::10'], ['TCP :::22 sshd', 'TCP 0.0.0.0:80 nginx', 'UDP 0.0.0.0:53 named', 'TCP 127.0.0.1:5432 postgres'])

/** A peer of web's server-side sockets: `TCP sshd 10.232.1.10:22 <- 192.0.2.9`. */
function peer(spec: string, captureIds = [1]): ServedPeer {
  const m = /^(\w+) (\S+) (\S+):(\d+) <- (\S+)$/.exec(spec)!
  return {protocol: m[1], server: {host: 'web', ip: m[3], port: Number(m[4]), process: `/usr/sbin/${m[2]}`, name: m[2]}, peerIp: m[5], connections: 1, captureIds}
}

const allow = (...texts: string[]): AllowFrom[] => texts.map((t) => parseAllowFrom(t)!)
const session = peer('TCP sshd 10.232.1.10:22 <- 192.0.2.9')
const curl = entry('TCP curl@c1:10.232.1.2 -> nginx@web:10.232.1.10:80')

describe('buildPolicy keeps the peers of server-side sockets no client was matched to', () => {
  test('the operator\'s ssh session becomes an accept rule of TCP/22, its reason an outside peer; sshd is no longer closed', () => {
    const [h] = buildPolicy(observation([curl]), {listening: [web], peers: [session]}).hosts
    expect(h.rules).toEqual([
      {protocol: 'TCP', port: 22, family: 4, sources: ['192.0.2.9'], destinations: ['10.232.1.10']},
      {protocol: 'TCP', port: 80, family: 4, sources: ['10.232.1.2'], destinations: ['10.232.1.10']},
    ])
    expect(h.services[0].reasons).toEqual([{peer: true, clientHost: '', clientIp: '192.0.2.9', clientService: '?', serverService: 'sshd', serverIp: '10.232.1.10', connections: 1, seen: 1, rule: null}])
    expect(h.unused.map((l) => `${l.protocol}/${l.port}`)).toEqual(['UDP/53'])
  })

  test('a host with peers only is a host of the policy; a peer over loopback needs no rule', () => {
    const p = buildPolicy(observation([]), {peers: [session, peer('TCP redis 127.0.0.1:6379 <- 127.0.0.1')]})
    expect(p.hosts.map((h) => `${h.host} ${h.rules.map((r) => `${r.protocol}/${r.port} ${r.sources}`)}`)).toEqual(['web TCP/22 192.0.2.9'])
  })

  test('with a baseline, a peer is judged like an entry with no host and no process (a client_address rule takes it)', () => {
    const baseline = parseBaseline(['version: 1', 'level: host', 'allow:', '  - {client_address: 192.0.2.0/24, port: 22}', ''].join('\n'), 'b.yaml')
    const [h] = buildPolicy(observation([]), {listening: [web], peers: [session, peer('TCP sshd 10.232.1.10:22 <- 198.51.100.4')], baseline: {file: 'b.yaml', baseline}}).hosts
    expect(h.rules.map((r) => r.sources)).toEqual([['192.0.2.9']])
    expect(h.unallowed.map((u) => `${u.peer} ${u.clientIp} ${u.why}`)).toEqual(['true 198.51.100.4 not allowed by the baseline'])
  })

  test('README.md lists the outside peers kept under their port', () => {
    const readme = policyFiles(buildPolicy(observation([curl]), {listening: [web], peers: [session, peer('TCP sshd 10.232.1.10:22 <- 198.51.100.4')]}), 'nftables').find((f) => f.name === 'README.md')!.text
    const ssh = readme.slice(readme.indexOf('### TCP/22'), readme.indexOf('### TCP/80'))
    expect(ssh).toContain('| *outside peer* | 192.0.2.9 | ? | sshd@10.232.1.10 | 1 | 1 of 1 | observed |')
    expect(ssh).toContain("Outside peers kept (seen on web's own sockets, matched to no captured client: an operator, a bastion, a client outside the capture): `192.0.2.9`, `198.51.100.4`.")
    expect(readme.slice(readme.indexOf('### TCP/80'))).not.toContain('Outside peers')
  })

  test('the files never depend on the order of entries and peers', () => {
    const ips = fc.array(fc.tuple(fc.integer({min: 1, max: 9}), fc.constantFrom(22, 80)), {maxLength: 12})
    fc.assert(
      fc.property(ips, ips, fc.integer(), (a, b, seed) => {
        const entries = a.map(([i, port]) => entry(`TCP cl@c${i}:10.232.1.${i} -> srv@web:10.232.1.10:${port}`))
        const peers = b.map(([i, port]) => peer(`TCP srv 10.232.1.10:${port} <- 192.0.2.${i}`))
        const shuffle = <T>(x: T[]): T[] => x.map((v, i) => ({v, k: Math.sin(seed + i)})).sort((p, q) => p.k - q.k).map((p) => p.v)
        const one = policyFiles(buildPolicy(observation(entries), {listening: [web], peers}), 'nftables')
        expect(policyFiles(buildPolicy(observation(shuffle(entries)), {listening: [web], peers: shuffle(peers)}), 'nftables')).toEqual(one)
      }),
    )
  })
})

describe('--allow-from', () => {
  test.for<[string, string | null]>([
    ['10.20.0.0/16', '10.20.0.0/16'],
    ['10.20.0.0/16:22', '10.20.0.0/16:22'],
    ['192.0.2.7:22', '192.0.2.7:22'],
    ['192.0.2.7', '192.0.2.7'],
    ['fd00::/64:22', 'fd00::/64:22'],
    ['[fd00::1]:22', '[fd00::1]:22'],
    ['fd00::1', 'fd00::1'],
    ['[fd00::1]', 'fd00::1'],
    ['10.20.1.7/16', '10.20.0.0/16'],
    ['10.0.0.0/33', null],
    ['10.0.0.1:0', null],
    ['10.0.0.1:65536', null],
    ['web-1', null],
    ['', null],
  ])('%s reads as %s', ([text, shown]) => {
    const a = parseAllowFrom(text)
    expect(a && allowFromText(a)).toBe(shown)
  })

  test('a network alone opens every port the host serves or listens on beyond loopback', () => {
    const [h] = buildPolicy(observation([curl]), {listening: [web], allowFrom: allow('10.99.0.0/16')}).hosts
    expect(h.rules.map((r) => `${r.protocol}/${r.port} ${r.sources}`)).toEqual(['TCP/22 10.99.0.0/16', 'TCP/80 10.99.0.0/16,10.232.1.2', 'UDP/53 10.99.0.0/16'])
    expect(h.services.map((s) => s.allowFrom)).toEqual([['10.99.0.0/16'], ['10.99.0.0/16'], ['10.99.0.0/16']])
    expect(h.unused).toEqual([])
    // the admin network's sources are not observations: no reason behind them
    expect(h.services[0].reasons).toEqual([])
  })

  test('CIDR:PORT opens TCP/PORT, and UDP/PORT only where the host listens on it; a port no listener was seen on opens to any address', () => {
    const [h] = buildPolicy(observation([curl]), {listening: [web], allowFrom: allow('10.99.0.0/16:53', '[fd00:99::1]:2222')}).hosts
    expect(h.rules.map((r) => `${r.protocol}/${r.port} ${r.sources} → ${r.destinations ?? 'any'}`)).toEqual([
      'TCP/53 10.99.0.0/16 → any',
      'TCP/80 10.232.1.2 → 10.232.1.10',
      'TCP/2222 fd00:99::1 → any',
      'UDP/53 10.99.0.0/16 → 10.232.1.10',
    ])
    // what nft and fm check --policy read back: the admin network gets in, the rest does not
    const [rs] = parsePolicyFiles(policyFiles(buildPolicy(observation([curl]), {listening: [web], allowFrom: allow('10.99.0.0/16:22')}), 'nftables'))
    const report = checkPolicy([rs], observation([entry('TCP ssh@adm:10.99.3.4 -> sshd@web:10.232.1.10:22'), entry('TCP ssh@x:10.98.3.4 -> sshd@web:10.232.1.10:22')]))
    expect(report.violations.map((v) => (v.kind === 'unexpected' ? v.edge.clientIps.join() : v.kind))).toEqual(['10.98.3.4'])
  })
})

describe('checkPolicy evaluates the outside peers too', () => {
  test('a policy written without them drops them: each is a violation naming an outside peer; written with them, none', () => {
    const obs = observation([curl])
    const without = parsePolicyFiles(policyFiles(buildPolicy(obs, {listening: [web]}), 'nftables'))
    const report = checkPolicy(without, obs, {peers: [session]})
    expect(report.ok).toBe(false)
    expect(report.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^policy drops TCP\/22 from an outside peer 192\.0\.2\.9 \(\?\) to web 10\.232\.1\.10 \(sshd\): seen in 1 of 1 snapshots, 1 connection; dropped by web\.nft line \d+$/)])
    const kept = parsePolicyFiles(policyFiles(buildPolicy(obs, {listening: [web], peers: [session]}), 'nftables'))
    expect(checkPolicy(kept, obs, {peers: [session]}).ok).toBe(true)
  })
})

describe('closedAccess', () => {
  test('sshd closed, sshd open only to what was observed, the transport\'s port closed; a port --allow-from opens is none', () => {
    const ssh2222 = listening('web', ['10.232.1.10'], ['TCP :::22 sshd', 'TCP 0.0.0.0:2222 dropbear', 'TCP 0.0.0.0:80 nginx'])
    const line = (c: ReturnType<typeof closedAccess>[number]): string => `${c.protocol}/${c.port} ${c.service} ${c.clients}`
    const closed = buildPolicy(observation([curl]), {listening: [ssh2222]}).hosts[0]
    expect(closedAccess(closed).map(line)).toEqual(['TCP/22 sshd 0'])
    expect(closedAccess(closed, [2222]).map(line)).toEqual(['TCP/22 sshd 0', 'TCP/2222 dropbear 0'])
    const observed = buildPolicy(observation([curl]), {listening: [ssh2222], peers: [session]}).hosts[0]
    expect(closedAccess(observed).map(line)).toEqual(['TCP/22 sshd 1'])
    const admin = buildPolicy(observation([curl]), {listening: [ssh2222], peers: [session], allowFrom: allow('10.99.0.0/16:22')}).hosts[0]
    expect(closedAccess(admin)).toEqual([])
  })
})

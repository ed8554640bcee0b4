import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import {parseBaseline} from '@fm/baseline'
import {buildPolicy, policyFiles} from '../src/index.js'
import {entry, listening, observation} from '@fm/test-helpers'

const web = listening('web', ['10.232.1.10', 'fd00:232::10'], ['TCP 0.0.0.0:80 nginx', 'TCP 10.232.1.10:443 nginx', 'TCP 127.0.0.1:5432 postgres', 'TCP :::22 sshd'])

describe('buildPolicy', () => {
  test('one accept rule per served protocol/port and family, clients from the connections, destinations from the listeners', () => {
    const p = buildPolicy(observation([
      entry('TCP curl@c1:10.232.1.2 -> nginx@web:10.232.1.10:80'),
      entry('TCP curl@c2:10.232.1.3 -> nginx@web:10.232.1.10:80'),
      entry('TCP curl@c2:10.232.1.3 -> nginx@web:10.232.1.10:443'),
    ]), {listening: [web]})
    expect(p.hosts.map((h) => h.host)).toEqual(['web'])
    const [h] = p.hosts
    expect(h.rules).toEqual([
      // 0.0.0.0 is a wildcard of IPv4 only: the host's IPv4 addresses
      {protocol: 'TCP', port: 80, family: 4, sources: ['10.232.1.2', '10.232.1.3'], destinations: ['10.232.1.10']},
      {protocol: 'TCP', port: 443, family: 4, sources: ['10.232.1.3'], destinations: ['10.232.1.10']},
    ])
    expect(h.unused).toEqual([{protocol: 'TCP', address: '::', port: 22, service: 'sshd'}])
    expect(h.loopbackOnly).toEqual([{protocol: 'TCP', address: '127.0.0.1', port: 5432, service: 'postgres'}])
    expect(h.services[0].reasons.map((r) => `${r.clientHost} ${r.clientIp} ${r.rule ?? 'observed'}`)).toEqual(['c1 10.232.1.2 observed', 'c2 10.232.1.3 observed'])
  })

  test('connections within a host and to loopback need no rule', () => {
    const p = buildPolicy(observation([entry('TCP psql@web:127.0.0.1 -> postgres@web:127.0.0.1:5432'), entry('TCP curl@web:10.232.1.10 -> nginx@web:10.232.1.10:80')]), {listening: [web]})
    expect(p.hosts[0].rules).toEqual([])
    expect(p.hosts[0].unallowed).toEqual([])
  })

  test('a container on the host, reaching it from its own address over a bridge, gets a rule', () => {
    const p = buildPolicy(observation([entry('TCP app@web:172.17.0.2 -> nginx@web:10.232.1.10:80')]), {listening: [web]})
    expect(p.hosts[0].rules.map((r) => r.sources)).toEqual([['172.17.0.2']])
  })

  test('a :: listener opens both families on the host\'s addresses; a host with no address reported opens any', () => {
    const e = [entry('TCP ssh@c1:10.232.1.2 -> sshd@web:10.232.1.10:22'), entry('TCP ssh@c1:fd00:232::2 -> sshd@web:fd00:232::10:22')]
    expect(buildPolicy(observation(e), {listening: [web]}).hosts[0].rules.map((r) => r.destinations)).toEqual([['10.232.1.10'], ['fd00:232::10']])
    expect(buildPolicy(observation(e), {listening: [{...web, addresses: []}]}).hosts[0].rules.map((r) => r.destinations)).toEqual([null, null])
  })

  test('--aggregate widens clients to their networks, one element per network', () => {
    const e = ['10.232.1.2', '10.232.1.77', '10.232.2.5'].map((ip) => entry(`TCP curl@c:${ip} -> nginx@web:10.232.1.10:80`))
    expect(buildPolicy(observation(e), {aggregate: {v4: 24}}).hosts[0].rules[0].sources).toEqual(['10.232.1.0/24', '10.232.2.0/24'])
    expect(buildPolicy(observation(e), {aggregate: {v4: 16}}).hosts[0].rules[0].sources).toEqual(['10.232.0.0/16'])
  })

  test('with a baseline, only allowed connections become rules; ignored and unexpected ones are listed as dropped', () => {
    const baseline = parseBaseline(['version: 1', 'level: service', 'allow:', '  - {client: curl, server: nginx, port: 80}', 'ignore:', '  - {client: nagios}', ''].join('\n'), 'b.yaml')
    const p = buildPolicy(observation([
      entry('TCP curl@c1:10.232.1.2 -> nginx@web:10.232.1.10:80'),
      entry('TCP nagios@mon:10.232.1.50 -> nginx@web:10.232.1.10:80'),
      entry('TCP nc@c1:10.232.1.2 -> nginx@web:10.232.1.10:443'),
    ]), {listening: [web], baseline: {file: 'b.yaml', baseline}})
    const [h] = p.hosts
    expect(h.rules.map((r) => `${r.protocol}/${r.port} ${r.sources}`)).toEqual(['TCP/80 10.232.1.2'])
    expect(h.services[0].reasons[0].rule).toMatch(/^allow .*curl.* \(line 4\)$/)
    expect(h.unallowed.map((u) => `${u.clientService} ${u.port} ${u.why}`)).toEqual(['nagios 80 ignored by {client: nagios} (line 6)', 'nc 443 not allowed by the baseline'])
    const readme = policyFiles(p, 'nftables').find((f) => f.name === 'README.md')!.text
    expect(readme).toContain('Observed but not allowed: the policy drops these')
    expect(readme).toContain('not allowed by the baseline')
  })

  const specs = fc.array(fc.record({c: fc.integer({min: 1, max: 6}), s: fc.integer({min: 1, max: 3}), port: fc.constantFrom(22, 80, 53), udp: fc.boolean(), v6: fc.boolean()}), {maxLength: 25})
  test('the files never depend on the order of the connections or listeners', () => {
    fc.assert(
      fc.property(specs, fc.integer(), (list, seed) => {
        const entries = list.map((x) => entry(`${x.udp ? 'UDP' : 'TCP'} cl@c${x.c}:${x.v6 ? `fd00::${x.c}` : `10.232.1.${x.c}`} -> srv@s${x.s}:${x.v6 ? `fd00::a${x.s}` : `10.232.9.${x.s}`}:${x.port}`))
        const facts = [1, 2, 3].map((s) => listening(`s${s}`, [`10.232.9.${s}`, `fd00::a${s}`], ['TCP :::22 sshd', 'TCP 0.0.0.0:80 web', 'UDP 0.0.0.0:53 dns']))
        const shuffle = <T>(a: T[]): T[] => a.map((v, i) => ({v, k: Math.sin(seed + i)})).sort((x, y) => x.k - y.k).map((x) => x.v)
        const a = policyFiles(buildPolicy(observation(entries), {listening: facts}), 'nftables')
        const b = policyFiles(buildPolicy(observation(shuffle(entries)), {listening: shuffle(facts)}), 'nftables')
        expect(b).toEqual(a)
      }),
    )
  })
})

describe('hostile names cost no more than plain ones of the same size', () => {
  test('building and writing the files for 500 hosts named with quotes, newlines and non-ASCII takes a small multiple of plain names', () => {
    const names = (hostile: boolean): string[] => Array.from({length: 500}, (_, i) => (hostile ? `"\n;}$é${i}`.padEnd(16, '\u202e') : `host-${i}`.padEnd(16, 'x')))
    const obs = (list: string[]) => observation(list.map((h, i) => ({...entry(`TCP cl@c:10.232.${i >> 8}.${i % 250} -> srv@x:10.232.200.1:80`), server: {host: h, ip: '10.232.200.1', port: 80, process: `/opt/${h}`, name: h}})))
    const plain = obs(names(false))
    const hostile = obs(names(true))
    const cpu = (o: ReturnType<typeof obs>): number => {
      const t = process.cpuUsage()
      const files = [...policyFiles(buildPolicy(o), 'nftables'), ...policyFiles(buildPolicy(o), 'iptables')]
      expect(files.length).toBe(1 + 500 + 1 + 1000)
      const d = process.cpuUsage(t)
      return d.user + d.system
    }
    cpu(plain)
    const p: number[] = []
    const h: number[] = []
    // interleaved, best of three: the machine's load hits both alike
    for (let i = 0; i < 3; i++) {
      p.push(cpu(plain))
      h.push(cpu(hostile))
    }
    // every hostile character becomes %XX (3 to 9 bytes): a bounded factor, never a blow-up
    expect(Math.min(...h) / Math.min(...p)).toBeLessThan(6)
  })
})

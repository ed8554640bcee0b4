import fc from 'fast-check'
import {bytesToAddress} from '@fm/model'
import {describe, expect, test} from 'vitest'
import {buildPolicy, evaluateConnection, netContains, parseIptables, parseNet, parseNftables, policyFiles, type Connection, type ParsedRuleset} from '../src/index.js'
import {entry, listening, observation} from '@fm/test-helpers'

// One web server observed with two clients on TCP/80 (IPv4 and IPv6) and one on UDP/53; sshd listens, unused.
const obs = observation([
  entry('TCP curl@c1:10.232.1.2 -> nginx@web:10.232.1.10:80'),
  entry('TCP curl@c2:fd00:232::2 -> nginx@web:fd00:232::10:80'),
  entry('UDP dig@c3:10.232.1.3 -> named@web:10.232.1.10:53'),
])
const facts = [listening('web', ['10.232.1.10', 'fd00:232::10', '10.232.9.10'], ['TCP :::80 nginx', 'UDP 10.232.1.10:53 named', 'TCP 0.0.0.0:22 sshd', 'TCP 127.0.0.1:5432 postgres'])]

function rulesets(mode: 'enforce' | 'monitor', aggregate?: {v4?: number; v6?: number}): Record<string, ParsedRuleset> {
  const p = buildPolicy(obs, {listening: facts, mode, aggregate})
  const nft = policyFiles(p, 'nftables').find((f) => f.name === 'web.nft')!
  const ipt = policyFiles(p, 'iptables')
  const v4 = parseIptables(ipt.find((f) => f.name === 'web.rules')!.text, 'web.rules', 4)
  const v6 = parseIptables(ipt.find((f) => f.name === 'web.rules6')!.text, 'web.rules6', 6)
  return {nftables: parseNftables(nft.text, 'web.nft'), iptables: {...v4, families: [4, 6], rules: [...v4.rules, ...v6.rules]}}
}

const c = (spec: string): Connection => {
  const m = /^(\w+) ([^:]+):(\S+) -> ([^:]+):(\S+):(\d+)$/.exec(spec)!
  return {protocol: m[1], clientHost: m[2], clientIp: m[3], serverHost: m[4], serverIp: m[5], port: Number(m[6])}
}

// [connection, verdict in enforce mode, why (a fragment)]
const cases: [string, 'accept' | 'drop', string][] = [
  ['TCP c1:10.232.1.2 -> web:10.232.1.10:80', 'accept', 'accepted by'],
  ['TCP c2:fd00:232::2 -> web:fd00:232::10:80', 'accept', 'accepted by'],
  ['UDP c3:10.232.1.3 -> web:10.232.1.10:53', 'accept', 'accepted by'],
  // the wildcard listener is opened on every address the host owns, also ones no client used
  ['TCP c1:10.232.1.2 -> web:10.232.9.10:80', 'accept', 'accepted by'],
  // UDP/53 listens on one address only
  ['UDP c3:10.232.1.3 -> web:10.232.9.10:53', 'drop', 'dropped by'],
  // a client seen on one port is not let in on another, nor over another protocol
  ['TCP c1:10.232.1.2 -> web:10.232.1.10:22', 'drop', 'dropped by'],
  ['UDP c1:10.232.1.2 -> web:10.232.1.10:80', 'drop', 'dropped by'],
  ['TCP c3:10.232.1.3 -> web:10.232.1.10:80', 'drop', 'dropped by'],
  // the neighbour of an allowed client, and an allowed client's address family swapped
  ['TCP c9:10.232.1.4 -> web:10.232.1.10:80', 'drop', 'dropped by'],
  ['TCP c2:fd00:232::3 -> web:fd00:232::10:80', 'drop', 'dropped by'],
  // the host to itself, and loopback, arrive on lo
  ['TCP web:10.232.1.10 -> web:10.232.1.10:5432', 'accept', 'line'],
  ['TCP web:127.0.0.1 -> web:127.0.0.1:5432', 'accept', 'line'],
  // a container on the host reaching it over a bridge is a client like any other
  ['TCP web:172.17.0.2 -> web:10.232.1.10:80', 'drop', 'dropped by'],
  // a host without a policy file is not filtered
  ['TCP c1:10.232.1.2 -> db:10.232.1.20:5432', 'accept', 'no policy'],
]

describe('evaluateConnection follows the rules fm wrote, in order', () => {
  for (const format of ['nftables', 'iptables'] as const) {
    test.for(cases)(`${format}: %s → %s`, ([spec, verdict, why]) => {
      const rs = rulesets('enforce')[format]
      const v = evaluateConnection(spec.includes('db:') ? undefined : rs, c(spec))
      expect(v.verdict).toBe(verdict)
      expect(v.why).toContain(why)
      expect(v.logged).toBe(false)
    })
  }

  test.for(cases)('monitor mode accepts everything, and logs exactly what enforcing drops: %s', ([spec, verdict]) => {
    for (const rs of Object.values(rulesets('monitor'))) {
      const v = evaluateConnection(spec.includes('db:') ? undefined : rs, c(spec))
      expect(v.verdict).toBe('accept')
      expect(v.logged).toBe(verdict === 'drop')
    }
  })

  test('--aggregate /24 lets the neighbours of an observed client in, and no one outside its network', () => {
    for (const rs of Object.values(rulesets('enforce', {v4: 24, v6: 64}))) {
      expect(evaluateConnection(rs, c('TCP c9:10.232.1.200 -> web:10.232.1.10:80')).verdict).toBe('accept')
      expect(evaluateConnection(rs, c('TCP c9:10.232.2.1 -> web:10.232.1.10:80')).verdict).toBe('drop')
      expect(evaluateConnection(rs, c('TCP c9:fd00:232::ffff -> web:fd00:232::10:80')).verdict).toBe('accept')
      expect(evaluateConnection(rs, c('TCP c9:fd00:233::2 -> web:fd00:232::10:80')).verdict).toBe('drop')
    }
  })

  test('an IPv6 connection passes iptables rules that have no IPv6 file', () => {
    const v4 = rulesets('enforce').iptables
    const only4: ParsedRuleset = {...v4, families: [4], rules: v4.rules.filter((r) => r.family === 4)}
    expect(evaluateConnection(only4, c('TCP c9:fd00:232::3 -> web:fd00:232::10:80'))).toMatchObject({verdict: 'accept', why: 'IPv6 is not filtered (no file for it)'})
  })
})

describe('a rule\'s address list', () => {
  // addresses around a few networks, so that ranges hold some of them
  const address = fc.oneof(
    fc.uint8Array({minLength: 4, maxLength: 4}).map(bytesToAddress),
    fc.uint8Array({minLength: 16, maxLength: 16}).map(bytesToAddress),
    fc.tuple(fc.constantFrom('10.232.', '172.17.', 'fd00:232::', 'fe80::'), fc.nat(600)).map(([p, n]) => (p.includes(':') ? `${p}${n.toString(16)}` : `${p}${n >> 8}.${n & 255}`)),
  )
  const entryText = fc.oneof(address, fc.tuple(address, fc.nat(128)).map(([a, p]) => `${a}/${p}`), fc.constant('not-an-address'))
  test('holds a client exactly when one of its entries contains it, whatever the families', () => {
    fc.assert(
      fc.property(fc.array(entryText, {maxLength: 8}), address, fc.boolean(), (sources, clientIp, asDestination) => {
        const rs: ParsedRuleset = {
          host: 'web', files: ['web.nft'], families: [4, 6], fallthrough: 'drop',
          rules: [{file: 'web.nft', line: 1, ...(asDestination ? {destinations: sources} : {sources}), verdict: 'accept', log: false}],
        }
        const serverIp = asDestination ? clientIp : '10.232.1.10'
        const v = evaluateConnection(rs, {protocol: 'TCP', clientHost: 'c', clientIp: asDestination ? '10.232.1.2' : clientIp, serverHost: 'web', serverIp, port: 80})
        const a = parseNet(clientIp)!
        // the reference: the range arithmetic normalizeNets relies on
        const held = sources.some((s) => {
          const n = parseNet(s)
          return n !== null && netContains(n, a)
        })
        expect(v.verdict).toBe(held ? 'accept' : 'drop')
      }),
    )
  })
})

import {describe, expect, test} from 'vitest'
import {checkBaseline, parseBaseline} from '../src/index.js'
import {entry, observation} from '@fm/test-helpers'

const ENTRIES = [
  entry('TCP web@h1:10.0.0.1 -> db@h2:10.0.0.2:5432', [1, 2, 3], 4),
  entry('TCP web@h3:10.0.0.3 -> db@h2:10.0.0.2:5432', [2]),
  entry('TCP web@h1:10.0.0.1 -> cache@h1:127.0.0.1:6379', [1, 2, 3]),
  entry('UDP chronyd@h1:10.0.0.1 -> ntpd@ntp:10.9.9.9:123', [3]),
  entry('TCP web@h1:10.0.0.1 -> api@h4:10.0.0.4:8443', [1]),
]

const yaml = (...lines: string[]): string => ['version: 1', ...lines].join('\n')

describe('checkBaseline', () => {
  test('an edge is one client service → server service, protocol and port, whatever the hosts; seen counts snapshots', () => {
    const r = checkBaseline(parseBaseline(yaml('allow: []'), 'b'), observation(ENTRIES, 3))
    const db = r.edges.find((e) => e.server.service === 'db')
    expect(db).toMatchObject({client: {service: 'web', host: null}, port: 5432, connections: 5, seen: 3, clientHosts: ['h1', 'h3'], status: 'unexpected'})
    expect(r.edges).toHaveLength(4)
    expect(r.ok).toBe(false)
  })

  test('passes when every edge is allowed, by exact rules or wildcards', () => {
    const r = checkBaseline(
      parseBaseline(yaml('allow:', '  - {client: web, server: db, protocol: TCP, port: 5432}', '  - {client: "*", server: [cache, api], port: "6000-9000"}', '  - {process: /usr/bin/chrony*}'), 'b'),
      observation(ENTRIES, 3),
    )
    expect(r.violations).toEqual([])
    expect(r.ok).toBe(true)
    expect(r.rules.map((x) => x.matched)).toEqual([1, 2, 1])
  })

  test('names every edge nothing allows, with seen k of N', () => {
    const r = checkBaseline(parseBaseline(yaml('allow:', '  - {client: web, server: db, protocol: TCP, port: 5432}'), 'b'), observation(ENTRIES, 3))
    expect(r.violations.map((v) => v.message)).toEqual([
      'unexpected edge chronyd → ntpd UDP/123: seen in 1 of 3 snapshots, 1 connection, hosts h1 → ntp',
      'unexpected edge web → api TCP/8443: seen in 1 of 3 snapshots, 1 connection, hosts h1 → h4',
      'unexpected edge web → cache TCP/6379: seen in 3 of 3 snapshots, 1 connection, hosts h1 → h1',
    ])
  })

  test('--min-seen turns rarely seen unexpected edges into flaky ones that do not fail', () => {
    const b = parseBaseline(yaml('allow:', '  - {client: web, server: [db, cache]}'), 'b')
    const r = checkBaseline(b, observation(ENTRIES, 3), {minSeen: 2})
    expect(r.ok).toBe(true)
    expect(r.edges.filter((e) => e.status === 'flaky').map((e) => e.server.service)).toEqual(['ntpd', 'api'])
  })

  test('ignore rules drop what they match and nothing else', () => {
    const b = parseBaseline(yaml('ignore:', '  - {loopback: true}', '  - {address: 10.9.0.0/16}', '  - {host: h4, port: 22}'), 'b')
    const r = checkBaseline(b, observation(ENTRIES, 3))
    expect(r.edges.filter((e) => e.status === 'ignored').map((e) => e.server.service)).toEqual(['cache', 'ntpd'])
    expect(r.violations.map((v) => (v.kind === 'unexpected' ? v.edge.server.service : ''))).toEqual(['api', 'db'])
    expect(r.rules.map((x) => x.matched)).toEqual([1, 1, 0])
  })

  test('a host-level baseline keeps hosts in the identity', () => {
    const b = parseBaseline(yaml('level: host', 'allow:', '  - {client_host: h1, client: web, server_host: h2, server: db, protocol: TCP, port: 5432}'), 'b')
    const r = checkBaseline(b, observation(ENTRIES.slice(0, 2), 3))
    expect(r.violations.map((v) => v.message)).toEqual(['unexpected edge web@h3 → db@h2 TCP/5432: seen in 1 of 3 snapshots, 1 connection, hosts h3 → h2'])
  })

  test('a required edge must be seen in at least one snapshot; ignored traffic still counts', () => {
    const b = parseBaseline(yaml('allow:', '  - {client: "*"}', 'require:', '  - {client: web, server: cache}', '  - {client: web, server: queue, port: 5672}', 'ignore:', '  - {loopback: true}'), 'b')
    const r = checkBaseline(b, observation(ENTRIES, 3))
    expect(r.violations).toEqual([{kind: 'missing', rule: b.require[1], message: 'missing required edge {client: web, server: queue, port: 5672} (baseline line 6): seen in none of 3 snapshots'}])
    expect(r.rules.filter((x) => x.kind === 'require').map((x) => [x.ok, x.seen])).toEqual([[true, 3], [false, 0]])
  })

  test('no input at all: nothing unexpected, and every requirement missing', () => {
    const r = checkBaseline(parseBaseline(yaml('require:', '  - {server: db}'), 'b'), observation([], 0))
    expect(r.violations.map((v) => v.kind)).toEqual(['missing'])
  })
})

import {existsSync, readFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {describe, expect, test} from 'vitest'
import {entry, graphDump, listening, observation, socket, syntheticMatrix} from '@fm/test-helpers'
import {writeTemp} from '@fm/test-helpers/temp'

describe('entry', () => {
  test.for([
    {
      spec: 'TCP curl@c1:10.232.1.2 -> nginx@web:10.232.1.10:80',
      protocol: 'TCP', client: {host: 'c1', ip: '10.232.1.2', name: 'curl'}, server: {host: 'web', ip: '10.232.1.10', port: 80, name: 'nginx'},
    },
    // an IPv6 server address keeps its colons: the port is what follows the last one
    {
      spec: 'UDP dig@h1:fd00::2 -> dnsmasq@h2:fd00::53:53',
      protocol: 'UDP', client: {host: 'h1', ip: 'fd00::2', name: 'dig'}, server: {host: 'h2', ip: 'fd00::53', port: 53, name: 'dnsmasq'},
    },
    {
      spec: 'TCP web@h1:10.0.0.1 -> db@h2:10.0.0.2:5432',
      protocol: 'TCP', client: {host: 'h1', ip: '10.0.0.1', name: 'web'}, server: {host: 'h2', ip: '10.0.0.2', port: 5432, name: 'db'},
    },
  ])('reads $spec', ({spec, protocol, client, server}) => {
    expect(entry(spec)).toEqual({
      protocol,
      client: {...client, process: `/usr/bin/${client.name}`},
      server: {...server, process: `/usr/sbin/${server.name}`},
      connections: 1,
      methods: ['socket'],
      seen: 1,
      captureIds: [1],
      evidence: [],
    })
  })

  test('counts the captures it was seen in and keeps the connections given', () => {
    expect(entry('TCP a@h1:10.0.0.1 -> b@h2:10.0.0.2:80', [2, 3, 5], 7)).toMatchObject({seen: 3, captureIds: [2, 3, 5], connections: 7})
  })

  test.for(['TCP curl@c1:10.0.0.1 -> nginx@web:10.0.0.2', 'TCP curl@c1 -> nginx@web:10.0.0.2:80', 'curl@c1:10.0.0.1 -> nginx@web:10.0.0.2:80', ''])(
    'refuses the malformed spec %j', (spec) => {
      expect(() => entry(spec)).toThrow(/bad entry spec/)
    },
  )
})

describe('observation', () => {
  test('numbers its snapshots from 1 and holds the entries given', () => {
    const e = [entry('TCP a@h1:10.0.0.1 -> b@h2:10.0.0.2:80')]
    const o = observation(e, 3)
    expect(o.entries).toBe(e)
    expect(o.captures.map((c) => [c.id, c.source])).toEqual([[1, 'snap-1.json'], [2, 'snap-2.json'], [3, 'snap-3.json']])
  })
})

describe('listening', () => {
  test.for([
    {spec: 'TCP 0.0.0.0:80 nginx', listener: {protocol: 'TCP', address: '0.0.0.0', port: 80, name: 'nginx'}},
    {spec: 'UDP :::53 dnsmasq', listener: {protocol: 'UDP', address: '::', port: 53, name: 'dnsmasq'}},
    {spec: 'TCP fd00::1:5432 postgres', listener: {protocol: 'TCP', address: 'fd00::1', port: 5432, name: 'postgres'}},
  ])('reads $spec', ({spec, listener}) => {
    expect(listening('db', ['10.0.0.2'], [spec])).toEqual({host: 'db', addresses: ['10.0.0.2'], listeners: [{...listener, process: `/usr/sbin/${listener.name}`}]})
  })

  test('refuses a spec without a port', () => {
    expect(() => listening('db', [], ['TCP 0.0.0.0 nginx'])).toThrow(/bad listener spec/)
  })
})

describe('socket', () => {
  test.for([
    {spec: 'TCP 10.0.0.1:80 10.0.0.2:40000 ESTABLISHED nginx', local: ['10.0.0.1', 80], remote: ['10.0.0.2', 40000]},
    {spec: 'TCP [::1]:80 [::1]:40000 ESTABLISHED nginx', local: ['::1', 80], remote: ['::1', 40000]},
    {spec: 'UDP [::]:53 [::]:0 LISTEN dnsmasq', local: ['::', 53], remote: ['::', 0]},
    {spec: '  TCP 0.0.0.0:22   0.0.0.0:0 LISTEN sshd ', local: ['0.0.0.0', 22], remote: ['0.0.0.0', 0]},
  ])('reads $spec', ({spec, local, remote}) => {
    const s = socket(spec)
    expect([s.LocalAddress, s.LocalPort, s.RemoteAddress, s.RemotePort]).toEqual([...local, ...remote])
    const [protocol, , , state, name] = spec.trim().split(/\s+/)
    expect(s).toMatchObject({Protocol: protocol, State: state, Name: name, Process: `/usr/bin/${name}`})
  })

  test('refuses an endpoint without a port', () => {
    expect(() => socket('TCP 10.0.0.1 10.0.0.2:1 ESTABLISHED x')).toThrow(/bad endpoint/)
  })
})

describe('graphDump', () => {
  test('gives each host a host node, a loopback, its interfaces and netns, all owned by it', () => {
    const [g] = graphDump([
      {name: 'web', addrs: ['10.0.0.1/24', 'fd00::1/64'], netns: {blue: ['192.168.1.1/24']}, sockets: ['TCP 10.0.0.1:80 10.0.0.2:40000 ESTABLISHED nginx']},
      {name: 'quiet'},
    ])
    const node = (id: string): Record<string, unknown> | undefined => g.Nodes.find((n) => n.ID === id)
    expect(node('host-web')).toMatchObject({Host: 'web', Metadata: {Type: 'host', Name: 'web', Sockets: [{LocalAddress: '10.0.0.1', LocalPort: 80}]}})
    expect(node('host-web-eth0')).toMatchObject({Metadata: {Type: 'veth', IPV4: ['10.0.0.1/24'], IPV6: ['fd00::1/64']}})
    expect(node('host-web-ns-blue')).toMatchObject({Metadata: {Type: 'netns', Name: 'blue'}})
    expect(node('host-web-ns-blue-eth0')).toMatchObject({Metadata: {IPV4: ['192.168.1.1/24']}})
    // a host given no sockets has no Sockets key at all (fm reports it as a host without sockets)
    expect((node('host-quiet')!.Metadata as Record<string, unknown>).Sockets).toBeUndefined()
    expect(node('host-quiet-eth0')).toBeUndefined()
    const owned = g.Edges.map((e) => [e.Parent, e.Child])
    expect(owned).toEqual(expect.arrayContaining([['host-web', 'host-web-lo'], ['host-web', 'host-web-eth0'], ['host-web', 'host-web-ns-blue'], ['host-web-ns-blue', 'host-web-ns-blue-eth0'], ['host-quiet', 'host-quiet-lo']]))
    expect(owned).toHaveLength(5)
  })
})

describe('syntheticMatrix', () => {
  test('is the same for the same seed and differs for another', () => {
    const a = syntheticMatrix({hosts: 30, seed: 4})
    expect(syntheticMatrix({hosts: 30, seed: 4})).toEqual(a)
    expect(syntheticMatrix({hosts: 30, seed: 5}).entries).not.toEqual(a.entries)
    expect(a.entries.length).toBeGreaterThan(30)
  })
})

describe('writeTemp', () => {
  test('writes each file, JSON or text, to a folder of its own', () => {
    const a = writeTemp('dump.json', [{Nodes: [], Edges: []}])
    const b = writeTemp('dump.json', 'not json')
    expect(dirname(a)).not.toBe(dirname(b))
    expect(JSON.parse(readFileSync(a, 'utf8'))).toEqual([{Nodes: [], Edges: []}])
    expect(readFileSync(b, 'utf8')).toBe('not json')
    expect(existsSync(a) && existsSync(b)).toBe(true)
  })
})

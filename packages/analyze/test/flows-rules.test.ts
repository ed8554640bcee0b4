import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {capture} from '@fm/capture'
import {graphFromDump, startFakeAnalyzer} from '@fm/fake-analyzer'
import {matrixToCsv} from '@fm/render'
import {graphDump, type TestHost} from '@fm/test-helpers'
import {writeTemp} from '@fm/test-helpers/temp'

const hosts: TestHost[] = [
  {name: 'web', addrs: ['10.0.0.1/24'], sockets: ['TCP 10.0.0.1:40000 10.0.0.2:5432 ESTABLISHED app', 'TCP 10.0.0.1:40001 10.0.0.3:80 ESTABLISHED app', 'TCP 10.0.0.1:40002 10.0.0.3:80 TIME_WAIT app']},
  {name: 'db', addrs: ['10.0.0.2/24']}, // its agent reports no sockets
  {name: 'api', addrs: ['10.0.0.3/24'], sockets: ['TCP 0.0.0.0:80 0.0.0.0:0 LISTEN nginx', 'TCP 10.0.0.3:80 10.0.0.1:40001 ESTABLISHED nginx', 'TCP 10.0.0.3:80 198.51.100.7:50000 ESTABLISHED nginx']},
  {name: 'batch', addrs: ['10.0.0.4/24']},
  {name: 'cache', addrs: ['10.0.0.5/24']},
  // the same loopback tuple on two hosts: only the capture point tells whose traffic it is
  {name: 'h1', addrs: ['10.0.1.1/24'], sockets: ['TCP 127.0.0.1:6379 0.0.0.0:0 LISTEN redis', 'TCP 127.0.0.1:50000 127.0.0.1:6379 ESTABLISHED worker', 'TCP 127.0.0.1:6379 127.0.0.1:50000 ESTABLISHED redis']},
  {name: 'h2', addrs: ['10.0.1.2/24'], sockets: ['TCP 127.0.0.1:6379 0.0.0.0:0 LISTEN redis', 'TCP 127.0.0.1:50000 127.0.0.1:6379 ESTABLISHED worker', 'TCP 127.0.0.1:6379 127.0.0.1:50000 ESTABLISHED redis']},
]

/** The G dump, with a TID on every host node (what flows name their capture point by). */
function dump(): unknown {
  const g = graphDump(hosts)
  for (const n of g[0].Nodes) {
    const meta = n.Metadata as Record<string, unknown>
    if (meta.Type === 'host') meta.TID = `tid-${String(n.Host)}`
  }
  return g
}

let n = 0
/** A Skydive flow `a → b` (`ADDR:PORT`) with AB/BA bytes, captured on `host`'s node. */
function flow(a: string, b: string, ab: number, ba: number, host: string | null, opts: {stringPorts?: boolean; uuid?: string} = {}): Record<string, unknown> {
  const [aAddr, aPort] = a.split(':')
  const [bAddr, bPort] = b.split(':')
  const port = (p: string): string | number => (opts.stringPorts ? p : Number(p))
  const start = 1_764_000_000_000 + n * 1000
  return {
    UUID: opts.uuid ?? `flow-${++n}`, LayersPath: 'Ethernet/IPv4/TCP', Application: 'TCP',
    Network: {Protocol: 'IPV4', A: aAddr, B: bAddr}, Transport: {Protocol: 'TCP', A: port(aPort), B: port(bPort)},
    Metric: {ABPackets: Math.ceil(ab / 100), ABBytes: ab, BAPackets: Math.ceil(ba / 100), BABytes: ba, Start: start, Last: start + 5000},
    Start: start, Last: start + 5000, ...(host ? {NodeTID: `tid-${host}`} : {}),
  }
}

const flows = [
  flow('10.0.0.1:40000', '10.0.0.2:5432', 1000, 5000, 'web'), // to a host without sockets: a connection only flows show
  flow('10.0.0.1:40000', '10.0.0.2:5432', 990, 4990, 'db'), // the same packets seen at the server's capture point
  flow('10.0.0.3:80', '10.0.0.1:40001', 7000, 300, 'api', {stringPorts: true}), // captured server first: A is the server
  flow('10.0.0.1:40002', '10.0.0.3:80', 10, 10, 'web'), // a TIME_WAIT client: not counted by default
  flow('198.51.100.7:50000', '10.0.0.3:80', 50, 60, 'api'), // a client no captured host owns
  flow('10.0.0.4:42000', '10.0.0.3:80', 800, 900, null), // no client socket, server known by its listener
  flow('10.0.0.4:41000', '10.0.0.5:6379', 1, 1, null), // no socket, no listener at either end
  flow('127.0.0.1:50000', '127.0.0.1:6379', 100, 200, 'h1'),
  flow('127.0.0.1:50000', '127.0.0.1:6379', 300, 400, 'h2'),
  flow('127.0.0.1:50001', '127.0.0.1:6379', 20, 30, 'h2'), // a loopback client gone from the socket table: the capture point's listener
  {UUID: 'icmp-1', LayersPath: 'Ethernet/IPv4/ICMPv4', Network: {Protocol: 'IPV4', A: '10.0.0.1', B: '10.0.0.3'}, ICMP: {Type: 'ECHO'}},
]

const wide = (csv: string): string[] => csv.trim().split('\r\n').map((l) => l.split(',').slice(0, 10).concat(l.split(',').slice(11, 15)).join(','))

describe('fm analyze --use-flows', () => {
  test('turns flows into connections, traffic and reasons, each rule as the README states it', async () => {
    const m = await analyze({inputs: [writeTemp('g.json', dump()), writeTemp('flows.json', flows)], useFlows: true})
    expect(wide(matrixToCsv(m, {wide: true}))).toEqual([
      'protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname,methods,seen,bytes_to_server,bytes_to_client',
      'TCP,api,10.0.0.3,80,/usr/bin/nginx,nginx,batch,10.0.0.4,,,flow,1,800,900',
      'TCP,api,10.0.0.3,80,/usr/bin/nginx,nginx,web,10.0.0.1,/usr/bin/app,app,socket,1,300,7000',
      'TCP,db,10.0.0.2,5432,,,web,10.0.0.1,/usr/bin/app,app,flow,1,1000,5000',
      'TCP,h1,127.0.0.1,6379,/usr/bin/redis,redis,h1,127.0.0.1,/usr/bin/worker,worker,socket,1,100,200',
      'TCP,h2,127.0.0.1,6379,/usr/bin/redis,redis,h2,127.0.0.1,,,flow,1,20,30',
      'TCP,h2,127.0.0.1,6379,/usr/bin/redis,redis,h2,127.0.0.1,/usr/bin/worker,worker,socket,1,300,400',
    ])
    expect(m.stats.flows).toEqual({flows: 10, joined: 3, edges: 4, flowConnections: 3, unused: {external: 1, 'no-listener': 1, 'not-counted': 1}})
    expect(m.stats.matched).toEqual({socket: 3, listener: 0, flow: 3})
    // the client the flow explained is no longer unmatched
    expect(m.unmatched.map((u) => u.key)).toEqual([])
    const db = m.entries.find((e) => e.server.host === 'db')!
    expect(db.traffic).toMatchObject({packetsToServer: 10, packetsToClient: 50})
    expect(db.evidence).toEqual([{client: 'web|TCP|10.0.0.1:40000>10.0.0.2:5432|' + db.evidence[0].client.split('|')[3], server: 'db|TCP|10.0.0.2:5432>10.0.0.1:40000|0', method: 'flow'}])
  })

  test('without --use-flows, flows change nothing', async () => {
    const m = await analyze({inputs: [writeTemp('g.json', dump()), writeTemp('flows.json', flows)]})
    expect(m.stats.flows).toBeUndefined()
    expect(m.entries.every((e) => e.traffic === undefined)).toBe(true)
    expect(m.entries.map((e) => `${e.server.host}<${e.client.host}`)).toEqual(['api<web', 'h1<h1', 'h2<h2'])
    expect(m.unmatched.map((u) => `${u.host}:${u.socket.localPort}:${u.reason}`)).toEqual(['web:40000:host-without-sockets'])
  })

  test('does not depend on the order of the flows', async () => {
    const g = writeTemp('g.json', dump())
    const a = await analyze({inputs: [g, writeTemp('flows.json', flows)], useFlows: true})
    const b = await analyze({inputs: [g, writeTemp('flows.json', [...flows].reverse())], useFlows: true})
    expect(JSON.stringify(b.entries)).toBe(JSON.stringify(a.entries))
    expect(b.stats).toEqual(a.stats)
  })

  test('an fm database keeps the flows: analysed again with or without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-flows-db-'))
    try {
      const db = join(dir, 'flows.db')
      const first = await analyze({inputs: [writeTemp('g.json', dump()), writeTemp('flows.json', flows)], useFlows: true, db})
      const again = await analyze({inputs: [db], useFlows: true})
      expect(JSON.stringify(again.entries)).toBe(JSON.stringify(first.entries))
      const plain = await analyze({inputs: [db]})
      expect(plain.entries.some((e) => e.traffic)).toBe(false)
      expect(plain.stats.matched.flow).toBe(0)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  test('ignores a G.Flows().Sockets() map: its keys are flow UUIDs, not hosts', async () => {
    const sockets = [{'flow-sock-1': [{LocalAddress: '10.0.0.1', LocalPort: 40000, RemoteAddress: '10.0.0.2', RemotePort: 5432, Protocol: 'TCP', State: 'ESTABLISHED', Process: '/usr/bin/app', Name: 'app', Pid: 7}]}]
    const withMap = await analyze({
      inputs: [writeTemp('g.json', dump()), writeTemp('flows.json', [flow('10.0.0.1:40000', '10.0.0.2:5432', 5, 5, 'web', {uuid: 'flow-sock-1'})]), writeTemp('flow-sockets.json', sockets)],
      useFlows: true,
    })
    expect(withMap.stats).toMatchObject({captures: 1, hosts: hosts.length})
    expect(withMap.entries.map((e) => `${e.server.host}<${e.client.host}:${e.connections}`)).toEqual(['api<web:1', 'db<web:1', 'h1<h1:1', 'h2<h2:1'])
  })
})

describe('a capture taken with a time context (--at)', () => {
  test('counts every non-listener client socket when --states is left out, as the original did', async () => {
    const fa = await startFakeAnalyzer({graph: graphFromDump(dump(), flows)})
    const dir = mkdtempSync(join(tmpdir(), 'fm-flows-at-'))
    try {
      const out = join(dir, 'cap')
      await capture({analyzer: fa.url.replace(/^http:\/\//, ''), out, at: '-10m', duration: 60, useFlows: true, toolVersion: 'test'})
      const m = await analyze({inputs: [out], useFlows: true})
      expect(m.states).toEqual(['any'])
      // the TIME_WAIT client now counts: a listener match, and its flow's traffic joins it
      const api = m.entries.find((e) => e.server.host === 'api' && e.client.host === 'web')!
      expect({connections: api.connections, methods: api.methods, bytesToServer: api.traffic?.bytesToServer}).toEqual({connections: 2, methods: ['socket', 'listener'], bytesToServer: 310})
      expect(m.stats.flows?.unused['not-counted']).toBe(0)
      // an explicit --states still wins
      const strict = await analyze({inputs: [out], useFlows: true, states: ['ESTABLISHED']})
      expect(strict.stats.flows?.unused['not-counted']).toBe(1)
    } finally {
      await fa.stop()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

import fc from 'fast-check'
import {JSDOM} from 'jsdom'
import {describe, expect, test} from 'vitest'
import type {Ambiguity, MatrixEntry} from '@fm/model'
import {aggregateMatrix, ambiguityAggregator, ambiguityReason, hostIndexAggregator, reportAggregator, reportHtml, type HostIndex} from '@fm/report'
import {serviceName} from '@fm/model'
import {syntheticEntries, syntheticHead, syntheticMatrix} from '@fm/test-helpers'

const entry = (client: string, server: string, service: string, port: number, connections: number, clientName = 'curl', protocol = 'TCP'): MatrixEntry => ({
  protocol,
  server: {host: server, ip: '10.0.0.1', port, process: `/usr/bin/${service}`, name: service},
  client: {host: client, ip: '10.0.0.2', process: `/usr/bin/${clientName}`, name: clientName},
  connections,
  methods: ['socket'],
  seen: 1,
  evidence: [],
})

const indexOf = (entries: MatrixEntry[], maxHosts = 100, maxHostLines = 6): HostIndex => {
  const agg = hostIndexAggregator(maxHosts, maxHostLines)
  for (const e of entries) agg.add(e)
  return agg.result(new Set(entries.flatMap((e) => [e.client.host, e.server.host])).size)
}

/** The index computed the plain way, from the whole list: what the streamed one must equal. */
function naiveIndex(entries: MatrixEntry[], maxHostLines: number): Map<string, {served: string[]; calls: string[]}> {
  const by = new Map<string, {served: Map<string, [number, number, Set<string>]>; calls: Map<string, [number, number, Set<string>]>}>()
  const get = (h: string) => by.get(h) ?? (by.set(h, {served: new Map(), calls: new Map()}), by.get(h)!)
  for (const e of entries) {
    const k = `${serviceName(e.server)}:${e.server.port}/${e.protocol}`
    for (const [side, host, peer] of [['served', e.server.host, e.client.host], ['calls', e.client.host, e.server.host]] as const) {
      const m = get(host)[side]
      const v = m.get(k) ?? [0, 0, new Set<string>()]
      v[0] += e.connections
      v[1]++
      v[2].add(peer)
      m.set(k, v)
    }
  }
  const lines = (m: Map<string, [number, number, Set<string>]>): string[] =>
    [...m].sort((a, b) => b[1][0] - a[1][0] || (a[0] < b[0] ? -1 : 1)).slice(0, maxHostLines).map(([k, [c, n, peers]]) => `${k} ${c} ${n} ${peers.size > 1 ? '*' : [...peers][0]}`)
  return new Map([...by].map(([h, v]) => [h, {served: lines(v.served), calls: lines(v.calls)}]))
}

const flat = (idx: HostIndex): Map<string, {served: string[]; calls: string[]}> =>
  new Map(idx.hosts.map((c) => [c.host, {served: c.served.lines.map((l) => `${l.service}:${l.port}/${l.protocol} ${l.connections} ${l.peers} ${l.morePeerHosts ? '*' : l.peerHost}`), calls: c.calls.lines.map((l) => `${l.service}:${l.port}/${l.protocol} ${l.connections} ${l.peers} ${l.morePeerHosts ? '*' : l.peerHost}`)}]))

describe('the host index', () => {
  test.for([
    {
      name: 'a server with two clients, a client calling one server',
      entries: [entry('web-1', 'db-1', 'mysqld', 3306, 5), entry('web-2', 'db-1', 'mysqld', 3306, 2)],
      host: 'db-1',
      served: [{service: 'mysqld', port: 3306, connections: 7, peers: 2, morePeerHosts: true, peerHost: 'web-1'}],
      calls: [],
    },
    {
      name: 'a quiet client: one call, nothing served',
      entries: [entry('web-1', 'db-1', 'mysqld', 3306, 5), entry('cmp-00017', 'db-1', 'mysqld', 3306, 1, 'nova-compute')],
      host: 'cmp-00017',
      served: [],
      calls: [{service: 'mysqld', port: 3306, connections: 1, peers: 1, morePeerHosts: false, peerHost: 'db-1'}],
    },
    {
      name: 'lines busiest first, then by service and port',
      entries: [entry('a', 'b', 'redis', 6379, 1), entry('a', 'c', 'nginx', 80, 9), entry('a', 'd', 'nginx', 443, 1)],
      host: 'a',
      served: [],
      calls: [{service: 'nginx', port: 80, connections: 9}, {service: 'nginx', port: 443, connections: 1}, {service: 'redis', port: 6379, connections: 1}],
    },
  ])('$name', ({entries, host, served, calls}) => {
    const card = indexOf(entries).hosts.find((c) => c.host === host)!
    expect(card.served.lines).toMatchObject(served)
    expect(card.calls.lines).toMatchObject(calls)
  })

  test('equals the index computed from the whole list, lines cut to the budget', () => {
    const m = syntheticMatrix({hosts: 60, seed: 3})
    expect(flat(indexOf(m.entries, 1000, 3))).toEqual(naiveIndex(m.entries, 3))
  })

  test('does not depend on the order the entries stream in, and past its budget keeps the first hosts by name, each complete', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(syntheticMatrix({hosts: 40, seed: 11}).entries, {minLength: 1}), fc.integer({min: 1, max: 30}), (entries, maxHosts) => {
        const a = indexOf(entries, maxHosts, 4)
        const b = indexOf([...entries].reverse(), maxHosts, 4)
        expect(b).toEqual(a)
        const all = naiveIndex(entries, 4)
        const first = [...all.keys()].sort().slice(0, maxHosts)
        expect(a.hosts.map((c) => c.host)).toEqual(first)
        expect(flat(a)).toEqual(new Map(first.map((h) => [h, all.get(h)!])))
      }),
      {numRuns: 25},
    )
  })

  test('holds at most twice its host budget, however many hosts stream by', () => {
    const agg = hostIndexAggregator(50, 6)
    let most = 0
    for (const e of syntheticEntries({entries: 40_000, hosts: 2000, services: 4})) {
      agg.add(e)
      most = Math.max(most, agg.held())
    }
    // hosts plus their lines (4 services, served and called): at most 2 × 50 hosts × (1 + 8)
    expect(most).toBeLessThanOrEqual(2 * 50 * 9)
    expect(agg.result(2000).hosts).toHaveLength(50)
  })

  test('on the page: one row per host with a stable id, the cut said with the command that lists all', async () => {
    const agg = reportAggregator({maxHosts: 10})
    agg.onHead(syntheticHead(40))
    for (const e of syntheticMatrix({hosts: 40, seed: 2}).entries) agg.onEntry(e)
    const data = agg.result()
    const {document} = new JSDOM(await reportHtml(data)).window
    const rows = [...document.querySelectorAll('#host-index tbody tr')]
    expect(rows.map((r) => r.querySelector('td')?.textContent)).toEqual(data.hostIndex.hosts.map((c) => c.host))
    expect(new Set(rows.map((r) => r.id)).size).toBe(10)
    const again = new JSDOM(await reportHtml(data)).window.document
    expect([...again.querySelectorAll('#host-index tbody tr')].map((r) => r.id)).toEqual(rows.map((r) => r.id))
    expect(document.querySelector('#hosts .note')?.textContent).toBe(`The index lists the first 10 of 40 hosts by name (to ${data.hostIndex.hosts[9].host}): the page's budget for the index is 6 MiB and the report holds at most 10 hosts. \`fm analyze --host NAME\` lists every row of any host left out; \`fm analyze --format csv\` every row.`)
    const input = document.querySelector('input.filter[data-table="host-index"]')!
    expect({kept: input.getAttribute('data-kept'), total: input.getAttribute('data-total'), col: input.getAttribute('data-col')}).toEqual({kept: '10', total: '40', col: '0'})
  })
})

const amb = (client: string, candidates: string[], chosen: string, resolvedBy: Ambiguity['resolvedBy']): Ambiguity => ({client, candidates, chosen, resolvedBy})

describe('the ambiguity cases', () => {
  test.for([
    {
      name: 'two agents on one machine',
      a: amb('web|TCP|10.0.0.5:40000>10.0.0.9:5432|7', ['db-a|TCP|10.0.0.9:5432>0.0.0.0:0|99', 'db-b|TCP|10.0.0.9:5432>0.0.0.0:0|99'], 'db-a|TCP|10.0.0.9:5432>0.0.0.0:0|99', 'first-by-name'),
      reason: 'both agents report the same sockets: two agents on one machine (or one machine captured under several names); none owns the address, so db-a was picked as first by name over db-b.',
    },
    {
      name: 'a shared address, the owner picked',
      a: amb('web|TCP|10.0.0.5:40000>10.0.0.100:443|7', ['lb-1|TCP|10.0.0.100:443>0.0.0.0:0|10', 'lb-2|TCP|10.0.0.100:443>0.0.0.0:0|11', 'lb-3|TCP|10.0.0.100:443>0.0.0.0:0|12'], 'lb-2|TCP|10.0.0.100:443>0.0.0.0:0|11', 'address-owner'),
      reason: 'hosts listen on the same address and port (3 for the example): a shared, virtual or reused address, such as a container bridge on every host; the host that owns the address was picked (lb-2 for the example).',
    },
    {
      name: 'loopback on the client\'s own host',
      a: amb('web|TCP|127.0.0.1:40000>127.0.0.1:6379|7', ['web|TCP|127.0.0.1:6379>0.0.0.0:0|3', 'cache|TCP|127.0.0.1:6379>0.0.0.0:0|4'], 'web|TCP|127.0.0.1:6379>0.0.0.0:0|3', 'client-host'),
      reason: 'hosts listen on the same address and port (2 for the example): a shared, virtual or reused address, such as a container bridge on every host; the client\'s own host was picked (web for the example).',
    },
    {
      name: 'several sockets of one host',
      a: amb('web|UDP|10.0.0.5:40000>10.0.0.1:53|7', ['ctrl-1|UDP|0.0.0.0:53>0.0.0.0:0|3', 'ctrl-1|UDP|0.0.0.0:53>0.0.0.0:0|4'], 'ctrl-1|UDP|0.0.0.0:53>0.0.0.0:0|3', 'first-by-name'),
      reason: 'several sockets on one host (e.g. ctrl-1) listen on the address and port the client connects to, as a service with a socket per thread or per address does: the server host is certain, only which of its sockets was picked.',
    },
  ])('$name', ({a, reason}) => {
    const agg = ambiguityAggregator(5)
    agg.add(a)
    const [c] = agg.result().cases
    expect(ambiguityReason(c)).toBe(reason)
  })

  const many = (n: number): Ambiguity[] =>
    Array.from({length: n}, (_, i) => {
      const pair = i % 7
      const cand = [`srv-${pair}-a|TCP|10.9.0.${pair}:80>0.0.0.0:0|1`, `srv-${pair}-b|TCP|10.9.0.${pair}:80>0.0.0.0:0|${pair % 2 ? 1 : 2}`]
      return amb(`cli-${i}|TCP|10.1.0.1:${30000 + i}>10.9.0.${pair}:80|5`, cand, cand[0], 'first-by-name')
    })

  test('are grouped, largest first, whatever the order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(many(200), {minLength: 1}), (list) => {
        const a = ambiguityAggregator(3)
        const b = ambiguityAggregator(3)
        for (const x of list) a.add(x)
        for (const x of [...list].reverse()) b.add(x)
        expect(b.result()).toEqual(a.result())
        const r = a.result()
        expect(r.total).toBe(list.length)
        expect(r.cases.length).toBe(Math.min(3, r.caseCount))
        expect(r.cases.map((c) => c.clients)).toEqual([...r.cases.map((c) => c.clients)].sort((x, y) => y - x))
      }),
      {numRuns: 25},
    )
  })

  test('of one host with several sockets are one case per socket layout, whatever the host', () => {
    const agg = ambiguityAggregator(5)
    for (const h of ['ctrl-3', 'ctrl-1', 'ctrl-2']) agg.add(amb(`cmp|UDP|10.0.0.5:4000>10.0.0.1:53|7`, [`${h}|UDP|0.0.0.0:53>0.0.0.0:0|3`, `${h}|UDP|0.0.0.0:53>0.0.0.0:0|4`], `${h}|UDP|0.0.0.0:53>0.0.0.0:0|3`, 'first-by-name'))
    expect(agg.result()).toMatchObject({total: 3, caseCount: 1, cases: [{clients: 3, cause: 'one-host', server: '0.0.0.0:53'}]})
  })

  test('of an address reused on every host are one case, whichever hosts', () => {
    const agg = ambiguityAggregator(5)
    for (const [c, other] of [['cmp-2', 'cmp-3'], ['cmp-1', 'cmp-2'], ['cmp-3', 'cmp-1']]) agg.add(amb(`${c}|TCP|172.17.0.2:4000>172.17.0.1:8125|7`, [`${c}|TCP|172.17.0.1:8125>0.0.0.0:0|3`, `${other}|TCP|172.17.0.1:8125>0.0.0.0:0|4`], `${c}|TCP|172.17.0.1:8125>0.0.0.0:0|3`, 'client-host'))
    expect(agg.result()).toMatchObject({total: 3, caseCount: 1, cases: [{clients: 3, cause: 'shared-address', server: '172.17.0.1:8125', chosen: 'cmp-1', hosts: ['cmp-1', 'cmp-2'], example: 'cmp-1|TCP|172.17.0.2:4000>172.17.0.1:8125|7'}]})
  })

  test('hold a bounded number of cases, counting the clients of the rest', () => {
    const agg = ambiguityAggregator(2, 4)
    for (let i = 0; i < 100; i++) agg.add(amb(`c|TCP|1.1.1.1:${i}>2.2.2.${i}:80|1`, [`a${i}|TCP|2.2.2.${i}:80>0.0.0.0:0|1`, `b${i}|TCP|2.2.2.${i}:80>0.0.0.0:0|2`], `a${i}|TCP|2.2.2.${i}:80>0.0.0.0:0|1`, 'first-by-name'))
    expect(agg.held()).toBe(4)
    expect(agg.result()).toMatchObject({total: 100, caseCount: 4, uncounted: 96})
    expect(agg.result().cases).toHaveLength(2)
  })

  test('on the page: the largest cases with their reason, hostile names as text', async () => {
    const m = syntheticMatrix({hosts: 5})
    const evil = '<img src=x onerror=alert(1)>'
    m.ambiguities = [amb('w|TCP|1.1.1.1:1>2.2.2.2:80|1', [`${evil}|TCP|2.2.2.2:80>0.0.0.0:0|1`, 'b|x|TCP|2.2.2.2:80>0.0.0.0:0|1'], `${evil}|TCP|2.2.2.2:80>0.0.0.0:0|1`, 'first-by-name')]
    const {document} = new JSDOM(await reportHtml(aggregateMatrix(m))).window
    const row = document.querySelector('#ambiguities tbody tr')!
    expect([...row.querySelectorAll('td')].map((td) => td.textContent).slice(0, 4)).toEqual(['1', '2.2.2.2:80', `${evil}, b|x`, evil])
    expect(row.textContent).toContain('both agents report the same sockets')
    expect(document.querySelectorAll('img')).toHaveLength(0)
  })
})

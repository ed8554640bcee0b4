import {fc, test as prop} from '@fast-check/vitest'
import {describe, expect} from 'vitest'
import {compareEntries, type Matrix, type MatrixEntry, type UnmatchedSocket} from '@fm/model'
import {aggregateMatrix, buildReport, graphDot, matrixSvg, reportHtml} from '@fm/report'
import * as legacy from './helpers/legacy-report/index.js'
import {syntheticMatrix} from './helpers/synthetic-matrix.js'

// The whole-matrix path (a copy of the report before it streamed) is the oracle: the report
// aggregated while entries stream must give the same bytes in every format.

const endpoint = fc.record({
  host: fc.constantFrom('a', 'b', 'c', 'd', 'e', '<x>', 'f'),
  ip: fc.constantFrom('10.0.0.1', '10.0.0.2', 'fd00::1'),
  process: fc.constantFrom('/usr/bin/nginx', '/bin/curl', '', '/opt/x/app', '/usr/sbin/mysqld'),
  name: fc.constantFrom('', 'nginx', 'curl', 'app', 'db', 'q', 'r'),
})
const traffic = fc.record({bytesToServer: fc.nat(1e6), bytesToClient: fc.nat(1e6), packetsToServer: fc.nat(100), packetsToClient: fc.nat(100), first: fc.constant(0), last: fc.constant(60)})
const entry = fc.record({
  protocol: fc.constantFrom('TCP', 'UDP'),
  server: fc.tuple(endpoint, fc.constantFrom(53, 80, 443, 5432, 8080)).map(([ep, port]) => ({...ep, port})),
  client: endpoint,
  connections: fc.integer({min: 1, max: 40}),
  methods: fc.subarray(['socket', 'listener', 'flow'] as const, {minLength: 1}),
  traffic: fc.option(traffic, {nil: undefined}),
})
const unmatched = fc.record({
  host: fc.constantFrom('a', 'b', 'c'),
  reason: fc.constantFrom('external', 'no-listener', 'host-without-sockets'),
  remoteAddress: fc.constantFrom(...Array.from({length: 20}, (_, i) => (i % 5 === 0 ? `2001:db8::${i}` : `203.0.113.${i}`))),
  remotePort: fc.constantFrom(443, 53),
  name: fc.constantFrom('', 'curl', 'dnf'),
})

const matrixArb = fc.record({
  entries: fc.array(entry, {maxLength: 60}),
  unmatched: fc.array(unmatched, {maxLength: 40}),
  withTraffic: fc.boolean(),
}).map(({entries, unmatched: um, withTraffic}): Matrix => {
  // one entry per key, in matrix order, as analyze hands them over
  const sorted = entries.map((e) => ({...e, seen: 1, evidence: [], ...(withTraffic ? {} : {traffic: undefined})}) as MatrixEntry).sort(compareEntries)
  const unique = sorted.filter((e, i) => i === 0 || compareEntries(sorted[i - 1], e) !== 0)
  for (const e of unique) if (!e.traffic) delete e.traffic
  const list: UnmatchedSocket[] = um.map((u, i) => ({
    host: u.host,
    key: `${u.host}|${i}`,
    reason: u.reason,
    socket: {protocol: 'TCP', localAddress: '10.0.0.9', localPort: 40000 + i, remoteAddress: u.remoteAddress, remotePort: u.remotePort, state: 'ESTABLISHED', process: u.name ? `/usr/bin/${u.name}` : '', pid: i, name: u.name},
  }))
  return {...syntheticMatrix({hosts: 0}), entries: unique, unmatched: list}
})

const limitsArb = fc.record({maxUnits: fc.integer({min: 1, max: 8}), maxGroups: fc.integer({min: 1, max: 6}), maxNodes: fc.integer({min: 1, max: 14}), maxRows: fc.integer({min: 0, max: 12})})

describe('the report aggregated while entries stream', () => {
  prop.prop([matrixArb, limitsArb, fc.constantFrom('host', 'service' as const)], {numRuns: 15})('gives the page of the whole-matrix path, byte for byte', async (m, limits, groupBy) => {
    const data = aggregateMatrix(m, limits)
    expect(await reportHtml(data, {groupBy, title: 'T'})).toBe(await legacy.reportHtml(m, {groupBy, title: 'T', limits}))
  })

  prop.prop([matrixArb, limitsArb, fc.constantFrom('host', 'service' as const), fc.constantFrom('connections', 'bytes' as const)], {numRuns: 60})('gives the matrix SVG and the dot source of the whole-matrix path', async (m, limits, groupBy, metric) => {
    const data = aggregateMatrix(m, limits)
    expect(matrixSvg(data, {groupBy, metric})).toBe(legacy.matrixSvg(m, {groupBy, metric, limits}))
    expect(await buildReport(data, 'dot', {title: 'T'})).toBe(await legacy.buildReport(m, 'dot', {title: 'T', limits}))
  })

  prop.prop([matrixArb, fc.integer({min: 1, max: 10}), fc.integer({min: 1, max: 6}), fc.integer({min: 0, max: 8})], {numRuns: 150})('gives the service graph of the whole-matrix path at any cut', (m, maxNodes, maxServices, maxEdges) => {
    const now = graphDot(aggregateMatrix(m, {maxNodes}), {title: 'T', maxServices, maxEdges})
    expect(now).toEqual(legacy.graphDot(m, {title: 'T', maxNodes, maxServices, maxEdges}))
  })
})

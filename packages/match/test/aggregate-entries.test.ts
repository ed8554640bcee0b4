import fc from 'fast-check'
import {expect, test} from 'vitest'
import type {MatchedConnection} from '@fm/model'
import {aggregateEntries, mergeFlowEntries, mergeFlowStream, type FlowConnectionRow} from '@fm/match'

/** A matched connection of the client process `client` to web:443, in capture `captureId`. */
function row(client: string, captureId: number, clientPort: number): MatchedConnection {
  return {
    protocol: 'TCP', serverHost: 'srv', serverIp: '10.0.0.1', port: 443, serverProc: '/usr/sbin/web', serverName: 'web',
    clientHost: 'cli', clientIp: '10.0.0.2', clientProc: `/usr/bin/${client}`, clientName: client,
    method: 'socket', captureId, clientPort, clientPid: 1, sLocalAddr: '10.0.0.1', sLocalPort: 443, sRemoteAddr: '10.0.0.2', sRemotePort: clientPort, serverPid: 2,
  }
}

test('an entry over several captures counts the most connections seen in one of them, and where it was seen', () => {
  // curl: 2 connections in capture 1, 3 in capture 2, 1 in capture 3; wget only in capture 2
  const rows = [row('curl', 1, 1), row('curl', 1, 2), row('curl', 2, 1), row('curl', 2, 2), row('curl', 2, 3), row('curl', 3, 9), row('wget', 2, 5)]
  const [curl, wget] = aggregateEntries(rows)
  expect([curl.connections, curl.seen, curl.captureIds]).toEqual([3, 3, [1, 2, 3]])
  expect([wget.connections, wget.seen, wget.captureIds]).toEqual([1, 1, [2]])
})

test('the same snapshot captured N times gives the counts of one capture, seen in N of N', () => {
  fc.assert(
    fc.property(fc.integer({min: 1, max: 6}), fc.array(fc.integer({min: 1, max: 5}), {minLength: 1, maxLength: 8}), (n, perClient) => {
      const snapshot = (captureId: number): MatchedConnection[] => perClient.flatMap((k, c) => Array.from({length: k}, (_, p) => row(`app${c}`, captureId, p + 1)))
      const once = aggregateEntries(snapshot(1))
      // the store hands rows over sorted by entry key (one entry's rows contiguous), captures mixed
      const many = aggregateEntries(Array.from({length: n}, (_, i) => snapshot(i + 1)).flat().sort((a, b) => (a.clientName < b.clientName ? -1 : a.clientName > b.clientName ? 1 : 0)))
      expect(many.map((e) => e.connections)).toEqual(once.map((e) => e.connections))
      expect(many.every((e) => e.seen === n)).toBe(true)
    }),
  )
})

test('connections only flows revealed add to the capture they were seen in, not to the sum over captures', () => {
  const entries = aggregateEntries([row('curl', 1, 1), row('curl', 2, 1)])
  expect(entries[0].connections).toBe(1)
  const flowRow = (captureId: number): FlowConnectionRow => ({...row('curl', captureId, 7), method: 'flow', kind: 'edge', bytesToServer: 1, bytesToClient: 1, packetsToServer: 1, packetsToClient: 1, first: 1, last: 2})
  // one more connection in capture 2 only: capture 2 now has 2, capture 1 still 1
  const [merged] = mergeFlowEntries(entries, [flowRow(2)])
  expect([merged.connections, merged.seen, merged.methods]).toEqual([2, 2, ['socket', 'flow']])
})

/** The entry key of a row, as a CSV row would show it. */
const keyOf = (e: ReturnType<typeof aggregateEntries>[number]): string => `${e.protocol} ${e.server.host}:${e.server.port} ${e.client.host} ${e.client.name}`

test.for([
  {name: 'one row is one entry of one connection', rows: [row('curl', 1, 1)], entries: ['TCP srv:443 cli curl'], connections: [1], methods: [['socket']]},
  {name: 'rows of one key fold into one entry', rows: [row('curl', 1, 1), row('curl', 1, 2), row('curl', 1, 3)], entries: ['TCP srv:443 cli curl'], connections: [3], methods: [['socket']]},
  {name: 'entries come out sorted by key, whatever the row order', rows: [row('wget', 1, 1), row('curl', 1, 1)], entries: ['TCP srv:443 cli curl', 'TCP srv:443 cli wget'], connections: [1, 1], methods: [['socket'], ['socket']]},
  {name: 'methods in the fixed order socket, listener, flow', rows: [{...row('curl', 1, 1), method: 'listener'}, row('curl', 1, 2)], entries: ['TCP srv:443 cli curl'], connections: [2], methods: [['socket', 'listener']]},
  {name: 'the protocol is part of the key', rows: [row('curl', 1, 1), {...row('curl', 1, 2), protocol: 'UDP'}], entries: ['TCP srv:443 cli curl', 'UDP srv:443 cli curl'], connections: [1, 1], methods: [['socket'], ['socket']]},
  {name: 'no rows, no entries', rows: [], entries: [], connections: [], methods: []},
])('aggregateEntries: $name', ({rows, entries, connections, methods}) => {
  const out = aggregateEntries(rows)
  expect(out.map(keyOf)).toEqual(entries)
  expect(out.map((e) => e.connections)).toEqual(connections)
  expect(out.map((e) => e.methods)).toEqual(methods)
})

test.for([
  {limit: 0, kept: 0},
  {limit: 2, kept: 2},
  {limit: 10, kept: 5},
])('aggregateEntries keeps the $limit smallest proofs ($kept of 5), sorted, whatever the row order', ({limit, kept}) => {
  const rows = [5, 3, 1, 4, 2].map((p) => row('curl', 1, 40000 + p))
  const [e] = aggregateEntries(rows, limit)
  const [r] = aggregateEntries([...rows].reverse(), limit)
  expect(e.evidence).toHaveLength(kept)
  expect(e.evidence).toEqual(r.evidence)
  expect(e.evidence.map((p) => p.client)).toEqual([...e.evidence.map((p) => p.client)].sort())
})

test('mergeFlowStream over sorted streams gives what mergeFlowEntries gives', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({client: fc.constantFrom('a', 'b', 'c', 'd'), captureId: fc.integer({min: 1, max: 2}), port: fc.integer({min: 1, max: 4})}), {maxLength: 12}),
      fc.array(fc.record({client: fc.constantFrom('a', 'b', 'c', 'd', 'e'), captureId: fc.integer({min: 1, max: 2}), port: fc.integer({min: 5, max: 9}), bytes: fc.nat(1000)}), {maxLength: 12}),
      fc.integer({min: 0, max: 3}),
      (sockets, flows, limit) => {
      const byClient = (a: {clientName: string}, b: {clientName: string}): number => (a.clientName < b.clientName ? -1 : a.clientName > b.clientName ? 1 : 0)
      const rows = sockets.map((r) => row(r.client, r.captureId, r.port)).sort(byClient)
      const socketClients = new Set(rows.map((r) => r.clientName))
      // traffic only onto entries socket matching made; edges anywhere
      const flowRows: FlowConnectionRow[] = flows
        .map((f) => ({...row(f.client, f.captureId, f.port), method: 'flow', kind: socketClients.has(f.client) && f.bytes % 2 === 0 ? ('traffic' as const) : ('edge' as const), bytesToServer: f.bytes, bytesToClient: 1, packetsToServer: 1, packetsToClient: 1, first: f.bytes, last: f.bytes + 5}))
        .sort(byClient)
      const expected = mergeFlowEntries(aggregateEntries(rows, limit), flowRows, limit)
      const streamed = [...mergeFlowStream(aggregateEntries(rows, limit), flowRows, limit)]
      expect(streamed).toEqual(expected)
    }),
  )
})

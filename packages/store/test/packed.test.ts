import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, onTestFinished, test, test as plainTest} from 'vitest'
import type {DumpRecord, Socket} from '@fm/model'
import {packRecords} from '../src/packed.js'
import {connectionOf, Store} from '../src/store.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-packed-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

// Few distinct texts, so the string table both reuses entries and, with a tiny limit, starts again.
const text = fc.constantFrom('', 'TCP', 'UDP', '10.0.0.1', '10.0.0.2', '::1', 'fe80::1', '0.0.0.0', 'ESTABLISHED', 'LISTEN', '/usr/bin/a', 'a\u0000b', '"x,y"', 'é')
const socket: fc.Arbitrary<Socket> = fc.record({
  protocol: fc.constantFrom('TCP', 'UDP'),
  localAddress: text,
  localPort: fc.integer({min: 0, max: 65535}),
  remoteAddress: text,
  remotePort: fc.integer({min: 0, max: 65535}),
  state: fc.constantFrom('ESTABLISHED', 'LISTEN', 'TIME_WAIT', ''),
  process: text,
  pid: fc.oneof(fc.integer({min: 0, max: 1 << 30}), fc.constant(Number.MAX_SAFE_INTEGER)),
  name: text,
})
const record: fc.Arbitrary<DumpRecord> = fc.oneof(
  fc.record({kind: fc.constant('host' as const), nodeId: fc.constantFrom('h1', 'h2', 'h3'), name: text, hostname: fc.option(text), sockets: fc.option(fc.array(socket, {maxLength: 6})), tid: fc.option(text)}),
  fc.record({kind: fc.constant('sockets' as const), ownerId: fc.constantFrom('h1', 'h2', 'h4'), sockets: fc.array(socket, {maxLength: 6})}),
  fc.record({kind: fc.constant('ownership' as const), parent: text, child: text}),
  fc.record({kind: fc.constant('netns' as const), nodeId: text, agent: text, name: text, tid: fc.option(text)}),
)

/** Everything a load leaves in the tables, in insertion order. */
function contents(store: Store): unknown {
  const all = (sql: string): unknown[] => connectionOf(store).prepare(sql).all()
  return {
    hosts: all('SELECT id, node_id, name, hostname, has_sockets FROM hosts ORDER BY id'),
    sockets: all('SELECT * FROM sockets ORDER BY id'),
    nodes: all('SELECT * FROM graph_nodes ORDER BY rowid'),
    ownership: all('SELECT * FROM ownership ORDER BY rowid'),
    tids: all('SELECT * FROM node_tids ORDER BY rowid'),
  }
}

async function load(name: string, batches: ReturnType<typeof packRecords>): Promise<unknown> {
  const store = new Store(join(dir, `${name}.db`), {bulk: true})
  try {
    const id = store.addCapture({source: name, format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null})
    await store.loadPacked(id, batches)
    return contents(store)
  } finally {
    store.close()
  }
}

let run = 0
describe('packed batches', () => {
  // Tiny batches and a tiny string table cross every edge: a host's sockets split from its
  // record never happens (a record is packed whole), but table resets land between any two batches.
  // (each host node once: the store refuses a node given twice, see hostile-inputs.e2e)
  const onePerHost = fc.array(record, {maxLength: 25}).map((rs) => rs.filter((r, i) => r.kind !== 'host' || rs.findIndex((o) => o.kind === 'host' && o.nodeId === r.nodeId) === i))
  test('load the same rows whatever the batch size and string-table limit', async () => {
    await fc.assert(
      fc.asyncProperty(onePerHost, fc.integer({min: 1, max: 5}), fc.integer({min: 1, max: 4}), async (records, batchWeight, tableLimit) => {
        run++
        const reference = await load(`ref-${run}`, packRecords(records, {batchWeight: 1 << 20, tableLimit: 1 << 20}))
        const small = await load(`small-${run}`, packRecords(records, {batchWeight, tableLimit}))
        expect(small).toStrictEqual(reference)
        // and the rows are the records' own values
        const sockets = (reference as {sockets: Record<string, unknown>[]}).sockets
        const given = records.flatMap((r) => (r.kind === 'host' ? (r.sockets ?? []) : r.kind === 'sockets' ? r.sockets : []))
        expect(sockets.map((s) => [s.protocol, s.local_addr, s.local_port, s.remote_addr, s.remote_port, s.state, s.process, s.pid, s.name])).toStrictEqual(
          given.map((s) => [s.protocol, s.localAddress, s.localPort, s.remoteAddress, s.remotePort, s.state, s.process, s.pid, s.name]),
        )
      }),
      {numRuns: 60},
    )
  })
})

describe('a host node given twice', () => {
  plainTest.for([
    {name: 'with the same host', second: 'h', says: 'host node ID "n1" is given twice (host "h"): each node must appear once'},
    {name: 'for another host', second: 'other', says: 'host node ID "n1" is given for two hosts ("h" and "other"): each node must appear once'},
  ])('$name is refused naming the ID, and loads nothing of the batch', async ({second, says}) => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-twice-'))
    onTestFinished(() => rmSync(dir, {recursive: true, force: true}))
    const store = new Store(join(dir, 'x.db'))
    onTestFinished(() => store.close())
    const id = store.addCapture({source: 'dump.json', format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null})
    const host = (name: string): DumpRecord => ({kind: 'host', nodeId: 'n1', name, hostname: null, sockets: [], tid: null})
    await expect(store.load(id, [host('h'), host(second)])).rejects.toThrow(`dump.json: ${says}`)
    expect(connectionOf(store).prepare('SELECT COUNT(*) FROM hosts').pluck().get()).toBe(0)
  })
})

import {createHash} from 'node:crypto'
import {describe, expect, test, vi} from 'vitest'
import {BaselineChecker, EdgeGrouper, parseBaseline} from '@fm/baseline'
import type {MatrixEntry, MatrixHead} from '@fm/model'
import {matrixToCsv, matrixToDot, matrixToJson, matrixToTable, TableWidths, tableCells} from '@fm/render'
import {matrixStream} from '../src/lib/matrix-stream.js'

// More entries than any shortcut holding them in one call survives: V8 refuses a spread of this
// many arguments (`Math.max(...widths)` was the table's crash at 50k hosts), and every writer
// must stay in step with the whole-matrix writers of @fm/render.
const N = 150_000
vi.setConfig({testTimeout: 240_000})

/** Entry i of a synthetic matrix, in matrix order: hosts, addresses and names vary in width. */
function entry(i: number): MatrixEntry {
  const s = Math.floor(i / 40)
  return {
    protocol: 'TCP',
    server: {host: `srv-${String(s).padStart(6, '0')}${'x'.repeat(s % 50)}`, ip: s % 3 === 0 ? `fd00::${s.toString(16)}` : `10.${(s >> 16) & 255}.${(s >> 8) & 255}.${s & 255}`, port: 443 + (s % 7), process: `/usr/sbin/svc-${s % 97}`, name: s % 11 === 0 ? '' : `svc-${s % 97}`},
    client: {host: `cli-${String(i).padStart(7, '0')}`, ip: `10.200.${(i >> 8) & 255}.${i & 255}`, process: `/usr/bin/app-${i % 13}`, name: `app\n${i % 13}`},
    connections: 1 + (i % 5),
    methods: ['socket'],
    seen: 1,
    captureIds: [1],
    evidence: [],
  }
}
const entries = Array.from({length: N}, (_, i) => entry(i))
const head: MatrixHead = {
  schemaVersion: 1,
  states: ['ESTABLISHED'],
  captures: [{id: 1, source: 'synthetic', format: 'skydive-json', label: null, timeContext: null, startedAt: null, endedAt: null}],
  stats: {captures: 1, hosts: N, hostsWithoutSockets: 0, sockets: 2 * N, listeners: N, serverSide: N, clientSide: N, clientsConsidered: N, matched: {socket: N, listener: 0, flow: 0}, unmatched: {external: 0, 'no-listener': 0, 'host-without-sockets': 0}, ambiguities: 0},
  hostsWithoutSockets: [],
}
const whole = {...head, entries, unmatched: [], ambiguities: []}

/** What a streamed writer writes for the entries, as a digest (the texts run to tens of MB). */
async function streamed(kind: Parameters<typeof matrixStream>[0]): Promise<{digest: string; bytes: number}> {
  const h = createHash('sha256')
  let bytes = 0
  const s = matrixStream(kind, (t) => {
    h.update(t)
    bytes += t.length
  })
  s.callbacks.onHead?.(head)
  for (const e of entries) s.callbacks.onEntry!(e)
  await s.end()
  return {digest: h.digest('hex'), bytes}
}
const digest = (text: string): string => createHash('sha256').update(text).digest('hex')

describe(`every streamed writer of fm analyze, on ${N} entries, writes what the whole-matrix writer writes`, () => {
  test.for(['table', 'dot', 'csv', 'wide-csv'] as const)('%s', async (kind) => {
    const want = kind === 'table' ? matrixToTable(whole) : kind === 'dot' ? matrixToDot(whole) : matrixToCsv(whole, {wide: kind === 'wide-csv'})
    const got = await streamed(kind)
    expect(got.bytes).toBe(want.length)
    expect(got.digest).toBe(digest(want))
  })

  test('json', async () => {
    const got = await streamed('json')
    expect(got.digest).toBe(digest(matrixToJson(whole)))
  })
})

test('the table widths are fed one row at a time, and are the widest cell of each column up to 40', () => {
  const w = new TableWidths()
  const widest = w.widths.slice()
  for (const e of entries) {
    const cells = tableCells(e)
    w.add(cells)
    cells.forEach((c, i) => (widest[i] = Math.min(40, Math.max(widest[i], c.length))))
    expect(w.widths).toEqual(widest)
    if (w.rows === 1000) break
  }
  expect(w.rows).toBe(1000)
  // the server host column grows past its title and is capped at 40 on the full matrix
  for (const e of entries.slice(1000)) w.add(tableCells(e))
  expect(w.rows).toBe(N)
  expect(w.widths[1]).toBe(40)
})

test(`baseline edges at host level: ${N} distinct edges folded one entry at a time, all allowed by one rule`, () => {
  const checker = new BaselineChecker(parseBaseline('version: 1\nlevel: host\nallow:\n  - {client: "*"}\n', 'b.yaml'))
  const grouper = new EdgeGrouper({level: 'host', byPort: false})
  for (const e of entries) {
    checker.add(e)
    grouper.add(e)
  }
  const report = checker.report(head.captures)
  expect(report.ok).toBe(true)
  expect(report.edges).toHaveLength(N)
  expect(report.rules[0].matched).toBe(N)
  expect(grouper.edges()).toHaveLength(N)
})

import fc from 'fast-check'
import {describe, expect, test} from 'vitest'
import type {Matrix, MatrixEntry} from '@fm/model'
import {aggregateMatrix, foldTop, serviceMatrix, type ReportData} from '@fm/report'
import {syntheticMatrix} from '@fm/test-helpers'

const entry = (client: [string, string], server: [string, string, number], connections = 1): MatrixEntry => ({
  protocol: 'TCP',
  server: {host: server[0], ip: '10.0.0.1', port: server[2], process: `/usr/bin/${server[1]}`, name: server[1]},
  client: {host: client[0], ip: '10.0.0.2', process: `/usr/bin/${client[1]}`, name: client[1]},
  connections,
  methods: ['socket'],
  seen: 1,
  evidence: [],
})
const matrix = (entries: MatrixEntry[], maxUnits?: number): ReportData => aggregateMatrix({...syntheticMatrix({hosts: 0}), entries} as Matrix, maxUnits ? {maxUnits} : {})

describe('serviceMatrix', () => {
  test('draws processes grouped by host when they fit, ordered by host then name', () => {
    const sm = serviceMatrix(matrix([entry(['b', 'curl'], ['a', 'nginx', 80]), entry(['a', 'curl'], ['b', 'mysqld', 3306], 3), entry(['a', 'app'], ['a', 'nginx', 80])]))
    expect(sm.level).toBe('process')
    expect(sm.rows.map((u) => [u.group, u.label])).toEqual([['a', 'app'], ['a', 'curl'], ['b', 'curl']])
    expect(sm.cols.map((u) => [u.group, u.label])).toEqual([['a', 'nginx'], ['b', 'mysqld']])
    expect(sm.cells).toEqual([
      {row: 0, col: 0, connections: 1, bytes: null, entries: 1, ports: ['TCP/80']},
      {row: 1, col: 1, connections: 3, bytes: null, entries: 1, ports: ['TCP/3306']},
      {row: 2, col: 0, connections: 1, bytes: null, entries: 1, ports: ['TCP/80']},
    ])
  })

  test('sums one service across hosts when grouped by service', () => {
    const sm = serviceMatrix(matrix([entry(['a', 'curl'], ['x', 'nginx', 80], 2), entry(['b', 'curl'], ['y', 'nginx', 443], 5)]), {groupBy: 'service'})
    expect(sm.level).toBe('service')
    expect(sm.cells).toEqual([{row: 0, col: 0, connections: 7, bytes: null, entries: 2, ports: ['TCP/443', 'TCP/80']}])
  })

  test('falls back from processes to hosts, then to services, as the deployment grows', () => {
    const few = Array.from({length: 4}, (_, i) => Array.from({length: 3}, (_, j) => entry([`h${i}`, `p${j}`], [`s${i}`, `q${j}`, 80]))).flat()
    expect(serviceMatrix(matrix(few, 12)).level).toBe('process')
    expect(serviceMatrix(matrix(few, 6)).level).toBe('host')
    const sm = serviceMatrix(matrix(few, 3))
    expect(sm.level).toBe('service')
    expect(sm.notes[0]).toMatch(/^8 hosts do not fit a readable matrix/)
  })

  test('folds the quietest services into "other" and keeps the connections', () => {
    const entries = Array.from({length: 10}, (_, i) => entry(['a', `c${i}`], ['b', `s${i}`, 80], i + 1))
    const sm = serviceMatrix(matrix(entries, 4), {groupBy: 'service'})
    expect(sm.rows.map((u) => u.label)).toEqual(['c7', 'c8', 'c9', 'other (7)'])
    expect(sm.rows[3]).toMatchObject({id: 'r-other', folded: 7, total: 28})
    expect(sm.cells.reduce((t, c) => t + c.connections, 0)).toBe(55)
    expect(sm.notes).toEqual(['7 client services beyond the busiest 3 are folded into “other”.', '7 server services beyond the busiest 3 are folded into “other”.'])
  })

  test('adds up bytes when flows gave traffic, and says so', () => {
    const e = {...entry(['a', 'c'], ['b', 's', 80]), traffic: {bytesToServer: 100, bytesToClient: 900, packetsToServer: 1, packetsToClient: 1, first: 0, last: 1}}
    const sm = serviceMatrix(matrix([e, entry(['a', 'c'], ['b', 's', 80])]))
    expect(sm).toMatchObject({hasTraffic: true, maxBytes: 1000})
    expect(sm.cells[0].bytes).toBe(1000)
  })

  test('gives an empty grid for a matrix without entries', () => {
    expect(serviceMatrix(matrix([]))).toMatchObject({rows: [], cols: [], cells: [], maxConnections: 0})
  })

  test('does not depend on the order of the entries', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(syntheticMatrix({hosts: 40, seed: 3}).entries, {minLength: 1}), (entries) => {
        const sorted = serviceMatrix(matrix(entries, 10), {groupBy: 'service'})
        const reversed = serviceMatrix(matrix([...entries].reverse(), 10), {groupBy: 'service'})
        expect(reversed).toEqual(sorted)
      }),
    )
  })
})

describe('foldTop', () => {
  test.for([
    {totals: [['a', 1]], keep: 1, kept: ['a'], folded: []},
    {totals: [['a', 1], ['b', 2]], keep: 1, kept: ['a', 'b'], folded: []},
    {totals: [['a', 1], ['b', 2], ['c', 2]], keep: 1, kept: ['b'], folded: ['a', 'c']},
    {totals: [], keep: 3, kept: [], folded: []},
  ] as const)('keeps $kept of $totals with room for $keep', ({totals, keep, kept, folded}) => {
    const r = foldTop(new Map(totals as unknown as [string, number][]), keep)
    expect([...r.kept].sort()).toEqual(kept)
    expect(r.folded).toEqual(folded)
  })
})

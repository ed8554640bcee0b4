import fc from 'fast-check'
import {JSDOM} from 'jsdom'
import {describe, expect, test} from 'vitest'
import {aggregateMatrix, boundedTop, edgesTable, graphDot, matrixSvg, reportAggregator, reportHtml} from '@fm/report'
import {newDocument} from './helpers/fixtures.js'
import {syntheticEntries, syntheticHead, syntheticMatrix} from '@fm/test-helpers'

describe('boundedTop', () => {
  test.for([
    {items: [5, 1, 4, 2, 3], limit: 2, top: [1, 2]},
    {items: [1, 1, 1], limit: 2, top: [1, 1]},
    {items: [3, 2], limit: 5, top: [2, 3]},
    {items: [3, 2], limit: 0, top: []},
    {items: [], limit: 3, top: []},
  ])('keeps $top of $items with room for $limit', ({items, limit, top}) => {
    const t = boundedTop(limit, (a: number, b: number) => a - b)
    for (const x of items) t.push(x)
    expect(t.sorted()).toEqual(top)
    expect(t.size).toBe(top.length)
  })

  test('is the head of the whole stream sorted, and never holds more than its limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: 0, max: 50})), fc.nat(20), (items, limit) => {
        const t = boundedTop(limit, (a: number, b: number) => a - b)
        for (const x of items) {
          t.push(x)
          expect(t.size).toBeLessThanOrEqual(limit)
        }
        expect(t.sorted()).toEqual([...items].sort((a, b) => a - b).slice(0, limit))
      }),
    )
  })
})

describe('reportAggregator', () => {
  test('holds no more after ten times the entries: its state grows with hosts and services, not rows', () => {
    const agg = reportAggregator()
    agg.onHead(syntheticHead(200))
    const cycle = 200 * 20
    let afterOneCycle = 0
    let i = 0
    for (const e of syntheticEntries({entries: 10 * cycle})) {
      agg.onEntry(e)
      if (++i === cycle) afterOneCycle = agg.heldItems()
    }
    expect(afterOneCycle).toBeGreaterThan(0)
    expect(agg.heldItems()).toBe(afterOneCycle)
    const data = agg.result()
    expect(data).toMatchObject({entries: 10 * cycle, hosts: 200, processes: 200 * 20, processGrid: null, hostGrid: null, graphEdges: null})
    expect(data.topEntries).toHaveLength(1000)
  })

  test('counts distinct processes whatever a host runs: a few, more than its short list holds, or past 65,536 programs', () => {
    const template = syntheticEntries({entries: 1}).next().value!
    for (const [hosts, programs] of [[50, 6], [3, 200], [4, 70_000]]) {
      const agg = reportAggregator()
      agg.onHead(syntheticHead(hosts))
      const processes = new Set<string>()
      for (let i = 0; i < 20_000 + programs; i++) {
        const end = (k: number) => ({...template.client, host: `h${(k * 7) % hosts}`, process: `/usr/bin/p${k % 13}`, name: `n${k % programs}`})
        const client = end(i)
        const server = end(i * 31 + 5)
        for (const ep of [client, server]) processes.add(JSON.stringify([ep.host, ep.process, ep.name]))
        agg.onEntry({...template, client, server})
      }
      expect(agg.result()).toMatchObject({hosts, processes: processes.size})
    }
  })

  test('keeps the first unmatched sockets and counts the rest per remote endpoint', () => {
    const m = syntheticMatrix({hosts: 400, seed: 5})
    const data = aggregateMatrix(m, {maxRows: 7, maxRemotes: 3})
    expect(data.unmatched.first).toEqual(m.unmatched.slice(0, 7))
    expect(data.unmatched.total).toBe(m.unmatched.length)
    expect(data.unmatched.remotes).toHaveLength(3)
    expect(data.unmatched.remotes.reduce((t, r) => t + r.sockets, 0)).toBeLessThanOrEqual(m.unmatched.length)
    expect(data.unmatched.remoteCount).toBe(new Set(m.unmatched.map((u) => `${u.socket.remoteAddress}:${u.socket.remotePort}`)).size)
  })

  test('draws the whole page from 100,000 streamed rows, holding only its budgets', async () => {
    const agg = reportAggregator()
    agg.onHead(syntheticHead(200))
    for (const e of syntheticEntries({entries: 100_000, services: 8})) agg.onEntry(e)
    const {document} = new JSDOM(await reportHtml(agg.result())).window
    expect(document.querySelector('#edges-section .table-tools span')?.textContent).toBe('the 1,000 busiest rows (of 100,000); `fm analyze --format csv` lists them all')
    expect(document.querySelector('#matrix .note')?.textContent).toMatch(/^200 hosts do not fit a readable matrix/)
    expect(document.querySelector('#graph .note')?.textContent).toMatch(/^1,600 processes do not fit/)
    expect(document.querySelectorAll('svg.fm-matrix rect.cell').length).toBeGreaterThan(0)
  })

  test('does not depend on the order the entries stream in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(syntheticMatrix({hosts: 30, seed: 9, traffic: true}).entries, {minLength: 1}),
        fc.constantFrom('host', 'service' as const),
        async (entries, groupBy) => {
        const m = syntheticMatrix({hosts: 0})
        const a = aggregateMatrix({...m, entries}, {maxRows: 50, maxUnits: 12})
        const b = aggregateMatrix({...m, entries: [...entries].reverse()}, {maxRows: 50, maxUnits: 12})
        expect(await matrixSvg(b, {groupBy, metric: 'bytes'})).toBe(await matrixSvg(a, {groupBy, metric: 'bytes'}))
        expect(graphDot(b)).toEqual(graphDot(a))
        expect(edgesTable(newDocument(), b).outerHTML).toBe(edgesTable(newDocument(), a).outerHTML)
      }),
      {numRuns: 10},
    )
  })
})

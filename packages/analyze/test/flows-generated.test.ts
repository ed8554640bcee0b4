import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {matrixToCsv} from '@fm/render'
import {writeDeployment} from '@fm/gen'

const dir = mkdtempSync(join(tmpdir(), 'fm-flows-gen-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** The generator's flows-matrix.csv as `row key → traffic`, and wide CSV of fm as the same. */
function trafficByRow(csv: string, trafficColumns: number[]): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const line of csv.trim().split('\r\n').slice(1)) {
    const f = line.split(',')
    out.set(f.slice(0, 10).join(','), trafficColumns.map((i) => Number(f[i])))
  }
  return out
}

describe('fm analyze --use-flows on a generated deployment', () => {
  test.for([
    {hosts: 60, seed: 1},
    {hosts: 150, seed: 9},
  ])('gives every matrix row the bytes and packets the generator sent ($hosts hosts, seed $seed)', async (opts) => {
    const w = writeDeployment({...opts, flows: true}, join(dir, `${opts.hosts}-${opts.seed}`))
    const m = await analyze({inputs: [w.dump, w.flows!], useFlows: true})
    // the flows file joined the dump's capture: one capture, and the same rows as without flows
    expect(m.stats.captures).toBe(1)
    const plain = readFileSync(join(w.dir, 'matrix.csv'), 'utf8')
    expect(matrixToCsv(m)).toBe(plain)
    const want = trafficByRow(readFileSync(join(w.dir, 'flows-matrix.csv'), 'utf8'), [10, 11, 12, 13])
    const got = trafficByRow(matrixToCsv(m, {wide: true}), [13, 14, 15, 16])
    expect(got).toEqual(want)
    // every generated flow went onto a connection socket matching had found; none was left over
    expect(m.stats.flows).toEqual({flows: w.summary.flows, joined: w.summary.flows, edges: 0, flowConnections: 0, unused: {external: 0, 'no-listener': 0, 'not-counted': 0}})
    const total = (k: 'bytesToServer' | 'bytesToClient'): number => m.entries.reduce((n, e) => n + (e.traffic?.[k] ?? 0), 0)
    const sum = (col: number): number => [...want.values()].reduce((n, v) => n + v[col], 0)
    expect([total('bytesToServer'), total('bytesToClient')]).toEqual([sum(0), sum(1)])
    // flows are decided and folded a page at a time: pages of 2 rows cross every page edge
    const paged = await analyze({inputs: [w.dump, w.flows!], useFlows: true, candidatePageSize: 2})
    expect(matrixToCsv(paged, {wide: true})).toBe(matrixToCsv(m, {wide: true}))
    expect(paged.stats).toEqual(m.stats)
  })
})

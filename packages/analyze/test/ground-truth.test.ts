import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {analyze} from '@fm/analyze'
import {matrixToCsv, unmatchedToCsv} from '@fm/render'
import {generateDeployment, writeDeployment} from '@fm/gen'

const dir = mkdtempSync(join(tmpdir(), 'fm-ground-truth-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

// The generator knows the matrix of what it generates; fm analyze must print exactly that.
describe('fm analyze on a generated deployment', () => {
  test.for([
    {hosts: 50, seed: 1},
    {hosts: 120, seed: 7},
  ])('fm analyze reproduces the ground truth of $hosts hosts (seed $seed) exactly', async (opts) => {
    const w = writeDeployment({...opts, flows: true}, join(dir, `${opts.hosts}-${opts.seed}`))
    const d = generateDeployment(opts)
    const m = await analyze({inputs: [w.dump]})
    // precision and recall 100%: the same rows, in the same order, byte for byte
    expect(matrixToCsv(m)).toBe(d.matrixCsv())
    expect(unmatchedToCsv(m.unmatched)).toBe(d.unmatchedCsv())
    const s = d.summary()
    expect(m.stats).toMatchObject({hosts: s.hosts, sockets: s.sockets, matched: {...s.matched, flow: 0}, unmatched: s.unmatched})
    expect(m.hostsWithoutSockets).toEqual(s.hostsWithoutSockets)
  })

  test('fm analyze --use-flows gives every entry the traffic of the generated flows', async () => {
    const w = writeDeployment({hosts: 50, seed: 1, flows: true}, join(dir, 'flows'))
    const m = await analyze({inputs: [w.dump, w.flows!], useFlows: true})
    // wide CSV: the 10 key columns, connections, methods, seen, then the 4 traffic columns
    const project = (csv: string, from: number): string[] => csv.trim().split('\r\n').slice(1).map((line) => {
      const f = line.split(',')
      return [...f.slice(0, 10), ...f.slice(from, from + 4)].join(',')
    })
    const expected = project(generateDeployment({hosts: 50, seed: 1, flows: true}).flowsCsv(), 10)
    expect(expected.length).toBeGreaterThan(100)
    expect(project(matrixToCsv(m, {wide: true}), 13)).toEqual(expected)
  })
})

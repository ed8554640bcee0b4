import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {CheckReport} from '@fm/baseline'
import type {Matrix} from '@fm/model'
import Analyze from '../src/commands/analyze.js'
import Baseline from '../src/commands/baseline.js'
import Capture from '../src/commands/capture.js'
import Check from '../src/commands/check.js'
import Diff from '../src/commands/diff.js'
import {startFakeAnalyzer, type FakeAnalyzer} from '@fm/fake-analyzer'
import {runCommand} from './helpers/run-command.js'

const DUMP = 'fixtures/skydive/two-agents.json'
const work = mkdtempSync(join(tmpdir(), 'fm-snapshots-'))
const once = join(work, 'once')
const thrice = join(work, 'thrice')
let fa: FakeAnalyzer

// One unchanged analyzer (real HTTP on loopback), captured once and three times.
beforeAll(async () => {
  fa = await startFakeAnalyzer({graph: DUMP})
  const analyzer = fa.url.replace(/^https?:\/\//, '')
  expect((await runCommand(Capture, ['--analyzer', analyzer, '--out', once])).exitCode).toBe(0)
  expect((await runCommand(Capture, ['--analyzer', analyzer, '--out', thrice, '--every', '100ms', '--count', '3'])).exitCode).toBe(0)
})
afterAll(async () => {
  await fa?.stop()
  rmSync(work, {recursive: true, force: true})
})

const json = async (input: string): Promise<Matrix> => JSON.parse((await runCommand(Analyze, [input, '--format', 'json'])).stdout) as Matrix

describe('a capture of N snapshots of an unchanged deployment', () => {
  test('fm diff of a 1-snapshot and a 3-snapshot capture prints no change and exits 0 with --exit-code', async () => {
    for (const [a, b] of [[once, thrice], [thrice, once]]) {
      const r = await runCommand(Diff, [a, b, '--exit-code'])
      expect(r.exitCode).toBe(0)
      expect(r.stdout).toMatch(/^0 new, 0 gone, 0 changed, \d+ unchanged/)
      expect((await runCommand(Diff, [a, b, '--level', 'host', '--exit-code'])).exitCode).toBe(0)
    }
  })

  test('the summary counts each host, socket and connection once; entries are seen in 3 of 3', async () => {
    const one = await json(once)
    const three = await json(thrice)
    expect(three.captures).toHaveLength(3)
    expect(three.stats.hosts).toBe(2)
    const {captures: _c1, ...s1} = one.stats
    const {captures: _c3, ...s3} = three.stats
    expect(s3).toEqual(s1)
    expect(three.entries.map((e) => e.connections)).toEqual(one.entries.map((e) => e.connections))
    expect(three.entries.every((e) => e.seen === 3 && e.captureIds?.join() === '1,2,3')).toBe(true)
    const table = (await runCommand(Analyze, [thrice, '--format', 'table'])).stdout
    expect(table).toBe((await runCommand(Analyze, [once, '--format', 'table'])).stdout)
  })

  test('a baseline of one capture passes fm check on the other, and both baselines are the same', async () => {
    const b1 = join(work, 'b1.yaml')
    const b3 = join(work, 'b3.yaml')
    expect((await runCommand(Baseline, [once, '--out', b1])).exitCode).toBe(0)
    expect((await runCommand(Baseline, [thrice, '--out', b3, '--min-seen', '3'])).exitCode).toBe(0)
    expect((await runCommand(Baseline, [thrice])).stdout).toBe((await runCommand(Baseline, [once])).stdout)
    const r = await runCommand(Check, ['-b', b1, thrice, '--json'])
    expect(r.exitCode).toBe(0)
    const report = JSON.parse(r.stdout) as CheckReport
    expect(report.snapshots).toBe(3)
    expect(report.edges.every((e) => e.seen === 3)).toBe(true)
    const single = JSON.parse((await runCommand(Check, ['-b', b3, once, '--json'])).stdout) as CheckReport
    expect(report.edges.map((e) => [e.key, e.connections])).toEqual(single.edges.map((e) => [e.key, e.connections]))
  })
})

import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import {parseCsv} from '@fm/baseline'
import type {Ambiguity, Matrix} from '@fm/model'
import {writeDeployment} from '@fm/gen'
import {runFm} from './helpers/run-command.js'

// Runs the built binary (`npx tsc -b` first) on a generated deployment with ambiguous listeners.
const dir = mkdtempSync(join(tmpdir(), 'fm-ambiguities-e2e-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
writeDeployment({hosts: 30, seed: 2}, join(dir, 'gen'))
const dump = join(dir, 'gen', 'dump.json')

describe('fm analyze --list-ambiguities', {timeout: 180_000}, () => {
  test('streams every ambiguity of the analysis, as CSV and JSON, with the reason in words', () => {
    const whole = runFm(['analyze', dump, '--json'])
    expect(whole.status).toBe(0)
    const m = JSON.parse(whole.stdout) as Matrix
    expect(m.ambiguities.length).toBe(m.stats.ambiguities)
    expect(m.ambiguities.length).toBeGreaterThan(0)

    const json = runFm(['analyze', dump, '--list-ambiguities', '--format', 'json'])
    expect([json.status, json.stderr]).toEqual([0, ''])
    expect(JSON.parse(json.stdout) as Ambiguity[]).toEqual(m.ambiguities)

    const csv = runFm(['analyze', dump, '--list-ambiguities'])
    expect([csv.status, csv.stderr]).toEqual([0, ''])
    const [head, ...rows] = parseCsv(csv.stdout).map((r) => r.map((c) => c.value))
    expect(head).toEqual(['client', 'chosen', 'resolved_by', 'why', 'candidates', 'candidate_sockets'])
    expect(rows.map((r) => ({client: r[0], chosen: r[1], resolvedBy: r[2], candidates: r[5].split(' ')}))).toEqual(
      m.ambiguities.map((a) => ({client: a.client, chosen: a.chosen, resolvedBy: a.resolvedBy, candidates: a.candidates})),
    )
    for (const r of rows) {
      expect(Number(r[4])).toBe(r[5].split(' ').length)
      expect(r[5].split(' ')).toContain(r[1])
      expect(r[3]).toMatch(/chosen/)
    }
    expect(new Set(rows.map((r) => r[2])).size).toBeGreaterThan(1)
  })

  test('does not take selection flags: it lists sockets, not entries', () => {
    const r = runFm(['analyze', dump, '--list-ambiguities', '--host', 'cmp-00001'])
    expect([r.status, r.stdout]).toEqual([2, ''])
    expect(r.stderr).toContain('--list-no-peers and --list-ambiguities list sockets')
  })
})

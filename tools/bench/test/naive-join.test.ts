import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, expect, test} from 'vitest'
import {writeDeployment} from '@fm/gen'
import {naiveJoin} from '../src/naive-join.js'
import {scoreCsv} from '../src/score.js'

const dir = mkdtempSync(join(tmpdir(), 'fm-naive-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

test('the naive baseline pairs only real connections, and misses those DESIGN\'s rules exist for', () => {
  const d = writeDeployment({hosts: 40, seed: 3}, join(dir, 'gen'))
  const out = join(dir, 'naive.csv')
  const rows = naiveJoin(d.dump, out)
  const csv = readFileSync(out, 'utf8')
  expect(csv.split('\r\n')[0]).toBe('protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname')
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(rows + 1)
  const s = scoreCsv(csv, readFileSync(join(dir, 'gen', 'matrix.csv'), 'utf8'))
  expect(s.precision).toBe(1)
  expect(s.recall).toBeGreaterThan(0.2)
  expect(s.recall).toBeLessThan(0.8)
  // listener-only (UDP/53), IPv4-mapped (5672) and the docker bridge shared by every compute (8125)
  for (const port of [',53,', ',5672,', ',8125,']) expect(s.missing.some((r) => r.includes(port))).toBe(true)
})

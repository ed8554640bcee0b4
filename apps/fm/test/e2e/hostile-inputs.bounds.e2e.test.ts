import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {APP_ROOT, FM_BIN} from '../helpers/run-command.js'
import {hostNode, loadDump, scratch} from '../check-fixture.js'

// a memory bound (peak RSS, a ratio of two runs): run by `npm test` after the other tests, alone (the vitest project "bounds")

beforeAll(() => {
  if (!existsSync(join(APP_ROOT, 'dist/commands/analyze.js'))) throw new Error('fm is not built: run `npm run build` (npm test does it)')
})
const tmp = scratch('fm-hostile-rss-')
afterAll(() => tmp.cleanup())

describe('dumps (items 10, 11, 14, 15, 16)', () => {
  test('a 10 MB host name costs no more memory than a plain dump of the same size: refused at once', () => {
    const long = 'h'.repeat(10_000_000)
    const named = loadDump()
    hostNode(named, 'agent-1').Host = long
    const plain = loadDump()
    ;(hostNode(plain, 'agent-1').Metadata as Record<string, unknown>).Padding = long
    const files = [tmp.file('long-name.json', named), tmp.file('plain-10mb.json', plain)]
    expect(Math.abs(statSync(files[0]).size - statSync(files[1]).size)).toBeLessThan(100)
    const rssFile = join(tmp.dir, 'rss')
    const preload = tmp.file('rss.cjs', `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)))`)
    const run = (file: string): {status: number | null; stderr: string; rss: number} => {
      const r = spawnSync(process.execPath, ['--require', preload, FM_BIN, 'analyze', file, '--format', 'table'], {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}, maxBuffer: 64 << 20})
      return {status: r.status, stderr: r.stderr, rss: Number(readFileSync(rssFile, 'utf8'))}
    }
    const longRun = run(files[0])
    const plainRun = run(files[1])
    expect(plainRun.status).toBe(0)
    expect(longRun.status).toBe(3)
    expect(longRun.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(longRun.stderr.trimEnd()).toMatch(/long-name\.json: \$\[0\]\.Nodes\[\d+\]\.Host: expected text of at most 4096 characters, got a string of 10000000 characters$/)
    // before: 1 GB and 19 s for the long name, 120 MB for the plain dump
    expect(longRun.rss / plainRun.rss).toBeLessThan(1.5)
  })
})

import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import Analyze from '../src/commands/analyze.js'
import {writeDeployment} from '@fm/gen'
import {runCommand} from './helpers/run-command.js'

// A generated dump large enough to be parsed on the reading thread (4 MB and more) and loaded in
// many batches: a fault deep inside it comes after much of it was read, matched into SQLite and
// (for streamed formats) about to be written.
const root = mkdtempSync(join(tmpdir(), 'fm-bad-scale-'))
let dump: Buffer
beforeAll(() => {
  dump = readFileSync(writeDeployment({hosts: 600, seed: 3}, join(root, 'gen')).dump)
  expect(dump.length).toBeGreaterThan(4 << 20)
})
afterAll(() => rmSync(root, {recursive: true, force: true}))

const faults: {name: string; make: (d: Buffer) => Buffer; says: RegExp}[] = [
  {name: 'truncated at 70%', make: (d) => d.subarray(0, Math.floor(d.length * 0.7)), says: /truncated: the JSON ends at byte \d+ inside \$\[0\]\.Nodes\[\d+\]/},
  {
    name: 'a corrupted byte at 80%',
    make: (d) => {
      const c = Buffer.from(d)
      // the first '{' after 80% becomes '}' : a structure closes that never opened
      const at = c.indexOf(0x7b, Math.floor(c.length * 0.8))
      c[at] = 0x7d
      return c
    },
    says: /invalid JSON at byte \d+|expected/,
  },
  {name: 'a port of the wrong type at 60%', make: (d) => {
    const text = d.toString('utf8')
    const at = text.indexOf('"LocalPort":', Math.floor(text.length * 0.6))
    expect(at).toBeGreaterThan(0)
    return Buffer.from(text.slice(0, at) + '"LocalPort":"x",' + text.slice(text.indexOf(',', at) + 1))
  }, says: /\.Metadata\.Sockets\[\d+\]\.LocalPort: expected a port number/},
]
const formats = [['--format', 'csv'], ['--format', 'table'], ['--format', 'dot'], ['--json']]

let n = 0
describe('a large dump with a fault deep inside', () => {
  test.for(faults.flatMap((f) => formats.map((flags) => ({...f, flags}))))('$name, $flags: exit 3, one line, nothing left behind', async ({make, says, flags}) => {
    const dir = join(root, `case-${++n}`)
    mkdirSync(dir)
    const file = join(dir, 'dump.json')
    writeFileSync(file, make(dump))
    const mine = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith(`fm-${process.pid}-`))
    const before = mine()
    const r = await runCommand(Analyze, [file, ...flags, '--db', join(dir, 'out.db'), '--output', join(dir, 'out.txt')])
    expect(r.exitCode).toBe(3)
    const lines = (flags[0] === '--json' ? (JSON.parse(r.stdout) as {error: {message: string}}).error.message : r.stderr.trimEnd()).split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(file)
    expect(lines[0]).toMatch(says)
    expect(readdirSync(dir)).toEqual(['dump.json'])
    expect(existsSync(join(dir, 'out.db'))).toBe(false)
    expect(mine()).toEqual(before)
  })
})

import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, test} from 'vitest'
import Analyze from '../src/commands/analyze.js'
import {REPO_ROOT, runCommand} from './helpers/run-command.js'

const real = readFileSync(join(REPO_ROOT, 'fixtures/skydive/two-agents.json'), 'utf8')
const badSocket = real.replace('"LocalPort": 12379', '"LocalPort": "12379"')

interface BadInput {
  name: string
  content: string | Buffer | null
  /** What the one line must say, besides the file name. */
  says: RegExp
}

const inputs: BadInput[] = [
  {name: 'a missing file', content: null, says: /no such file or directory/},
  {name: 'an empty file', content: '', says: /empty file/},
  {name: 'truncated JSON', content: real.slice(0, 40_000), says: /truncated: the JSON ends at byte 40000 inside \$\[0\]\.Nodes\[\d+\]/},
  {name: 'invalid JSON', content: '[{"Nodes": [ {"ID": "x",, }]}]', says: /invalid JSON .*byte/},
  {name: 'valid JSON of another shape', content: '{"hello": "world"}', says: /expected a Skydive response/},
  {name: 'an array of numbers', content: '[1, 2, 3]', says: /\$\[0\]: expected an object/},
  {name: 'a socket with wrong field types', content: badSocket, says: /\$\[0\]\.Nodes\[\d+\]\.Metadata\.Sockets\[0\]\.LocalPort: expected a port number \(0-65535\), got string "12379"/},
  {name: 'a binary file', content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), says: /binary data at byte \d+/},
  // gzip is read by its magic bytes: a lone gzip header is a truncated gzip file
  {name: 'a gzip header alone', content: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]), says: /gzip data ends early \(truncated\)/},
  {name: 'text that is not JSON', content: 'hello world\n', says: /not JSON at byte 0/},
]

const root = mkdtempSync(join(tmpdir(), 'fm-bad-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
let cases = 0

describe('fm analyze refuses bad input', () => {
  test.for(inputs)('$name: exit 3, one line naming the file, and no --db or --output left behind', async ({content, says}) => {
    const dir = join(root, `case-${++cases}`)
    mkdirSync(dir)
    const file = join(dir, 'dump.json')
    if (content !== null) writeFileSync(file, content)
    const r = await runCommand(Analyze, [file, '--db', join(dir, 'out.db'), '--output', join(dir, 'out.csv')])
    expect(r.exitCode).toBe(3)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0].startsWith(`Error: ${file}: `)).toBe(true)
    expect(lines[0]).toMatch(says)
    expect(r.stdout).toBe('')
    expect(readdirSync(dir).filter((f) => f !== 'dump.json')).toEqual([])
    expect(existsSync(join(dir, 'out.db'))).toBe(false)
  })
})

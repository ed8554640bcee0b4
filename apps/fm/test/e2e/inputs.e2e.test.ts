import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {APP_ROOT, FM_BIN, REPO_ROOT, runFm} from '../helpers/run-command.js'

// What people feed fm besides a plain file: standard input, gzip, pipes, devices, /proc files,
// and the matrix CSV that diff/check read. All through the built binary.
const DUMP = 'fixtures/skydive/two-agents.json'
const work = mkdtempSync(join(tmpdir(), 'fm-inputs-'))
const text = readFileSync(join(REPO_ROOT, DUMP))
const gz = join(work, 'dump.json.gz')
let expected: string

beforeAll(() => {
  if (!existsSync(join(APP_ROOT, 'dist/commands/analyze.js'))) throw new Error('fm is not built: run `npm run build` (npm test does it)')
  writeFileSync(gz, gzipSync(text))
  expected = runFm(['analyze', DUMP]).stdout
  expect(expected.split('\n').length).toBeGreaterThan(10)
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('fm analyze reads', () => {
  test.for([
    ['- with the dump piped in', ['-'], text],
    ['- with the gzip-compressed dump piped in', ['-'], gzipSync(text)],
    ['/dev/stdin', ['/dev/stdin'], text],
    ['a .gz file, by its magic bytes', [gz], undefined],
    ['a gzip file whatever its name', [gz], undefined],
  ] as const)('%s to the same matrix as the plain file', ([, args, input]) => {
    const r = runFm(['analyze', ...args], {input})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(expected)
  })

  test('two gzip members (cat a.gz b.gz) as one stream', () => {
    const half = text.length >> 1
    const two = join(work, 'two-members.gz')
    writeFileSync(two, Buffer.concat([gzipSync(text.subarray(0, half)), gzipSync(text.subarray(half))]))
    expect(runFm(['analyze', two]).stdout).toBe(expected)
  })

  test.for([
    ['a pipe given as a path (bash process substitution)', `analyze <(cat "${DUMP}")`],
    ['/dev/stdin as a pipe', `analyze /dev/stdin < <(cat "${DUMP}")`],
    ['/dev/stdin as a redirected file', `analyze /dev/stdin < "${DUMP}"`],
    ['- as a redirected file', `analyze - < "${DUMP}"`],
  ])('%s', ([, cmd]) => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${FM_BIN}" ${cmd}`], {cwd: REPO_ROOT, encoding: 'utf8'})
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(expected)
  })

  test('a dump and standard input together, merged like two files', () => {
    const both = runFm(['analyze', DUMP, '-', '--json'], {input: text})
    const files = runFm(['analyze', DUMP, DUMP, '--json'])
    expect(both.status).toBe(0)
    expect(JSON.parse(both.stdout).stats).toEqual(JSON.parse(files.stdout).stats)
  })
})

describe('fm analyze refuses, in one line', () => {
  test.for([
    ['/dev/zero (endless binary)', ['/dev/zero'], undefined, 3, /^Error: \/dev\/zero: binary data at byte 0: expected a Skydive JSON response\n$/],
    ['a /proc file, by its content (not "empty file")', ['/proc/self/status'], undefined, 3, /^Error: \/proc\/self\/status: not JSON at byte 0: expected '\[' or '\{' \(a Skydive response\), got "N"\n$/],
    ['empty standard input', ['-'], '', 3, /^Error: standard input: empty: expected a Skydive JSON response\n$/],
    ['standard input given twice', ['-', '-'], text, 3, /^Error: standard input: given more than once: it can be read only once\n$/],
    ['text on standard input that is not JSON', ['-'], 'hello\n', 3, /^Error: standard input: not JSON at byte 0/],
    ['a truncated JSON on standard input', ['-'], text.subarray(0, 5000), 3, /^Error: standard input: truncated: the JSON ends at byte 5000 inside /],
  ] as const)('%s', ([, args, input, status, stderr]) => {
    const r = runFm(['analyze', ...args], {input})
    expect(r.stderr).toMatch(stderr)
    expect(r.status).toBe(status)
    expect(r.stdout).toBe('')
  })

  test('a truncated gzip file', () => {
    const cut = join(work, 'cut.json.gz')
    writeFileSync(cut, readFileSync(gz).subarray(0, 3000))
    const r = runFm(['analyze', cut])
    expect(r.stderr).toBe(`Error: ${cut}: gzip data ends early (truncated): unexpected end of file\n`)
    expect(r.status).toBe(3)
  })

  test('a gzip-compressed fm database, saying how to decompress it', () => {
    const db = join(work, 'fm.db')
    expect(runFm(['analyze', DUMP, '--db', db]).status).toBe(0)
    new Database(db, {readonly: true}).close()
    const dbgz = join(work, 'fm.db.gz')
    writeFileSync(dbgz, gzipSync(readFileSync(db)))
    const r = runFm(['analyze', dbgz])
    expect(r.stderr).toBe(`Error: ${dbgz}: a gzip-compressed SQLite database: fm reads databases uncompressed\n  Try: gzip -dc ${dbgz} > flows.db\n`)
    expect(r.status).toBe(3)
  })

  test('piped text with no file argument is never taken as a file name', () => {
    const r = runFm(['analyze'], {input: text})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^Error: nothing to analyze\n/)
    expect(r.stderr).toContain('To read standard input, give -')
    expect(r.stderr).not.toContain('Nodes')
    expect(r.stderr.length).toBeLessThan(400)
  })

  test.for(['diff', 'check', 'baseline', 'report'])('fm %s with piped text and no argument does not print it either', (cmd) => {
    const r = runFm([cmd], {input: text})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/Missing \d required arg/)
    expect(r.stderr).not.toContain('Nodes')
    expect(r.stderr).not.toContain('ENAMETOOLONG')
  })

  test.for(['analyze', 'report'])('fm %s says why a matrix CSV is not its input, and what reads one', (cmd) => {
    const csv = join(work, 'matrix.csv')
    writeFileSync(csv, expected)
    const r = runFm([cmd, csv, ...(cmd === 'report' ? ['--out', join(work, 'r.html')] : [])])
    expect(r.stderr).toBe(`Error: ${csv} is a matrix CSV: it holds the matched connections, not the sockets fm ${cmd} matches\n  Try: Give the dump or capture folder the CSV was made from.\n  Try: Compare matrix CSVs with fm diff A.csv B.csv, or check one with fm check ${csv} --baseline baseline.yaml\n`)
    expect(r.status).toBe(2)
    expect(existsSync(join(work, 'r.html'))).toBe(false)
  })
})

describe('fm diff reads standard input as a dump', () => {
  test('- against the matrix CSV of the same dump: nothing changed', () => {
    const csv = join(work, 'same.csv')
    writeFileSync(csv, expected)
    const r = runFm(['diff', '-', csv], {input: gzipSync(text)})
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^0 new, 0 gone, 0 changed, \d+ unchanged/)
  })
})

import {execFileSync, spawnSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {createHash} from 'node:crypto'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {XMLParser} from 'fast-xml-parser'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {APP_ROOT, FM_BIN, REPO_ROOT, runFm} from '../helpers/run-command.js'
import {addConnection, hostNode, loadDump, scratch, TWO_AGENTS, type Dump} from '../check-fixture.js'

// Issue 12's hostile inputs, each through the built binary (`npm run build` first).
beforeAll(() => {
  if (!existsSync(join(APP_ROOT, 'dist/commands/analyze.js'))) throw new Error('fm is not built: run `npm run build` (npm test does it)')
})
const tmp = scratch('fm-hostile-')
afterAll(() => tmp.cleanup())

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex')
/** The one line a refused input gets. */
const oneLine = (stderr: string): string => {
  const lines = stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  return lines[0]
}
const matrix = (args: string[]): string => {
  const r = runFm(['analyze', ...args])
  expect([r.status, r.stderr]).toEqual([0, ''])
  return r.stdout
}

/** The bundled dump where agent-1 has more connections to skydive's port 12380, each between two named processes. */
function withConnections(...pairs: [client: string, server: string][]): Dump {
  let dump = loadDump()
  pairs.forEach(([client, server], i) => {
    dump = addConnection(dump, 'agent-1', {
      client: {LocalAddress: '192.168.50.254', LocalPort: 51000 + i, Process: `/usr/bin/${client.replace(/\//g, '_')}`, Name: client},
      server: {LocalAddress: '192.168.50.254', LocalPort: 12380, Process: '/usr/sbin/srv', Name: server},
    })
  })
  return dump
}
const withConnection = (client: string, server: string): Dump => withConnections([client, server])

describe('fm baseline writes observed names literally (issue 12, item 4)', () => {
  test.for(['*', 'a?c', '[ab]', '{x,y}', 'a\\b', 'w/x'])('a process named %j allows itself and no other process', (name) => {
    const dir = join(tmp.dir, `b-${Buffer.from(name).toString('hex')}.yaml`)
    const seen = tmp.file(`seen-${Buffer.from(name).toString('hex')}.json`, withConnection(name, 'srv'))
    const made = runFm(['baseline', seen, '--out', dir])
    expect([made.status, made.stderr]).toEqual([0, ''])
    expect(runFm(['check', '--baseline', dir, seen]).status).toBe(0)
    // other processes on the same port, among them names the value would match as a glob
    const others = ['curl', 'abc', 'a', 'x', 'y', 'ab', 'w_x'].filter((o) => o !== name)
    const r = runFm(['check', '--baseline', dir, tmp.file(`others-${Buffer.from(name).toString('hex')}.json`, withConnections(...others.map((o): [string, string] => [o, 'srv'])))])
    expect(r.status).toBe(5)
    const unexpected = r.stdout.split('\n').filter((l) => l.startsWith('  ✗ unexpected edge ')).map((l) => l.slice(20, l.indexOf(' → ')))
    expect(unexpected.sort()).toEqual([...others].sort())
  })

  test('at host level the host names are literal too', () => {
    const dump = withConnection('curl', 'srv')
    hostNode(dump, 'agent-1').Host = 'agent-*'
    const b = join(tmp.dir, 'host-level.yaml')
    expect(runFm(['baseline', tmp.file('agent-star.json', dump), '--level', 'host', '--out', b]).status).toBe(0)
    expect(readFileSync(b, 'utf8')).toContain('client_host: "agent-\\\\*"')
    // agent-2's own edges (same services, another host) are not allowed by agent-*'s rules
    const r = runFm(['check', '--baseline', b, TWO_AGENTS])
    expect(r.status).toBe(5)
    expect(r.stdout).toContain('hosts agent-1 → agent-1')
  })
})

describe('bad baselines are bad input (items 5, 12, 22)', () => {
  test.for([
    {name: 'an allow rule with only a reason', yaml: 'version: 1\nallow:\n  - {reason: everything}\n', says: /b\.yaml: line 3, column 5: a reason-only allow rule would match everything/},
    {name: 'an ignore rule with only a reason', yaml: 'version: 1\nignore:\n  - reason: noise\n', says: /line 3, column 5: a reason-only ignore rule would match everything/},
    {name: 'a require rule with only a reason', yaml: 'version: 1\nrequire:\n  - {reason: x}\n', says: /line 3, column 5: a reason-only require rule would match everything/},
    {name: 'a 100,000-character literal', yaml: `version: 1\nallow:\n  - {client: "${'a'.repeat(100_000)}", server: b}\n`, says: /line 3, column 14: client: a pattern of 100000 characters \("a{20}"\.\.\.\) is longer than the 4096 a baseline pattern may be/},
    {name: 'a 5,000,000-character literal', yaml: `version: 1\nallow:\n  - {client: "${'a'.repeat(5_000_000)}", server: b}\n`, says: /b\.yaml: line 3: 5000027 characters long; a baseline line may be at most 1048576 \(and a pattern at most 4096\)$/},
  ])('$name: exit 3 and one short line', ({yaml, says}) => {
    const file = tmp.file('b.yaml', yaml)
    const r = runFm(['check', '--baseline', file, TWO_AGENTS])
    expect(r.status).toBe(3)
    const line = oneLine(r.stderr)
    expect(line).toMatch(says)
    // short apart from the file's path, which is as long as TMPDIR makes it
    expect(line.replaceAll(file, 'b.yaml').length).toBeLessThan(300)
  })

  test('an IPv4-mapped range (::ffff:192.168.50.0/120) is the IPv4 range it maps', () => {
    const ignoreAll = tmp.file('mapped.yaml', "version: 1\nignore:\n  - {server_address: '::ffff:192.168.50.0/120'}\n  - {loopback: true}\n")
    const r = runFm(['check', '--baseline', ignoreAll, TWO_AGENTS])
    expect([r.status, r.stderr]).toEqual([0, ''])
    expect(r.stdout).toMatch(/0 edges allowed, [1-9]\d* ignored, 0 unexpected/)
    const other = runFm(['check', '--baseline', tmp.file('mapped-other.yaml', "version: 1\nignore:\n  - {server_address: '::ffff:10.0.0.0/104'}\n  - {loopback: true}\n"), TWO_AGENTS])
    expect(other.status).toBe(5)
    const tooWide = runFm(['check', '--baseline', tmp.file('mapped-wide.yaml', "version: 1\nignore:\n  - {address: '::ffff:0:0/80'}\n"), TWO_AGENTS])
    expect(tooWide.status).toBe(3)
    expect(oneLine(tooWide.stderr)).toMatch(/line 3, column 15: address: "::ffff:0:0\/80" is no address, CIDR range or glob/)
  })
})

describe('bidi controls in check reports (item 19)', () => {
  test('TAP YAML diagnostics escape them, JUnit replaces them; neither carries them raw', () => {
    const evil = 'evil\u202egpj.exe\u2066'
    const dump = tmp.file('bidi.json', withConnection(evil, 'srv'))
    const b = tmp.file('bidi.yaml', 'version: 1\nignore:\n  - {loopback: true}\n')
    const tap = runFm(['check', '--baseline', b, dump, '--format', 'tap'])
    expect(tap.status).toBe(5)
    const tapFile = join(tmp.dir, 'bidi.tap')
    expect(runFm(['check', '--baseline', b, dump, '--format', 'tap', '--output', tapFile]).status).toBe(5)
    const junitFile = join(tmp.dir, 'bidi.xml')
    expect(runFm(['check', '--baseline', b, dump, '--format', 'junit', '--output', junitFile]).status).toBe(5)
    const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
    const tapText = readFileSync(tapFile, 'utf8')
    expect(tapText).not.toMatch(BIDI)
    expect(tapText).toContain('message: "unexpected edge evil\\u202egpj.exe\\u2066 → srv TCP/12380')
    expect(tap.stdout).not.toMatch(BIDI)
    const xml = readFileSync(junitFile, 'utf8')
    expect(xml).not.toMatch(BIDI)
    const doc = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testcase'}).parse(xml, true)
    expect(doc.testsuites.testsuite.testcase.map((c: {name: string}) => c.name)).toContain('unexpected edge evil?gpj.exe? → srv TCP/12380')
  })
})

describe('inputs are never written (item 6)', () => {
  test('a SQLite file that is not fm\'s: exit 3, and the file is left as it was', () => {
    const file = join(tmp.dir, 'other.db')
    const db = new Database(file)
    db.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'mine\')')
    db.close()
    const before = sha(file)
    const r = runFm(['analyze', file])
    expect(r.status).toBe(3)
    expect(oneLine(r.stderr)).toBe(`Error: ${file}: is a SQLite database but not fm's (no fm schema version): fm reads the databases fm analyze --db writes`)
    expect(sha(file)).toBe(before)
    const check = new Database(file, {readonly: true})
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['notes'])
    check.close()
  })

  test('a database of an older fm (sockets keyed by text): exit 3 naming it, the file left as it was', () => {
    const file = join(tmp.dir, 'old.db')
    const db = new Database(file)
    db.exec('CREATE TABLE captures (id INTEGER PRIMARY KEY); CREATE TABLE hosts (id INTEGER); CREATE TABLE sockets (id INTEGER, local_addr TEXT); CREATE TABLE matches (client_id INTEGER); CREATE TABLE unmatched (client_id INTEGER); PRAGMA user_version = 4')
    db.close()
    const before = sha(file)
    const r = runFm(['analyze', file])
    expect(r.status).toBe(3)
    expect(oneLine(r.stderr)).toBe(`Error: ${file}: is an fm database of an older schema (sockets keyed by text): analyze its dumps again with this fm`)
    expect(sha(file)).toBe(before)
  })

  test('an fm database given back is read, never rewritten, and a read-only one works', () => {
    const file = join(tmp.dir, 'fm.db')
    expect(runFm(['analyze', TWO_AGENTS, '--db', file]).status).toBe(0)
    const before = sha(file)
    const mtime = statSync(file).mtimeMs
    const direct = matrix([TWO_AGENTS])
    expect(matrix([file])).toBe(direct)
    expect(matrix([file, '--states', 'any'])).not.toBe('')
    expect(sha(file)).toBe(before)
    expect(statSync(file).mtimeMs).toBe(mtime)
    chmodSync(file, 0o444)
    expect(matrix([file])).toBe(direct)
    expect(sha(file)).toBe(before)
    expect(existsSync(`${file}-journal`)).toBe(false)
  })
})

describe('capture folders: regular files inside the folder only (items 7, 11)', () => {
  const GOLDEN = join(REPO_ROOT, 'fixtures/capture/two-agents')
  let n = 0
  /** A copy of the golden capture whose hosts response is replaced by `make`, with a manifest matching it (0 bytes). */
  function captureWith(make: (file: string) => void): string {
    const dir = join(tmp.dir, `capture-${++n}`)
    cpSync(GOLDEN, dir, {recursive: true})
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    const r = m.snapshots[0].responses[0]
    rmSync(join(dir, r.file))
    make(join(dir, r.file))
    Object.assign(r, {bytes: 0, sha256: createHash('sha256').digest('hex')})
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m))
    return dir
  }
  /** Runs fm with a deadline: a hang is a failure, not a stuck test run. */
  const bounded = (args: string[]): {status: number | null; stderr: string; timedOut: boolean} => {
    const r = spawnSync(process.execPath, [FM_BIN, ...args], {encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: {...process.env, NO_COLOR: '1'}})
    return {status: r.status, stderr: r.stderr, timedOut: r.error !== undefined || r.signal === 'SIGKILL'}
  }

  test.for([
    {name: 'a FIFO', make: (f: string) => execFileSync('mkfifo', [f]), says: /snapshot-1\/hosts\.json is a FIFO, not a regular file: a capture folder holds regular files only/},
    {name: 'a link to /dev/zero', make: (f: string) => symlinkSync('/dev/zero', f), says: /snapshot-1\/hosts\.json leads out of the capture folder \(through a symbolic link\)/},
    {name: 'a link to a file outside the folder', make: (f: string) => symlinkSync('/etc/hostname', f), says: /snapshot-1\/hosts\.json leads out of the capture folder/},
    {name: 'a link inside the folder', make: (f: string) => symlinkSync('netns.json', f), says: /snapshot-1\/hosts\.json is a symbolic link: a capture folder holds regular files only/},
  ])('a response that is $name: exit 3 at once, one line', ({make, says}) => {
    const dir = captureWith(make)
    const r = bounded(['analyze', dir])
    expect(r.timedOut).toBe(false)
    expect(r.status).toBe(3)
    expect(oneLine(r.stderr)).toMatch(says)
  })

  test('a snapshot folder that links out of the capture is refused', () => {
    const dir = join(tmp.dir, `capture-${++n}`)
    cpSync(GOLDEN, dir, {recursive: true})
    renameSync(join(dir, 'snapshot-1'), `${dir}-elsewhere`)
    symlinkSync(`${dir}-elsewhere`, join(dir, 'snapshot-1'))
    const r = bounded(['analyze', dir])
    expect(r.status).toBe(3)
    expect(oneLine(r.stderr)).toMatch(/snapshot-1\/hosts\.json leads out of the capture folder/)
  })

  test('a manifest listing one response twice is refused, saying which', () => {
    const dir = join(tmp.dir, `capture-${++n}`)
    cpSync(GOLDEN, dir, {recursive: true})
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
    m.snapshots[0].responses.push({...m.snapshots[0].responses[0]})
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m))
    const r = runFm(['analyze', dir])
    expect(r.status).toBe(3)
    expect(oneLine(r.stderr)).toBe(`Error: ${dir}: manifest.json: snapshots[0].responses[5].file "snapshot-1/hosts.json" is the file snapshots[0].responses[0].file lists already: the capture is damaged`)
  })
})

describe('dumps (items 10, 11, 14, 15, 16)', () => {
  test('two host nodes with one ID, or one host node twice, are refused naming the ID', () => {
    const twoHosts = loadDump()
    const [a, b] = twoHosts[0].Nodes.filter((x) => x.Metadata.Type === 'host') as (Dump[0]['Nodes'][0] & {ID: string})[]
    b.ID = a.ID
    const r = runFm(['analyze', tmp.file('same-id.json', twoHosts)])
    expect(r.status).toBe(3)
    expect(oneLine(r.stderr)).toMatch(new RegExp(`same-id\\.json: host node ID "${a.ID}" is given for two hosts \\("agent-1" and "agent-2"\\): each node must appear once$`))
    const twice = loadDump()
    twice[0].Nodes.push(structuredClone(twice[0].Nodes.find((x) => x.Metadata.Type === 'host')!))
    const t = runFm(['analyze', tmp.file('twice.json', twice)])
    expect(t.status).toBe(3)
    expect(oneLine(t.stderr)).toMatch(/twice\.json: host node ID "[^"]+" is given twice \(host "agent-1"\): each node must appear once$/)
  })

  test('a valid dump after 5,000 bytes of white space reads as the dump itself', () => {
    const padded = tmp.file('padded.json', `${' \n\t\r'.repeat(1250)}${readFileSync(TWO_AGENTS, 'utf8')}`)
    expect(matrix([padded])).toBe(matrix([TWO_AGENTS]))
    const blank = runFm(['analyze', tmp.file('blank.json', ' '.repeat(10_000))])
    expect(blank.status).toBe(3)
    expect(oneLine(blank.stderr)).toMatch(/blank\.json: only white space/)
    const late = runFm(['analyze', tmp.file('late.json', `${' '.repeat(9000)}hello`)])
    expect(oneLine(late.stderr)).toMatch(/late\.json: not JSON at byte 9000/)
  })

  test.for([
    {name: '{}', text: '{}', says: /\$: expected a Skydive response \(an array, or an object with Nodes and Edges\), got an empty object$/},
    {name: '{} after white space', text: ' \n{ }\n', says: /got an empty object$/},
    {name: 'LocalPort 1e400', text: readFileSync(TWO_AGENTS, 'utf8').replace('"LocalPort": 12379', '"LocalPort": 1e400'), says: /Sockets\[\d+\]\.LocalPort: expected a port number \(0-65535\), got a number too large for a double \(1e309 or beyond\)$/},
    {name: 'LocalPort -1e400', text: readFileSync(TWO_AGENTS, 'utf8').replace('"LocalPort": 12379', '"LocalPort": -1e400'), says: /got a number too large for a double \(-1e309 or beyond\)$/},
  ])('$name is bad input (exit 3)', ({text, says}) => {
    const file = tmp.file('bad.json', text)
    const r = runFm(['analyze', file])
    expect([r.status, r.stdout]).toEqual([3, ''])
    expect(oneLine(r.stderr)).toMatch(says)
  })
})

import {readFileSync} from 'node:fs'
import {XMLParser} from 'fast-xml-parser'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import type {CheckReport} from '@fm/baseline'
import Analyze from '../src/commands/analyze.js'
import Baseline from '../src/commands/baseline.js'
import Check from '../src/commands/check.js'
import {runCommand} from './helpers/run-command.js'
import {loadDump, removeSockets, scratch, TWO_AGENTS, withCurlToSkydive} from './check-fixture.js'

const tmp = scratch('fm-check-')
afterAll(() => tmp.cleanup())

let baseline = ''
let extra = ''
beforeAll(async () => {
  baseline = `${tmp.dir}/baseline.yaml`
  const r = await runCommand(Baseline, [TWO_AGENTS, '--out', baseline])
  expect(r.error).toBeUndefined()
  extra = tmp.file('extra.json', withCurlToSkydive())
})

/** The generated baseline with extra YAML lines appended under `ignore:` / `require:` (both written empty). */
function baselineWith(name: string, lists: {ignore?: string[]; require?: string[]; allow?: string[]}): string {
  let text = readFileSync(baseline, 'utf8')
  for (const key of ['ignore', 'require', 'allow'] as const) {
    const lines = lists[key]
    if (!lines) continue
    text = text.includes(`${key}: []`) ? text.replace(`${key}: []`, `${key}:\n${lines.map((l) => `  - ${l}`).join('\n')}`) : text.replace(`${key}:\n`, `${key}:\n${lines.map((l) => `  - ${l}`).join('\n')}\n`)
  }
  return tmp.file(name, text)
}

describe('fm check on the real two-agent dump', () => {
  test('the dump passes the baseline written from it: exit 0', async () => {
    const r = await runCommand(Check, ['--baseline', baseline, TWO_AGENTS])
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain(': OK')
    const json = await runCommand(Check, ['--baseline', baseline, TWO_AGENTS, '--format', 'json'])
    expect((JSON.parse(json.stdout) as CheckReport).edges.map((e) => e.status)).toEqual(['allowed', 'allowed', 'allowed', 'allowed'])
  })

  test('one more connection fails the check with exit 5, naming that edge and only that edge', async () => {
    const r = await runCommand(Check, ['--baseline', baseline, extra])
    expect(r.exitCode).toBe(5)
    expect(r.stderr).toBe(`Error: 1 violation of ${baseline}\n`)
    const violations = r.stdout.split('\n').filter((l) => l.startsWith('  ✗'))
    expect(violations).toEqual(['  ✗ unexpected edge curl → skydive TCP/12380: seen in 1 of 1 snapshots, 1 connection, hosts agent-1 → agent-1'])
  })

  test('a missing required edge fails the check with exit 5', async () => {
    const file = baselineWith('require.yaml', {require: ['{client: chrome, server: node, protocol: TCP, port: 8080}']})
    expect((await runCommand(Check, ['-b', file, TWO_AGENTS])).exitCode).toBe(0)
    const without = tmp.file('no-node.json', removeSockets(loadDump(), (s) => s.Name === 'chrome' && s.RemotePort === 8080))
    const r = await runCommand(Check, ['-b', file, without])
    expect(r.exitCode).toBe(5)
    expect(r.stdout).toMatch(/✗ missing required edge \{client: chrome, server: node, protocol: TCP, port: 8080\} \(baseline line \d+\): seen in none of 1 snapshots/)
  })

  test.for([
    {rule: '{process: curl}', silenced: true},
    {rule: '{client: "cu*"}', silenced: true},
    {rule: '{client: /usr/bin/*}', silenced: true},
    {rule: '{port: 12380}', silenced: true},
    {rule: '{port: "12000-12999", protocol: tcp}', silenced: true},
    {rule: '{server_address: 192.168.50.0/24, client_host: "agent-?"}', silenced: true},
    {rule: '{host: "*"}', silenced: true},
    {rule: '{loopback: true}', silenced: false},
    {rule: '{port: 12379}', silenced: false},
    {rule: '{client: chrome}', silenced: false},
    {rule: '{client: /usr/sbin/*}', silenced: false},
    {rule: '{address: 10.0.0.0/8}', silenced: false},
    {rule: '{process: curl, protocol: UDP}', silenced: false},
    {rule: '{client: curl, host: agent-2}', silenced: false},
  ])('ignore rule $rule silences the new edge: $silenced', async ({rule, silenced}) => {
    const r = await runCommand(Check, ['-b', baselineWith('ignore.yaml', {ignore: [rule]}), extra, '--json'])
    expect(r.exitCode).toBe(silenced ? 0 : 5)
  })

  test('an ignore rule silences what it matches and nothing else: loopback traffic only', async () => {
    const file = tmp.file('loopback.yaml', 'version: 1\nallow: []\nignore:\n  - {loopback: true}\n')
    const r = await runCommand(Check, ['-b', file, TWO_AGENTS, '--format', 'json'])
    expect(r.exitCode).toBe(5)
    const report = JSON.parse(r.stdout) as CheckReport
    const of = (status: string): string[] => report.edges.filter((e) => e.status === status).map((e) => `${e.client.service}>${e.server.service}:${e.port}:${e.serverIps.join('+')}`)
    expect(of('ignored')).toEqual(['chrome>node:8080:127.0.0.1', 'chrome>skydive:8082:::1'])
    expect(of('unexpected')).toEqual(['chrome>skydive:8082:192.168.50.254', 'skydive>skydive:8082:192.168.50.254', 'skydive>skydive:12379:192.168.50.254'])
  })

  test('wildcard allow rules allow the new edge', async () => {
    const file = baselineWith('wild.yaml', {allow: ['{client: "*", server: skydive, protocol: TCP, port: "*"}']})
    expect((await runCommand(Check, ['-b', file, extra])).exitCode).toBe(0)
  })

  test('JUnit written with --output parses back and fails exactly the violated cases', async () => {
    const file = baselineWith('junit.yaml', {require: ['{client: ghost, server: skydive}', '{client: chrome, server: node}']})
    const out = `${tmp.dir}/fm-check.xml`
    const r = await runCommand(Check, ['-b', file, extra, '--format', 'junit', '--output', out])
    expect(r.exitCode).toBe(5)
    expect(r.stdout).toMatch(/^fm check .*: FAILED, 2 violations\n/)
    const doc = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testcase'}).parse(readFileSync(out, 'utf8'), true)
    const cases = doc.testsuites.testsuite.testcase as {name: string; classname: string; failure?: {message: string}}[]
    expect(cases.filter((c) => c.failure).map((c) => c.failure!.message)).toEqual([
      'unexpected edge curl → skydive TCP/12380: seen in 1 of 1 snapshots, 1 connection, hosts agent-1 → agent-1',
      expect.stringMatching(/^missing required edge \{client: ghost, server: skydive\} \(baseline line \d+\)/),
    ])
    expect(cases.map((c) => c.classname)).toEqual(['fm.check.unexpected', 'fm.check.require', 'fm.check.require', 'fm.check.allow', 'fm.check.allow', 'fm.check.allow', 'fm.check.allow'])
  })

  test('several snapshots: an edge seen in 1 of 3 fails, unless --min-seen 2 calls it flaky', async () => {
    const r = await runCommand(Check, ['-b', baseline, TWO_AGENTS, extra, TWO_AGENTS])
    expect(r.exitCode).toBe(5)
    expect(r.stdout).toContain('unexpected edge curl → skydive TCP/12380: seen in 1 of 3 snapshots')
    const flaky = await runCommand(Check, ['-b', baseline, TWO_AGENTS, extra, TWO_AGENTS, '--min-seen', '2'])
    expect(flaky.exitCode).toBe(0)
    expect(flaky.stdout).toContain('~ flaky edge curl → skydive TCP/12380: seen in 1 of 3 snapshots, fewer than --min-seen 2')
    expect((await runCommand(Check, ['-b', baseline, TWO_AGENTS, extra, TWO_AGENTS, '--min-seen', '34%'])).exitCode).toBe(0)
    expect((await runCommand(Check, ['-b', baseline, TWO_AGENTS, extra, TWO_AGENTS, '--min-seen', '33%'])).exitCode).toBe(5)
  })

  test('a matrix CSV is an input too: the original tool\'s CSV passes the baseline of its dump', async () => {
    const r = await runCommand(Check, ['-b', baseline, 'fixtures/skydive/two-agents.original.csv'])
    expect(r.exitCode).toBe(0)
  })

  test('an fm database is an input too: its captures are the snapshots', async () => {
    const db = `${tmp.dir}/flows.db`
    expect((await runCommand(Analyze, [TWO_AGENTS, extra, '--db', db, '--output', `${tmp.dir}/m.csv`])).exitCode).toBe(0)
    const r = await runCommand(Check, ['-b', baseline, db])
    expect(r.exitCode).toBe(5)
    expect(r.stdout).toContain('unexpected edge curl → skydive TCP/12380: seen in 1 of 2 snapshots')
  })

  test('--json prints the report and still exits 5 on violations', async () => {
    const r = await runCommand(Check, ['-b', baseline, extra, '--json'])
    expect(r.exitCode).toBe(5)
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toMatchObject({ok: false, snapshots: 1, violations: [{kind: 'unexpected'}]})
  })

  test('--json with --output: the file gets the chosen format, stdout the JSON report', async () => {
    const out = `${tmp.dir}/both.xml`
    const r = await runCommand(Check, ['-b', baseline, extra, '--json', '--format', 'junit', '--output', out])
    expect(r.exitCode).toBe(5)
    expect(JSON.parse(r.stdout).violations).toHaveLength(1)
    expect(readFileSync(out, 'utf8')).toMatch(/^<\?xml /)
  })

  test.for([
    {text: 'version: 1\nallow:\n  - {client: a, server: [b}\n', msg: /line 3, column \d+: not valid YAML/},
    {text: 'version: 1\nallow:\n  - {client: a, prot: TCP}\n', msg: /line 3, column 17: unknown rule field "prot"/},
  ])('a malformed baseline is bad input: exit 3 with line and column ($msg)', async ({text, msg}) => {
    const r = await runCommand(Check, ['-b', tmp.file('bad.yaml', text), TWO_AGENTS])
    expect(r.exitCode).toBe(3)
    expect(r.stderr).toMatch(msg)
  })

  test('a missing baseline or a bad --min-seen are errors, not passes', async () => {
    expect((await runCommand(Check, ['-b', `${tmp.dir}/none.yaml`, TWO_AGENTS])).exitCode).toBe(3)
    expect((await runCommand(Check, ['-b', baseline, TWO_AGENTS, '--min-seen', 'often'])).exitCode).toBe(2)
  })
})

describe('the README', () => {
  test('its example baseline is valid and passes the real dump', async () => {
    const readme = readFileSync('README.md', 'utf8')
    const start = readme.indexOf('```yaml\nversion: 1')
    expect(start).toBeGreaterThan(0)
    const yaml = readme.slice(start + 8, readme.indexOf('```\n', start + 8))
    const r = await runCommand(Check, ['-b', tmp.file('readme.yaml', yaml), TWO_AGENTS, '--json'])
    expect(r.exitCode).toBe(0)
    expect((JSON.parse(r.stdout) as CheckReport).rules.map((x) => [x.kind, x.matched])).toEqual([['ignore', 2], ['ignore', 0], ['ignore', 0], ['allow', 0], ['allow', 3], ['require', 1]])
  })
})

import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, describe, expect, test} from 'vitest'
import Analyze from '../src/commands/analyze.js'
import Capture from '../src/commands/capture.js'
import {runCommand} from './helpers/run-command.js'
import {allText} from './helpers/all-text.js'
import {startFakeAnalyzer, type FakeAnalyzer, type FakeAnalyzerOptions} from '@fm/fake-analyzer'

const DUMP = 'fixtures/skydive/two-agents.json'
const PASSWORD = 'Pw-7d1e0b-never-print-me'
const work = mkdtempSync(join(tmpdir(), 'fm-capture-cmd-'))
const servers: FakeAnalyzer[] = []
afterEach(async () => {
  delete process.env.FM_PASSWORD
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

async function fake(opts: Partial<FakeAnalyzerOptions> = {}): Promise<string> {
  const fa = await startFakeAnalyzer({graph: DUMP, ...opts})
  servers.push(fa)
  return fa.url.replace(/^https?:\/\//, '')
}
let n = 0
const outPath = (): string => join(work, `cap-${++n}`)

describe('fm capture, then fm analyze', () => {
  test.for([[], ['--format', 'wide-csv'], ['--list-no-peers'], ['--states', 'any']])(
    'gives the same output as analyzing the served dump directly (analyze flags %j)',
    async (flags) => {
      const out = outPath()
      const cap = await runCommand(Capture, ['--analyzer', await fake(), '--out', out])
      expect(cap.error).toBeUndefined()
      const fromCapture = await runCommand(Analyze, [out, ...flags])
      const direct = await runCommand(Analyze, [DUMP, ...flags])
      expect(fromCapture.error).toBeUndefined()
      expect(fromCapture.stdout.split('\r\n').length).toBeGreaterThan(2)
      expect(fromCapture.stdout).toBe(direct.stdout)
    },
  )

  test('the committed version-1 capture still gives the same matrix as its dump', async () => {
    const golden = await runCommand(Analyze, ['fixtures/capture/two-agents'])
    expect(golden.stdout).toBe((await runCommand(Analyze, [DUMP])).stdout)
  })

  test('several snapshots become one capture each in the analysis', async () => {
    const out = outPath()
    await runCommand(Capture, ['--analyzer', await fake(), '--out', out, '--every', '100ms', '--count', '2'])
    const r = await runCommand(Analyze, [out, '--json'])
    expect((JSON.parse(r.stdout) as {captures: {label: string; format: string}[]}).captures.map((c) => [c.label, c.format])).toEqual([['snapshot-1', 'fm-capture'], ['snapshot-2', 'fm-capture']])
  })

  test('--json returns the manifest and the path', async () => {
    const out = outPath()
    const url = await fake()
    const json = await runCommand(Capture, ['--analyzer', url, '--out', out, '--json'])
    expect(json.result).toMatchObject({path: out, format: 'fm-capture', analyzer: `http://${url}`})
  })
})

describe('fm capture errors', () => {
  test.for<{name: string; server?: Partial<FakeAnalyzerOptions>; args: string[]; env?: string; exit: number; message: string}>([
    {name: 'wrong password', server: {users: {admin: PASSWORD}}, args: ['--username', 'admin', '--password', 'Wrong-3c0a-password'], exit: 3, message: 'login refused for user "admin" (401)'},
    {name: 'no credentials on an analyzer with auth', server: {users: {admin: PASSWORD}}, args: [], exit: 3, message: 'the analyzer requires authentication (401)'},
    {name: 'RBAC denial', server: {users: {admin: PASSWORD}, faults: {rbacDeny: true}}, args: ['--username', 'admin'], env: PASSWORD, exit: 3, message: 'may not read the topology (405'},
    {name: 'persistent 500s', server: {faults: {fail500: 1000}}, args: [], exit: 3, message: 'the analyzer failed with 500'},
    {name: 'a timeout', server: {faults: {slowMs: 5000}}, args: ['--timeout', '1'], exit: 3, message: 'no answer for 1 s (timeout)'},
    {name: '--count 2 without --every', args: ['--count', '2'], exit: 2, message: '--count above 1 needs --every'},
    {name: '--insecure without --ssl', args: ['--insecure'], exit: 2, message: '--insecure only applies to https: add --ssl'},
    {name: 'a bad --at', args: ['--at', "x') .Drop("], exit: 2, message: 'is not a time'},
    {name: 'a bad --every', args: ['--every', 'often', '--count', '2'], exit: 2, message: '"often" is not an interval'},
  ])('$name: exit $exit, "$message", and no capture folder', {timeout: 20_000}, async ({server, args, env, exit, message}) => {
    const url = await fake(server)
    if (env) process.env.FM_PASSWORD = env
    const out = outPath()
    const r = await runCommand(Capture, ['--analyzer', url, '--out', out, ...args])
    expect(r.exitCode).toBe(exit)
    expect(r.stderr).toContain(message)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(work).filter((f) => f.includes('.partial-'))).toEqual([])
  })

  test('a connection refused is exit 3 with a suggestion', async () => {
    const fa = await startFakeAnalyzer({graph: DUMP})
    await fa.stop()
    const r = await runCommand(Capture, ['--analyzer', fa.url.slice(7), '--out', outPath()])
    expect(r.exitCode).toBe(3)
    expect(r.stderr).toContain(`Error: ${fa.url}: connection refused`)
    expect(r.stderr).toContain('default 8082')
  })

  test('a user name and no password, without a terminal, is a usage error', async () => {
    const r = await runCommand(Capture, ['--analyzer', await fake({users: {admin: PASSWORD}}), '--out', outPath(), '--username', 'admin'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('no password for user "admin"')
  })
})

describe('the password', () => {
  test('appears nowhere: not in the capture, its manifest, the outputs or the errors', async () => {
    const url = await fake({users: {admin: PASSWORD}})
    const out = outPath()
    const texts: string[] = []
    const keep = (r: {stdout: string; stderr: string; error?: Error}): void => void texts.push(r.stdout, r.stderr, r.error?.message ?? '', r.error?.stack ?? '')

    process.env.FM_PASSWORD = PASSWORD
    const ok = await runCommand(Capture, ['--analyzer', url, '--username', 'admin', '--out', out])
    keep(ok)
    expect(ok.error).toBeUndefined()
    keep(await runCommand(Capture, ['--analyzer', url, '--username', 'admin', '--out', outPath(), '--json']))
    keep(await runCommand(Analyze, [out, '--json']))
    keep(await runCommand(Analyze, ['--analyzer', url, '--username', 'admin']))
    keep(await runCommand(Analyze, ['--analyzer', url, '--username', 'admin', '--json']))
    delete process.env.FM_PASSWORD
    // the flag form, and failures where an error message is printed
    keep(await runCommand(Capture, ['--analyzer', url, '--username', 'admin', '--password', PASSWORD, '--out', outPath(), '--json']))
    keep(await runCommand(Capture, ['--analyzer', url, '--username', 'nobody', '--password', PASSWORD, '--out', outPath()]))
    keep(await runCommand(Capture, ['--analyzer', url, '--username', 'admin', '--password', PASSWORD, '--out', outPath(), '--ssl', '--insecure']))

    expect(texts.join('\n')).toContain('login refused for user "nobody"')
    expect(texts.join('\n')).not.toContain(PASSWORD)
    expect(allText(out)).not.toContain(PASSWORD)
    expect(allText(out)).toContain('"authenticated": true')
  })
})

describe('fm analyze --analyzer (one step, like the original tool)', () => {
  test('captures into a temporary folder, prints the same matrix, and deletes the folder', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('fm-capture-')))
    const r = await runCommand(Analyze, ['--analyzer', await fake(), '--at', '-1m', '--duration', '60'])
    expect(r.error).toBeUndefined()
    expect(r.stdout).toBe((await runCommand(Analyze, [DUMP])).stdout)
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith('fm-capture-') && !before.has(f) && !f.startsWith('fm-capture-cmd-'))
    expect(left).toEqual([])
  })

  test('an analyzer error is reported like fm capture reports it', async () => {
    const r = await runCommand(Analyze, ['--analyzer', await fake({users: {admin: PASSWORD}})])
    expect(r.exitCode).toBe(3)
    expect(r.stderr).toContain('the analyzer requires authentication (401)')
  })

  test.for([
    [[], 'nothing to analyze'],
    [[DUMP, '--at', '-1m'], 'All of the following must be provided when using --at: --analyzer'],
  ])('%j is a usage error: %s', async ([args, message]) => {
    const r = await runCommand(Analyze, args as string[])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain(message)
  })
})

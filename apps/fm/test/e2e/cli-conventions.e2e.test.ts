import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {APP_ROOT, FM_BIN, REPO_ROOT, runFm} from '../helpers/run-command.js'
import {FakeAnalyzerProcesses} from '@fm/fake-analyzer'

// oclif's conventions through the built binary: help, "did you mean", completion, flags that
// cannot work together refused up front, report's default file, progress in logs, the prompt.
const DUMP = join(REPO_ROOT, 'fixtures/skydive/two-agents.json')
const work = mkdtempSync(join(tmpdir(), 'fm-cli-'))
const PASSWORD = 'secretok'
const fakes = new FakeAnalyzerProcesses('fixtures/skydive/two-agents.json', PASSWORD)

beforeAll(() => {
  if (!existsSync(join(APP_ROOT, 'dist/commands/analyze.js'))) throw new Error('fm is not built: run `npm run build` (npm test does it)')
})
afterAll(() => {
  fakes.stopAll()
  rmSync(work, {recursive: true, force: true})
})

/** Runs fm on a real terminal (util-linux `script` gives it a pty), typing `keys` once `waitFor` shows. */
function onTerminal(args: string[], waitFor: RegExp, keys: string): Promise<string> {
  const cmd = [process.execPath, FM_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', COLUMNS: '200'}
  delete env.FM_PASSWORD // the prompt is what is tested
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'inherit']})
  let out = ''
  let typed = false
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      if (!typed && waitFor.test(out)) {
        typed = true
        child.stdin.write(keys)
      }
    })
    child.on('error', reject)
    child.on('close', () => resolve(out))
  })
}

describe('help', () => {
  test('fm help CMD, CMD --help and CMD -h print the same help', () => {
    const help = runFm(['help', 'analyze'])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Match the sockets of Skydive dumps/)
    expect(help.stdout).toContain('--list-no-peers')
    expect(help.stdout).toContain('OUTPUT FLAGS')
    expect(runFm(['analyze', '--help']).stdout).toBe(help.stdout)
    expect(runFm(['analyze', '-h']).stdout).toBe(help.stdout)
  })

  test('fm --help lists every command, with shell completion among them', () => {
    const r = runFm(['--help'])
    for (const c of ['analyze', 'autocomplete', 'baseline', 'capture', 'check', 'diff', 'help', 'publish', 'report']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
  })

  test('fm autocomplete bash says how to set completion up', () => {
    const home = join(work, 'home')
    const r = runFm(['autocomplete', 'bash'], {env: {HOME: home, XDG_CACHE_HOME: join(home, '.cache'), XDG_DATA_HOME: join(home, '.local/share')}})
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Setup Instructions for FM CLI Autocomplete')
    expect(r.stdout).toContain('fm autocomplete')
  })
})

describe('a mistyped command', () => {
  test('in a script: exit 127 and where to look, nothing run', () => {
    const r = runFm(['anlyze', 'fixtures/skydive/two-agents.json'])
    expect(r.status).toBe(127)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/anlyze .*is\s+not\s+a\s+fm\s+command/)
    expect(r.stderr).toContain('Run fm help for a list of available commands.')
  })

  test('on a terminal: "Did you mean analyze?", and yes runs it', async () => {
    const out = await onTerminal(['anlyze', 'fixtures/skydive/two-agents.json'], /Did you mean .*analyze/, 'y\r')
    expect(out).toMatch(/is\s+not\s+a\s+fm\s+command/)
    expect(out).toContain('protocol,server,server_ip,port,server_proc,server_procname,client,client_ip,client_proc,client_procname')
  })
})

describe('flags that cannot work together are refused before any work (exit 2)', () => {
  test.for([
    [['analyze', DUMP, '--list-no-peers', '--format', 'table'], '--format=table cannot also be provided when using --list-no-peers'],
    [['analyze', DUMP, '--list-no-peers', '--format', 'dot'], '--format=dot cannot also be provided when using --list-no-peers'],
    [['analyze', DUMP, '--analyzer', '127.0.0.1:9'], 'give dumps or --analyzer, not both'],
    [['analyze', DUMP, '--at', '-10m'], 'All of the following must be provided when using --at: --analyzer'],
    [['analyze', DUMP, '--username', 'admin'], 'All of the following must be provided when using --username: --analyzer'],
    [['analyze', DUMP, '--progress', '--quiet'], 'cannot also be provided when using --progress'],
    [['report', DUMP, '--out', join(work, 'x.svg')], `--out ${join(work, 'x.svg')} names a .svg file, but --format html writes HTML`],
    [['report', DUMP, '--out', join(work, 'x.png'), '--format', 'svg'], 'names a .png file, but --format svg writes SVG'],
    [['report', DUMP, '--out', join(work, 'x.html'), '--format', 'dot'], 'names a .html file, but --format dot writes DOT'],
  ] as const)('fm %s', ([args, message]) => {
    const r = runFm([...args])
    expect(r.stderr).toContain(message)
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    for (const f of ['x.svg', 'x.png', 'x.html']) expect(existsSync(join(work, f))).toBe(false)
  })

  test.for([
    [['analyze', DUMP, '--json', '--format', 'table'], '--json=true cannot also be provided when using --format'],
    [['analyze', DUMP, '--json', '--list-no-peers'], 'cannot also be provided when using --list-no-peers'],
  ] as const)('fm %s: one JSON error on stdout', ([args, message]) => {
    const r = runFm([...args])
    expect(r.status).toBe(2)
    const out = JSON.parse(r.stdout) as {error: {message: string; exitCode: number}}
    expect(out.error.exitCode).toBe(2)
    expect(out.error.message).toContain(message)
    expect(Object.keys(out)).toEqual(['error'])
  })

  test('what does work together still works: --list-no-peers --format json, --out x.svg --format render', () => {
    const list = runFm(['analyze', DUMP, '--list-no-peers', '--format', 'json'])
    expect(list.status).toBe(0)
    expect(JSON.parse(list.stdout)).toBeTypeOf('object')
    const svg = join(work, 'graph.svg')
    expect(runFm(['report', DUMP, '--out', svg, '--format', 'render']).status).toBe(0)
    expect(readFileSync(svg, 'utf8')).toMatch(/^<\?xml|^<svg/)
  })
})

describe('fm report without --out', () => {
  test.for([
    ['html', [], 'two-agents.report.html', /^<!DOCTYPE html>/i],
    ['dot', ['--format', 'dot'], 'two-agents.report.dot', /^digraph /],
  ] as const)('writes %s named after the input in the current folder, and says where', ([, extra, name, start]) => {
    const cwd = mkdtempSync(join(work, 'cwd-'))
    const r = runFm(['report', DUMP, ...extra], {cwd})
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^wrote ${join(cwd, name).replace(/\./g, '\\.')} \\(.*no --out given, so named after the input in the current folder\\n$`))
    expect(readFileSync(join(cwd, name), 'utf8')).toMatch(start)
  })
})

describe('progress on stderr when it is not a terminal', () => {
  /** fm analyze - fed the first part of the dump; resolves when stderr has a line or after `settle` when stdout ends. */
  function slowFeed(args: string[]): Promise<{stderr: string; stdout: string; code: number | null; sawProgressBeforeEnd: boolean}> {
    const child = spawn(process.execPath, [FM_BIN, 'analyze', '-', ...args], {cwd: REPO_ROOT, env: {...process.env, NO_COLOR: '1'}})
    const text = readFileSync(DUMP)
    let stderr = ''
    let stdout = ''
    let sawProgressBeforeEnd = false
    let ended = false
    const finish = (): void => {
      if (ended) return
      ended = true
      child.stdin.end(text.subarray(1000))
    }
    child.stdin.write(text.subarray(0, 1000))
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
      if (!ended && /\n/.test(stderr)) {
        sawProgressBeforeEnd = true
        finish()
      }
    })
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    // without --progress nothing may come: the rest is sent after a while all the same
    if (!args.includes('--progress')) setTimeout(finish, 2500)
    return new Promise((resolve) => child.on('close', (code) => resolve({stderr, stdout, code, sawProgressBeforeEnd})))
  }

  test('--progress: a line while the input is still coming, then the same matrix', async () => {
    const r = await slowFeed(['--progress'])
    expect(r.sawProgressBeforeEnd).toBe(true)
    expect(r.stderr).toMatch(/^fm: \[\d+s\] reading standard input: [\d.]+ MB, \d+ records\n/)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(runFm(['analyze', DUMP]).stdout)
  })

  test('without --progress, or with --quiet, stderr stays empty', async () => {
    for (const args of [[], ['--quiet']]) {
      const r = await slowFeed(args)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
    }
  })
})

describe('the password prompt', () => {
  test('is a real prompt: an arrow key typed in it is not part of the password', async () => {
    const analyzer = await fakes.start(['--username', 'admin'])
    const out = join(work, 'prompted')
    // "secret", arrow up, "ok", Enter: the analyzer accepts only "secretok"
    const screen = await onTerminal(['capture', '--analyzer', analyzer, '--username', 'admin', '--out', out], /Password for admin at /, 'secret\u001b[Aok\r')
    expect(screen).toContain(`${out}: 1 snapshot(s) from http://${analyzer}`)
    expect(screen).not.toContain('secret')
    expect(existsSync(join(out, 'manifest.json'))).toBe(true)
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toContain(PASSWORD)
  })

  test('is not shown when stdin is not a terminal: fm says where else the password comes from', async () => {
    const analyzer = await fakes.start(['--username', 'admin'])
    const env = {...process.env}
    delete env.FM_PASSWORD
    const r = spawnSync(process.execPath, [FM_BIN, 'capture', '--analyzer', analyzer, '--username', 'admin', '--out', join(work, 'no-prompt')], {cwd: REPO_ROOT, env, input: 'secretok\n', encoding: 'utf8'})
    expect(r.stderr).toMatch(/^Error: no password for user "admin"\n  Try: .*FM_PASSWORD.*\n$/)
    expect(r.status).toBe(2)
  })
})

import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'
import {FakeAnalyzerProcesses} from '@fm/fake-analyzer'

// The release artefacts of `npm run package`, installed and run the way a site without a
// registry would: the tarball into an empty prefix with an empty npm cache, --offline and an
// unreachable registry; fm-capture with an empty PATH. Outputs are compared with the repo's fm.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const RELEASE = join(ROOT, 'release')
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'apps/fm/package.json'), 'utf8')) as {version: string}).version
const TARBALL = join(RELEASE, `fm-${VERSION}.tgz`)
const CAPTURE = join(RELEASE, 'fm-capture')
const DUMP = join(ROOT, 'fixtures/skydive/two-agents.json')
const PASSWORD = 'pkg-Pw-7c1e-do-not-leak'

const work = mkdtempSync(join(tmpdir(), 'fm-package-'))
const prefix = join(work, 'prefix')
const elsewhere = join(work, 'elsewhere')
const fakes = new FakeAnalyzerProcesses('fixtures/skydive/two-agents.json', PASSWORD)

const run = (cmd: string, args: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): {stdout: string; stderr: string; status: number} => {
  const r = spawnSync(cmd, args, {cwd: opts.cwd ?? elsewhere, env: opts.env ?? {...process.env, NO_COLOR: '1'}, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  return {stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1}
}
const repoFm = (args: string[]): ReturnType<typeof run> => run(process.execPath, [join(ROOT, 'apps/fm/bin/run.js'), ...args])
const installedFm = (args: string[]): ReturnType<typeof run> => run(join(prefix, 'bin/fm'), args)

beforeAll(() => {
  // a fresh clone has no release/ yet, and a build since the last packaging makes it stale:
  // build the artefacts (after `npm run build`, as npm test does)
  const built = statSync(join(ROOT, 'apps/fm/oclif.manifest.json')).mtimeMs
  const stale = [TARBALL, CAPTURE, join(RELEASE, 'SHA256SUMS')].some((f) => !existsSync(f) || statSync(f).mtimeMs < built)
  if (stale) {
    execFileSync(process.execPath, ['--import', 'tsx', 'tools/package/src/main.ts'], {cwd: ROOT, stdio: 'ignore'})
  }
  mkdirSync(elsewhere)
  const cache = join(work, 'empty-cache')
  mkdirSync(cache)
  // any registry request would fail: nothing may be fetched
  execFileSync('npm', ['install', '-g', '--offline', '--cache', cache, '--prefix', prefix, '--registry', 'http://127.0.0.1:9/', '--no-audit', '--no-fund', TARBALL], {cwd: elsewhere, stdio: 'ignore'})
}, 300_000)

afterAll(() => {
  fakes.stopAll()
  rmSync(work, {recursive: true, force: true})
})

describe('release/fm-<version>.tgz installed offline', () => {
  test('names no @fm package for npm to resolve, and installs none', () => {
    const installed = join(prefix, 'lib/node_modules/fm')
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {dependencies: Record<string, string>; bundleDependencies: string[]; fm: {native: {modules: string}}}
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@fm/'))).toEqual([])
    expect(pkg.bundleDependencies.sort()).toEqual(Object.keys(pkg.dependencies).sort())
    expect(existsSync(join(installed, 'node_modules/@fm'))).toBe(false)
    expect(pkg.fm.native.modules).toBe(process.versions.modules)
  })

  test.for([
    ['analyze as CSV', ['analyze', DUMP]],
    ['analyze as a table', ['analyze', DUMP, '--format', 'table']],
    ['analyze as JSON', ['analyze', DUMP, '--json']],
    ['the graph as dot', ['analyze', DUMP, '--format', 'dot']],
  ])('fm %s from another folder prints what the repo\'s fm prints', ([, args]) => {
    const mine = installedFm(args as string[])
    expect(mine.stderr).toBe('')
    expect(mine.status).toBe(0)
    expect(mine.stdout.length).toBeGreaterThan(100)
    expect(mine.stdout).toBe(repoFm(args as string[]).stdout)
  })

  test('fm report writes the same HTML page and the same rendered graph (wasm graphviz) as the repo\'s', () => {
    for (const [name, extra] of [['report.html', []], ['graph.svg', ['--format', 'render']]] as const) {
      const a = join(work, `installed-${name}`)
      const b = join(work, `repo-${name}`)
      expect(installedFm(['report', DUMP, '--out', a, ...extra]).status).toBe(0)
      expect(repoFm(['report', DUMP, '--out', b, ...extra]).status).toBe(0)
      const text = (f: string): string => readFileSync(f, 'utf8').replace(/ at \d{4}-\d\d-\d\dT[\d:]+Z/g, ' at TIME')
      expect(text(a).length).toBeGreaterThan(1000)
      expect(text(a)).toBe(text(b))
    }
  }, 240_000) // four reports (jsdom, wasm graphviz) on a shared 2-core machine

  test('refuses to run on another Node ABI than its native addon was built for, in one line', () => {
    const file = join(prefix, 'lib/node_modules/fm/package.json')
    const original = readFileSync(file, 'utf8')
    const pkg = JSON.parse(original) as {fm: {native: {modules: string; node: string}}}
    pkg.fm.native = {...pkg.fm.native, modules: '127', node: 'v22.12.0'}
    writeFileSync(file, JSON.stringify(pkg))
    try {
      const r = installedFm(['analyze', DUMP])
      expect(r.status).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toContain(`this fm package was built for ${process.platform}-${process.arch} and Node ABI 127 (Node v22.12.0); this is ${process.platform}-${process.arch}, Node ${process.version} (ABI ${process.versions.modules})`)
    } finally {
      writeFileSync(file, original)
    }
  })
})

describe('release/fm-capture, with an empty PATH', () => {
  const bare = {PATH: ''}

  test('prints its version and the help of every capture flag', () => {
    const v = run(CAPTURE, ['--version'], {env: bare})
    expect(v.stdout).toBe(`fm-capture/${VERSION} ${process.platform}-${process.arch} node-${process.version}\n`)
    const h = run(CAPTURE, ['--help'], {env: bare})
    expect(h.status).toBe(0)
    expect(h.stderr).toBe('')
    for (const flag of ['--analyzer', '--out', '--username', '--password', '--ssl', '--insecure', '--ca', '--timeout', '--at', '--duration', '--use-flows', '--full', '--every', '--count']) expect(h.stdout).toContain(flag)
  })

  test('refuses a missing --out as a usage error (exit 2)', () => {
    const r = run(CAPTURE, ['--analyzer', '127.0.0.1:9'], {env: bare})
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('--out PATH is required')
  })

  test('writes the capture folder the repo\'s fm capture writes (but for its times)', async () => {
    const analyzer = await fakes.start(['--username', 'admin'])
    const a = join(work, 'capture-single')
    const b = join(work, 'capture-repo')
    const mine = run(CAPTURE, ['--analyzer', analyzer, '--username', 'admin', '--out', a], {env: {...bare, FM_PASSWORD: PASSWORD}})
    expect(mine.stderr).toBe('')
    expect(mine.status).toBe(0)
    expect(mine.stdout).toContain(`${a}: 1 snapshot(s) from http://${analyzer}`)
    expect(repoFm(['capture', '--analyzer', analyzer, '--username', 'admin', '--out', b, '--password', PASSWORD]).status).toBe(0)
    const files = (dir: string): string[] => walk(dir).map((f) => relative(dir, f)).sort()
    expect(files(a)).toEqual(files(b))
    expect(files(a).length).toBeGreaterThan(3)
    for (const f of files(a)) {
      const x = readFileSync(join(a, f), 'utf8')
      if (f === 'manifest.json') expect(withoutTimes(x)).toEqual(withoutTimes(readFileSync(join(b, f), 'utf8')))
      else expect(x).toBe(readFileSync(join(b, f), 'utf8'))
      expect(x).not.toContain(PASSWORD)
    }
    // and the repo's fm reads it to the same matrix
    expect(repoFm(['analyze', a]).stdout).toBe(repoFm(['analyze', DUMP]).stdout)
  })

  test('the checksum file verifies both artefacts', () => {
    const sums = readFileSync(join(RELEASE, 'SHA256SUMS'), 'utf8')
    expect(sums).toMatch(new RegExp(`^[0-9a-f]{64}  fm-${VERSION.replace(/\./g, '\\.')}\\.tgz\\n[0-9a-f]{64}  fm-capture\\n$`))
    const r = run('sha256sum', ['-c', 'SHA256SUMS'], {cwd: RELEASE})
    expect(r.stdout).toBe(`fm-${VERSION}.tgz: OK\nfm-capture: OK\n`)
    expect(statSync(CAPTURE).mode & 0o111).not.toBe(0)
  })
})

function withoutTimes(manifest: string): unknown {
  return JSON.parse(manifest, (key, value: unknown) => (/At$/.test(key) && typeof value === 'string' ? 'TIME' : value))
}

function walk(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
}

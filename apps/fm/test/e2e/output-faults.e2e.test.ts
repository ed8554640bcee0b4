// Output faults through the built binary (issue 12, items 1, 2, 8, 18): a pipe read slower than
// fm writes, a full disk (a 64 KiB tmpfs this test mounts; /dev/full for stdout), targets
// that cannot be written, and outputs that are inputs. Each gives the whole output or one line
// and a defined code: 6 disk full, 2 bad target, 141 the reader left; never a stack, never exit 0
// with a truncated file.
import {spawnSync} from 'node:child_process'
import {closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, test} from 'vitest'
import {REPO_ROOT} from '../helpers/run-command.js'
import {spawnFm} from '../helpers/spawn-fm.js'
import {writeDeployment} from '@fm/gen'

const FIXTURE = join(REPO_ROOT, 'fixtures/skydive/two-agents.json')
const dir = mkdtempSync(join(tmpdir(), 'fm-output-faults-'))
// two 200-host deployments: a check or diff report of a few hundred KB, more than a pipe holds
const a = writeDeployment({hosts: 200, seed: 1}, join(dir, 'a')).dump
const b = writeDeployment({hosts: 200, seed: 2}, join(dir, 'b')).dump
const baseline = join(dir, 'baseline.yaml')
afterAll(() => rmSync(dir, {recursive: true, force: true}))

beforeAll(async () => {
  // a baseline of the two-agent dump allows almost nothing of a generated deployment
  expect((await spawnFm(['baseline', FIXTURE, '--out', baseline])).status).toBe(0)
})

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr.trim()).toMatch(pattern)
  expect(stderr.trim().split('\n')).toHaveLength(1)
  expect(stderr).not.toMatch(/\n\s+at /)
}

describe('a pipe read slower than fm writes gets the whole output, whatever the exit code', () => {
  test.for([
    {name: 'check --format junit (exit 5)', args: () => ['check', '--baseline', baseline, a, '--format', 'junit'], file: () => ['check', '--baseline', baseline, a, '--format', 'junit', '--output'], status: 5},
    {name: 'diff --exit-code --format json (exit 5)', args: () => ['diff', a, b, '--level', 'host', '--format', 'json', '--exit-code'], file: () => ['diff', a, b, '--level', 'host', '--format', 'json', '--output'], status: 5},
    {name: 'analyze --format table (exit 0)', args: () => ['analyze', a, '--format', 'table'], file: () => ['analyze', a, '--format', 'table', '--output'], status: 0},
  ])('$name', async ({args, file, status}) => {
    const piped = await spawnFm(args(), {slowShellPipe: {holdSeconds: 1.5}})
    const target = join(dir, `whole-${status}-${Math.random().toString(36).slice(2)}`)
    await spawnFm([...file(), target])
    const whole = readFileSync(target)
    expect(whole.length, 'more than a pipe buffer holds').toBeGreaterThan(65536)
    expect(piped.status).toBe(status)
    expect(piped.stdout.length).toBe(whole.length)
    expect(piped.stdout.equals(whole)).toBe(true)
  })

  test('a reader that leaves early (| head -c 10) ends fm quietly with 141, as SIGPIPE would', async () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" apps/fm/bin/run.js analyze "${a}" | head -c 10 >/dev/null; echo "\${PIPESTATUS:-}"`], {cwd: REPO_ROOT, encoding: 'utf8', shell: false})
    // sh has no PIPESTATUS: run it through bash, which reports the first command's code
    const bash = spawnSync('bash', ['-c', `"${process.execPath}" apps/fm/bin/run.js analyze "${a}" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], {cwd: REPO_ROOT, encoding: 'utf8'})
    expect(r.status).toBe(0)
    expect(bash.stdout.trim()).toBe('141')
    expect(bash.stderr).toBe('')
  })
})

describe('standard output on a full device (/dev/full): one line, exit 6', () => {
  test.for([
    ['analyze (streamed csv)', ['analyze', 'A']],
    ['analyze --format json (streamed)', ['analyze', 'A', '--format', 'json']],
    ['analyze --format table', ['analyze', 'A', '--format', 'table']],
    ['analyze --json', ['analyze', 'A', '--json']],
    ['diff --format json', ['diff', 'A', 'B', '--format', 'json']],
    ['check --format json', ['check', '--baseline', 'BASELINE', 'A', '--format', 'json']],
    ['baseline to stdout', ['baseline', 'A']],
  ])('%s', async ([, args]) => {
    const fd = openSync('/dev/full', 'w')
    try {
      // the first byte fails: the small bundled dump is enough
      const r = await spawnFm((args as string[]).map((x) => (x === 'A' || x === 'B' ? FIXTURE : x === 'BASELINE' ? baseline : x)), {stdoutFd: fd})
      expectOneLine(r.stderr, /^Error: cannot write standard output: no space left on the device \(ENOSPC\)$/)
      expect(r.status).toBe(6)
    } finally {
      closeSync(fd)
    }
  })
})

// Mounting needs root (CAP_SYS_ADMIN); elsewhere the tests say why they do not run.
const mnt = join(dir, 'full')
mkdirSync(mnt)
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status === 0
afterAll(() => {
  if (mounted) spawnSync('umount', [mnt])
})

/** Takes every byte of the tmpfs: any later write fails at once. */
function fillDisk(): void {
  const fd = openSync(join(mnt, 'filler'), 'w')
  try {
    for (;;) writeSync(fd, Buffer.alloc(4096))
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC')
  } finally {
    closeSync(fd)
  }
}

describe.skipIf(!mounted)('files on a full disk (a 64 KiB tmpfs): one line, exit 6, nothing left behind (needs root to mount tmpfs)', () => {
  beforeEach(() => {
    for (const f of readdirSync(mnt)) rmSync(join(mnt, f), {recursive: true})
  })

  // 'filling': the output is larger than the disk and fails part-way; 'full': the disk is full before fm starts
  test.for([
    ['analyze --output, filling', 'A', ['analyze', 'A', '--output', 'FULL/m.csv']],
    ['analyze --format table --output, filling', 'A', ['analyze', 'A', '--format', 'table', '--output', 'FULL/m.txt']],
    ['analyze --db, filling', 'A', ['analyze', 'A', '--db', 'FULL/x.db']],
    ['analyze --db, full', 'FIXTURE', ['analyze', 'A', '--db', 'FULL/x.db']],
    ['report --out, full', 'FIXTURE', ['report', 'A', '--out', 'FULL/r.html']],
    ['baseline --out, full', 'FIXTURE', ['baseline', 'A', '--out', 'FULL/b.yaml']],
    ['diff --output, full', 'FIXTURE', ['diff', 'A', 'A', '--format', 'json', '--output', 'FULL/d.json']],
    ['check --output, full', 'FIXTURE', ['check', '--baseline', 'BASELINE', 'A', '--format', 'junit', '--output', 'FULL/j.xml']],
  ])('%s', async ([, input, args]) => {
    const full = input === 'FIXTURE'
    if (full) fillDisk()
    const argv = (args as string[]).map((x) => (x === 'A' ? (full ? FIXTURE : a) : x === 'BASELINE' ? baseline : x.replace('FULL', mnt)))
    const r = await spawnFm(argv)
    expectOneLine(r.stderr, new RegExp(`^Error: cannot write ${mnt}/\\S+: no space left on the device \\((ENOSPC|SQLITE_FULL)\\)$`))
    expect(r.status).toBe(6)
    expect(readdirSync(mnt)).toStrictEqual(full ? ['filler'] : [])
  })

  test('stdout redirected to a file that fills the disk part-way', async () => {
    const fd = openSync(join(mnt, 'out.csv'), 'w')
    try {
      const r = await spawnFm(['analyze', a], {stdoutFd: fd})
      expectOneLine(r.stderr, /^Error: cannot write standard output: no space left on the device \(ENOSPC\)$/)
      expect(r.status).toBe(6)
    } finally {
      closeSync(fd)
    }
  })

  test('the temporary database on a full TMPDIR', async () => {
    fillDisk()
    const r = await spawnFm(['analyze', FIXTURE], {env: {TMPDIR: mnt}})
    expectOneLine(r.stderr, new RegExp(`^Error: cannot write ${mnt}/fm-\\S+\\.db: no space left on the device \\((SQLITE_FULL|ENOSPC)\\)$`))
    expect(r.status).toBe(6)
    expect(readdirSync(mnt)).toStrictEqual(['filler'])
  })
})

describe('targets that cannot be written: one line, exit 2, checked before the work', () => {
  const folder = join(dir, 'a-folder')
  mkdirSync(folder)
  test.for([
    ['--output a folder', ['analyze', 'FIXTURE', '--output', 'FOLDER'], /^Error: cannot write \S+a-folder: it is a folder \(EISDIR\)$/],
    ['--db a folder', ['analyze', 'FIXTURE', '--db', 'FOLDER'], /^Error: cannot write \S+a-folder: it is a folder \(EISDIR\)$/],
    ['--output in a missing folder', ['analyze', 'FIXTURE', '--output', 'FOLDER/no/m.csv'], /^Error: cannot write \S+no\/m\.csv: its folder does not exist \(ENOENT\)$/],
    ['--db in a missing folder', ['analyze', 'FIXTURE', '--db', 'FOLDER/no/x.db'], /^Error: cannot write \S+no\/x\.db: its folder does not exist \(ENOENT\)$/],
    ['report --out a folder', ['report', 'FIXTURE', '--out', 'FOLDER'], /^Error: cannot write \S+a-folder: it is a folder \(EISDIR\)$/],
  ])('%s', async ([, args, pattern]) => {
    const r = await spawnFm((args as string[]).map((x) => x.replace('FIXTURE', FIXTURE).replace('FOLDER', folder)))
    expectOneLine(r.stderr, pattern as RegExp)
    expect(r.status).toBe(2)
    // nothing like a-folder.tmp-PID is left next to it
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toStrictEqual([])
  })
})

describe('an output that is one of the inputs is refused, and the input is left as it was', () => {
  const input = join(dir, 'in.json')
  const alias = join(dir, 'alias.json')
  copyFileSync(FIXTURE, input)
  symlinkSync(input, alias)
  test.for([
    ['analyze --output', ['analyze', 'IN', '--output', 'IN'], /^Error: --output \S+ is the input \S+: fm never writes over what it reads$/],
    ['analyze --db', ['analyze', 'IN', '--db', 'IN'], /^Error: --db \S+ is the input \S+: fm never writes over what it reads$/],
    ['analyze --output through a symbolic link', ['analyze', 'IN', '--output', 'ALIAS'], /^Error: --output \S+alias\.json is the input \S+in\.json/],
    ['report --out', ['report', 'IN', '--out', 'IN'], /^Error: --out \S+ is the input/],
    ['check --output the baseline', ['check', '--baseline', 'BASELINE', 'IN', '--output', 'BASELINE'], /^Error: --output \S+ is --baseline \S+baseline\.yaml/],
    ['diff --output', ['diff', 'IN', 'IN', '--output', 'IN'], /^Error: --output \S+ is the input/],
    ['baseline --out a dump', ['baseline', 'IN', '--out', 'IN'], /^Error: --out \S+ is the input/],
  ])('%s', async ([, args, pattern]) => {
    const before = readFileSync(input)
    const before2 = readFileSync(baseline)
    const r = await spawnFm((args as string[]).map((x) => (x === 'IN' ? input : x === 'ALIAS' ? alias : x === 'BASELINE' ? baseline : x)))
    expect(r.stderr.split('\n')[0]).toMatch(pattern as RegExp)
    expect(r.status).toBe(2)
    expect(readFileSync(input).equals(before)).toBe(true)
    expect(readFileSync(baseline).equals(before2)).toBe(true)
  })
})
